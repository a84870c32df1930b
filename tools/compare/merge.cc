// Merging the kv-load JSON of several processes into one (see merge.h).
#include "tools/compare/merge.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string_view>

#include "stats/histogram.h"
#include "tools/compare/gate.h"
#include "tools/compare/html/report_command.h"
#include "tools/compare/load_settings.h"
#include "tools/compare/result_set.h"
#include "tools/load/json_report.h"
#include "tools/load/report.h"
#include "tools/load/result.h"

namespace kv::compare {
namespace {

using nlohmann::json;

constexpr std::string_view kUsage =
    "usage: kv-compare merge A.json B.json [C.json ...] -o MERGED.json";

// Settings that split the load over the processes: the merged config holds their sum.
constexpr std::string_view kSummedSettings[] = {"clients", "requests", "threads", "rps"};
// Every other setting (host, port, socket, duration, warmup, seed, ...) is kept when all the
// inputs agree on it, else null.

// [start, end) in µs since the Unix epoch.
struct Window {
  int64_t start_us = 0;
  int64_t end_us = 0;
  int64_t length() const { return end_us - start_us; }
};

// One test of one input (a kv-load file or an already merged one), or their merge.
struct LoadTest {
  std::string title;
  bool open_loop = false;
  int64_t requests = 0;
  load::ErrorCounts errors;
  int64_t lost_connections = 0;
  int64_t reconnects = 0;
  double target_rps = 0;  // open loop
  stats::Histogram uncorrected;
  std::optional<stats::Histogram> corrected;  // open loop
  Window span;                                // [earliest start, latest end]
  std::optional<Window> overlap;              // the windows' intersection; nullopt: empty
  int64_t processes = 1;
  double sum_of_rates = 0;
  int64_t threads = 0;
  double cpu_s = 0;
  std::vector<double> busy;
  bool client_bound = false;
};

struct LoadRun {
  std::string source;
  std::vector<std::string> sources;  // the kv-load files it holds (merged inputs: theirs)
  json version;
  json config;
  json server;
  std::vector<LoadTest> tests;
};

int64_t Micros(double seconds) { return std::llround(seconds * 1e6); }
double Seconds(int64_t us) { return static_cast<double>(us) / 1e6; }

std::string Percent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %%", fraction * 100);
  return buf;
}

std::string Fixed(double v, const char* format) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

Result<int64_t> Count(const json& object, const char* key, const std::string& where) {
  if (!object.contains(key) || !object[key].is_number_integer() || object[key].get<int64_t>() < 0) {
    return Error{where + ": \"" + key + "\" is not a non-negative integer"};
  }
  return object[key].get<int64_t>();
}

Result<double> Number(const json& object, const char* key, const std::string& where) {
  if (!object.contains(key) || !object[key].is_number() ||
      !std::isfinite(object[key].get<double>())) {
    return Error{where + ": \"" + key + "\" is not a finite number"};
  }
  return object[key].get<double>();
}

Result<Window> ReadWindow(const json& w, const std::string& where) {
  if (!w.is_object()) return Error{where + " is not an object"};
  Result<double> start = Number(w, "start_unix_s", where);
  if (!start.ok()) return Error{start.error()};
  Result<double> end = Number(w, "end_unix_s", where);
  if (!end.ok()) return Error{end.error()};
  Window out{Micros(*start), Micros(*end)};
  if (out.end_us < out.start_us) return Error{where + ": ends before it starts"};
  return out;
}

Result<stats::Histogram> ReadHistogram(const json& test, const char* key,
                                       const std::string& where) {
  if (!test.contains(key) || test[key].is_null()) {
    return Error{where + " has no \"" + key +
                 "\": merge needs the full latency histograms (a kv-load older than its "
                 "histogram field wrote this file?)"};
  }
  const json& h = test[key];
  if (h.is_object() && h.contains("significant_digits") &&
      h["significant_digits"] != stats::Histogram::kSignificantDigits) {
    return Error{where + ": \"" + key + "\" has " + h["significant_digits"].dump() +
                 " significant digits, this kv-compare's histograms " +
                 std::to_string(stats::Histogram::kSignificantDigits) +
                 ": incompatible histogram precision, cannot merge losslessly"};
  }
  if (h.is_object() && h.contains("unit") && h["unit"] != "ns") {
    return Error{where + ": \"" + key + "\" is in " + h["unit"].dump() +
                 ", not \"ns\": incompatible histogram precision, cannot merge losslessly"};
  }
  Result<stats::Histogram> out = stats::Histogram::FromJson(h);
  if (!out.ok()) return Error{where + ": \"" + key + "\": " + out.error()};
  return out;
}

Status ReadErrors(const json& t, const std::string& where, LoadTest& test) {
  Result<int64_t> total = Count(t, "errors", where);
  if (!total.ok()) return Error{total.error()};
  if (!t.contains("error_types") || !t["error_types"].is_array()) {
    return Error{where + ": \"error_types\" is not an array"};
  }
  for (const json& e : t["error_types"]) {
    if (!e.is_object() || !e.contains("type") || !e["type"].is_string()) {
      return Error{where + ": an \"error_types\" entry has no \"type\""};
    }
    Result<int64_t> n = Count(e, "count", where + ": error type " + e["type"].dump());
    if (!n.ok()) return Error{n.error()};
    test.errors.AddTyped(e["type"].get<std::string>(), e.value("first_message", std::string()), *n);
  }
  if (test.errors.total() != *total) {
    return Error{where + ": \"errors\" (" + std::to_string(*total) +
                 ") is not the sum of \"error_types\" (" + std::to_string(test.errors.total()) +
                 ")"};
  }
  return {};
}

Status ReadClient(const json& t, const std::string& where, LoadTest& test) {
  if (!t.contains("client") || !t["client"].is_object()) {
    return Error{where + ": no \"client\" object"};
  }
  const json& c = t["client"];
  Result<int64_t> threads = Count(c, "threads", where + ": client");
  if (!threads.ok()) return Error{threads.error()};
  Result<double> cpu = Number(c, "cpu_s", where + ": client");
  if (!cpu.ok()) return Error{cpu.error()};
  test.threads = *threads;
  test.cpu_s = *cpu;
  if (c.contains("busy_fraction") && c["busy_fraction"].is_array()) {
    for (const json& b : c["busy_fraction"]) {
      if (!b.is_number()) return Error{where + ": client \"busy_fraction\" holds a non-number"};
      test.busy.push_back(b.get<double>());
    }
  }
  test.client_bound = c.value("client_bound", false);
  return {};
}

// A merged input's "merge" object: how many processes, their windows' intersection, the sum of
// their rates. A kv-load file is one process whose intersection is its window.
Status ReadMergeInfo(const json& t, const std::string& where, double rps, LoadTest& test) {
  test.overlap = test.span;
  test.sum_of_rates = rps;
  if (!t.contains("merge") || t["merge"].is_null()) return {};
  const json& m = t["merge"];
  const std::string here = where + ": merge";
  Result<int64_t> processes = Count(m, "processes", here);
  if (!processes.ok()) return Error{processes.error()};
  if (*processes < 1) return Error{here + ": \"processes\" is 0"};
  Result<double> sum = Number(m, "sum_of_rates_rps", here);
  if (!sum.ok()) return Error{sum.error()};
  test.processes = *processes;
  test.sum_of_rates = *sum;
  if (!m.contains("overlap") || m["overlap"].is_null()) {
    test.overlap.reset();
  } else {
    Result<Window> overlap = ReadWindow(m["overlap"], here + ": \"overlap\"");
    if (!overlap.ok()) return Error{overlap.error()};
    test.overlap = *overlap;
  }
  return {};
}

Result<LoadTest> ReadTest(const json& t, const std::string& source) {
  if (!t.is_object() || !t.contains("title") || !t["title"].is_string()) {
    return Error{source + ": a test has no \"title\""};
  }
  LoadTest test;
  test.title = t["title"].get<std::string>();
  const std::string where = source + ": test \"" + test.title + "\"";
  const std::string mode = t.value("mode", std::string());
  if (mode != "open" && mode != "closed") {
    return Error{where + ": \"mode\" is neither \"open\" nor \"closed\""};
  }
  test.open_loop = mode == "open";
  Result<int64_t> requests = Count(t, "requests", where);
  if (!requests.ok()) return Error{requests.error()};
  test.requests = *requests;
  if (Status s = ReadErrors(t, where, test); !s.ok()) return Error{s.error()};
  for (auto [key, field] : {std::pair{"lost_connections", &test.lost_connections},
                            std::pair{"reconnects", &test.reconnects}}) {
    Result<int64_t> n = Count(t, key, where);
    if (!n.ok()) return Error{n.error()};
    *field = *n;
  }
  Result<double> rps = Number(t, "rps", where);
  if (!rps.ok()) return Error{rps.error()};
  if (test.open_loop) {
    Result<double> target = Number(t, "target_rps", where);
    if (!target.ok()) return Error{target.error()};
    test.target_rps = *target;
  }
  Result<stats::Histogram> uncorrected = ReadHistogram(t, "histogram", where);
  if (!uncorrected.ok()) return Error{uncorrected.error()};
  test.uncorrected = std::move(*uncorrected);
  if (test.open_loop) {
    Result<stats::Histogram> corrected = ReadHistogram(t, "corrected_histogram", where);
    if (!corrected.ok()) return Error{corrected.error()};
    test.corrected = std::move(*corrected);
  }
  if (!t.contains("window")) {
    return Error{where + " has no wall-clock \"window\": merge needs kv-load/2 files"};
  }
  Result<Window> window = ReadWindow(t["window"], where + ": \"window\"");
  if (!window.ok()) return Error{window.error()};
  test.span = *window;
  if (Status s = ReadClient(t, where, test); !s.ok()) return Error{s.error()};
  if (Status s = ReadMergeInfo(t, where, *rps, test); !s.ok()) return Error{s.error()};
  return test;
}

Result<LoadRun> ReadRun(const MergeInput& input) {
  LoadRun run;
  run.source = input.source;
  const json doc = json::parse(input.text, nullptr, /*allow_exceptions=*/false);
  const std::string not_kv_load =
      "not kv-load JSON (merge reads kv-load's --json output, "
      "\"schema\": \"" +
      std::string(load::kJsonSchema) + "\")";
  if (doc.is_discarded()) return Error{input.source + ": malformed JSON, " + not_kv_load};
  if (!doc.is_object() || !doc.contains("schema") || !doc["schema"].is_string()) {
    return Error{input.source + ": " + not_kv_load};
  }
  const std::string schema = doc["schema"].get<std::string>();
  if (schema != "kv-load" && !schema.starts_with("kv-load/")) {
    return Error{input.source + ": schema " + doc["schema"].dump() + ": " + not_kv_load};
  }
  if (!doc.contains("schema_version") || !doc["schema_version"].is_number_integer()) {
    return Error{input.source + ": kv-load JSON without an integer \"schema_version\""};
  }
  const int version = doc["schema_version"].get<int>();
  if (version < load::kJsonSchemaVersion) {
    return Error{input.source + ": kv-load schema_version " + std::to_string(version) +
                 " has no wall-clock window per test; merge needs schema_version " +
                 std::to_string(load::kJsonSchemaVersion) + " (rerun with this kv-load)"};
  }
  if (version > load::kJsonSchemaVersion) {
    return Error{input.source + ": kv-load schema_version " + std::to_string(version) +
                 " is newer than this kv-compare's (" + std::to_string(load::kJsonSchemaVersion) +
                 ")"};
  }
  if (!doc.contains("config") || !doc["config"].is_object()) {
    return Error{input.source + ": kv-load JSON without a \"config\" object"};
  }
  if (!doc.contains("tests") || !doc["tests"].is_array() || doc["tests"].empty()) {
    return Error{input.source + ": kv-load JSON without tests"};
  }
  run.config = doc["config"];
  run.server = doc.value("server", json());
  run.version = doc.value("version", json());
  if (doc.contains("merge") && doc["merge"].is_object() && doc["merge"].contains("sources") &&
      doc["merge"]["sources"].is_array()) {
    for (const json& s : doc["merge"]["sources"]) {
      if (s.is_string()) run.sources.push_back(s.get<std::string>());
    }
  }
  if (run.sources.empty()) run.sources.push_back(input.source);
  for (const json& t : doc["tests"]) {
    Result<LoadTest> test = ReadTest(t, input.source);
    if (!test.ok()) return Error{test.error()};
    run.tests.push_back(std::move(*test));
  }
  return run;
}

std::string Titles(const LoadRun& run) {
  std::string out;
  for (const LoadTest& t : run.tests) out += (out.empty() ? "" : ",") + t.title;
  return out;
}

// Same tests, same mode, same workload settings; else which setting differs.
Status CheckSameWorkload(const LoadRun& first, const LoadRun& other) {
  const std::string pair = other.source + " and " + first.source;
  std::vector<std::string> a, b;
  for (const LoadTest& t : first.tests) a.push_back(t.title);
  for (const LoadTest& t : other.tests) b.push_back(t.title);
  if (a != b) {
    return Error{"different tests (-t): " + first.source + " has " + Titles(first) + ", " +
                 other.source + " has " + Titles(other) + "; merge needs the same tests"};
  }
  for (size_t i = 0; i < first.tests.size(); ++i) {
    if (first.tests[i].open_loop != other.tests[i].open_loop) {
      const auto mode = [](const LoadTest& t) { return t.open_loop ? "open" : "closed"; };
      return Error{"test \"" + first.tests[i].title + "\" runs in " + mode(first.tests[i]) +
                   " loop in " + first.source + " but in " + mode(other.tests[i]) + " loop in " +
                   other.source + " (--rps): merge needs the same workload"};
    }
  }
  for (const LoadSetting& s : kLoadWorkloadSettings) {
    const json va = first.config.value(s.key, json());
    const json vb = other.config.value(s.key, json());
    if (va != vb) {
      return Error{"different workloads in " + pair + ": " + s.flag + " (config \"" + s.key +
                   "\": " + va.dump() + " in " + first.source + ", " + vb.dump() + " in " +
                   other.source + "); merge needs the same workload in every file"};
    }
  }
  return {};
}

bool IsSummed(const std::string& key) {
  return std::find(std::begin(kSummedSettings), std::end(kSummedSettings), key) !=
         std::end(kSummedSettings);
}

// Sum for the load-splitting settings, equal-or-null for the others (the workload settings were
// checked equal). A key missing on one side counts as null. Associative.
json MergeConfig(const json& a, const json& b) {
  json out = json::object();
  auto merge_key = [&](const std::string& key) {
    const json va = a.value(key, json());
    const json vb = b.value(key, json());
    if (IsSummed(key)) {
      if (va.is_number_integer() && vb.is_number_integer()) {
        out[key] = va.get<int64_t>() + vb.get<int64_t>();
      } else if (va.is_number() && vb.is_number()) {
        out[key] = va.get<double>() + vb.get<double>();
      } else {
        out[key] = nullptr;
      }
    } else {
      out[key] = va == vb ? va : json();
    }
  };
  for (const auto& [key, value] : a.items()) merge_key(key);
  for (const auto& [key, value] : b.items()) {
    if (!out.contains(key)) merge_key(key);
  }
  return out;
}

json SameOrNull(const json& a, const json& b) { return a == b ? a : json(); }

void MergeTest(LoadTest& into, const LoadTest& t) {
  into.requests += t.requests;
  into.errors.Merge(t.errors);
  into.lost_connections += t.lost_connections;
  into.reconnects += t.reconnects;
  into.target_rps += t.target_rps;
  into.uncorrected.Merge(t.uncorrected);
  if (into.corrected && t.corrected) into.corrected->Merge(*t.corrected);
  into.span.start_us = std::min(into.span.start_us, t.span.start_us);
  into.span.end_us = std::max(into.span.end_us, t.span.end_us);
  if (into.overlap && t.overlap) {
    Window both{std::max(into.overlap->start_us, t.overlap->start_us),
                std::min(into.overlap->end_us, t.overlap->end_us)};
    if (both.end_us >= both.start_us) {
      into.overlap = both;
    } else {
      into.overlap.reset();
    }
  } else {
    into.overlap.reset();
  }
  into.processes += t.processes;
  into.sum_of_rates += t.sum_of_rates;
  into.threads += t.threads;
  into.cpu_s += t.cpu_s;
  into.busy.insert(into.busy.end(), t.busy.begin(), t.busy.end());
  into.client_bound = into.client_bound || t.client_bound;
}

double OverlapFraction(const LoadTest& t) {
  const int64_t overlap = t.overlap ? t.overlap->length() : 0;
  const int64_t span = t.span.length();
  if (span <= 0) return t.overlap ? 1.0 : 0.0;
  return static_cast<double>(overlap) / static_cast<double>(span);
}

std::optional<std::string> OverlapWarning(const LoadTest& t) {
  const double fraction = OverlapFraction(t);
  if (fraction >= kMinOverlapFraction) return std::nullopt;
  const int64_t overlap = t.overlap ? t.overlap->length() : 0;
  return t.title + ": the " + std::to_string(t.processes) + " processes' windows overlap for " +
         Fixed(Seconds(overlap), "%.3f") + " s of the " + Fixed(Seconds(t.span.length()), "%.3f") +
         " s they span (" + Percent(fraction) + ", below " + Percent(kMinOverlapFraction) +
         "): they did not run together for much of the time, so rps (total over the span) "
         "understates their joint load and the merged percentiles mix periods of different load";
}

json TestJson(const LoadTest& t) {
  const double duration_s = Seconds(t.span.length());
  const double rps = duration_s > 0 ? static_cast<double>(t.requests) / duration_s : 0;
  const stats::Histogram& primary = t.open_loop ? *t.corrected : t.uncorrected;
  json errors = json::array();
  for (const load::ErrorStat& e : t.errors.items()) {
    errors.push_back({{"type", e.type}, {"count", e.count}, {"first_message", e.first_message}});
  }
  const double busiest = t.busy.empty() ? 0 : *std::max_element(t.busy.begin(), t.busy.end());
  const std::optional<std::string> warning = OverlapWarning(t);
  return {
      {"title", t.title},
      {"mode", t.open_loop ? "open" : "closed"},
      {"requests", t.requests},
      {"errors", t.errors.total()},
      {"error_types", errors},
      {"lost_connections", t.lost_connections},
      {"reconnects", t.reconnects},
      {"duration_s", duration_s},
      {"rps", rps},
      {"window", load::WindowJson(t.span.start_us, t.span.end_us)},
      {"target_rps", t.open_loop ? json(t.target_rps) : json()},
      {"latency_ms", load::LatencyJson(primary)},
      {"uncorrected_latency_ms", load::LatencyJson(t.uncorrected)},
      {"corrected_latency_ms", t.open_loop ? load::LatencyJson(*t.corrected) : json()},
      {"histogram", t.uncorrected.ToJson()},
      {"corrected_histogram", t.open_loop ? t.corrected->ToJson() : json()},
      // Per-second percentiles cannot be merged (the file keeps no per-second histograms, and
      // the processes' seconds do not line up).
      {"per_second", json()},
      {"client",
       {{"threads", t.threads},
        {"cpu_s", t.cpu_s},
        {"busy_fraction", t.busy},
        {"busiest_thread", busiest},
        {"client_bound", t.client_bound},
        {"note", t.client_bound ? json(std::string(load::kClientBoundNote)) : json()}}},
      {"merge",
       {{"processes", t.processes},
        {"overlap", t.overlap ? load::WindowJson(t.overlap->start_us, t.overlap->end_us) : json()},
        {"overlap_s", Seconds(t.overlap ? t.overlap->length() : 0)},
        {"span_s", duration_s},
        {"overlap_fraction", OverlapFraction(t)},
        {"sum_of_rates_rps", t.sum_of_rates},
        {"warning", warning ? json(*warning) : json()}}},
  };
}

std::string Ms(int64_t ns) { return Fixed(static_cast<double>(ns) / 1e6, "%.3f"); }

// One line per test for the terminal.
std::string Summary(const LoadTest& t) {
  const stats::Histogram& h = t.open_loop ? *t.corrected : t.uncorrected;
  const double duration_s = Seconds(t.span.length());
  return t.title + ": " + std::to_string(t.processes) + " processes, " +
         std::to_string(t.requests) + " requests, " + std::to_string(t.errors.total()) +
         " errors, " +
         Fixed(duration_s > 0 ? static_cast<double>(t.requests) / duration_s : 0, "%.1f") +
         " rps over " + Fixed(duration_s, "%.3f") + " s (sum of rates " +
         Fixed(t.sum_of_rates, "%.1f") + "), windows overlap " + Percent(OverlapFraction(t)) +
         "; " + (t.open_loop ? "corrected " : "") + "p50 " + Ms(h.ValueAtPercentile(50)) +
         " ms, p99 " + Ms(h.ValueAtPercentile(99)) + " ms, p99.9 " + Ms(h.ValueAtPercentile(99.9)) +
         " ms\n";
}

int Fail(std::ostream& err, const std::string& message) {
  err << "kv-compare: merge: " << message << "\n";
  return kExitCannotCompare;
}

}  // namespace

