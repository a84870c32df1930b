// Policy parsing and the built-in default policy.
#include "tools/compare/policy.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "tools/compare/pattern.h"
#include "tools/compare/result_set.h"

namespace kv::compare {
namespace {

using nlohmann::json;

constexpr int kPolicyVersion = 1;

Result<double> NumberField(const json& obj, const char* key, const std::string& where) {
  if (!obj[key].is_number()) return Error{where + ": \"" + key + "\" must be a number"};
  return obj[key].get<double>();
}

Result<MetricPolicy> ParseMetric(const std::string& name, const json& obj,
                                 const std::string& where) {
  if (!obj.is_object()) return Error{where + ": metric \"" + name + "\" must be an object"};
  MetricPolicy metric;
  metric.name = name;
  for (const auto& [key, value] : obj.items()) {
    if (key == "direction") {
      std::string d = value.is_string() ? value.get<std::string>() : "";
      if (d != "higher" && d != "lower") {
        return Error{where + ": metric \"" + name +
                     "\": direction must be \"higher\" or \"lower\""};
      }
      metric.direction = d == "higher" ? Direction::kHigherIsBetter : Direction::kLowerIsBetter;
    } else if (key == "threshold") {
      if (!value.is_number() || value.get<double>() < 0) {
        return Error{where + ": metric \"" + name + "\": threshold must be a number >= 0"};
      }
      metric.threshold = value.get<double>();
    } else if (key == "gate") {
      if (!value.is_boolean()) return Error{where + ": metric \"" + name + "\": gate: bool"};
      metric.gate = value.get<bool>();
    } else if (key != "comment") {
      return Error{where + ": metric \"" + name + "\": unknown key \"" + key + "\""};
    }
  }
  if (!obj.contains("direction")) {
    return Error{where + ": metric \"" + name + "\" needs a \"direction\""};
  }
  return metric;
}

Result<Target> ParseTarget(const json& obj, const std::string& where) {
  if (!obj.is_object()) return Error{where + ": each target must be an object"};
  Target target;
  for (const char* key : {"name", "match", "metric", "op"}) {
    if (!obj.contains(key) || !obj[key].is_string()) {
      return Error{where + ": a target needs a string \"" + key + "\""};
    }
  }
  target.name = obj["name"].get<std::string>();
  target.match = obj["match"].get<std::string>();
  target.metric = obj["metric"].get<std::string>();
  std::string op = obj["op"].get<std::string>();
  if (op != ">" && op != "<") return Error{where + ": target \"" + target.name + "\": op: > or <"};
  target.op = op == ">" ? TargetOp::kGreater : TargetOp::kLess;
  auto value = NumberField(obj, "value", where + ": target \"" + target.name + "\"");
  if (!value) return Error{value.error()};
  target.value = *value;
  if (obj.contains("gate")) {
    if (!obj["gate"].is_boolean()) return Error{where + ": target \"" + target.name + "\": gate"};
    target.gate = obj["gate"].get<bool>();
  }
  if (auto pattern = Pattern::Compile(target.match); !pattern) {
    return Error{where + ": target \"" + target.name + "\": " + pattern.error()};
  }
  return target;
}

Status ParseModes(const json& value, const std::string& where, Policy& policy) {
  if (!value.is_array() || value.empty()) return Error{where + ": gate_modes: non-empty array"};
  policy.gate_modes.clear();
  for (const json& m : value) {
    std::string mode = m.is_string() ? m.get<std::string>() : "";
    if (mode == "raw") {
      policy.gate_modes.push_back(GateMode::kRaw);
    } else if (mode == "ratio") {
      policy.gate_modes.push_back(GateMode::kRatio);
    } else {
      return Error{where + ": gate_modes: \"raw\" or \"ratio\", not " + m.dump()};
    }
  }
  return {};
}

// JSON objects come back sorted by key; reports read better in the usual order (throughput first).
void SortMetricsByDefaultOrder(std::vector<MetricPolicy>& metrics) {
  static constexpr std::string_view kOrder[] = {"items_per_second", "p50_us", "p99_us",
                                                "server_cpu_us_per_op", "bytes_per_key"};
  auto rank = [](const MetricPolicy& m) {
    auto it = std::find(std::begin(kOrder), std::end(kOrder), m.name);
    return static_cast<size_t>(it - std::begin(kOrder));
  };
  std::stable_sort(metrics.begin(), metrics.end(),
                   [&](const MetricPolicy& a, const MetricPolicy& b) { return rank(a) < rank(b); });
}

}  // namespace

const MetricPolicy* Policy::FindMetric(std::string_view name) const {
  for (const MetricPolicy& m : metrics) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

bool Policy::Gates(GateMode mode) const {
  return std::find(gate_modes.begin(), gate_modes.end(), mode) != gate_modes.end();
}

std::string_view GateModeName(GateMode mode) { return mode == GateMode::kRaw ? "raw" : "ratio"; }

std::string GateModesName(const std::vector<GateMode>& modes) {
  std::string out;
  for (GateMode m : modes) {
    if (!out.empty()) out += '+';
    out += GateModeName(m);
  }
  return out;
}

Policy DefaultPolicy() {
  Policy p;
  p.metrics = {
      {"items_per_second", Direction::kHigherIsBetter, 0.10, true},
      {"p50_us", Direction::kLowerIsBetter, 0.15, false},
      {"p99_us", Direction::kLowerIsBetter, 0.25, false},
      {"server_cpu_us_per_op", Direction::kLowerIsBetter, 0.15, false},
      {"bytes_per_key", Direction::kLowerIsBetter, 0.10, true},
  };
  p.targets = {
      {"single client > 5000 ops/s", "^kv/(SET|GET|INCR|MIXED)/clients:1/pipeline:1(/|$)",
       "items_per_second", TargetOp::kGreater, 5000, true},
      {"pool > 10000 ops/s", "^kv/POOL_(SET|MIXED)/", "items_per_second", TargetOp::kGreater, 10000,
       true},
      {"pool overhead < 20 %", "^kv/POOL_OVERHEAD/", "pool_overhead_pct", TargetOp::kLess, 20,
       false},
      {"average latency < 1 ms", "^kv/LATENCY_(SET|GET)/", "avg_us", TargetOp::kLess, 1000, true},
      {"p99 < 5 ms", "^kv/LATENCY_(SET|GET)/", "p99_us", TargetOp::kLess, 5000, true},
      {"kv-server / redis-server > 1.0", "^kv/", "kv_redis_ratio", TargetOp::kGreater, 1.0, false},
  };
  return p;
}

Result<Policy> ParsePolicy(std::string_view text, std::string_view source) {
  std::string where(source);
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    return Error{where + ": malformed JSON: " + e.what()};
  }
  if (!doc.is_object() || doc.value("schema", "") != "kv-compare-policy") {
    return Error{where + ": not a kv-compare policy (needs \"schema\": \"kv-compare-policy\")"};
  }
  if (!doc.contains("version") || !doc["version"].is_number_integer() ||
      doc["version"].get<int>() != kPolicyVersion) {
    return Error{where + ": policy \"version\" must be " + std::to_string(kPolicyVersion)};
  }
  Policy policy = DefaultPolicy();
  for (const auto& [key, value] : doc.items()) {
    if (key == "schema" || key == "version" || key == "comment") continue;
    if (key == "alpha") {
      if (!value.is_number() || value.get<double>() <= 0 || value.get<double>() >= 1) {
        return Error{where + ": alpha must be in (0, 1)"};
      }
      policy.alpha = value.get<double>();
    } else if (key == "min_repetitions") {
      if (!value.is_number_integer() || value.get<int>() < 2) {
        return Error{where + ": min_repetitions must be an integer >= 2 (a p-value needs 2)"};
      }
      policy.min_repetitions = value.get<int>();
    } else if (key == "confidence") {
      if (!value.is_number() || value.get<double>() < 0.5 || value.get<double>() >= 1) {
        return Error{where + ": confidence must be in [0.5, 1)"};
      }
      policy.confidence = value.get<double>();
    } else if (key == "equal_band") {
      if (!value.is_number() || value.get<double>() < 0 || value.get<double>() >= 1) {
        return Error{where + ": equal_band must be in [0, 1)"};
      }
      policy.equal_band = value.get<double>();
    } else if (key == "gate_single_cases") {
      if (!value.is_boolean()) return Error{where + ": gate_single_cases must be true or false"};
      policy.gate_single_cases = value.get<bool>();
    } else if (key == "max_noisy_fraction") {
      if (!value.is_number() || value.get<double>() < 0 || value.get<double>() > 1) {
        return Error{where + ": max_noisy_fraction must be a number in [0, 1]"};
      }
      policy.max_noisy_fraction = value.get<double>();
    } else if (key == "gate_modes") {
      if (Status s = ParseModes(value, where, policy); !s) return Error{s.error()};
    } else if (key == "metrics") {
      if (!value.is_object()) return Error{where + ": metrics must be an object"};
      policy.metrics.clear();
      for (const auto& [name, obj] : value.items()) {
        auto metric = ParseMetric(name, obj, where);
        if (!metric) return Error{metric.error()};
        policy.metrics.push_back(std::move(*metric));
      }
      SortMetricsByDefaultOrder(policy.metrics);
    } else if (key == "targets") {
      if (!value.is_array()) return Error{where + ": targets must be an array"};
      policy.targets.clear();
      for (const json& obj : value) {
        auto target = ParseTarget(obj, where);
        if (!target) return Error{target.error()};
        policy.targets.push_back(std::move(*target));
      }
    } else {
      return Error{where + ": unknown policy key \"" + key + "\""};
    }
  }
  return policy;
}

Result<Policy> LoadPolicy(const std::string& path) {
  auto text = ReadTextFile(path);
  if (!text) return Error{text.error()};
  return ParsePolicy(*text, path);
}

}  // namespace kv::compare
