// kv_bench JSON -> ratio table.
#include "bench/summary.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace kv::bench {
namespace {

// Replaces bare NaN / Infinity / -Infinity tokens outside strings with null.
std::string SanitizeNonFinite(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size()) {
        out += text[++i];
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      out += c;
      continue;
    }
    bool replaced = false;
    for (std::string_view token : {"-Infinity", "Infinity", "NaN"}) {
      if (!replaced && text.substr(i, token.size()) == token) {
        out += "null";
        i += token.size() - 1;
        replaced = true;
      }
    }
    if (!replaced) out += c;
  }
  return out;
}

double Number(const nlohmann::json& j, const char* key, double missing) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : missing;
}

std::string FormatRate(double v) {
  char buf[32];
  if (v >= 1e6) {
    std::snprintf(buf, sizeof(buf), "%.2fM", v / 1e6);
  } else if (v >= 1e3) {
    std::snprintf(buf, sizeof(buf), "%.1fk", v / 1e3);
  } else {
    std::snprintf(buf, sizeof(buf), "%.0f", v);
  }
  return buf;
}

std::string FormatMicros(double v) {
  if (v < 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof(buf), v >= 100 ? "%.0f" : "%.1f", v);
  return buf;
}

std::string Pad(const std::string& s, size_t width, bool left) {
  if (s.size() >= width) return s;
  return left ? s + std::string(width - s.size(), ' ') : std::string(width - s.size(), ' ') + s;
}

}  // namespace

std::pair<std::string, std::string> SplitRunName(std::string_view run_name) {
  const size_t slash = run_name.find('/');
  std::string target(run_name.substr(0, slash));
  std::string rest = slash == std::string_view::npos ? "" : std::string(run_name.substr(slash + 1));
  // Drop Google Benchmark's own components: real_time/manual_time, threads:N, repeats:N.
  std::string kept;
  size_t pos = 0;
  while (pos <= rest.size() && !rest.empty()) {
    size_t end = rest.find('/', pos);
    if (end == std::string::npos) end = rest.size();
    const std::string part = rest.substr(pos, end - pos);
    if (part != "real_time" && part != "manual_time" && part.rfind("threads:", 0) != 0 &&
        part.rfind("repeats:", 0) != 0) {
      if (!kept.empty()) kept += '/';
      kept += part;
    }
    pos = end + 1;
    if (end == rest.size()) break;
  }
  return {target, kept};
}

Result<nlohmann::json> ParseBenchmarkJson(std::string_view text) {
  nlohmann::json doc = nlohmann::json::parse(SanitizeNonFinite(text), nullptr, false);
  if (doc.is_discarded()) return Error{"not valid JSON"};
  if (!doc.is_object() || !doc.contains("benchmarks") || !doc["benchmarks"].is_array()) {
    return Error{"not Google Benchmark JSON (no \"benchmarks\" array)"};
  }
  return doc;
}

Result<SummaryInput> ExtractResults(const nlohmann::json& doc) {
  SummaryInput out;
  if (auto ctx = doc.find("context"); ctx != doc.end() && ctx->is_object()) {
    for (const auto& [k, v] : ctx->items()) {
      if (v.is_string()) out.context[k] = v.get<std::string>();
    }
  }
  // Which run names have a median aggregate.
  std::set<std::string> has_median;
  for (const nlohmann::json& b : doc["benchmarks"]) {
    if (b.value("run_type", "") == "aggregate" && b.value("aggregate_name", "") == "median") {
      has_median.insert(b.value("run_name", b.value("name", "")));
    }
  }
  std::map<std::pair<std::string, std::string>, size_t> index;
  std::map<size_t, int> samples;
  for (const nlohmann::json& b : doc["benchmarks"]) {
    if (!b.is_object()) return Error{"a \"benchmarks\" entry is not an object"};
    const std::string run_name = b.value("run_name", b.value("name", ""));
    const bool aggregate = b.value("run_type", "") == "aggregate";
    if (has_median.count(run_name) ? !(aggregate && b.value("aggregate_name", "") == "median")
                                   : aggregate) {
      continue;
    }
    auto [target, case_key] = SplitRunName(run_name);
    auto [it, inserted] = index.try_emplace({target, case_key}, out.results.size());
    if (inserted) {
      CaseResult r;
      r.target = target;
      r.case_key = case_key;
      out.results.push_back(r);
    }
    CaseResult& r = out.results[it->second];
    if (b.value("error_occurred", false)) {
      r.error = true;
      r.error_message = b.value("error_message", "");
      continue;
    }
    // Running mean over repetitions when there is no median aggregate.
    const int n = ++samples[it->second];
    auto mean = [n](double old, double v) { return old + (v - old) / n; };
    r.items_per_second = mean(r.items_per_second, Number(b, "items_per_second", 0));
    r.p50_us = n == 1 ? Number(b, "p50_us", -1) : mean(r.p50_us, Number(b, "p50_us", -1));
    r.p99_us = n == 1 ? Number(b, "p99_us", -1) : mean(r.p99_us, Number(b, "p99_us", -1));
  }
  return out;
}

