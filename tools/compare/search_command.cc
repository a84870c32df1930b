// kv-compare search: rendering a comparison of saturation searches and the subcommand.
#include "tools/compare/search_command.h"

#include <nlohmann/json.hpp>
#include <optional>

#include "base/numbers.h"
#include "tools/compare/gate.h"
#include "tools/compare/table.h"

namespace kv::compare {
namespace {

using nlohmann::json;

constexpr std::string_view kUsage =
    "usage: kv-compare search [--format text|markdown|json] [--max-drop P%] "
    "A.json[,A2.json...] B.json[,B2.json...]";

std::string Rate(const std::optional<double>& v) { return v ? FormatNumber(*v) : "n/a"; }
std::string Ratio(double v) { return FormatDouble("%.3f", v); }

// One side's rate: bracket "41000..43000" (≥ for a lower bound, < for no answer); several
// searches: the median.
std::string SideRate(const SideSummary& side, RatioMethod method) {
  if (method == RatioMethod::kHodgesLehmann) {
    if (!side.median) return "n/a";
    return (side.lower_bound ? "≥ " : "") + FormatNumber(*side.median);
  }
  const std::optional<double>& answer = side.answers.front();
  const std::optional<double>& upper = side.uppers.front();
  if (!answer) return upper ? "< " + FormatNumber(*upper) : "n/a";
  if (!upper) return "≥ " + FormatNumber(*answer);
  return FormatNumber(*answer) + ".." + FormatNumber(*upper);
}

std::string Spread(const SideSummary& side) {
  if (!side.spread) return "n/a";
  return FormatDouble("%.1f", *side.spread * 100) + " %" + (side.noisy ? " noisy" : "");
}

std::string RatioText(const SearchRow& row) {
  if (!row.ratio) return "n/a";
  switch (row.bound) {
    case RatioBound::kAtLeast:
      return "≥ " + Ratio(*row.ratio);
    case RatioBound::kAtMost:
      return "≤ " + Ratio(*row.ratio);
    case RatioBound::kUnbounded:
      return Ratio(*row.ratio) + " (bounds)";
    case RatioBound::kEstimate:
      break;
  }
  return Ratio(*row.ratio);
}

std::string IntervalText(const SearchRow& row) {
  if (!row.has_interval) return "n/a";
  const std::string low = row.low > 0 ? Ratio(row.low) : "no lower end";
  const std::string high = row.high ? Ratio(*row.high) : "no upper end";
  return "[" + low + ", " + high + "]";
}

std::string GateText(const SearchRow& row) {
  if (row.regressed) return "FAIL";
  if (row.undecided) return "undecided";
  return "PASS";
}

Color VerdictColor(SearchVerdict v) {
  if (v == SearchVerdict::kHigher) return Color::kGreen;
  if (v == SearchVerdict::kLower) return Color::kRed;
  if (v == SearchVerdict::kTooNoisy) return Color::kYellow;
  return Color::kNone;
}

std::string MethodText(const SearchComparison& report) {
  if (report.rows.empty()) return "";
  if (report.rows.front().method == RatioMethod::kBracket) {
    return "interval: the bracket [A.answer ÷ B.first broken, A.first broken ÷ B.answer] — the "
           "range the two searches' steps leave open, not a confidence interval (each step's own "
           "noise is not in it)";
  }
  return "interval: Hodges–Lehmann ratio of the answers (median of the pairwise A ÷ B) with its "
         "exact " +
         FormatDouble("%g", report.confidence * 100) +
         " % interval; spread = (max − min) ÷ median of a side's answers, noisy above " +
         FormatDouble("%g", kSearchNoiseLimit * 100) + " %";
}

json OptJson(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json SideJson(const SideSummary& s) {
  json answers = json::array();
  json uppers = json::array();
  for (const auto& a : s.answers) answers.push_back(OptJson(a));
  for (const auto& u : s.uppers) uppers.push_back(OptJson(u));
  return {{"sources", s.sources},
          {"answers_rps", answers},
          {"upper_rps", uppers},
          {"limited_by", s.limited_by},
          {"median_rps", OptJson(s.median)},
          {"spread", OptJson(s.spread)},
          {"noisy", s.noisy},
          {"lower_bound", s.lower_bound}};
}

std::string RenderJson(const SearchComparison& report) {
  json rows = json::array();
  for (const SearchRow& r : report.rows) {
    json row = {{"title", r.title},
                {"objectives", r.objectives},
                {"method", RatioMethodName(r.method)},
                {"a", SideJson(r.a)},
                {"b", SideJson(r.b)},
                {"ratio", OptJson(r.ratio)},
                {"interval", r.has_interval ? json{{"low", r.low > 0 ? json(r.low) : json()},
                                                   {"high", OptJson(r.high)},
                                                   {"confidence", OptJson(r.confidence)}}
                                            : json()},
                {"bound", RatioBoundName(r.bound)},
                {"verdict", SearchVerdictName(r.verdict)},
                {"notes", r.notes}};
    if (report.max_drop) row["gate"] = GateText(r);
    rows.push_back(std::move(row));
  }
  json out = {{"schema", "kv-compare-search"},
              {"schema_version", 1},
              {"a", report.a_sources},
              {"b", report.b_sources},
              {"confidence", report.confidence},
              {"noise_limit", kSearchNoiseLimit},
              {"rows", rows},
              {"warnings", report.warnings},
              {"max_drop", OptJson(report.max_drop)}};
  if (report.max_drop) {
    out["regressions"] = report.regressions;
    out["undecided"] = report.undecided;
  }
  return out.dump(2) + "\n";
}

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

// "10%", "10 %" or "0.1" -> 0.1; a fraction in (0, 1).
std::optional<double> ParseDrop(std::string value) {
  bool percent = false;
  if (value.ends_with("%")) {
    percent = true;
    value.pop_back();
    while (value.ends_with(" ")) value.pop_back();
  }
  std::optional<double> v = ParseNumber<double>(value);
  if (!v) return std::nullopt;
  const double fraction = percent ? *v / 100 : *v;
  if (!(fraction > 0 && fraction < 1)) return std::nullopt;
  return fraction;
}

// "a.json,b.json" -> the documents.
Result<std::vector<SearchRun>> LoadSide(const std::string& list) {
  std::vector<SearchRun> runs;
  size_t start = 0;
  while (start <= list.size()) {
    const size_t comma = list.find(',', start);
    const std::string path =
        list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (path.empty()) return Error{"empty file name in '" + list + "'"};
    Result<SearchRun> run = LoadSearchRun(path);
    if (!run.ok()) return Error{run.error()};
    runs.push_back(std::move(*run));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return runs;
}

}  // namespace

std::string RenderSearchComparison(const SearchComparison& report, const RenderOptions& options) {
  if (options.format == OutputFormat::kJson) return RenderJson(report);
  const bool markdown = options.format == OutputFormat::kMarkdown;
  const std::string title =
      "kv-compare search: A ÷ B, the rate each sustained within the objectives";
  std::string out = markdown ? "## " + title + "\n\n" : title + "\n";
  const std::string item = markdown ? "- " : "";
  out += item + "A: " + Joined(report.a_sources) + "\n";
  out += item + "B: " + Joined(report.b_sources) + "\n";
  out += item + MethodText(report) + "\n\n";
  std::vector<Column> columns = {{"test"},
                                 {"objectives"},
                                 {"A rps", Align::kRight},
                                 {"A spread", Align::kRight},
                                 {"B rps", Align::kRight},
                                 {"B spread", Align::kRight},
                                 {"A÷B", Align::kRight},
                                 {"interval", Align::kRight},
                                 {"verdict"}};
  if (report.max_drop) columns.push_back({"gate"});
  Table table(std::move(columns));
  for (const SearchRow& r : report.rows) {
    const Color color = VerdictColor(r.verdict);
    std::vector<Cell> cells = {{r.title},
                               {r.objectives},
                               {SideRate(r.a, r.method)},
                               {Spread(r.a), r.a.noisy ? Color::kYellow : Color::kNone},
                               {SideRate(r.b, r.method)},
                               {Spread(r.b), r.b.noisy ? Color::kYellow : Color::kNone},
                               {RatioText(r)},
                               {IntervalText(r)},
                               {std::string(SearchVerdictName(r.verdict)), color}};
    if (report.max_drop) {
      cells.push_back({GateText(r), r.regressed ? Color::kRed : Color::kNone});
    }
    table.AddRow(std::move(cells));
  }
  out += markdown ? table.ToMarkdown() : table.ToText(options.color);
  std::vector<std::string> notes;
  for (const SearchRow& r : report.rows) {
    for (const std::string& n : r.notes) notes.push_back(r.title + ": " + n);
    if (r.bound == RatioBound::kAtLeast) {
      notes.push_back(r.title + ": A ÷ B is at least " + Rate(r.ratio) +
                      " (A's true rate may be higher)");
    } else if (r.bound == RatioBound::kAtMost) {
      notes.push_back(r.title + ": A ÷ B is at most " + Rate(r.ratio) +
                      " (B's true rate may be higher)");
    } else if (r.bound == RatioBound::kUnbounded) {
      notes.push_back(r.title +
                      ": both answers are lower bounds, so their ratio is bounded neither way");
    }
  }
  if (!notes.empty()) out += "\n";
  for (const std::string& n : notes) out += item + "note: " + n + "\n";
  for (const std::string& w : report.warnings) out += item + "warning: " + w + "\n";
  if (report.max_drop) {
    const std::string limit = FormatDouble("%g", *report.max_drop * 100) + " %";
    out += "\n";
    if (report.regressions > 0) {
      out += "FAIL: " + std::to_string(report.regressions) + " test(s) where A ÷ B is below 1 − " +
             limit + " even at its interval's upper end\n";
    } else if (report.undecided > 0) {
      out += "UNDECIDED: " + std::to_string(report.undecided) +
             " test(s) without an interval (more searches a side)\n";
    } else {
      out += "PASS: no test where A ÷ B is certainly below 1 − " + limit + "\n";
    }
  }
  return out;
}

int RunSearchCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                     const CliEnv& env) {
  auto fail = [&](const std::string& message) {
    err << "kv-compare: search: " << message << "\n";
    return kExitCannotCompare;
  };
  RenderOptions render{.format = OutputFormat::kText, .color = env.stdout_is_tty && !env.no_color};
  SearchCompareOptions options;
  std::vector<std::string> sides;
  for (size_t i = 1; i < args.size(); ++i) {
    std::string arg = args[i];
    std::optional<std::string> value;
    if (size_t eq = arg.find('='); arg.starts_with("--") && eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg.resize(eq);
    }
    if (arg == "--help" || arg == "-h") {
      out << kUsage << "\n";
      return 0;
    }
    if (arg == "--format" || arg == "--max-drop") {
      if (!value) {
        if (i + 1 >= args.size()) return fail(arg + " needs a value; " + std::string(kUsage));
        value = args[++i];
      }
      if (arg == "--format") {
        Result<OutputFormat> format = ParseOutputFormat(*value);
        if (!format.ok()) return fail(format.error());
        render.format = *format;
      } else {
        options.max_drop = ParseDrop(*value);
        if (!options.max_drop) {
          return fail("--max-drop: '" + *value + "' is not a drop between 0 and 100 % (e.g. 10%)");
        }
      }
    } else if (arg.starts_with("-")) {
      return fail("unknown option '" + args[i] + "'; " + std::string(kUsage));
    } else {
      sides.push_back(arg);
    }
  }
  if (sides.size() != 2) {
    return fail("expected two sides (A and B; commas join several files of one side); " +
                std::string(kUsage));
  }
  Result<std::vector<SearchRun>> a = LoadSide(sides[0]);
  if (!a.ok()) return fail(a.error());
  Result<std::vector<SearchRun>> b = LoadSide(sides[1]);
  if (!b.ok()) return fail(b.error());
  Result<SearchComparison> report = CompareSearches(*a, *b, options);
  if (!report.ok()) return fail("cannot compare: " + report.error());
  out << RenderSearchComparison(*report, render);
  if (report->regressions > 0) return kExitRegression;
  if (report->undecided > 0) return kExitCannotCompare;
  return 0;
}

}  // namespace kv::compare
