// Reads Google Benchmark JSON and kv-load JSON into a ResultSet.
#include "tools/compare/result_set.h"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "stats/summary.h"
#include "tools/compare/json_text.h"
#include "tools/compare/names.h"
#include "tools/load/json_report.h"

namespace kv::compare {
namespace {

using nlohmann::json;

// kv-load/1 lacks the per-test wall-clock "window" (only `merge` needs it); kv-load/2 is current.
constexpr int kKvLoadOldestSchemaVersion = 1;
constexpr int kKvLoadSchemaVersion = load::kJsonSchemaVersion;

// Numeric fields of a Google Benchmark run that describe the run rather than measure it.
bool IsStructuralField(const std::string& key) {
  return key == "family_index" || key == "per_family_instance_index" || key == "repetitions" ||
         key == "repetition_index" || key == "threads" || key == "iterations";
}

std::string ContextValue(const json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

std::optional<double> FiniteNumber(const json& value) {
  if (!value.is_number()) return std::nullopt;
  double v = value.get<double>();
  if (!std::isfinite(v)) return std::nullopt;
  return v;
}

Series& SeriesNamed(ResultSet& set, std::map<std::string, size_t>& index, const std::string& name) {
  auto [it, inserted] = index.emplace(name, set.series.size());
  if (inserted) {
    set.series.emplace_back();
    set.series.back().name = name;
  }
  return set.series[it->second];
}

Status ParseGoogleBenchmark(const json& doc, ResultSet& set) {
  set.format = SourceFormat::kGoogleBenchmark;
  if (doc.contains("context") && doc["context"].is_object()) {
    for (const auto& [key, value] : doc["context"].items()) set.context[key] = ContextValue(value);
  }
  const json& runs = doc["benchmarks"];
  std::map<std::string, size_t> index;
  // Aggregates are kept aside: used only for benchmarks that have no iteration runs at all. Every
  // name gets its series at its first run of either kind, so that series keep the file's order.
  std::map<std::string, std::map<std::string, Repetition>> aggregates;
  std::set<std::string> with_runs;
  for (const json& run : runs) {
    if (!run.is_object() || !run.contains("name") || !run["name"].is_string()) {
      return Error{set.source + ": a benchmark entry has no \"name\""};
    }
    std::string run_type = run.value("run_type", "iteration");
    std::string aggregate = run.value("aggregate_name", "");
    std::string raw_name = run.contains("run_name") && run["run_name"].is_string()
                               ? run["run_name"].get<std::string>()
                               : StripAggregateSuffix(run["name"].get<std::string>(), aggregate);
    std::string name = NormalizeName(raw_name);
    Repetition rep;
    for (const auto& [key, value] : run.items()) {
      if (IsStructuralField(key)) continue;
      if (auto v = FiniteNumber(value)) rep.metrics[key] = *v;
    }
    Series& series = SeriesNamed(set, index, name);
    if (run_type == "aggregate") {
      aggregates[name][aggregate] = std::move(rep);
      continue;
    }
    with_runs.insert(name);
    if (run.value("error_occurred", false)) {
      series.errors.push_back(run.value("error_message", std::string("error_occurred")));
      continue;
    }
    rep.index = run.contains("repetition_index") && run["repetition_index"].is_number_integer()
                    ? run["repetition_index"].get<int>()
                    : static_cast<int>(series.repetitions.size());
    series.repetitions.push_back(std::move(rep));
  }
  for (Series& series : set.series) {
    if (with_runs.contains(series.name)) continue;
    std::map<std::string, Repetition>& by_kind = aggregates[series.name];
    auto it = by_kind.find("median");
    if (it == by_kind.end()) it = by_kind.find("mean");
    if (it == by_kind.end()) continue;  // stddev/cv alone say nothing about the level: dropped
    series.from_aggregates = true;
    series.repetitions.push_back(std::move(it->second));
  }
  std::erase_if(set.series, [&](const Series& s) {
    return !with_runs.contains(s.name) && s.repetitions.empty();
  });
  return {};
}

// kv-load's JSON (tools/load/json_report.cc): {"schema": "kv-load/2", "schema_version": 2,
// "config": {...}, "tests": [{"title": "SET", "rps": .., "requests": .., "errors": ..,
// "latency_ms": {"avg", "min", "p50", "p90", "p95", "p99", "p99_9", "p99_99", "max"}, ...}]}.
// Also read: "name" for "title" and "latency_us" (microseconds) for "latency_ms", "p99.9" for
// "p99_9". Other fields are ignored.
Status ParseKvLoad(const json& doc, ResultSet& set) {
  set.format = SourceFormat::kKvLoad;
  if (!doc.contains("schema_version") || !doc["schema_version"].is_number_integer()) {
    return Error{set.source + ": kv-load JSON without an integer \"schema_version\""};
  }
  int version = doc["schema_version"].get<int>();
  if (version < kKvLoadOldestSchemaVersion || version > kKvLoadSchemaVersion) {
    return Error{set.source + ": kv-load schema_version " + std::to_string(version) +
                 " is not supported (this kv-compare reads versions " +
                 std::to_string(kKvLoadOldestSchemaVersion) + " to " +
                 std::to_string(kKvLoadSchemaVersion) + ")"};
  }
  if (doc.contains("config") && doc["config"].is_object()) {
    for (const auto& [key, value] : doc["config"].items()) set.context[key] = ContextValue(value);
  }
  if (!doc.contains("tests") || !doc["tests"].is_array()) {
    return Error{set.source + ": kv-load JSON without a \"tests\" array"};
  }
  std::map<std::string, size_t> index;
  for (const json& test : doc["tests"]) {
    const char* name_key = test.is_object() && test.contains("title") ? "title" : "name";
    if (!test.is_object() || !test.contains(name_key) || !test[name_key].is_string()) {
      return Error{set.source + ": a kv-load test has no \"title\""};
    }
    Series& series = SeriesNamed(set, index, test[name_key].get<std::string>());
    Repetition rep;
    rep.index = static_cast<int>(series.repetitions.size());
    if (test.contains("rps")) {
      if (auto v = FiniteNumber(test["rps"])) rep.metrics["items_per_second"] = *v;
    }
    // Milliseconds (kv-load) or microseconds; our metrics are microseconds.
    const json* latency = nullptr;
    double to_us = 1;
    if (test.contains("latency_ms") && test["latency_ms"].is_object()) {
      latency = &test["latency_ms"];
      to_us = 1000;
    } else if (test.contains("latency_us") && test["latency_us"].is_object()) {
      latency = &test["latency_us"];
    }
    if (latency != nullptr) {
      static const std::pair<const char*, const char*> kLatency[] = {
          {"p50", "p50_us"},    {"p90", "p90_us"},    {"p95", "p95_us"}, {"p99", "p99_us"},
          {"p99_9", "p999_us"}, {"p99.9", "p999_us"}, {"max", "max_us"}, {"min", "min_us"},
          {"avg", "avg_us"},    {"mean", "avg_us"}};
      for (const auto& [from, to] : kLatency) {
        if (!latency->contains(from)) continue;
        if (auto v = FiniteNumber((*latency)[from])) rep.metrics[to] = *v * to_us;
      }
    }
    for (const char* key : {"requests", "errors", "duration_s"}) {
      if (!test.contains(key)) continue;
      if (auto v = FiniteNumber(test[key])) rep.metrics[key] = *v;
    }
    if (auto it = rep.metrics.find("errors"); it != rep.metrics.end() && it->second > 0) {
      series.errors.push_back(std::to_string(static_cast<long long>(it->second)) +
                              " error replies");
    }
    series.repetitions.push_back(std::move(rep));
  }
  return {};
}

}  // namespace

std::string_view SourceFormatName(SourceFormat format) {
  switch (format) {
    case SourceFormat::kGoogleBenchmark:
      return "Google Benchmark JSON";
    case SourceFormat::kKvLoad:
      return "kv-load JSON";
  }
  return "?";
}

std::vector<double> Series::Values(std::string_view metric) const {
  std::vector<double> out;
  for (const Repetition& rep : repetitions) {
    if (auto it = rep.metrics.find(std::string(metric)); it != rep.metrics.end()) {
      out.push_back(it->second);
    }
  }
  return out;
}

const Repetition* Series::FindRepetition(int rep_index) const {
  for (const Repetition& rep : repetitions) {
    if (rep.index == rep_index) return &rep;
  }
  return nullptr;
}

const Series* ResultSet::Find(std::string_view name) const {
  for (const Series& s : series) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::vector<std::string> TargetsIn(const ResultSet& set) {
  std::vector<std::string> out;
  for (const Series& s : set.series) {
    TargetAndCase tc = SplitTarget(s.name);
    if (tc.case_name.empty()) continue;
    if (std::find(out.begin(), out.end(), tc.target) == out.end()) out.push_back(tc.target);
  }
  return out;
}

TargetPair DefaultPair(const ResultSet& set) {
  TargetPair pair;
  if (auto it = set.context.find("kv_reference"); it != set.context.end() && !it->second.empty()) {
    pair.reference = it->second;
  }
  std::vector<TargetPair> pairs = PairsToReport(set, pair.reference);
  if (!pairs.empty()) pair.target = pairs.front().target;
  return pair;
}

std::vector<TargetPair> PairsToReport(const ResultSet& set, const std::string& reference,
                                      const std::string& only_target) {
  std::vector<TargetPair> out;
  if (!only_target.empty()) return {TargetPair{.target = only_target, .reference = reference}};
  std::vector<std::string> targets = TargetsIn(set);
  // kv (this project's server) first: the summary leads with it.
  std::stable_partition(targets.begin(), targets.end(),
                        [](const std::string& t) { return t == "kv"; });
  for (const std::string& t : targets) {
    if (t != reference) out.push_back(TargetPair{.target = t, .reference = reference});
  }
  return out;
}

Result<ResultSet> ParseResults(std::string_view text, std::string_view source) {
  ResultSet set;
  set.source = std::string(source);
  json doc;
  try {
    doc = json::parse(ReplaceNonFiniteTokens(text));
  } catch (const json::parse_error& e) {
    return Error{set.source + ": malformed JSON: " + e.what()};
  }
  if (!doc.is_object()) return Error{set.source + ": malformed input: not a JSON object"};
  Status status;
  if (doc.contains("schema")) {
    // kv-load writes "kv-load/2"; the version proper is checked from "schema_version".
    std::string schema = doc["schema"].is_string() ? doc["schema"].get<std::string>() : "";
    if (schema != "kv-load" && !schema.starts_with("kv-load/")) {
      return Error{set.source + ": unknown schema " + doc["schema"].dump() +
                   " (kv-compare reads Google Benchmark JSON and kv-load JSON)"};
    }
    status = ParseKvLoad(doc, set);
  } else if (doc.contains("benchmarks") && doc["benchmarks"].is_array()) {
    status = ParseGoogleBenchmark(doc, set);
  } else {
    return Error{set.source +
                 ": unknown schema: neither Google Benchmark JSON (\"benchmarks\" array) nor "
                 "kv-load JSON (\"schema\": \"kv-load\")"};
  }
  if (!status.ok()) return Error{status.error()};
  if (set.series.empty()) return Error{set.source + ": no benchmark results in the file"};
  set.pair = DefaultPair(set);
  return set;
}

Result<std::string> ReadTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot open"};
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Error{path + ": read error"};
  return text.str();
}

Result<ResultSet> LoadResults(const std::string& path) {
  auto text = ReadTextFile(path);
  if (!text) return Error{text.error()};
  return ParseResults(*text, path);
}

std::optional<double> MedianOf(const Series* series, std::string_view metric) {
  if (series == nullptr) return std::nullopt;
  const std::vector<double> values = series->Values(metric);
  if (values.empty()) return std::nullopt;
  return stats::Median(values);
}

}  // namespace kv::compare
