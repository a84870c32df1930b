// Text, markdown and JSON rendering of vs-redis, diff and gate reports.
#include "tools/compare/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>

#include "tools/compare/table.h"

namespace kv::compare {
namespace {

using nlohmann::json;

constexpr int kReportSchemaVersion = 1;

std::string Opt(const std::optional<double>& v) { return v ? FormatNumber(*v) : "n/a"; }
std::string OptRatio(const std::optional<double>& v) {
  return v ? FormatDouble("%.3f", *v) : "n/a";
}
std::string OptPercent(const std::optional<double>& v) {
  if (!v) return "n/a";
  double percent = *v * 100;
  if (std::fabs(percent) < 0.05) percent = 0;  // no "-0.0%"
  return FormatDouble("%+.1f%%", percent);
}
std::string OptP(const std::optional<double>& v) { return v ? FormatDouble("%.4f", *v) : "n/a"; }
// "0.912 [0.871, 0.950]"; "n/a" without an interval.
std::string IntervalText(const std::optional<stats::Interval>& v) {
  if (!v) return "n/a";
  return FormatDouble("%.3f", v->estimate) + " [" + FormatDouble("%.3f", v->low) + ", " +
         FormatDouble("%.3f", v->high) + "]";
}
json IntervalJson(const std::optional<stats::Interval>& v) {
  if (!v) return nullptr;
  return json{
      {"estimate", v->estimate}, {"low", v->low}, {"high", v->high}, {"confidence", v->confidence}};
}

json JsonOpt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }
// A number for JSON output: null instead of NaN/Infinity (which nlohmann would print as null
// anyway, but say so).
json JsonFinite(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }
std::string CvPercent(double cv) { return FormatDouble("%.2f", cv * 100); }

Color VerdictColor(Verdict v) {
  switch (v) {
    case Verdict::kRegressed:
      return Color::kRed;
    case Verdict::kImproved:
      return Color::kGreen;
    case Verdict::kTooNoisy:
      return Color::kYellow;
    default:
      return Color::kNone;
  }
}

// A kv÷redis ratio: with its interval when there is one, else the ratio of the medians alone
// (its verdict then says "too noisy to tell").
Cell RatioCell(const std::optional<stats::Interval>& interval, const std::optional<double>& ratio) {
  if (interval) return {IntervalText(interval)};
  return {OptRatio(ratio)};
}

Cell VsVerdictCell(VsRedisVerdict v) {
  Color color = v == VsRedisVerdict::kFaster              ? Color::kGreen
                : v == VsRedisVerdict::kSlower            ? Color::kRed
                : v == VsRedisVerdict::kNoClearDifference ? Color::kNone
                                                          : Color::kYellow;
  return {std::string(VsRedisVerdictName(v)), color};
}

std::string Render(const Table& table, const RenderOptions& options) {
  return options.format == OutputFormat::kMarkdown ? table.ToMarkdown()
                                                   : table.ToText(options.color);
}

std::string Heading(const std::string& text, const RenderOptions& options) {
  return options.format == OutputFormat::kMarkdown ? "\n### " + text + "\n\n" : "\n" + text + "\n";
}

std::string ListItems(const std::string& title, const std::vector<std::string>& items,
                      const RenderOptions& options) {
  if (items.empty()) return "";
  std::string out = Heading(title, options);
  for (const std::string& item : items) {
    out += (options.format == OutputFormat::kMarkdown ? "- " : "  ") + item + "\n";
  }
  return out;
}

// The table of one mode's rows; `gate_column` adds whether each row decides the gate.
std::string ComparisonTable(const std::vector<const Comparison*>& rows,
                            const std::vector<std::string>& gate_cells, GateMode mode,
                            double confidence, const RenderOptions& options) {
  std::vector<Column> columns = {
      {mode == GateMode::kRatio && !rows.empty() ? "case (" + rows.front()->pair.Label() + ")"
                                                 : "benchmark"},
      {"metric"},
      {"baseline", Align::kRight},
      {"current", Align::kRight},
      {"change", Align::kRight},
      {"current÷baseline [" + FormatDouble("%g", confidence * 100) + "% CI]", Align::kRight},
      {"p-value", Align::kRight},
      {"verdict"}};
  if (!gate_cells.empty()) columns.push_back({"gate"});
  columns.push_back({"note"});
  Table table(std::move(columns));
  for (size_t i = 0; i < rows.size(); ++i) {
    const Comparison& c = *rows[i];
    auto number = mode == GateMode::kRatio ? OptRatio : Opt;
    std::vector<Cell> cells = {
        {c.benchmark},          {c.metric},
        {number(c.baseline)},   {number(c.current)},
        {OptPercent(c.change)}, {IntervalText(c.ratio)},
        {OptP(c.p_value)},      {std::string(VerdictName(c.verdict)), VerdictColor(c.verdict)}};
    if (!gate_cells.empty()) {
      cells.push_back({gate_cells[i], gate_cells[i] == "FAIL" ? Color::kRed : Color::kNone});
    }
    cells.push_back({c.note});
    table.AddRow(std::move(cells));
  }
  return Render(table, options);
}

json ComparisonJson(const Comparison& c) {
  return json{{"benchmark", c.benchmark},
              {"mode", GateModeName(c.mode)},
              {"metric", c.metric},
              {"n_baseline", c.n_baseline},
              {"n_current", c.n_current},
              {"baseline", JsonOpt(c.baseline)},
              {"current", JsonOpt(c.current)},
              {"change", JsonOpt(c.change)},
              {"p_value", JsonOpt(c.p_value)},
              {"cv_baseline", JsonOpt(c.cv_baseline)},
              {"cv_current", JsonOpt(c.cv_current)},
              {"current_over_baseline", IntervalJson(c.ratio)},
              {"aggregate", c.aggregate},
              {"verdict", VerdictName(c.verdict)},
              {"note", c.note}};
}

// Raw and ratio sections for diff (gate_cells empty) and gate.
std::string Sections(const std::vector<const Comparison*>& rows,
                     const std::vector<std::string>& gate_cells, double confidence,
                     const RenderOptions& options) {
  std::string out;
  for (GateMode mode : {GateMode::kRaw, GateMode::kRatio}) {
    std::vector<const Comparison*> selected;
    std::vector<std::string> cells;
    for (size_t i = 0; i < rows.size(); ++i) {
      if (rows[i]->mode != mode) continue;
      selected.push_back(rows[i]);
      if (!gate_cells.empty()) cells.push_back(gate_cells[i]);
    }
    if (selected.empty()) continue;
    out += Heading(mode == GateMode::kRaw
                       ? "Raw values: median over repetitions, baseline vs current"
                       : selected.front()->pair.target + " ÷ " + selected.front()->pair.reference +
                             " from the same run (machine-independent), baseline vs current",
                   options);
    out += ComparisonTable(selected, cells, mode, confidence, options);
  }
  if (!out.empty()) {
    out +=
        "\ncurrent÷baseline: Hodges-Lehmann estimate (median of all current÷baseline pairs of "
        "repetitions) and its exact Mann-Whitney interval. Verdict: interval above/below 1 -> "
        "improved/regressed (by the metric's direction); inside the equal band -> no clear "
        "difference; else, or with fewer than 3 repetitions a side, too noisy to tell.\n";
  }
  return out;
}

std::string TargetsTable(const std::vector<TargetResult>& targets, const RenderOptions& options) {
  Table table({{"target"}, {"benchmark"}, {"value", Align::kRight}, {"status"}, {"gates"}});
  for (const TargetResult& t : targets) {
    std::string gates = t.target.gate ? "yes" : "no";
    if (t.checks.empty()) {
      table.AddRow(
          {{t.target.name}, {"-"}, {""}, {std::string(TargetStatusName(t.status))}, {gates}});
      continue;
    }
    for (const TargetCheck& check : t.checks) {
      table.AddRow({{t.target.name},
                    {check.benchmark},
                    {FormatNumber(check.value)},
                    {check.met ? "met" : "missed", check.met ? Color::kGreen : Color::kRed},
                    {gates}});
    }
  }
  return Render(table, options);
}

json TargetsJson(const std::vector<TargetResult>& targets) {
  json out = json::array();
  for (const TargetResult& t : targets) {
    json checks = json::array();
    for (const TargetCheck& c : t.checks) {
      checks.push_back({{"benchmark", c.benchmark}, {"value", c.value}, {"met", c.met}});
    }
    out.push_back({{"name", t.target.name},
                   {"metric", t.target.metric},
                   {"op", t.target.op == TargetOp::kGreater ? ">" : "<"},
                   {"value", t.target.value},
                   {"gate", t.target.gate},
                   {"status", TargetStatusName(t.status)},
                   {"checks", checks}});
  }
  return out;
}

std::string GateVerdictText(int exit_code) {
  switch (exit_code) {
    case kExitPass:
      return "PASS";
    case kExitRegression:
      return "FAIL (regression)";
    case kExitMoreRepetitions:
      return "INCONCLUSIVE SO FAR (more repetitions)";
    default:
      return "CANNOT COMPARE";
  }
}

}  // namespace

