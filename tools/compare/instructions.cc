// kv-compare instructions: parsing callgrind-requests.sh JSON, the per-row comparison, rendering
// and the subcommand's own options (--threshold).
#include "tools/compare/instructions.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "base/numbers.h"
#include "tools/compare/gate.h"
#include "tools/compare/result_set.h"
#include "tools/compare/table.h"

namespace kv::compare {
namespace {

using nlohmann::json;

std::string RowName(const std::string& test, int pipeline) {
  return test + " -P " + std::to_string(pipeline);
}

std::string_view VerdictName(InstructionVerdict v) {
  switch (v) {
    case InstructionVerdict::kUnchanged:
      return "unchanged";
    case InstructionVerdict::kImproved:
      return "improved";
    case InstructionVerdict::kRegressed:
      return "regressed";
    case InstructionVerdict::kNew:
      return "new";
  }
  return "?";
}

Color VerdictColor(InstructionVerdict v) {
  if (v == InstructionVerdict::kRegressed) return Color::kRed;
  if (v == InstructionVerdict::kImproved) return Color::kGreen;
  return Color::kNone;
}

Result<int64_t> PositiveInteger(const json& doc, const char* key, const std::string& source) {
  auto it = doc.find(key);
  if (it == doc.end() || !it->is_number_integer() || it->get<int64_t>() <= 0) {
    return Error{source + ": \"" + key + "\" must be a positive integer"};
  }
  return it->get<int64_t>();
}

Result<InstructionFigure> ParseFigure(const json& f, const std::string& where) {
  if (!f.is_object()) return Error{where + ": not an object"};
  InstructionFigure figure;
  auto test = f.find("test");
  if (test == f.end() || !test->is_string() || test->get<std::string>().empty()) {
    return Error{where + ": \"test\" must be a non-empty string"};
  }
  figure.test = test->get<std::string>();
  auto pipeline = f.find("pipeline");
  if (pipeline == f.end() || !pipeline->is_number_integer() || pipeline->get<int64_t>() < 1 ||
      pipeline->get<int64_t>() > 1'000'000) {
    return Error{where + ": \"pipeline\" must be a positive integer"};
  }
  figure.pipeline = pipeline->get<int>();
  auto ir = f.find("kv_ir_per_request");
  if (ir == f.end() || !ir->is_number() || !(ir->get<double>() > 0) ||
      !std::isfinite(ir->get<double>())) {
    return Error{where + ": \"kv_ir_per_request\" must be a positive number"};
  }
  figure.ir_per_request = ir->get<double>();
  if (auto spread = f.find("kv_spread"); spread != f.end() && !spread->is_null()) {
    if (!spread->is_number() || spread->get<double>() < 0) {
      return Error{where + ": \"kv_spread\" must be a number >= 0"};
    }
    figure.spread = spread->get<double>();
  }
  return figure;
}

}  // namespace

Result<InstructionRun> ParseInstructionRun(std::string_view text, const std::string& source) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return Error{source + ": not a JSON object"};
  auto schema = doc.find("schema");
  if (schema == doc.end() || *schema != kInstructionsSchema) {
    return Error{source + ": not a callgrind-requests.sh result (schema \"" +
                 std::string(kInstructionsSchema) + "\")"};
  }
  InstructionRun run;
  run.source = source;
  auto requests = PositiveInteger(doc, "requests", source);
  if (!requests) return Error{requests.error()};
  auto clients = PositiveInteger(doc, "clients", source);
  if (!clients) return Error{clients.error()};
  auto keyspace = PositiveInteger(doc, "keyspace", source);
  if (!keyspace) return Error{keyspace.error()};
  run.requests = *requests;
  run.clients = *clients;
  run.keyspace = *keyspace;
  if (auto args = doc.find("kv_args"); args != doc.end() && args->is_string()) {
    run.kv_args = args->get<std::string>();
  }
  if (auto prov = doc.find("provenance"); prov != doc.end() && prov->is_object()) {
    for (const auto& [key, value] : prov->items()) {
      if (value.is_string()) run.provenance.emplace_back(key, value.get<std::string>());
    }
  }
  auto figures = doc.find("figures");
  if (figures == doc.end() || !figures->is_array() || figures->empty()) {
    return Error{source + ": \"figures\" must be a non-empty array"};
  }
  for (size_t i = 0; i < figures->size(); ++i) {
    auto figure = ParseFigure((*figures)[i], source + ": figures[" + std::to_string(i) + "]");
    if (!figure) return Error{figure.error()};
    run.figures.push_back(std::move(*figure));
  }
  return run;
}