Result<MergedRuns> MergeLoadRuns(const std::vector<MergeInput>& inputs) {
  if (inputs.size() < 2) return Error{"merge needs at least two kv-load files"};
  std::vector<LoadRun> runs;
  for (const MergeInput& input : inputs) {
    Result<LoadRun> run = ReadRun(input);
    if (!run.ok()) return Error{run.error()};
    runs.push_back(std::move(*run));
  }
  LoadRun merged = std::move(runs.front());
  for (size_t i = 1; i < runs.size(); ++i) {
    const LoadRun& run = runs[i];
    if (Status s = CheckSameWorkload(merged, run); !s.ok()) return Error{s.error()};
    for (size_t t = 0; t < run.tests.size(); ++t) MergeTest(merged.tests[t], run.tests[t]);
    merged.config = MergeConfig(merged.config, run.config);
    merged.server = SameOrNull(merged.server, run.server);
    merged.version = SameOrNull(merged.version, run.version);
    merged.sources.insert(merged.sources.end(), run.sources.begin(), run.sources.end());
  }
  MergedRuns out;
  json tests = json::array();
  for (const LoadTest& t : merged.tests) {
    if (std::optional<std::string> w = OverlapWarning(t)) out.warnings.push_back(*w);
    tests.push_back(TestJson(t));
  }
  out.doc = {{"schema", std::string(load::kJsonSchema)},
             {"schema_version", load::kJsonSchemaVersion},
             {"tool", "kv-compare merge"},
             {"version", merged.version},
             {"config", merged.config},
             {"server", merged.server},
             {"tests", tests},
             {"merge",
              {{"sources", merged.sources},
               {"processes", merged.tests.front().processes},
               {"warnings", out.warnings}}}};
  return out;
}

int RunMergeCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::vector<std::string> files;
  std::optional<std::string> output;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      out << kUsage << "\n";
      return 0;
    }
    if (arg == "-o" || arg == "--output") {
      if (i + 1 >= args.size())
        return Fail(err, arg + " needs a file name; " + std::string(kUsage));
      output = args[++i];
    } else if (arg.starts_with("-")) {
      return Fail(err, "unknown option '" + arg + "'; " + std::string(kUsage));
    } else {
      files.push_back(arg);
    }
  }
  if (!output) return Fail(err, "no output file (-o); " + std::string(kUsage));
  if (files.size() < 2)
    return Fail(err, "needs at least two kv-load files; " + std::string(kUsage));
  std::vector<MergeInput> inputs;
  for (const std::string& file : files) {
    Result<std::string> text = ReadTextFile(file);
    if (!text.ok()) return Fail(err, text.error());
    inputs.push_back({file, std::move(*text)});
  }
  Result<MergedRuns> merged = MergeLoadRuns(inputs);
  if (!merged.ok()) return Fail(err, merged.error());
  for (const std::string& w : merged->warnings) err << "kv-compare: merge: warning: " << w << "\n";
  if (Status s = html::WriteFileAtomically(*output, merged->doc.dump(2) + "\n"); !s.ok()) {
    return Fail(err, s.error());
  }
  out << "wrote " << *output << " (" << merged->doc["merge"]["processes"].get<int64_t>()
      << " kv-load processes)\n";
  for (const json& t : merged->doc["tests"]) {
    // Re-read from the written form so that the summary shows what the file says.
    Result<LoadTest> test = ReadTest(t, *output);
    if (test.ok()) out << Summary(*test);
  }
  return 0;
}

}  // namespace kv::compare
