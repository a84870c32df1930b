// Gate result sections of the HTML report (see gate_section.h).
#include "tools/compare/html/gate_section.h"

#include <algorithm>
#include <initializer_list>
#include <optional>

#include "tools/compare/html/chart.h"
#include "tools/compare/html/markup.h"
#include "tools/compare/html/section_util.h"
#include "tools/compare/table.h"

namespace kv::compare::html {
namespace {

using nlohmann::json;

// One row of the gate JSON (tools/compare/report.cc, RenderGate).
struct GateRowView {
  std::string benchmark;
  std::string mode;
  std::string metric;
  std::optional<double> baseline;
  std::optional<double> current;
  std::optional<double> change;
  std::optional<double> p_value;
  std::optional<double> estimate;  // current_over_baseline
  std::optional<double> low;
  std::optional<double> high;
  std::optional<double> threshold;  // relative, from the policy
  std::string direction;            // "higher_is_better", "lower_is_better" or ""
  std::optional<double> level;
  std::string verdict;
  std::string note;
  bool gated = false;
  bool fails = false;
  size_t n_baseline = 0;
  size_t n_current = 0;
};

struct GateView {
  std::string baseline;
  std::string current;
  std::string result;  // "pass", "regression", "cannot_compare"
  std::vector<std::string> modes;
  std::vector<std::string> reasons;
  std::vector<std::string> warnings;
  std::vector<GateRowView> rows;
  json targets;
  json policy;
  double confidence = 0.95;
};

std::optional<double> OptNumber(const json& object, const char* key) {
  if (!object.contains(key) || !object[key].is_number()) return std::nullopt;
  return object[key].get<double>();
}

Result<std::string> RequireString(const json& object, const char* key, const std::string& where) {
  if (!object.contains(key) || !object[key].is_string()) {
    return Error{where + ": no string \"" + key + "\""};
  }
  return object[key].get<std::string>();
}

// Reads the string fields `fields` (target, key) of `object`; error at the first one missing.
Status ReadStrings(const json& object,
                   std::initializer_list<std::pair<std::string*, const char*>> fields,
                   const std::string& where) {
  for (const auto& [field, key] : fields) {
    Result<std::string> s = RequireString(object, key, where);
    if (!s.ok()) return Error{s.error()};
    *field = *s;
  }
  return {};
}

Result<std::vector<std::string>> StringList(const json& doc, const char* key,
                                            const std::string& where) {
  std::vector<std::string> out;
  if (!doc.contains(key)) return out;
  if (!doc[key].is_array()) return Error{where + ": \"" + key + "\" is not an array"};
  for (const json& item : doc[key]) {
    if (!item.is_string()) return Error{where + ": \"" + key + "\" holds a non-string"};
    out.push_back(item.get<std::string>());
  }
  return out;
}

Result<GateView> ReadGate(const JsonInput& input) {
  const json& doc = input.doc;
  const std::string& src = input.source;
  if (!doc.is_object() || doc.value("schema", "") != kGateSchema) {
    return Error{src + ": not kv-compare gate JSON (\"schema\": \"kv-compare-gate\")"};
  }
  if (!doc.contains("schema_version") || doc["schema_version"] != 1) {
    return Error{src + ": gate JSON schema_version must be 1"};
  }
  GateView view;
  if (Status st = ReadStrings(
          doc, {{&view.baseline, "baseline"}, {&view.current, "current"}, {&view.result, "result"}},
          src);
      !st.ok()) {
    return Error{st.error()};
  }
  if (view.result != "pass" && view.result != "regression" && view.result != "cannot_compare") {
    return Error{src + ": unknown gate result \"" + view.result + "\""};
  }
  for (auto [field, key] : {std::pair{&view.modes, "modes"}, std::pair{&view.reasons, "reasons"},
                            std::pair{&view.warnings, "warnings"}}) {
    auto list = StringList(doc, key, src);
    if (!list.ok()) return Error{list.error()};
    *field = *list;
  }
  if (!doc.contains("rows") || !doc["rows"].is_array()) {
    return Error{src + ": gate JSON without a \"rows\" array"};
  }
  for (size_t i = 0; i < doc["rows"].size(); ++i) {
    const json& r = doc["rows"][i];
    const std::string where = src + ": rows[" + std::to_string(i) + "]";
    if (!r.is_object()) return Error{where + " is not an object"};
    GateRowView row;
    if (Status st = ReadStrings(
            r, {{&row.benchmark, "benchmark"}, {&row.metric, "metric"}, {&row.verdict, "verdict"}},
            where);
        !st.ok()) {
      return Error{st.error()};
    }
    if (!r.contains("gated") || !r["gated"].is_boolean() || !r.contains("fails") ||
        !r["fails"].is_boolean()) {
      return Error{where + ": no boolean \"gated\" and \"fails\""};
    }
    row.gated = r["gated"].get<bool>();
    row.fails = r["fails"].get<bool>();
    row.mode = r.value("mode", "");
    row.note = r.contains("note") && r["note"].is_string() ? r["note"].get<std::string>() : "";
    row.direction = r.contains("direction") && r["direction"].is_string()
                        ? r["direction"].get<std::string>()
                        : "";
    row.baseline = OptNumber(r, "baseline");
    row.current = OptNumber(r, "current");
    row.change = OptNumber(r, "change");
    row.p_value = OptNumber(r, "p_value");
    row.threshold = OptNumber(r, "threshold");
    row.level = OptNumber(r, "level");
    row.n_baseline = r.contains("n_baseline") && r["n_baseline"].is_number_unsigned()
                         ? r["n_baseline"].get<size_t>()
                         : 0;
    row.n_current = r.contains("n_current") && r["n_current"].is_number_unsigned()
                        ? r["n_current"].get<size_t>()
                        : 0;
    if (r.contains("current_over_baseline") && r["current_over_baseline"].is_object()) {
      const json& ci = r["current_over_baseline"];
      row.estimate = OptNumber(ci, "estimate");
      row.low = OptNumber(ci, "low");
      row.high = OptNumber(ci, "high");
      if (auto c = OptNumber(ci, "confidence")) view.confidence = *c;
    }
    view.rows.push_back(std::move(row));
  }
  view.targets =
      doc.contains("targets") && doc["targets"].is_array() ? doc["targets"] : json::array();
  view.policy =
      doc.contains("policy") && doc["policy"].is_object() ? doc["policy"] : json::object();
  if (auto c = OptNumber(view.policy, "confidence")) view.confidence = *c;
  return view;
}

std::string Opt(const std::optional<double>& v) { return v ? Number(*v) : "n/a"; }

std::string Percent(const std::optional<double>& v) {
  return v ? FormatDouble("%+.1f %%", *v * 100) : "n/a";
}

// The ratio at which the row's metric counts as regressed: 1 - t (higher is better) or 1 + t.
std::optional<double> ThresholdRatio(const GateRowView& row) {
  if (!row.threshold) return std::nullopt;
  if (row.direction == "higher_is_better") return 1 - *row.threshold;
  if (row.direction == "lower_is_better") return 1 + *row.threshold;
  return std::nullopt;
}

std::string Decision(const GateRowView& row) {
  if (row.fails) return "FAIL";
  return row.gated ? "pass" : "not gated";
}

// Failing rows first, then regressed, too noisy, and the rest; file order within each.
int Rank(const GateRowView& row) {
  if (row.fails) return 0;
  if (row.verdict == "regressed") return 1;
  if (row.verdict == "too noisy to tell") return 2;
  return 3;
}

std::string ResultText(const std::string& result) {
  if (result == "pass") return "PASS";
  if (result == "regression") return "FAIL (regression)";
  return "CANNOT COMPARE";
}

std::vector<std::string> RowCells(const GateRowView& r) {
  const std::optional<double> threshold = ThresholdRatio(r);
  return {Decision(r),
          r.benchmark,
          r.mode,
          r.metric,
          r.verdict,
          Opt(r.baseline),
          Opt(r.current),
          Percent(r.change),
          Opt(r.estimate),
          r.low && r.high ? "[" + Number(*r.low) + ", " + Number(*r.high) + "]" : "n/a",
          threshold ? Number(*threshold) : "n/a",
          r.p_value ? FormatDouble("%.4f", *r.p_value) : "n/a",
          r.level ? FormatDouble("%.4f", *r.level) : "n/a",
          std::to_string(r.n_baseline) + " / " + std::to_string(r.n_current),
          r.note};
}

void AddGate(const GateView& gate, const std::string& source, Page& page) {
  page.BeginSection("Gate: " + BaseName(gate.baseline) + " → " + BaseName(gate.current));
  std::vector<const GateRowView*> gated;
  std::vector<const GateRowView*> other;
  for (const GateRowView& r : gate.rows) (r.gated ? gated : other).push_back(&r);
  std::stable_sort(gated.begin(), gated.end(),
                   [](const GateRowView* a, const GateRowView* b) { return Rank(*a) < Rank(*b); });
  const size_t failing = static_cast<size_t>(
      std::count_if(gated.begin(), gated.end(), [](auto* r) { return r->fails; }));
  std::string lead = "Gate: " + ResultText(gate.result) + ". " + std::to_string(failing) + " of " +
                     std::to_string(gated.size()) + " gated rows failed";
  if (!gated.empty() && failing > 0) {
    lead += " (first: " + gated.front()->benchmark + ", " + gated.front()->metric + " " +
            Opt(gated.front()->estimate) + " × baseline)";
  }
  lead += ".";
  if (gate.result == "cannot_compare") lead += " The data could not decide: see the reasons.";
  page.Paragraph(lead, "lead");
  std::vector<std::pair<std::string, std::string>> facts = {
      {"gate result file", source}, {"baseline", gate.baseline}, {"current", gate.current}};
  std::string modes;
  for (const std::string& m : gate.modes) modes += (modes.empty() ? "" : "+") + m;
  if (!modes.empty()) facts.emplace_back("modes", modes);
  for (const char* key : {"alpha", "confidence", "equal_band", "min_repetitions"}) {
    if (auto v = OptNumber(gate.policy, key)) {
      facts.emplace_back(std::string("policy ") + key, FormatDouble("%g", *v));
    }
  }
  page.Definitions(facts);
  if (!gate.reasons.empty()) {
    page.Paragraph(gate.result == "cannot_compare" ? "Cannot compare:" : "Why it failed:");
    page.Bullets(gate.reasons);
  }
  if (!gate.warnings.empty()) {
    page.Paragraph("Warnings (reported, not failing):");
    page.Bullets(gate.warnings);
  }

  IntervalChart chart;
  chart.title = "Gated rows: current ÷ baseline against the threshold";
  chart.value = {.title = "current ÷ baseline (1 = unchanged)",
                 .kind = ScaleKind::kLinear,
                 .include_zero = false,
                 .ticks_at = {}};
  DataTable numbers{
      .columns = {"decision", "row", "mode", "metric", "verdict", "baseline", "current", "change",
                  "current ÷ baseline", LevelText(gate.confidence) + " interval", "threshold",
                  "p-value", "level (α / m)", "repetitions", "note"},
      .rows = {},
      .text_columns = 5};
  for (const GateRowView* r : gated) {
    chart.rows.push_back({.label = Decision(*r) + " · " + r->benchmark + " · " + r->metric + " (" +
                                   r->mode + ") — " + r->verdict,
                          .estimate = r->estimate,
                          .low = r->low,
                          .high = r->high,
                          .threshold = ThresholdRatio(*r),
                          .flagged = r->fails});
    numbers.rows.push_back(RowCells(*r));
  }
  page.Figure(RenderIntervalChart(chart, page.NextChartId()),
              "Each gated row: current ÷ baseline (the dashed line at 1 is no change) with its " +
                  LevelText(gate.confidence) +
                  " Hodges–Lehmann interval; the red dashed tick is the threshold a regression "
                  "must pass to fail the gate; failing rows come first, as filled squares marked "
                  "FAIL.",
              numbers);
  if (!other.empty()) {
    DataTable rest{.columns = numbers.columns, .rows = {}, .text_columns = 5};
    for (const GateRowView* r : other) rest.rows.push_back(RowCells(*r));
    page.Table(rest, "Rows reported but not gated (" + std::to_string(other.size()) + ")", true);
  }
  if (!gate.targets.empty()) {
    DataTable targets{.columns = {"target", "metric", "requirement", "gates", "status", "checks"},
                      .rows = {},
                      .text_columns = 6};
    for (const json& t : gate.targets) {
      if (!t.is_object()) continue;
      std::string checks;
      if (t.contains("checks") && t["checks"].is_array()) {
        for (const json& c : t["checks"]) {
          if (!c.is_object()) continue;
          checks += (checks.empty() ? "" : "; ") + c.value("benchmark", std::string("?")) + " " +
                    Opt(OptNumber(c, "value")) + (c.value("met", false) ? " met" : " MISSED");
        }
      }
      targets.rows.push_back({t.value("name", std::string("?")), t.value("metric", std::string("")),
                              t.value("op", std::string("")) + " " + Opt(OptNumber(t, "value")),
                              t.value("gate", false) ? "yes" : "no",
                              t.value("status", std::string("")), checks});
    }
    page.Heading("Absolute targets (current run)");
    page.Table(targets, "Fixed expectations checked on the current run.", false);
  }
  page.EndSection();
}

}  // namespace

Status AddGateSections(const std::vector<JsonInput>& inputs, Page& page) {
  std::vector<GateView> views;
  for (const JsonInput& input : inputs) {
    Result<GateView> view = ReadGate(input);
    if (!view.ok()) return Error{view.error()};
    views.push_back(std::move(*view));
  }
  if (views.size() > 1) {
    page.BeginSection("Gate results");
    DataTable summary{.columns = {"result file", "baseline", "current", "result", "failing rows"},
                      .rows = {},
                      .text_columns = 4};
    for (size_t i = 0; i < views.size(); ++i) {
      const size_t failing =
          static_cast<size_t>(std::count_if(views[i].rows.begin(), views[i].rows.end(),
                                            [](const GateRowView& r) { return r.fails; }));
      summary.rows.push_back({inputs[i].source, views[i].baseline, views[i].current,
                              ResultText(views[i].result), std::to_string(failing)});
    }
    page.Table(summary, "One row per gate result, in the order given.", false);
    page.EndSection();
  }
  for (size_t i = 0; i < views.size(); ++i) AddGate(views[i], inputs[i].source, page);
  return {};
}

}  // namespace kv::compare::html
