// Parsing of --slo objectives (see slo_objective.h).
#include "tools/load/slo_objective.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <system_error>

#include "base/numbers.h"

namespace kv::load {
namespace {

constexpr double kMaxPercentile = 99.99;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A number as people write it in an objective: digits with at most one '.', nothing else.
std::optional<double> ParsePlainNumber(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int dots = 0;
  for (char c : s) {
    if (c == '.') {
      ++dots;
    } else if (c < '0' || c > '9') {
      return std::nullopt;
    }
  }
  if (dots > 1 || s == ".") return std::nullopt;
  std::optional<double> v = ParseNumber<double>(s);
  if (!v || !std::isfinite(*v)) return std::nullopt;
  return v;
}

// The shortest decimal that reads back as v, without an exponent (e.g. 0.3, 99.9, 90).
std::string Shortest(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
  if (ec != std::errc()) return "?";
  return std::string(buf, end);
}

Result<SloObjective> ParseOne(std::string_view part) {
  const std::string quoted = "'" + std::string(part) + "'";
  const std::string form = " (expected e.g. p99<=1ms)";
  if (part.empty()) return Error{"--slo: an empty objective" + form};
  if (part.front() != 'p' && part.front() != 'P') {
    return Error{"--slo: " + quoted + " does not start with a percentile" + form};
  }
  const size_t op = part.find('<');
  if (op == std::string_view::npos) {
    return Error{"--slo: " + quoted + " has no '<=' or '<'" + form};
  }
  SloObjective o;
  const std::string_view pct_text = Trim(part.substr(1, op - 1));
  std::optional<double> pct = ParsePlainNumber(pct_text);
  if (!pct) {
    return Error{"--slo: " + quoted + ": '" + std::string(pct_text) + "' is not a percentile" +
                 form};
  }
  if (*pct <= 0 || *pct > kMaxPercentile) {
    return Error{"--slo: " + quoted + ": the percentile must be above 0 and at most 99.99"};
  }
  o.percentile = *pct;
  std::string_view rest = part.substr(op + 1);
  if (!rest.empty() && rest.front() == '=') {
    rest.remove_prefix(1);
  } else {
    o.strict = true;
  }
  rest = Trim(rest);
  size_t unit_at = 0;
  while (unit_at < rest.size() &&
         (std::isdigit(static_cast<unsigned char>(rest[unit_at])) || rest[unit_at] == '.' ||
          rest[unit_at] == '-' || rest[unit_at] == '+')) {
    ++unit_at;
  }
  const std::string_view number = Trim(rest.substr(0, unit_at));
  const std::string_view unit = Trim(rest.substr(unit_at));
  if (!number.empty() && number.front() == '-') {
    return Error{"--slo: " + quoted + ": the limit must be positive"};
  }
  std::optional<double> limit = ParsePlainNumber(number);
  if (!limit) {
    return Error{"--slo: " + quoted + ": '" + std::string(rest) + "' is not a latency" + form};
  }
  double scale_to_ms = 0;
  if (unit == "us" || unit == "\xC2\xB5s" /* µs */) {
    scale_to_ms = 1e-3;
  } else if (unit == "ms") {
    scale_to_ms = 1;
  } else if (unit == "s") {
    scale_to_ms = 1e3;
  } else if (unit.empty()) {
    return Error{"--slo: " + quoted + ": the limit needs a unit (us, ms or s)"};
  } else {
    return Error{"--slo: " + quoted + ": unknown unit '" + std::string(unit) +
                 "' (use us, ms or s)"};
  }
  if (*limit <= 0) return Error{"--slo: " + quoted + ": the limit must be positive"};
  o.limit_ms = *limit * scale_to_ms;
  if (o.limit_ms > 3'600'000) {
    return Error{"--slo: " + quoted + ": the limit is above an hour (the histogram's range)"};
  }
  o.text = PercentileName(o.percentile) + (o.strict ? "<" : "<=") + Shortest(*limit) +
           std::string(unit == "\xC2\xB5s" ? "us" : unit);
  return o;
}

}  // namespace

std::string PercentileName(double percentile) { return "p" + Shortest(percentile); }

int64_t MinRequestsFor(double percentile) {
  return static_cast<int64_t>(std::ceil(50.0 / (1.0 - percentile / 100.0) - 1e-6));
}

Result<std::vector<SloObjective>> ParseSloObjectives(std::string_view text) {
  std::vector<SloObjective> out;
  if (Trim(text).empty()) return Error{"--slo: no objective given (expected e.g. p99<=1ms)"};
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    Result<SloObjective> one = ParseOne(Trim(text.substr(start, comma - start)));
    if (!one.ok()) return Error{one.error()};
    for (const SloObjective& seen : out) {
      if (seen.percentile == one->percentile) {
        return Error{"--slo: " + PercentileName(one->percentile) + " is given twice ('" +
                     seen.text + "' and '" + one->text + "')"};
      }
    }
    out.push_back(std::move(*one));
    start = comma + 1;
  }
  return out;
}

std::string SloObjectivesText(const std::vector<SloObjective>& objectives) {
  std::string s;
  for (const SloObjective& o : objectives) s += (s.empty() ? "" : ",") + o.text;
  return s;
}

}  // namespace kv::load
