// kv-load sections of the HTML report (see load_section.h).
#include "tools/compare/html/load_section.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "stats/histogram.h"
#include "tools/compare/html/chart.h"
#include "tools/compare/html/markup.h"
#include "tools/compare/html/section_util.h"
#include "tools/compare/table.h"

namespace kv::compare::html {
namespace {

using nlohmann::json;

// The percentiles of the tables (the spectra are drawn at finer steps).
constexpr double kTablePercentiles[] = {50, 75, 90, 95, 99, 99.9, 99.99};

struct PerSecond {
  std::vector<double> t;
  std::vector<double> rps;
  std::vector<double> p50;
  std::vector<double> p99;
  std::vector<double> max;
  std::string latency;  // "corrected" or "uncorrected"
};

struct LoadTest {
  std::string title;
  bool open_loop = false;
  double rps = 0;
  std::optional<double> target_rps;
  double requests = 0;
  double errors = 0;
  double duration_s = 0;
  bool client_bound = false;
  std::optional<stats::Histogram> uncorrected;
  std::optional<stats::Histogram> corrected;  // open loop
  std::optional<PerSecond> per_second;

  // The histogram the headline figures use: corrected in open loop.
  const stats::Histogram* Primary() const {
    if (open_loop && corrected) return &*corrected;
    return uncorrected ? &*uncorrected : nullptr;
  }
};

struct LoadRun {
  std::string source;
  std::string name;  // "run 1 (out.json)"
  json config;
  std::vector<LoadTest> tests;
};

double Number0(const json& object, const char* key) {
  return object.contains(key) && object[key].is_number() ? object[key].get<double>() : 0;
}

Result<std::vector<double>> Column(const json& object, const char* key, size_t n,
                                   const std::string& where) {
  if (!object.contains(key) || !object[key].is_array() || object[key].size() != n) {
    return Error{where + ": per_second \"" + key + "\" is not an array of " + std::to_string(n) +
                 " numbers"};
  }
  std::vector<double> out;
  for (const json& v : object[key]) {
    if (!v.is_number()) return Error{where + ": per_second \"" + key + "\" holds a non-number"};
    out.push_back(v.get<double>());
  }
  return out;
}

Result<PerSecond> ReadPerSecond(const json& s, const std::string& where) {
  if (!s.is_object() || !s.contains("t_s") || !s["t_s"].is_array()) {
    return Error{where + ": per_second without a \"t_s\" array"};
  }
  const size_t n = s["t_s"].size();
  PerSecond out;
  out.latency = s.value("latency", std::string("uncorrected"));
  const json empty = json::object();
  const json& latency =
      s.contains("latency_ms") && s["latency_ms"].is_object() ? s["latency_ms"] : empty;
  for (auto [field, object, key] :
       {std::tuple{&out.t, &s, "t_s"}, std::tuple{&out.rps, &s, "rps"},
        std::tuple{&out.p50, &latency, "p50"}, std::tuple{&out.p99, &latency, "p99"},
        std::tuple{&out.max, &latency, "max"}}) {
    Result<std::vector<double>> column = Column(*object, key, n, where);
    if (!column.ok()) return Error{column.error()};
    *field = std::move(*column);
  }
  return out;
}

Result<std::optional<stats::Histogram>> ReadHistogram(const json& test, const char* key,
                                                      const std::string& where) {
  if (!test.contains(key) || test[key].is_null()) return std::optional<stats::Histogram>();
  Result<stats::Histogram> h = stats::Histogram::FromJson(test[key]);
  if (!h.ok()) return Error{where + ": \"" + key + "\": " + h.error()};
  return std::optional<stats::Histogram>(std::move(*h));
}

Result<LoadRun> ReadRun(const JsonInput& input, size_t index) {
  LoadRun run;
  run.source = input.source;
  run.name = "run " + std::to_string(index + 1) + " (" + BaseName(input.source) + ")";
  run.config = input.doc.contains("config") && input.doc["config"].is_object() ? input.doc["config"]
                                                                               : json::object();
  if (!input.doc.contains("tests") || !input.doc["tests"].is_array()) {
    return Error{input.source + ": kv-load JSON without a \"tests\" array"};
  }
  for (const json& t : input.doc["tests"]) {
    LoadTest test;
    test.title = t.value("title", std::string("?"));
    const std::string where = input.source + ": test \"" + test.title + "\"";
    test.open_loop = t.value("mode", std::string("closed")) == "open";
    test.rps = Number0(t, "rps");
    if (t.contains("target_rps") && t["target_rps"].is_number()) {
      test.target_rps = t["target_rps"].get<double>();
    }
    test.requests = Number0(t, "requests");
    test.errors = Number0(t, "errors");
    test.duration_s = Number0(t, "duration_s");
    test.client_bound =
        t.contains("client") && t["client"].is_object() && t["client"].value("client_bound", false);
    auto uncorrected = ReadHistogram(t, "histogram", where);
    if (!uncorrected.ok()) return Error{uncorrected.error()};
    test.uncorrected = std::move(*uncorrected);
    auto corrected = ReadHistogram(t, "corrected_histogram", where);
    if (!corrected.ok()) return Error{corrected.error()};
    test.corrected = std::move(*corrected);
    if (t.contains("per_second") && !t["per_second"].is_null()) {
      Result<PerSecond> series = ReadPerSecond(t["per_second"], where);
      if (!series.ok()) return Error{series.error()};
      test.per_second = std::move(*series);
    }
    run.tests.push_back(std::move(test));
  }
  return run;
}

double Ms(int64_t ns) { return static_cast<double>(ns) / 1e6; }

// The spectrum of `h` in ms: p50 to p99.99 (no further than the sample supports, 1 - 1/count) at
// steps of 0.1 on the log 1/(1-p) axis.
std::vector<Point> Spectrum(const stats::Histogram& h) {
  std::vector<Point> out;
  if (h.count() == 0) return out;
  const double top = std::min(4.0, std::log10(static_cast<double>(h.count())));
  for (int i = 3; i <= 40; ++i) {
    const double t = i == 3 ? std::log10(2.0) : i / 10.0;
    if (t > top + 1e-9) break;
    const double p = 100 * (1 - std::pow(10.0, -t));
    out.push_back({p, Ms(h.ValueAtPercentile(p))});
  }
  return out;
}

std::string MsText(const stats::Histogram* h, double p) {
  if (h == nullptr || h->count() == 0) return "n/a";
  return Number(Ms(h->ValueAtPercentile(p)));
}

std::string PercentileName(double p) { return "p" + ShortNumber(p); }

void AddSpectrum(const LoadTest& test, Page& page) {
  LineChart chart = SpectrumChart(test.title + ": latency by percentile", "ms", 560, 320);
  const stats::Histogram* corrected = test.open_loop && test.corrected ? &*test.corrected : nullptr;
  const stats::Histogram* uncorrected = test.uncorrected ? &*test.uncorrected : nullptr;
  if (corrected != nullptr) {
    chart.series.push_back({.name = "corrected (from when each request was due)",
                            .style = 0,
                            .points = Spectrum(*corrected)});
  }
  if (uncorrected != nullptr) {
    chart.series.push_back({.name = corrected != nullptr ? "uncorrected (from when it was sent)"
                                                         : "latency (closed loop)",
                            .style = 1,
                            .points = Spectrum(*uncorrected)});
  }
  DataTable numbers{
      .columns = {"percentile", "corrected ms", "uncorrected ms"}, .rows = {}, .text_columns = 1};
  for (double p : kTablePercentiles) {
    numbers.rows.push_back({PercentileName(p), MsText(corrected, p), MsText(uncorrected, p)});
  }
  numbers.rows.push_back({"max", MsText(corrected, 100), MsText(uncorrected, 100)});
  page.Figure(RenderLineChart(chart, page.NextChartId()),
              test.open_loop
                  ? test.title +
                        ": latency (log scale) at each percentile, each step right ten times "
                        "rarer; the gap between the corrected and the uncorrected line is the "
                        "waiting that a closed-loop measurement would hide (coordinated omission)."
                  : test.title +
                        ": latency (log scale) at each percentile, each step right ten times "
                        "rarer; closed loop, so only the latency from the send time exists.",
              numbers);
}

void AddPerSecond(const LoadTest& test, Page& page) {
  if (!test.per_second) {
    page.Paragraph(test.title +
                       ": no per-second series in this file (an older kv-load, or kv-compare "
                       "merge, which cannot merge per-second percentiles, wrote it).",
                   "note");
    return;
  }
  const PerSecond& s = *test.per_second;
  LineChart rate;
  rate.title = test.title + ": throughput per second";
  rate.x = {.title = "time since the start (s)",
            .kind = ScaleKind::kLinear,
            .include_zero = true,
            .ticks_at = {}};
  rate.y = {.title = "throughput (requests/s)",
            .kind = ScaleKind::kLinear,
            .include_zero = true,
            .ticks_at = {}};
  rate.width = 560;
  rate.height = 280;
  LineSeries rps{.name = "requests/s in each second", .style = 0, .points = {}};
  LineChart latency;
  latency.title = test.title + ": latency per second";
  latency.x = rate.x;
  latency.y = {.title = "latency (ms, " + s.latency + ")",
               .kind = ScaleKind::kLog,
               .include_zero = false,
               .ticks_at = {}};
  latency.width = 560;
  latency.height = 280;
  LineSeries p50{.name = "p50", .style = 0, .points = {}};
  LineSeries p99{.name = "p99", .style = 1, .points = {}};
  LineSeries max{.name = "max", .style = 2, .points = {}};
  DataTable numbers{.columns = {"second", "requests/s", "p50 ms", "p99 ms", "max ms"},
                    .rows = {},
                    .text_columns = 0};
  for (size_t i = 0; i < s.t.size(); ++i) {
    rps.points.push_back({s.t[i], s.rps[i]});
    p50.points.push_back({s.t[i], s.p50[i]});
    p99.points.push_back({s.t[i], s.p99[i]});
    max.points.push_back({s.t[i], s.max[i]});
    numbers.rows.push_back({ShortNumber(s.t[i]), Number(s.rps[i]), Number(s.p50[i]),
                            Number(s.p99[i]), Number(s.max[i])});
  }
  rate.series.push_back(std::move(rps));
  if (test.target_rps) {
    rate.y_lines.push_back(
        {.value = *test.target_rps, .label = "target " + ShortNumber(*test.target_rps) + "/s"});
  }
  latency.series = {std::move(p50), std::move(p99), std::move(max)};
  page.Figure(RenderLineChart(rate, page.NextChartId()),
              test.title +
                  ": requests answered in each second of the run (the last second is partial); a "
                  "dip is a stall, a steady line at the target is an open loop keeping up.",
              numbers);
  page.Figure(RenderLineChart(latency, page.NextChartId()),
              test.title +
                  ": p50, p99 and maximum latency of the requests answered in each "
                  "second (log scale, " +
                  s.latency + "); a spike marks when a stall happened.",
              numbers);
}

std::string ConfigValue(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

void AddRun(const LoadRun& run, bool several, Page& page) {
  page.BeginSection((several ? run.name + ": " : "kv-load run: ") + run.source);
  std::vector<std::string> lines;
  for (const LoadTest& t : run.tests) {
    const stats::Histogram* h = t.Primary();
    std::string line = t.title + ": " + Number(t.rps) + " requests/s";
    if (t.target_rps) line += " (target " + Number(*t.target_rps) + ")";
    line += ", p50 " + MsText(h, 50) + " ms, p99 " + MsText(h, 99) + " ms" +
            (t.open_loop ? " (corrected)" : "") + ", " + FormatDouble("%.0f", t.errors) + " errors";
    if (t.client_bound) line += "; client-bound: this measures kv-load, not the server";
    lines.push_back(line);
  }
  page.Paragraph(
      std::to_string(run.tests.size()) + (run.tests.size() == 1 ? " test" : " tests") + ": " +
          [&] {
            std::string all;
            for (const std::string& l : lines) all += (all.empty() ? "" : " · ") + l;
            return all;
          }(),
      "lead");
  std::vector<std::pair<std::string, std::string>> config;
  for (const auto& [key, value] : run.config.items()) {
    if (!value.is_null()) config.emplace_back(key, ConfigValue(value));
  }
  page.Definitions(config);
  for (const LoadTest& t : run.tests) {
    page.Heading(t.title);
    AddSpectrum(t, page);
    AddPerSecond(t, page);
  }
  page.EndSection();
}

// Several runs: per test title present in at least two runs, the runs' primary spectra together,
// and their throughput.
void AddComparison(const std::vector<LoadRun>& runs, Page& page) {
  std::vector<std::string> titles;
  std::map<std::string, int> seen;
  for (const LoadRun& run : runs) {
    for (const LoadTest& t : run.tests) {
      if (seen[t.title]++ == 0) titles.push_back(t.title);
    }
  }
  page.BeginSection("Runs compared");
  std::vector<std::string> names;
  for (const LoadRun& run : runs) names.push_back(run.name + ": " + run.source);
  page.Paragraph(
      "The same tests in several kv-load runs: their latency spectra on one chart and "
      "their throughput side by side.",
      "lead");
  page.Bullets(names);
  BarChart throughput;
  throughput.title = "Throughput per test and run";
  throughput.value = {.title = "throughput (requests/s)",
                      .kind = ScaleKind::kLinear,
                      .include_zero = true,
                      .ticks_at = {}};
  std::vector<std::string> columns = {"test"};
  for (const LoadRun& run : runs) {
    throughput.legend.push_back(run.name);
    columns.push_back(run.name + " requests/s");
  }
  DataTable rates{.columns = columns, .rows = {}, .text_columns = 1};
  for (const std::string& title : titles) {
    BarGroup group{.label = title, .bars = {}};
    std::vector<std::string> cells = {title};
    for (const LoadRun& run : runs) {
      auto it = std::find_if(run.tests.begin(), run.tests.end(),
                             [&](const LoadTest& t) { return t.title == title; });
      if (it == run.tests.end()) {
        group.bars.push_back(std::nullopt);
        cells.push_back("n/a");
        continue;
      }
      group.bars.push_back(Bar{.value = it->rps,
                               .low = std::nullopt,
                               .high = std::nullopt,
                               .label = ShortNumber(it->rps) + "/s"});
      cells.push_back(Number(it->rps));
    }
    throughput.groups.push_back(std::move(group));
    rates.rows.push_back(std::move(cells));
  }
  page.Figure(RenderBarChart(throughput, page.NextChartId()),
              "Requests per second of each test in each run (longer is better; one run each, so "
              "no interval).",
              rates);
  for (const std::string& title : titles) {
    if (seen[title] < 2) continue;
    LineChart chart =
        SpectrumChart(title + ": latency by percentile, runs compared", "ms", 560, 320);
    DataTable numbers{.columns = {"run"}, .rows = {}, .text_columns = 1};
    for (double p : kTablePercentiles) numbers.columns.push_back(PercentileName(p) + " ms");
    for (size_t i = 0; i < runs.size(); ++i) {
      for (const LoadTest& t : runs[i].tests) {
        if (t.title != title || t.Primary() == nullptr) continue;
        chart.series.push_back(
            {.name = runs[i].name, .style = static_cast<int>(i), .points = Spectrum(*t.Primary())});
        std::vector<std::string> cells = {runs[i].name};
        for (double p : kTablePercentiles) cells.push_back(MsText(t.Primary(), p));
        numbers.rows.push_back(std::move(cells));
      }
    }
    page.Figure(RenderLineChart(chart, page.NextChartId()),
                title +
                    ": each run's latency by percentile (corrected in open loop; log scale, "
                    "lower is better); lines apart by more than their wiggle differ.",
                numbers);
  }
  page.EndSection();
}

}  // namespace

Status AddLoadSections(const std::vector<JsonInput>& inputs, Page& page) {
  std::vector<LoadRun> runs;
  for (size_t i = 0; i < inputs.size(); ++i) {
    Result<LoadRun> run = ReadRun(inputs[i], i);
    if (!run.ok()) return Error{run.error()};
    runs.push_back(std::move(*run));
  }
  if (runs.size() > 1) AddComparison(runs, page);
  for (const LoadRun& run : runs) AddRun(run, runs.size() > 1, page);
  return {};
}

}  // namespace kv::compare::html
