// Saturation-search sections of the HTML report (see search_section.h).
#include "tools/compare/html/search_section.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "tools/compare/html/chart.h"
#include "tools/compare/html/markup.h"
#include "tools/compare/search.h"

namespace kv::compare::html {
namespace {

struct NamedRun {
  std::string name;  // "search 1 (kv.json)"
  SearchRun run;
};

// The percentiles the curves show, and how to read each from a step.
struct Curve {
  double percentile;
  const char* name;
  double StepLatency::*field;
};
constexpr Curve kCurves[] = {{50, "p50", &StepLatency::p50},
                             {99, "p99", &StepLatency::p99},
                             {99.9, "p99.9", &StepLatency::p99_9}};

// The steps in order of offered rate (then of running): a curve from light to heavy load.
std::vector<const SearchStep*> ByOfferedRate(const Search& s) {
  std::vector<const SearchStep*> out;
  for (const SearchStep& step : s.steps) out.push_back(&step);
  std::stable_sort(out.begin(), out.end(), [](const SearchStep* a, const SearchStep* b) {
    return a->offered_rps < b->offered_rps;
  });
  return out;
}

Axis RateAxis() {
  return {.title = "achieved throughput (requests/s)",
          .kind = ScaleKind::kLinear,
          .include_zero = true,
          .ticks_at = {}};
}

Axis LatencyAxis(const std::string& what) {
  return {.title = what, .kind = ScaleKind::kLog, .include_zero = false, .ticks_at = {}};
}

// The objectives at `percentile` as horizontal lines.
std::vector<ReferenceLine> ObjectiveLines(const Search& s, double percentile) {
  std::vector<ReferenceLine> out;
  for (const SearchObjective& o : s.objectives) {
    if (std::fabs(o.percentile - percentile) < 1e-9) {
      out.push_back({.value = o.limit_ms, .label = "objective " + o.text});
    }
  }
  return out;
}

// Objectives at percentiles no curve shows (p90, p99.99, ...): said in the caption.
std::string UndrawnObjectives(const Search& s) {
  std::string out;
  for (const SearchObjective& o : s.objectives) {
    const bool drawn = std::any_of(std::begin(kCurves), std::end(kCurves), [&](const Curve& c) {
      return std::fabs(c.percentile - o.percentile) < 1e-9;
    });
    if (!drawn) out += (out.empty() ? "" : ", ") + o.text;
  }
  return out;
}

std::string AnswerLabel(const Search& s) {
  return std::string("answer ") + (s.lower_bound ? "≥ " : "") + ShortNumber(*s.answer_rps) + "/s";
}

std::string StepOutcome(const SearchStep& step) {
  if (step.met) return "met";
  std::string out = "broke:";
  for (const BreakReason& r : step.reasons) out += " " + r.Describe() + ";";
  out.pop_back();
  return out;
}

// One line: the answer, what broke first, what limited the search.
std::string Summary(const Search& s) {
  std::string out = s.verdict;
  out += " — answer " + (s.answer_rps ? Number(*s.answer_rps) + " requests/s offered" : "none");
  if (s.first_broken) {
    out += ", first broken at " + Number(s.first_broken->offered_rps);
    std::string reasons;
    for (const BreakReason& r : s.first_broken->reasons) {
      reasons += (reasons.empty() ? "" : "; ") + r.Describe();
    }
    if (!reasons.empty()) out += " (" + reasons + ")";
  }
  out += ", limited by " + std::string(LimitedByName(s.limited_by));
  if (s.lower_bound) out += "; the answer is only a lower bound: the server may sustain more";
  return out;
}

void AddCurve(const Search& s, Page& page) {
  LineChart chart;
  chart.title = s.title + ": latency against throughput, search steps";
  chart.x = RateAxis();
  chart.y = LatencyAxis("latency (ms, log scale)");
  chart.width = 640;
  chart.height = 340;
  const std::vector<const SearchStep*> steps = ByOfferedRate(s);
  int style = 0;
  for (const Curve& c : kCurves) {
    LineSeries series{.name = std::string("corrected ") + c.name, .style = style++, .points = {}};
    for (const SearchStep* step : steps) {
      series.points.push_back({step->achieved_rps, step->corrected.*c.field});
    }
    chart.series.push_back(std::move(series));
    for (ReferenceLine& line : ObjectiveLines(s, c.percentile)) chart.y_lines.push_back(line);
  }
  LineSeries uncorrected{.name = "uncorrected p99", .style = style, .points = {}};
  for (const SearchStep* step : steps) {
    uncorrected.points.push_back({step->achieved_rps, step->uncorrected.p99});
  }
  chart.series.push_back(std::move(uncorrected));
  if (s.answer_achieved_rps) {
    chart.x_lines.push_back({.value = *s.answer_achieved_rps, .label = AnswerLabel(s)});
  }
  DataTable numbers{
      .columns = {"step", "phase", "offered/s", "achieved/s", "p50 ms", "p99 ms", "p99.9 ms",
                  "uncorrected p99 ms", "errors", "outcome", "client saturated"},
      .rows = {},
      .text_columns = 2};
  for (const SearchStep& step : s.steps) {
    numbers.rows.push_back({std::to_string(step.index), step.phase, Number(step.offered_rps),
                            Number(step.achieved_rps), Number(step.corrected.p50),
                            Number(step.corrected.p99), Number(step.corrected.p99_9),
                            Number(step.uncorrected.p99), std::to_string(step.errors),
                            StepOutcome(step), step.client_saturated ? "yes" : "no"});
  }
  std::string caption =
      s.title +
      ": each step of the search at its achieved throughput against its latency (log scale; "
      "corrected: from when each request was due); the dashed horizontal line is the objective, "
      "the vertical one the answer (the highest offered rate that met every objective); a curve "
      "bending back to the left is a step whose server fell short of the offered rate.";
  if (const std::string undrawn = UndrawnObjectives(s); !undrawn.empty()) {
    caption += " Objectives at other percentiles (" + undrawn + ") are in the table only.";
  }
  page.Figure(RenderLineChart(chart, page.NextChartId()), caption, numbers);
}

void AddRun(const NamedRun& named, bool several, Page& page) {
  const SearchRun& run = named.run;
  page.BeginSection((several ? named.name + ": " : "Saturation search: ") + run.source);
  std::vector<std::string> lines;
  for (const Search& s : run.searches) lines.push_back(Summary(s));
  std::string lead;
  for (const std::string& l : lines) lead += (lead.empty() ? "" : " · ") + l;
  page.Paragraph(lead, "lead");
  std::vector<std::pair<std::string, std::string>> config;
  for (const auto& [key, value] : run.config.items()) {
    if (!value.is_null())
      config.emplace_back(key, value.is_string() ? value.get<std::string>() : value.dump());
  }
  page.Definitions(config);
  for (const Search& s : run.searches) {
    page.Heading(s.title + " (" + s.ObjectivesText() + ")");
    AddCurve(s, page);
  }
  page.EndSection();
}

// Per test present in two documents or more: every document's corrected p99 on one chart.
void AddComparison(const std::vector<NamedRun>& runs, Page& page) {
  std::vector<std::string> titles;
  std::map<std::string, int> seen;
  for (const NamedRun& r : runs) {
    for (const Search& s : r.run.searches) {
      if (seen[s.title]++ == 0) titles.push_back(s.title);
    }
  }
  page.BeginSection("Searches compared");
  page.Paragraph(
      "The same tests searched in several documents (servers, or runs of one server): each "
      "search's corrected p99 against its achieved throughput on one chart, with each answer "
      "marked. kv-compare search gives the ratio of the answers with its interval.",
      "lead");
  std::vector<std::string> names;
  for (const NamedRun& r : runs) names.push_back(r.name + ": " + r.run.source);
  page.Bullets(names);
  for (const std::string& title : titles) {
    if (seen[title] < 2) continue;
    LineChart chart;
    chart.title = title + ": corrected p99 against throughput, searches compared";
    chart.x = RateAxis();
    chart.y = LatencyAxis("corrected p99 (ms, log scale)");
    chart.width = 640;
    chart.height = 340;
    DataTable numbers{.columns = {"search", "objectives", "answer/s", "first broken/s",
                                  "limited by", "lower bound"},
                      .rows = {},
                      .text_columns = 2};
    for (size_t i = 0; i < runs.size(); ++i) {
      for (const Search& s : runs[i].run.searches) {
        if (s.title != title) continue;
        LineSeries series{.name = runs[i].name, .style = static_cast<int>(i), .points = {}};
        for (const SearchStep* step : ByOfferedRate(s)) {
          series.points.push_back({step->achieved_rps, step->corrected.p99});
        }
        chart.series.push_back(std::move(series));
        for (ReferenceLine& line : ObjectiveLines(s, 99)) {
          const bool known =
              std::any_of(chart.y_lines.begin(), chart.y_lines.end(),
                          [&](const ReferenceLine& l) { return l.value == line.value; });
          if (!known) chart.y_lines.push_back(line);
        }
        if (s.answer_achieved_rps) {
          chart.x_lines.push_back({.value = *s.answer_achieved_rps,
                                   .label = std::to_string(i + 1) + ": " + AnswerLabel(s)});
        }
        numbers.rows.push_back(
            {runs[i].name, s.ObjectivesText(), s.answer_rps ? Number(*s.answer_rps) : "none",
             s.first_broken ? Number(s.first_broken->offered_rps) : "none",
             std::string(LimitedByName(s.limited_by)), s.lower_bound ? "yes" : "no"});
      }
    }
    page.Figure(RenderLineChart(chart, page.NextChartId()),
                title +
                    ": each search's corrected p99 at each step against the throughput achieved "
                    "(log scale, lower is better); dashed horizontal: the p99 objective; "
                    "vertical: each search's answer, numbered as in the list above.",
                numbers);
  }
  page.EndSection();
}

}  // namespace

Status AddSearchSections(const std::vector<JsonInput>& inputs, Page& page) {
  std::vector<NamedRun> runs;
  for (size_t i = 0; i < inputs.size(); ++i) {
    Result<SearchRun> run = ReadSearchDocument(inputs[i].doc, inputs[i].source);
    if (!run.ok()) return Error{run.error()};
    runs.push_back(
        {.name = "search " + std::to_string(i + 1) + " (" + BaseName(inputs[i].source) + ")",
         .run = std::move(*run)});
  }
  if (runs.size() > 1) AddComparison(runs, page);
  for (const NamedRun& r : runs) AddRun(r, runs.size() > 1, page);
  return {};
}

}  // namespace kv::compare::html