Result<InstructionRun> LoadInstructionRun(const std::string& path) {
  auto text = ReadTextFile(path);
  if (!text) return Error{text.error()};
  return ParseInstructionRun(*text, path);
}

Result<InstructionReport> CompareInstructions(const InstructionRun& baseline,
                                              const InstructionRun& current, double threshold) {
  if (!(threshold > 0 && threshold < 1)) {
    return Error{"threshold " + FormatDouble("%g", threshold) + " is not between 0 and 1"};
  }
  struct Setting {
    const char* name;
    int64_t base;
    int64_t cur;
  };
  for (const Setting& s : {Setting{"requests", baseline.requests, current.requests},
                           Setting{"clients", baseline.clients, current.clients},
                           Setting{"keyspace", baseline.keyspace, current.keyspace}}) {
    if (s.base != s.cur) {
      return Error{std::string("different ") + s.name + " (baseline " + std::to_string(s.base) +
                   ", current " + std::to_string(s.cur) + "): per-request counts depend on it"};
    }
  }
  std::map<std::pair<std::string, int>, const InstructionFigure*> base_rows;
  for (const InstructionFigure& f : baseline.figures) {
    if (!base_rows.emplace(std::pair(f.test, f.pipeline), &f).second) {
      return Error{baseline.source + ": " + RowName(f.test, f.pipeline) + " appears twice"};
    }
  }
  InstructionReport report;
  report.baseline_source = baseline.source;
  report.current_source = current.source;
  report.threshold = threshold;
  std::map<std::pair<std::string, int>, bool> seen;
  size_t common = 0;
  for (const InstructionFigure& f : current.figures) {
    if (!seen.emplace(std::pair(f.test, f.pipeline), true).second) {
      return Error{current.source + ": " + RowName(f.test, f.pipeline) + " appears twice"};
    }
    InstructionRow row;
    row.test = f.test;
    row.pipeline = f.pipeline;
    row.current = f.ir_per_request;
    auto it = base_rows.find({f.test, f.pipeline});
    if (it == base_rows.end()) {
      row.verdict = InstructionVerdict::kNew;
    } else {
      ++common;
      row.baseline = it->second->ir_per_request;
      row.baseline_spread = it->second->spread;
      row.ratio = f.ir_per_request / *row.baseline;
      if (*row.ratio > 1 + threshold) {
        row.verdict = InstructionVerdict::kRegressed;
        ++report.regressions;
      } else if (*row.ratio < 1 - threshold) {
        row.verdict = InstructionVerdict::kImproved;
      }
    }
    report.rows.push_back(std::move(row));
  }
  for (const InstructionFigure& f : baseline.figures) {
    if (!seen.contains({f.test, f.pipeline})) {
      return Error{"the current run lacks " + RowName(f.test, f.pipeline) +
                   " (in the baseline): measure the same tests and pipelines"};
    }
  }
  if (common == 0) return Error{"no figure in common"};
  for (const auto& [key, value] : baseline.provenance) {
    if (key != "valgrind" && key != "compiler" && key != "flags" && key != "cpu") continue;
    for (const auto& [cur_key, cur_value] : current.provenance) {
      if (cur_key == key && cur_value != value) {
        report.warnings.push_back(key + " differs: baseline '" + value + "', current '" +
                                  cur_value + "' (counts may shift; refresh the baseline)");
      }
    }
  }
  if (baseline.kv_args != current.kv_args) {
    report.warnings.push_back("kv-server arguments differ: baseline '" + baseline.kv_args +
                              "', current '" + current.kv_args + "'");
  }
  return report;
}