Result<OutputFormat> ParseOutputFormat(std::string_view name) {
  if (name == "text") return OutputFormat::kText;
  if (name == "markdown" || name == "md") return OutputFormat::kMarkdown;
  if (name == "json") return OutputFormat::kJson;
  return Error{"--format: expected text, markdown or json, not '" + std::string(name) + "'"};
}

std::string FormatNumber(double v) {
  double a = std::fabs(v);
  if (a >= 1000) return FormatDouble("%.0f", v);
  if (a >= 100) return FormatDouble("%.1f", v);
  if (a >= 10) return FormatDouble("%.2f", v);
  return FormatDouble("%.3f", v);
}

std::string RenderVsRedis(const VsRedisReport& report, const RenderOptions& options) {
  if (options.format == OutputFormat::kJson) {
    json rows = json::array();
    for (const VsRedisRow& r : report.rows) {
      rows.push_back({{"case", r.case_name},
                      {"has_kv", r.has_kv},
                      {"has_redis", r.has_redis},
                      {"kv_items_per_second", JsonOpt(r.kv_ops)},
                      {"redis_items_per_second", JsonOpt(r.redis_ops)},
                      {"throughput_ratio_kv_over_redis", JsonOpt(r.ops_ratio)},
                      {"kv_p50_us", JsonOpt(r.kv_p50_us)},
                      {"redis_p50_us", JsonOpt(r.redis_p50_us)},
                      {"kv_p99_us", JsonOpt(r.kv_p99_us)},
                      {"redis_p99_us", JsonOpt(r.redis_p99_us)},
                      {"p99_ratio_redis_over_kv", JsonOpt(r.p99_ratio)},
                      {"pairs", r.pairs},
                      {"throughput_interval", IntervalJson(r.ops_interval)},
                      {"throughput_verdict", VsRedisVerdictName(r.ops_verdict)},
                      {"p99_interval", IntervalJson(r.p99_interval)},
                      {"p99_verdict", VsRedisVerdictName(r.p99_verdict)},
                      {"kv_client_cpu_util", JsonOpt(r.kv_client_cpu_util)},
                      {"redis_client_cpu_util", JsonOpt(r.redis_client_cpu_util)},
                      {"client_bound", r.client_bound},
                      {"kv_errors", r.kv_errors},
                      {"redis_errors", r.redis_errors}});
    }
    json context = json::object();
    for (const auto& [key, value] : report.context) context[key] = value;
    json out = {{"schema", "kv-compare-vs-redis"},
                {"schema_version", kReportSchemaVersion},
                {"source", report.source},
                {"target", report.pair.target},
                {"reference", report.pair.reference},
                {"context", context},
                {"paired", report.paired},
                {"too_few_repetitions", report.too_few_repetitions},
                {"rows", rows},
                {"geomean",
                 {{"throughput_ratio_kv_over_redis", JsonOpt(report.geomean_ops_ratio)},
                  {"p99_ratio_redis_over_kv", JsonOpt(report.geomean_p99_ratio)},
                  {"throughput_interval", IntervalJson(report.geomean_ops_interval)},
                  {"throughput_verdict", VsRedisVerdictName(report.geomean_ops_verdict)},
                  {"interval_cases", report.geomean_cases}}},
                {"conditions",
                 {{"cpus", JsonOpt(report.conditions.cpus)},
                  {"other_cpu_cores", JsonOpt(report.conditions.other_cpu_cores)},
                  {"load_avg_before", JsonOpt(report.conditions.load_before)},
                  {"disturbed", report.conditions.disturbed},
                  {"summary", report.conditions.summary}}}};
    return out.dump(2) + "\n";
  }
  // A target's columns only when it ran; the ratio columns only when some case has both.
  const bool kv = report.has_kv;
  const bool redis = report.has_redis;
  const bool ratios = report.paired > 0;
  const std::string& t = report.pair.target;
  const std::string& ref = report.pair.reference;
  const std::string t_server = ServerLabel(t);  // prose: "kv-server"
  const std::string ref_server = ServerLabel(ref);
  std::vector<Column> columns = {{"case"}};
  auto column = [&](bool shown, const std::string& title) {
    if (shown) columns.push_back({title, Align::kRight});
  };
  column(kv, t + " ops/s");
  column(redis, ref + " ops/s");
  const std::string level = FormatDouble("%g", report.confidence * 100) + "% CI";
  column(ratios, "ops " + t + "÷" + ref + " [" + level + "]");
  column(ratios, t + " is");
  column(kv, t + " p50 µs");
  column(redis, ref + " p50 µs");
  column(kv, t + " p99 µs");
  column(redis, ref + " p99 µs");
  column(ratios, "p99 " + ref + "÷" + t + " [" + level + "]");
  column(ratios, t + " p99 is");
  columns.push_back({"note"});
  Table table(std::move(columns));
  // A target's throughput: "ERROR" when all its runs failed.
  auto ops = [](bool present, const std::optional<double>& v,
                const std::vector<std::string>& errors) -> Cell {
    if (present && !v && !errors.empty()) return {"ERROR"};
    return {Opt(v)};
  };
  std::vector<std::string> errors;
  for (const VsRedisRow& r : report.rows) {
    std::vector<std::string> notes;
    if (kv && !r.has_kv) notes.push_back("no " + t + " counterpart");
    if (redis && !r.has_redis) notes.push_back("no " + ref + " counterpart");
    if (!r.kv_errors.empty()) notes.push_back(t + " failed");
    if (!r.redis_errors.empty()) notes.push_back(ref + " failed");
    if (r.client_bound) {
      notes.push_back("client-bound (client CPU " +
                      FormatDouble("%.0f%%", std::max(r.kv_client_cpu_util.value_or(0),
                                                      r.redis_client_cpu_util.value_or(0)) *
                                                 100) +
                      ")");
    }
    for (const std::string& e : r.kv_errors) errors.push_back(t + "/" + r.case_name + ": " + e);
    for (const std::string& e : r.redis_errors)
      errors.push_back(ref + "/" + r.case_name + ": " + e);
    std::string note;
    for (const std::string& n : notes) note += (note.empty() ? "" : "; ") + n;
    std::vector<Cell> cells = {{r.case_name}};
    auto cell = [&](bool shown, Cell c) {
      if (shown) cells.push_back(std::move(c));
    };
    cell(kv, ops(r.has_kv, r.kv_ops, r.kv_errors));
    cell(redis, ops(r.has_redis, r.redis_ops, r.redis_errors));
    const bool pair = r.has_kv && r.has_redis;
    cell(ratios, RatioCell(r.ops_interval, r.ops_ratio));
    cell(ratios, pair ? VsVerdictCell(r.ops_verdict) : Cell{""});
    cell(kv, {Opt(r.kv_p50_us)});
    cell(redis, {Opt(r.redis_p50_us)});
    cell(kv, {Opt(r.kv_p99_us)});
    cell(redis, {Opt(r.redis_p99_us)});
    cell(ratios, RatioCell(r.p99_interval, r.p99_ratio));
    cell(ratios, pair ? VsVerdictCell(r.p99_verdict) : Cell{""});
    cells.push_back({note});
    table.AddRow(std::move(cells));
  }
  if (ratios) {
    // Some case has both targets, so every column is there.
    table.AddRow({{"geometric mean (" + std::to_string(report.paired) + " cases)"},
                  {""},
                  {""},
                  RatioCell(report.geomean_ops_interval, report.geomean_ops_ratio),
                  VsVerdictCell(report.geomean_ops_verdict),
                  {""},
                  {""},
                  {""},
                  {""},
                  RatioCell(std::nullopt, report.geomean_p99_ratio),
                  {""},
                  {report.geomean_cases > 0 && report.geomean_cases != report.paired
                       ? "interval over " + std::to_string(report.geomean_cases) +
                             " cases (not client-bound)"
                       : ""}});
  }
  const bool markdown = options.format == OutputFormat::kMarkdown;
  std::string title = t_server + " vs reference " + ref_server + ", same run: " + report.source;
  std::string out = markdown ? "## " + title + "\n\n" : title + "\n";
  for (const auto& [key, value] : report.context) {
    out += (markdown ? "- " : "") + key + ": " + value + "\n";
  }
  if (!report.conditions.summary.empty()) {
    out += (markdown ? "- **" : "") + report.conditions.summary + (markdown ? "**" : "") + "\n";
  }
  if (!report.too_few_repetitions.empty()) {
    out += (markdown ? "- **" : "") + report.too_few_repetitions + (markdown ? "**" : "") + "\n";
  }
  if (!markdown || !report.context.empty() || !report.conditions.summary.empty() ||
      !report.too_few_repetitions.empty()) {
    out += "\n";
  }
  out += Render(table, options) + "\n";
  out +=
      ratios
          ? "Ratios > 1 favour " + t_server + ": ops " + t + "÷" + ref +
                " = throughput ratio; p99 " + ref + "÷" + t + " = how many times lower " +
                t_server +
                "'s p99 is. Raw values are medians over repetitions; a ratio is the median of the "
                "per-repetition ratios (" +
                t + " and " + ref +
                " paired by repetition) with its exact 95% interval (order statistics; needs >= 6 "
                "repetitions). "
                "Verdict: interval above 1 -> faster, below 1 -> slower, inside the equal band -> "
                "no "
                "clear difference, otherwise or without an interval -> too noisy to tell; "
                "client-bound: the "
                "load generator used >= 90% of its CPU, so the ratio describes the client.\n"
          : "Values are medians over repetitions. No ratios: no case has both " + t +
                "/<case> and " + ref + "/<case> results (did the reference target run?).\n";
  if (!errors.empty()) out += "\n";
  for (const std::string& e : errors) out += (markdown ? "- ERROR " : "ERROR ") + e + "\n";
  return out;
}

