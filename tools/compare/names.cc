// Benchmark name normalisation and splitting.
#include "tools/compare/names.h"

#include <array>
#include <charconv>
#include <vector>

#include "base/numbers.h"

namespace kv::compare {
namespace {

std::vector<std::string_view> SplitPath(std::string_view name) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t slash = name.find('/', start);
    parts.push_back(name.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return parts;
}

bool IsIgnoredComponent(std::string_view part) {
  static constexpr std::array<std::string_view, 3> kExact = {"real_time", "manual_time",
                                                             "process_time"};
  static constexpr std::array<std::string_view, 4> kPrefixes = {
      "repeats:", "iterations:", "min_time:", "min_warmup_time:"};
  for (std::string_view e : kExact) {
    if (part == e) return true;
  }
  if (part == "threads:1") return true;
  for (std::string_view p : kPrefixes) {
    if (part.starts_with(p)) return true;
  }
  return false;
}

}  // namespace

std::string NormalizeName(std::string_view name) {
  std::string out;
  for (std::string_view part : SplitPath(name)) {
    if (IsIgnoredComponent(part)) continue;
    if (!out.empty()) out.push_back('/');
    out.append(part);
  }
  return out;
}

std::string StripAggregateSuffix(std::string_view name, std::string_view aggregate) {
  if (aggregate.empty()) return std::string(name);
  // Checked in two steps rather than by building "_" + aggregate (GCC 12 -Wrestrict misfires).
  if (name.size() > aggregate.size() + 1 && name.ends_with(aggregate) &&
      name[name.size() - aggregate.size() - 1] == '_') {
    name.remove_suffix(aggregate.size() + 1);
  }
  return std::string(name);
}

std::string ServerLabel(std::string_view target) {
  if (target == "kv") return "kv-server";
  if (target == "redis") return "redis-server";
  return std::string(target);
}

TargetAndCase SplitTarget(std::string_view name) {
  size_t slash = name.find('/');
  if (slash == std::string_view::npos) return {std::string(name), ""};
  return {std::string(name.substr(0, slash)), std::string(name.substr(slash + 1))};
}

std::optional<long> NameParameter(std::string_view name, std::string_view key) {
  for (std::string_view part : SplitPath(name)) {
    if (part.size() <= key.size() + 1 || !part.starts_with(key) || part[key.size()] != ':') {
      continue;
    }
    std::string_view digits = part.substr(key.size() + 1);
    return ParseNumber<long>(digits);
  }
  return std::nullopt;
}

}  // namespace kv::compare