std::string RenderInstructions(const InstructionReport& report, const RenderOptions& options) {
  auto opt = [](const std::optional<double>& v, const char* fmt) {
    return v ? FormatDouble(fmt, *v) : std::string("n/a");
  };
  if (options.format == OutputFormat::kJson) {
    auto json_opt = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };
    json rows = json::array();
    for (const InstructionRow& r : report.rows) {
      rows.push_back({{"test", r.test},
                      {"pipeline", r.pipeline},
                      {"baseline_ir_per_request", json_opt(r.baseline)},
                      {"current_ir_per_request", r.current},
                      {"ratio", json_opt(r.ratio)},
                      {"baseline_spread", json_opt(r.baseline_spread)},
                      {"verdict", VerdictName(r.verdict)}});
    }
    json out = {{"schema", "kv-compare-instructions"}, {"schema_version", 1},
                {"baseline", report.baseline_source},  {"current", report.current_source},
                {"threshold", report.threshold},       {"rows", rows},
                {"regressions", report.regressions},   {"pass", report.regressions == 0},
                {"warnings", report.warnings}};
    return out.dump(2) + "\n";
  }
  Table table({{"test"},
               {"-P", Align::kRight},
               {"baseline Ir/req", Align::kRight},
               {"current Ir/req", Align::kRight},
               {"ratio", Align::kRight},
               {"baseline spread", Align::kRight},
               {"verdict"}});
  for (const InstructionRow& r : report.rows) {
    const Color color = VerdictColor(r.verdict);
    table.AddRow({{r.test},
                  {std::to_string(r.pipeline)},
                  {opt(r.baseline, "%.0f")},
                  {FormatDouble("%.0f", r.current)},
                  {opt(r.ratio, "%.4f"), color},
                  {r.baseline_spread ? FormatDouble("%.2f%%", *r.baseline_spread * 100) : "n/a"},
                  {std::string(VerdictName(r.verdict)), color}});
  }
  const bool markdown = options.format == OutputFormat::kMarkdown;
  std::string title = "kv-compare instructions: " + report.current_source + " vs baseline " +
                      report.baseline_source;
  std::string out = markdown ? "## " + title + "\n\n" : title + "\n\n";
  out += markdown ? table.ToMarkdown() : table.ToText(options.color);
  out += "\n";
  for (const std::string& w : report.warnings)
    out += (markdown ? "- warning: " : "warning: ") + w + "\n";
  const std::string limit = FormatDouble("%.1f%%", report.threshold * 100);
  if (report.regressions == 0) {
    out += "PASS: no row more than " + limit + " above the baseline\n";
  } else {
    out += "FAIL: " + std::to_string(report.regressions) + " row(s) more than " + limit +
           " above the baseline (user-space instructions per request, callgrind)\n";
  }
  return out;
}

int RunInstructionsCommand(const std::vector<std::string>& args, std::ostream& out,
                           std::ostream& err, const CliEnv& env) {
  const std::string usage =
      "usage: kv-compare instructions [--threshold F] [--format text|markdown|json] "
      "BASELINE.json CURRENT.json";
  auto fail = [&](const std::string& message) {
    err << "kv-compare: " << message << "\n";
    return kExitCannotCompare;
  };
  double threshold = kDefaultInstructionThreshold;
  RenderOptions render{.color = env.stdout_is_tty && !env.no_color};
  std::vector<std::string> files;
  for (size_t i = 1; i < args.size(); ++i) {
    std::string arg = args[i];
    std::optional<std::string> value;
    if (size_t eq = arg.find('='); arg.starts_with("--") && eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg.resize(eq);
    }
    if (arg == "--threshold" || arg == "--format") {
      if (!value) {
        if (i + 1 >= args.size()) return fail(arg + " needs a value");
        value = args[++i];
      }
      if (arg == "--format") {
        auto format = ParseOutputFormat(*value);
        if (!format) return fail(format.error());
        render.format = *format;
      } else {
        std::optional<double> t = ParseNumber<double>(*value);
        if (!t || !(*t > 0 && *t < 1)) {
          return fail("--threshold: '" + *value + "' is not a fraction between 0 and 1");
        }
        threshold = *t;
      }
    } else if (arg.starts_with("-")) {
      return fail("unknown option '" + args[i] + "' for instructions (" + usage + ")");
    } else {
      files.push_back(arg);
    }
  }
  if (files.size() != 2) return fail(usage);
  auto baseline = LoadInstructionRun(files[0]);
  if (!baseline) return fail(baseline.error());
  auto current = LoadInstructionRun(files[1]);
  if (!current) return fail(current.error());
  auto report = CompareInstructions(*baseline, *current, threshold);
  if (!report) return fail("cannot compare: " + report.error());
  out << RenderInstructions(*report, render);
  return report->regressions > 0 ? kExitRegression : 0;
}

}  // namespace kv::compare