std::string RenderDiff(const DiffReport& report, const RenderOptions& options) {
  if (options.format == OutputFormat::kJson) {
    json rows = json::array();
    for (const Comparison& c : report.rows) rows.push_back(ComparisonJson(c));
    json out = {{"schema", "kv-compare-diff"},
                {"schema_version", kReportSchemaVersion},
                {"baseline", report.baseline_source},
                {"current", report.current_source},
                {"rows", rows},
                {"warnings", report.warnings}};
    return out.dump(2) + "\n";
  }
  std::vector<const Comparison*> rows;
  for (const Comparison& c : report.rows) rows.push_back(&c);
  std::string title = "kv-compare diff: " + report.baseline_source + " -> " + report.current_source;
  std::string out = options.format == OutputFormat::kMarkdown ? "## " + title + "\n" : title + "\n";
  out += Sections(rows, {}, report.confidence, options);
  out += ListItems("Warnings", report.warnings, options);
  return out;
}

namespace {

// RenderGate with or without the policy (JSON: per row "threshold" and "direction", and "policy").
std::string RenderGateWith(const GateReport& report, const RenderOptions& options,
                           const Policy* policy) {
  std::string result = report.exit_code == kExitPass              ? "pass"
                       : report.exit_code == kExitRegression      ? "regression"
                       : report.exit_code == kExitMoreRepetitions ? "more_repetitions"
                                                                  : "cannot_compare";
  if (options.format == OutputFormat::kJson) {
    json rows = json::array();
    for (const GateRow& r : report.rows) {
      json row = ComparisonJson(r.comparison);
      row["gated"] = r.gated;
      row["level"] = JsonOpt(r.level);
      row["fails"] = r.fails;
      if (policy != nullptr) {
        const MetricPolicy* metric = policy->FindMetric(r.comparison.metric);
        row["threshold"] = metric != nullptr ? json(metric->threshold) : json(nullptr);
        row["direction"] = metric == nullptr ? json(nullptr)
                           : metric->direction == Direction::kHigherIsBetter
                               ? json("higher_is_better")
                               : json("lower_is_better");
      }
      rows.push_back(std::move(row));
    }
    json modes = json::array();
    for (GateMode m : report.modes) modes.push_back(GateModeName(m));
    json out = {{"schema", "kv-compare-gate"},
                {"schema_version", kReportSchemaVersion},
                {"baseline", report.baseline_source},
                {"current", report.current_source},
                {"result", result},
                {"exit_code", report.exit_code},
                {"modes", modes},
                {"reasons", report.reasons},
                {"warnings", report.warnings},
                {"look", report.look},
                {"looks", report.looks},
                {"rerun_commands", report.rerun_commands},
                {"rerun_filter", report.rerun_filter},
                {"rows", rows},
                {"targets", TargetsJson(report.targets)}};
    if (policy != nullptr) {
      out["policy"] = {{"alpha", policy->alpha},
                       {"confidence", policy->confidence},
                       {"equal_band", policy->equal_band},
                       {"min_repetitions", policy->min_repetitions},
                       {"max_noisy_fraction", policy->max_noisy_fraction}};
    }
    return out.dump(2) + "\n";
  }
  std::vector<const Comparison*> rows;
  std::vector<std::string> gate_cells;
  for (const GateRow& r : report.rows) {
    rows.push_back(&r.comparison);
    gate_cells.push_back(r.fails ? "FAIL" : r.gated ? "yes" : "no");
  }
  std::string title = "kv-compare gate (" + GateModesName(report.modes) +
                      "): " + report.baseline_source + " -> " + report.current_source;
  std::string out = options.format == OutputFormat::kMarkdown ? "## " + title + "\n" : title + "\n";
  out += Sections(rows, gate_cells, report.confidence, options);
  if (!report.targets.empty()) {
    out += Heading("Absolute targets (current run)", options);
    out += TargetsTable(report.targets, options);
  }
  out += ListItems("Warnings (reported, not failing)", report.warnings, options);
  out += ListItems(report.exit_code == kExitCannotCompare ? "Cannot compare" : "Reasons",
                   report.reasons, options);
  std::string verdict = GateVerdictText(report.exit_code);
  if (report.looks > 1) {
    verdict +=
        " (look " + std::to_string(report.look) + " of " + std::to_string(report.looks) + ")";
  }
  if (report.exit_code == kExitMoreRepetitions) {
    std::string which;
    for (const std::string& c : report.rerun_commands) which += (which.empty() ? "" : ", ") + c;
    out += "\nInconclusive rows at this look; more repetitions of " +
           (which.empty() ? std::string("every case") : which) + ", then the next look.\n";
    // A line of its own for scripts/gate.sh ("" = the whole grid).
    out += "rerun-filter: " + report.rerun_filter + "\n";
  }
  if (options.format == OutputFormat::kMarkdown) {
    out += "\n**gate: " + verdict + "**\n";
  } else {
    bool color = options.color;
    const char* code = report.exit_code == kExitPass ? "\033[32m" : "\033[31m";
    out += "\ngate: " + (color ? std::string(code) + verdict + "\033[0m" : verdict) + "\n";
  }
  return out;
}

}  // namespace