std::string FormatSummary(const SummaryInput& input) {
  std::vector<std::string> targets;
  std::vector<std::string> cases;
  std::map<std::pair<std::string, std::string>, const CaseResult*> by_key;
  for (const CaseResult& r : input.results) {
    if (std::find(targets.begin(), targets.end(), r.target) == targets.end())
      targets.push_back(r.target);
    if (std::find(cases.begin(), cases.end(), r.case_key) == cases.end())
      cases.push_back(r.case_key);
    by_key[{r.target, r.case_key}] = &r;
  }
  // kv first, then redis, then anything else.
  std::stable_sort(targets.begin(), targets.end(), [](const std::string& a, const std::string& b) {
    auto rank = [](const std::string& t) { return t == "kv" ? 0 : t == "redis" ? 1 : 2; };
    return rank(a) < rank(b);
  });
  const bool ratio = std::find(targets.begin(), targets.end(), "kv") != targets.end() &&
                     std::find(targets.begin(), targets.end(), "redis") != targets.end();
  size_t case_width = 4;
  for (const std::string& c : cases) case_width = std::max(case_width, c.size());

  std::string out;
  for (const char* key : {"host", "build_type", "kv_version", "kv_git_commit", "kv_server_version",
                          "redis_version", "grid"}) {
    if (auto it = input.context.find(key); it != input.context.end()) {
      out += std::string(key) + ": " + it->second + "\n";
    }
  }
  out += "\n" + Pad("case", case_width, true);
  for (const std::string& t : targets) {
    out += " | " + Pad(t + " ops/s", 12, false) + " " + Pad("p50 us", 8, false) + " " +
           Pad("p99 us", 8, false);
  }
  if (ratio) out += " | kv/redis";
  out += "\n" + std::string(out.size() - out.rfind('\n', out.size() - 2) - 1, '-') + "\n";
  std::vector<std::string> errors;
  for (const std::string& c : cases) {
    std::string line = Pad(c, case_width, true);
    for (const std::string& t : targets) {
      auto it = by_key.find({t, c});
      if (it == by_key.end()) {
        line += " | " + Pad("-", 12, false) + " " + Pad("-", 8, false) + " " + Pad("-", 8, false);
      } else if (it->second->error) {
        line += " | " + Pad("ERROR", 12, false) + " " + Pad("", 8, false) + " " + Pad("", 8, false);
        errors.push_back(t + "/" + c + ": " + it->second->error_message);
      } else {
        const CaseResult& r = *it->second;
        line += " | " + Pad(FormatRate(r.items_per_second), 12, false) + " " +
                Pad(FormatMicros(r.p50_us), 8, false) + " " + Pad(FormatMicros(r.p99_us), 8, false);
      }
    }
    if (ratio) {
      auto kv = by_key.find({"kv", c});
      auto redis = by_key.find({"redis", c});
      std::string cell = "-";
      if (kv != by_key.end() && redis != by_key.end() && !kv->second->error &&
          !redis->second->error && redis->second->items_per_second > 0) {
        char buf[32];
        std::snprintf(buf, sizeof(buf), "%.2fx",
                      kv->second->items_per_second / redis->second->items_per_second);
        cell = buf;
      }
      line += " | " + Pad(cell, 8, false);
    }
    out += line + "\n";
  }
  if (ratio) {
    out +=
        "\nkv/redis: kv-server throughput divided by redis-server's for the same case in the "
        "same run (> 1: kv-server is faster).\n";
  }
  for (const std::string& e : errors) out += "ERROR " + e + "\n";
  return out;
}

}  // namespace kv::bench
