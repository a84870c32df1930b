// kv_bench sections of the HTML report (see bench_section.h).
#include "tools/compare/html/bench_section.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "tools/compare/compare.h"
#include "tools/compare/html/chart.h"
#include "tools/compare/html/markup.h"
#include "tools/compare/html/section_util.h"
#include "tools/compare/names.h"
#include "tools/compare/vs_redis.h"

namespace kv::compare::html {
namespace {

constexpr std::string_view kThroughput = "items_per_second";
constexpr int kKvStyle = 0;
constexpr int kRedisStyle = 1;
const char* const kThroughputAxis = "throughput (operations/s)";

// One pair of targets of one file: report.pair.target (kv_* fields) ÷ report.pair.reference
// (redis_* fields).
struct Run {
  const ResultSet* set = nullptr;
  VsRedisReport report;
  std::string name;   // "run 1 (kv_bench.json)"
  std::string t;      // the target's display name ("kv-server", "valkey")
  std::string ref;    // the reference's ("redis-server")
  std::string ratio;  // "kv ÷ redis"
};

bool Paired(const VsRedisRow& row) { return row.has_kv && row.has_redis; }

const Series* KvSeries(const Run& run, const VsRedisRow& row) {
  return row.has_kv ? run.set->Find(run.report.pair.target + "/" + row.case_name) : nullptr;
}
const Series* RedisSeries(const Run& run, const VsRedisRow& row) {
  return row.has_redis ? run.set->Find(run.report.pair.reference + "/" + row.case_name) : nullptr;
}

// Within a command, cases go by client count, then pipeline depth (a file's order is its random
// interleaving's).
bool CaseBefore(const std::string& a, const std::string& b) {
  auto key = [](const std::string& name) {
    return std::pair{NameParameter(name, "clients").value_or(0),
                     NameParameter(name, "pipeline").value_or(0)};
  };
  return key(a) < key(b);
}

// Commands in order of first appearance, each with its rows (CaseBefore).
std::vector<std::pair<std::string, std::vector<const VsRedisRow*>>> ByCommand(
    const VsRedisReport& report) {
  std::vector<std::pair<std::string, std::vector<const VsRedisRow*>>> out;
  for (const VsRedisRow& row : report.rows) {
    const std::string command = CommandOf(row.case_name);
    auto it =
        std::find_if(out.begin(), out.end(), [&](const auto& c) { return c.first == command; });
    if (it == out.end()) {
      out.emplace_back(command, std::vector<const VsRedisRow*>{});
      it = out.end() - 1;
    }
    it->second.push_back(&row);
  }
  for (auto& [command, rows] : out) {
    std::stable_sort(rows.begin(), rows.end(), [](const VsRedisRow* a, const VsRedisRow* b) {
      return CaseBefore(a->case_name, b->case_name);
    });
  }
  return out;
}

// "kv ÷ redis 1.12 [1.05, 1.20]: faster"; "" when the case ran on one server only.
std::string RatioVerdict(const Run& run, const VsRedisRow& row) {
  if (!Paired(row)) return (row.has_kv ? run.t : run.ref) + " only";
  if (!row.ops_ratio) return run.ratio + ": n/a (a run failed)";
  return run.ratio + " " + WithInterval(*row.ops_ratio, row.ops_interval) + ": " +
         std::string(VsRedisVerdictName(row.ops_verdict));
}

void AddLead(const Run& run, Page& page) {
  const VsRedisReport& r = run.report;
  if (r.paired == 0) {
    page.Paragraph("Only " + (r.has_kv ? run.t : run.ref) +
                       " ran: throughput and latency are shown without " + run.ratio + " ratios.",
                   "lead");
  } else {
    std::map<VsRedisVerdict, size_t> ops;
    std::map<VsRedisVerdict, size_t> p99;
    for (const VsRedisRow& row : r.rows) {
      if (!Paired(row)) continue;
      ++ops[row.ops_verdict];
      ++p99[row.p99_verdict];
    }
    auto counts = [](std::map<VsRedisVerdict, size_t>& m, std::string_view better,
                     std::string_view worse) {
      return std::string(better) + " " + std::to_string(m[VsRedisVerdict::kFaster]) + " · " +
             std::string(worse) + " " + std::to_string(m[VsRedisVerdict::kSlower]) +
             " · no clear difference " + std::to_string(m[VsRedisVerdict::kNoClearDifference]) +
             " · too noisy to tell " + std::to_string(m[VsRedisVerdict::kTooNoisy]) +
             " · client-bound " + std::to_string(m[VsRedisVerdict::kClientBound]);
    };
    std::string lead = run.t + " vs reference " + run.ref + ", same run, " +
                       std::to_string(r.paired) + " cases. Throughput, " + run.t + ": " +
                       counts(ops, "faster", "slower") + ". p99 latency, " + run.t + ": " +
                       counts(p99, "lower", "higher") + ".";
    if (r.geomean_ops_ratio) {
      lead += " Geometric mean of " + run.ratio +
              " throughput: " + WithInterval(*r.geomean_ops_ratio, r.geomean_ops_interval);
      if (r.geomean_ops_interval) {
        lead += " (" + LevelText(r.confidence) + " interval over the " +
                std::to_string(r.geomean_cases) + " cases not client-bound)";
      }
      lead += ": " + std::string(VsRedisVerdictName(r.geomean_ops_verdict)) + ".";
    }
    page.Paragraph(lead, "lead");
  }
  const bool aggregates_only = std::any_of(run.set->series.begin(), run.set->series.end(),
                                           [](const Series& s) { return s.from_aggregates; });
  if (aggregates_only) {
    page.Paragraph(
        "This file holds aggregates only (--benchmark_report_aggregates_only): one median per case "
        "and no repetitions, so no interval can be computed and "
        "every verdict reads \"too noisy to tell\". Run kv_bench without that flag for intervals.",
        "note");
  }
  if (!r.conditions.summary.empty()) page.Paragraph(r.conditions.summary);
  page.Definitions(r.context);
  std::vector<std::string> failures;
  for (const VsRedisRow& row : r.rows) {
    for (const std::string& e : row.kv_errors) {
      failures.push_back(r.pair.target + "/" + row.case_name + ": " + e);
    }
    for (const std::string& e : row.redis_errors) {
      failures.push_back(r.pair.reference + "/" + row.case_name + ": " + e);
    }
  }
  if (!failures.empty()) {
    page.Paragraph("Failed runs (their throughput is missing below):");
    page.Bullets(failures);
  }
}

std::optional<Bar> ThroughputBar(const Series* series, double confidence) {
  const std::optional<double> median = MedianOf(series, kThroughput);
  if (!median) return std::nullopt;
  Bar bar{.value = *median, .low = std::nullopt, .high = std::nullopt, .label = ""};
  const std::optional<stats::Interval> interval = MedianInterval(series, kThroughput, confidence);
  if (interval) {
    bar.low = interval->low;
    bar.high = interval->high;
  }
  bar.label = interval ? ShortNumber(*median) + " [" + ShortNumber(interval->low) + ", " +
                             ShortNumber(interval->high) + "]"
                       : ShortNumber(*median);
  return bar;
}

std::string IntervalCell(const std::optional<stats::Interval>& interval) {
  return interval ? "[" + Number(interval->low) + ", " + Number(interval->high) + "]" : "n/a";
}

void AddThroughputBars(const Run& run, const std::string& command,
                       const std::vector<const VsRedisRow*>& rows, Page& page) {
  const double confidence = run.report.confidence;
  BarChart chart;
  chart.title = command + ": throughput per case, " + run.t + " and " + run.ref;
  chart.value = {
      .title = kThroughputAxis, .kind = ScaleKind::kLinear, .include_zero = true, .ticks_at = {}};
  chart.legend = {run.t, run.ref};
  const std::string& tn = run.report.pair.target;
  const std::string& rn = run.report.pair.reference;
  DataTable numbers{.columns = {"case", "verdict", tn + " ops/s", tn + " " + LevelText(confidence),
                                rn + " ops/s", rn + " " + LevelText(confidence), run.ratio,
                                run.ratio + " " + LevelText(confidence), "repetitions"},
                    .rows = {},
                    .text_columns = 2};
  for (const VsRedisRow* row : rows) {
    const Series* kv = KvSeries(run, *row);
    const Series* redis = RedisSeries(run, *row);
    chart.groups.push_back(
        {.label = row->case_name + " — " + RatioVerdict(run, *row),
         .bars = {ThroughputBar(kv, confidence), ThroughputBar(redis, confidence)}});
    const size_t reps = std::max(kv ? kv->Values(kThroughput).size() : 0,
                                 redis ? redis->Values(kThroughput).size() : 0);
    numbers.rows.push_back({row->case_name,
                            Paired(*row) ? std::string(VsRedisVerdictName(row->ops_verdict)) : "",
                            row->kv_ops ? Number(*row->kv_ops) : "n/a",
                            IntervalCell(MedianInterval(kv, kThroughput, confidence)),
                            row->redis_ops ? Number(*row->redis_ops) : "n/a",
                            IntervalCell(MedianInterval(redis, kThroughput, confidence)),
                            row->ops_ratio ? Number(*row->ops_ratio) : "n/a",
                            IntervalCell(row->ops_interval), std::to_string(reps)});
  }
  page.Figure(RenderBarChart(chart, page.NextChartId()),
              "Bars: median throughput over repetitions (longer is better); whiskers: its " +
                  LevelText(confidence) +
                  " exact interval (order statistics; none with fewer than six repetitions, e.g. "
                  "a file of aggregates only); after each case, the " +
                  run.ratio + " ratio of the same run with its interval and verdict (above 1: " +
                  run.t + " faster).",
              numbers);
}

void AddSpectrum(const Run& run, const VsRedisRow& row, Page& page) {
  LineChart chart = SpectrumChart(row.case_name + ": latency by percentile", "µs", 380, 250);
  std::map<double, std::pair<std::string, std::string>> cells;  // percentile -> (kv, redis)
  for (const auto& [series, name, style] :
       {std::tuple{KvSeries(run, row), run.t, kKvStyle},
        std::tuple{RedisSeries(run, row), run.ref, kRedisStyle}}) {
    if (series == nullptr) continue;
    LineSeries line{.name = name, .style = style, .points = {}};
    for (const auto& [percentile, counter] : PercentileCounters(*series)) {
      const std::optional<double> us = MedianOf(series, counter);
      if (!us) continue;
      line.points.push_back({percentile, *us});
      (style == kKvStyle ? cells[percentile].first : cells[percentile].second) = Number(*us);
    }
    if (const std::optional<double> max = MedianOf(series, "max_us")) {
      (style == kKvStyle ? cells[100].first : cells[100].second) = Number(*max);
    }
    chart.series.push_back(std::move(line));
  }
  DataTable numbers{
      .columns = {"percentile", run.t + " µs", run.ref + " µs"}, .rows = {}, .text_columns = 1};
  for (const auto& [percentile, values] : cells) {
    numbers.rows.push_back({percentile == 100 ? "max" : "p" + Number(percentile),
                            values.first.empty() ? "n/a" : values.first,
                            values.second.empty() ? "n/a" : values.second});
  }
  page.Figure(
      RenderLineChart(chart, page.NextChartId()),
      row.case_name +
          ": latency (log scale, lower is better) at each percentile, median over "
          "repetitions; each step right on the x axis is ten times rarer (p90, p99, p99.9).",
      numbers);
}

// Throughput against `param` ("clients" or "pipeline"), one line per server and value of the
// other parameter. Nothing when the command ran at fewer than two values of `param`.
void AddScaling(const Run& run, const std::string& command,
                const std::vector<const VsRedisRow*>& rows, const std::string& param, Page& page) {
  const std::string other = param == "clients" ? "pipeline" : "clients";
  std::set<long> values;
  std::set<long> others;
  for (const VsRedisRow* row : rows) {
    const std::optional<long> v = NameParameter(row->case_name, param);
    if (!v) return;  // not a grid case
    values.insert(*v);
    others.insert(NameParameter(row->case_name, other).value_or(0));
  }
  if (values.size() < 2) return;
  LineChart chart;
  const std::string what = param == "clients" ? "client connections" : "pipeline depth";
  chart.title = command + ": throughput against " + what;
  std::vector<double> ticks(values.begin(), values.end());
  chart.x = {.title = what + " (log scale)",
             .kind = ScaleKind::kLog,
             .include_zero = false,
             .ticks_at = ticks};
  chart.y = {
      .title = kThroughputAxis, .kind = ScaleKind::kLinear, .include_zero = true, .ticks_at = {}};
  chart.width = 520;
  chart.height = 300;
  DataTable numbers{.columns = {"server", other, param, "ops/s"}, .rows = {}, .text_columns = 1};
  int index = 0;
  for (long o : others) {
    for (const auto& [is_target, server, style_base] :
         {std::tuple{true, run.t, kKvStyle}, std::tuple{false, run.ref, kRedisStyle}}) {
      LineSeries line{.name = server + ", " + other + " " + std::to_string(o),
                      .style = style_base + 2 * index,
                      .points = {}};
      for (const VsRedisRow* row : rows) {
        if (NameParameter(row->case_name, other).value_or(0) != o) continue;
        const std::optional<double> ops = is_target ? row->kv_ops : row->redis_ops;
        if (!ops) continue;
        const double x = static_cast<double>(*NameParameter(row->case_name, param));
        line.points.push_back({x, *ops});
        numbers.rows.push_back({server, std::to_string(o), Number(x), Number(*ops)});
      }
      std::sort(line.points.begin(), line.points.end(),
                [](const Point& a, const Point& b) { return a.x < b.x; });
      if (!line.points.empty()) chart.series.push_back(std::move(line));
    }
    ++index;
  }
  page.Figure(RenderLineChart(chart, page.NextChartId()),
              command + ": median throughput (higher is better) against the " + what +
                  ", one line per server and " + other +
                  " value; a line that flattens shows where adding " +
                  (param == "clients" ? "connections" : "depth") + " stops helping.",
              numbers);
}

// bytes_per_key (RSS) and used_memory_per_key of SET/MSET cases: measured once per server and
// value size at start-up, so one case per value size tells them.
void AddMemory(const Run& run, Page& page) {
  struct PerSize {
    std::optional<double> kv_rss, redis_rss, kv_used, redis_used;
  };
  std::map<long, PerSize> by_size;
  for (const VsRedisRow& row : run.report.rows) {
    const long size = NameParameter(row.case_name, "value_size").value_or(0);
    PerSize& p = by_size[size];
    if (!p.kv_rss) p.kv_rss = MedianOf(KvSeries(run, row), "bytes_per_key");
    if (!p.redis_rss) p.redis_rss = MedianOf(RedisSeries(run, row), "bytes_per_key");
    if (!p.kv_used) p.kv_used = MedianOf(KvSeries(run, row), "used_memory_per_key");
    if (!p.redis_used) p.redis_used = MedianOf(RedisSeries(run, row), "used_memory_per_key");
  }
  BarChart chart;
  chart.title = "Memory per key, " + run.t + " and " + run.ref;
  chart.value = {
      .title = "bytes per key", .kind = ScaleKind::kLinear, .include_zero = true, .ticks_at = {}};
  chart.legend = {run.t, run.ref};
  DataTable numbers{.columns = {"measure", run.t + " bytes/key", run.ref + " bytes/key"},
                    .rows = {},
                    .text_columns = 1};
  auto bar = [](const std::optional<double>& v) -> std::optional<Bar> {
    if (!v) return std::nullopt;
    return Bar{.value = *v, .low = std::nullopt, .high = std::nullopt, .label = Number(*v)};
  };
  auto cell = [](const std::optional<double>& v) { return v ? Number(*v) : "n/a"; };
  for (const auto& [size, p] : by_size) {
    const std::string suffix = size > 0 ? ", values of " + std::to_string(size) + " bytes" : "";
    for (const auto& [label, kv, redis] :
         {std::tuple{"process RSS growth per key (bytes_per_key)" + suffix, p.kv_rss, p.redis_rss},
          std::tuple{"used_memory growth per key (used_memory_per_key)" + suffix, p.kv_used,
                     p.redis_used}}) {
      if (!kv && !redis) continue;
      chart.groups.push_back({.label = label, .bars = {bar(kv), bar(redis)}});
      numbers.rows.push_back({label, cell(kv), cell(redis)});
    }
  }
  if (chart.groups.empty()) return;
  page.Heading("Memory per key");
  page.Figure(RenderBarChart(chart, page.NextChartId()),
              "Bytes each server's memory grew per stored key (shorter is better), measured once "
              "per server at start-up by filling it with keys: RSS seen by the OS and the "
              "server's own used_memory.",
              numbers);
}

void AddRun(const Run& run, bool several, Page& page) {
  page.BeginSection((several ? run.name + ": " : "kv_bench run: ") + run.set->source);
  AddLead(run, page);
  for (const auto& [command, rows] : ByCommand(run.report)) {
    page.Heading(command);
    AddThroughputBars(run, command, rows, page);
    AddScaling(run, command, rows, "clients", page);
    AddScaling(run, command, rows, "pipeline", page);
    page.BeginMultiples();
    for (const VsRedisRow* row : rows) AddSpectrum(run, *row, page);
    page.EndMultiples();
  }
  AddMemory(run, page);
  page.EndSection();
}

// Several runs (each file's main pair): per command, each run's target ÷ reference throughput
// ratio per case with its interval.
void AddComparison(const std::vector<Run>& runs, Page& page) {
  const std::string& ratio = runs.front().ratio;
  page.BeginSection("Runs compared: " + ratio + " throughput");
  std::vector<std::string> lead;
  for (const Run& run : runs) {
    std::string line = run.name + ": " + run.set->source;
    if (run.report.geomean_ops_ratio) {
      line += " — geometric mean " + run.ratio + " " +
              WithInterval(*run.report.geomean_ops_ratio, run.report.geomean_ops_interval) + ", " +
              std::string(VsRedisVerdictName(run.report.geomean_ops_verdict));
    }
    lead.push_back(line);
  }
  page.Paragraph("Each run's " + ratio +
                     " ratios, measured within that run (so machine speed cancels out); above 1 " +
                     runs.front().t + " is faster.",
                 "lead");
  page.Bullets(lead);
  std::vector<std::string> legend;
  for (const Run& run : runs) legend.push_back(run.name);
  auto ratio_bar = [](const VsRedisRow* row) -> std::optional<Bar> {
    if (row == nullptr || !row->ops_ratio) return std::nullopt;
    Bar bar{.value = *row->ops_ratio,
            .low = std::nullopt,
            .high = std::nullopt,
            .label = WithInterval(*row->ops_ratio, row->ops_interval) + " " +
                     std::string(VsRedisVerdictName(row->ops_verdict))};
    if (row->ops_interval) {
      bar.value = row->ops_interval->estimate;
      bar.low = row->ops_interval->low;
      bar.high = row->ops_interval->high;
    }
    return bar;
  };
  // Cases in order of first appearance over the runs, grouped by command.
  std::vector<std::string> commands;
  std::map<std::string, std::vector<std::string>> cases;
  for (const Run& run : runs) {
    for (const VsRedisRow& row : run.report.rows) {
      if (!Paired(row)) continue;
      const std::string command = CommandOf(row.case_name);
      if (!cases.contains(command)) commands.push_back(command);
      std::vector<std::string>& list = cases[command];
      if (std::find(list.begin(), list.end(), row.case_name) == list.end()) {
        list.push_back(row.case_name);
      }
    }
  }
  for (const std::string& command : commands) {
    std::stable_sort(cases[command].begin(), cases[command].end(), CaseBefore);
    BarChart chart;
    chart.title = command + ": " + ratio + " throughput per run";
    chart.value = {.title = ratio + " throughput (above 1: " + runs.front().t + " faster)",
                   .kind = ScaleKind::kLinear,
                   .include_zero = false,
                   .ticks_at = {}};
    chart.legend = legend;
    chart.reference = 1;
    std::vector<std::string> columns = {"case"};
    for (const Run& run : runs) columns.push_back(run.name);
    DataTable numbers{.columns = columns, .rows = {}, .text_columns = 1};
    for (const std::string& case_name : cases[command]) {
      BarGroup group{.label = case_name, .bars = {}};
      std::vector<std::string> cells = {case_name};
      for (const Run& run : runs) {
        const auto it = std::find_if(run.report.rows.begin(), run.report.rows.end(),
                                     [&](const VsRedisRow& r) { return r.case_name == case_name; });
        const VsRedisRow* row = it == run.report.rows.end() ? nullptr : &*it;
        std::optional<Bar> bar = ratio_bar(row);
        cells.push_back(bar ? bar->label : "n/a");
        group.bars.push_back(std::move(bar));
      }
      chart.groups.push_back(std::move(group));
      numbers.rows.push_back(std::move(cells));
    }
    page.Heading(command);
    page.Figure(RenderBarChart(chart, page.NextChartId()),
                "Per case, one bar per run: the " + ratio +
                    " throughput ratio measured in that run (the dashed line at 1 is parity) with "
                    "its interval; bars of one case that do not overlap mean the runs differ.",
                numbers);
  }
  page.EndSection();
}

}  // namespace

Status AddBenchSections(const std::vector<ResultSet>& runs, double confidence, double equal_band,
                        Page& page) {
  std::vector<Run> prepared;  // per file, every target ÷ the reference (the file's pair first)
  std::vector<Run> main;      // per file, its own pair (ResultSet::pair)
  for (size_t i = 0; i < runs.size(); ++i) {
    std::vector<TargetPair> pairs = PairsToReport(runs[i], runs[i].pair.reference);
    std::stable_partition(pairs.begin(), pairs.end(),
                          [&](const TargetPair& p) { return p == runs[i].pair; });
    if (pairs.empty()) pairs.push_back(runs[i].pair);
    for (const TargetPair& pair : pairs) {
      Result<VsRedisReport> report =
          VsRedis(runs[i],
                  VsRedisOptions{.confidence = confidence, .equal_band = equal_band, .pair = pair});
      if (!report.ok()) return Error{runs[i].source + ": " + report.error()};
      std::string name = "run " + std::to_string(i + 1) + " (" + BaseName(runs[i].source) + ")";
      if (pairs.size() > 1) name += ", " + pair.target + " vs " + pair.reference;
      prepared.push_back({.set = &runs[i],
                          .report = std::move(*report),
                          .name = name,
                          .t = ServerLabel(pair.target),
                          .ref = ServerLabel(pair.reference),
                          .ratio = pair.target + " ÷ " + pair.reference});
      if (pair == runs[i].pair) main.push_back(prepared.back());
    }
  }
  if (main.size() > 1) AddComparison(main, page);
  const bool several = prepared.size() > 1;
  for (const Run& run : prepared) AddRun(run, several, page);
  return {};
}

}  // namespace kv::compare::html