std::string RenderGate(const GateReport& report, const RenderOptions& options) {
  return RenderGateWith(report, options, nullptr);
}

std::string RenderGate(const GateReport& report, const RenderOptions& options,
                       const Policy& policy) {
  return RenderGateWith(report, options, &policy);
}

std::string RenderStability(const StabilityReport& report, const RenderOptions& options) {
  const std::string cases = std::to_string(report.rows.size());
  if (options.format == OutputFormat::kJson) {
    json rows = json::array();
    for (const StabilityRow& r : report.rows) {
      json runs = json::array();
      for (size_t i = 0; i < r.runs.size(); ++i) {
        const StabilityRun& run = r.runs[i];
        runs.push_back({{"source", i < report.sources.size() ? report.sources[i] : ""},
                        {"kv_median", JsonFinite(run.kv_median)},
                        {"redis_median", JsonFinite(run.redis_median)},
                        {"ratio_median", JsonFinite(run.ratio_median)},
                        {"ratios", run.ratios}});
      }
      rows.push_back({{"case", r.case_name},
                      {"runs", runs},
                      {"kv_cv", JsonFinite(r.kv_cv)},
                      {"redis_cv", JsonFinite(r.redis_cv)},
                      {"ratio_cv", JsonFinite(r.ratio_cv)},
                      {"ratio_steadier", r.ratio_cv < r.kv_cv},
                      {"ratio_over_runs", IntervalJson(r.ratio_interval)},
                      {"verdict", VsRedisVerdictName(r.verdict)}});
    }
    json skipped = json::array();
    for (const StabilitySkip& s : report.skipped) {
      skipped.push_back({{"case", s.case_name}, {"reason", s.reason}});
    }
    json out = {{"schema", "kv-compare-stability"},
                {"schema_version", kReportSchemaVersion},
                {"metric", report.metric},
                {"target", report.pair.target},
                {"reference", report.pair.reference},
                {"sources", report.sources},
                {"cases", rows},
                {"summary",
                 {{"cases", report.rows.size()},
                  {"median_kv_cv", JsonFinite(report.median_kv_cv)},
                  {"median_redis_cv", JsonFinite(report.median_redis_cv)},
                  {"median_ratio_cv", JsonFinite(report.median_ratio_cv)},
                  {"ratio_steadier", report.ratio_steadier}}},
                {"skipped", skipped},
                {"warnings", report.warnings}};
    return out.dump(2) + "\n";
  }
  const std::string& t = report.pair.target;
  const std::string& ref = report.pair.reference;
  Table table({{"case"},
               {"runs", Align::kRight},
               {t + " CV %", Align::kRight},
               {ref + " CV %", Align::kRight},
               {"ratio CV %", Align::kRight},
               {report.pair.Label() + " over runs [95% CI]", Align::kRight},
               {t + " is", Align::kRight}});
  for (const StabilityRow& r : report.rows) {
    table.AddRow({{r.case_name},
                  {std::to_string(r.runs.size())},
                  {CvPercent(r.kv_cv)},
                  {CvPercent(r.redis_cv)},
                  {CvPercent(r.ratio_cv), r.ratio_cv < r.kv_cv ? Color::kGreen : Color::kNone},
                  RatioCell(r.ratio_interval, r.ratio_over_runs),
                  VsVerdictCell(r.verdict)});
  }
  std::string sources;
  for (const std::string& s : report.sources) sources += (sources.empty() ? "" : ", ") + s;
  std::string title = "kv-compare stability (" + report.metric + ", " +
                      std::to_string(report.sources.size()) + " runs): " + sources;
  bool markdown = options.format == OutputFormat::kMarkdown;
  std::string out = markdown ? "## " + title + "\n\n" : title + "\n\n";
  out += Render(table, options);
  out +=
      "\nCV = standard deviation ÷ mean over the runs of each run's median (kv, redis) or median "
      "per-repetition kv÷redis ratio. A ratio CV below the kv CV: the same-run ratio is steadier "
      "than kv-server's raw throughput. kv÷redis over runs: the median of the runs' ratios with "
      "its "
      "exact interval (order statistics; needs >= 6 runs) and its verdict (above 1: faster).\n";
  std::vector<std::string> skipped;
  for (const StabilitySkip& s : report.skipped) skipped.push_back(s.case_name + ": " + s.reason);
  out += ListItems("Skipped (not usable in every run)", skipped, options);
  out += ListItems("Warnings", report.warnings, options);
  out += "\nmedian over " + cases + " cases: kv CV " + CvPercent(report.median_kv_cv) +
         "%, redis CV " + CvPercent(report.median_redis_cv) + "%, ratio CV " +
         CvPercent(report.median_ratio_cv) + "%; ratio CV < kv CV in " +
         std::to_string(report.ratio_steadier) + " of " + cases + " cases\n";
  return out;
}

}  // namespace kv::compare
