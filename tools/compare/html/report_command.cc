// The report subcommand: input kinds, the page, the atomic write (see report_command.h).
#include "tools/compare/html/report_command.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>

#include "base/unique_fd.h"
#include "tools/compare/gate.h"
#include "tools/compare/html/bench_section.h"
#include "tools/compare/html/gate_section.h"
#include "tools/compare/html/load_section.h"
#include "tools/compare/html/page.h"
#include "tools/compare/html/search_section.h"
#include "tools/compare/json_text.h"
#include "tools/compare/policy.h"
#include "tools/compare/result_set.h"
#include "tools/compare/search.h"

namespace kv::compare::html {
namespace {

using nlohmann::json;

constexpr std::string_view kUsage =
    "usage: kv-compare report INPUT.json [INPUT.json ...] -o REPORT.html [--title TEXT]";

struct Parsed {
  InputKind kind = InputKind::kBench;
  json doc;
  std::optional<ResultSet> set;  // kv_bench and kv-load
};

Result<Parsed> ParseInput(const ReportInput& input) {
  Parsed parsed;
  try {
    parsed.doc = json::parse(ReplaceNonFiniteTokens(input.text));
  } catch (const json::parse_error& e) {
    return Error{input.source + ": malformed JSON: " + e.what()};
  }
  if (parsed.doc.is_object() && parsed.doc.contains("schema") &&
      parsed.doc["schema"] == kGateSchema) {
    parsed.kind = InputKind::kGate;
    return parsed;
  }
  if (IsSearchDocument(parsed.doc)) {
    parsed.kind = InputKind::kSearch;
    return parsed;
  }
  Result<ResultSet> set = ParseResults(input.text, input.source);
  if (!set.ok()) {
    return Error{set.error() +
                 " (kv-compare report reads kv_bench JSON, kv-load JSON, saturation searches "
                 "from kv-load --slo and gate JSON from `kv-compare --format json gate`)"};
  }
  parsed.kind = set->format == SourceFormat::kKvLoad ? InputKind::kLoad : InputKind::kBench;
  parsed.set = std::move(*set);
  return parsed;
}

std::string DefaultTitle(InputKind kind, size_t n) {
  const std::string count = n > 1 ? std::to_string(n) + " " : "";
  switch (kind) {
    case InputKind::kBench:
      return n > 1 ? "kvbench report: " + count + "kv_bench runs compared"
                   : "kvbench report: kv_bench run";
    case InputKind::kLoad:
      return n > 1 ? "kvbench report: " + count + "kv-load runs compared"
                   : "kvbench report: kv-load run";
    case InputKind::kGate:
      return n > 1 ? "kvbench report: " + count + "gate results" : "kvbench report: gate result";
    case InputKind::kSearch:
      return n > 1 ? "kvbench report: " + count + "saturation searches compared"
                   : "kvbench report: saturation search";
  }
  return "kvbench report";
}

int CountCharts(const std::string& html) {
  int n = 0;
  for (size_t pos = html.find("<svg "); pos != std::string::npos;
       pos = html.find("<svg ", pos + 1)) {
    ++n;
  }
  return n;
}

}  // namespace

std::string_view InputKindName(InputKind kind) {
  switch (kind) {
    case InputKind::kBench:
      return "kv_bench JSON";
    case InputKind::kLoad:
      return "kv-load JSON";
    case InputKind::kGate:
      return "gate JSON";
    case InputKind::kSearch:
      return "search JSON";
  }
  return "?";
}

Result<BuiltReport> BuildReport(const std::vector<ReportInput>& inputs, const std::string& title) {
  if (inputs.empty()) return Error{"no input"};
  std::vector<Parsed> parsed;
  for (const ReportInput& input : inputs) {
    Result<Parsed> p = ParseInput(input);
    if (!p.ok()) return Error{p.error()};
    if (!parsed.empty() && p->kind != parsed.front().kind) {
      return Error{"cannot mix input kinds in one report: " + inputs.front().source + " is " +
                   std::string(InputKindName(parsed.front().kind)) + ", " + input.source + " is " +
                   std::string(InputKindName(p->kind))};
    }
    parsed.push_back(std::move(*p));
  }
  const InputKind kind = parsed.front().kind;
  Page page(title.empty() ? DefaultTitle(kind, inputs.size()) : title);
  Status status;
  switch (kind) {
    case InputKind::kBench: {
      std::vector<ResultSet> runs;
      for (Parsed& p : parsed) runs.push_back(std::move(*p.set));
      const Policy policy = DefaultPolicy();
      status = AddBenchSections(runs, policy.confidence, policy.equal_band, page);
      break;
    }
    case InputKind::kLoad:
    case InputKind::kGate:
    case InputKind::kSearch: {
      std::vector<JsonInput> docs;
      for (size_t i = 0; i < parsed.size(); ++i) {
        docs.push_back({.source = inputs[i].source, .doc = std::move(parsed[i].doc)});
      }
      // The sections check what they draw; a field of an unexpected type elsewhere makes
      // nlohmann::json throw, which must still be a clear error, never a crash or half a page.
      try {
        status = kind == InputKind::kLoad   ? AddLoadSections(docs, page)
                 : kind == InputKind::kGate ? AddGateSections(docs, page)
                                            : AddSearchSections(docs, page);
      } catch (const json::exception& e) {
        std::string sources;
        for (const JsonInput& d : docs) sources += (sources.empty() ? "" : ", ") + d.source;
        status = Error{sources + ": a field has an unexpected type (" + e.what() + ")"};
      }
      break;
    }
  }
  if (!status.ok()) return Error{status.error()};
  BuiltReport report;
  report.html = page.Render();
  report.kind = kind;
  report.charts = CountCharts(report.html);
  return report;
}

Status WriteFileAtomically(const std::string& path, const std::string& content) {
  std::string temp = path + ".tmp.XXXXXX";
  UniqueFd fd(::mkstemp(temp.data()));
  if (!fd.valid()) return Error{path + ": cannot create a temporary file: " + std::strerror(errno)};
  size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd.get(), content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = std::strerror(errno);
      ::unlink(temp.c_str());
      return Error{path + ": write failed: " + why};
    }
    written += static_cast<size_t>(n);
  }
  // mkstemp creates the file 0600; a report is meant to be read by others (CI artifacts).
  if (::fchmod(fd.get(), 0644) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(temp.c_str());
    return Error{path + ": cannot set the file's mode: " + why};
  }
  fd.Reset();
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(temp.c_str());
    return Error{path + ": cannot rename the temporary file into place: " + why};
  }
  return {};
}

int RunReportCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::vector<std::string> files;
  std::string output;
  std::string title;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&](const std::string& name) -> std::optional<std::string> {
      if (arg.starts_with(name + "=")) return arg.substr(name.size() + 1);
      if (arg == name && i + 1 < args.size()) return args[++i];
      return std::nullopt;
    };
    if (arg == "-o" || arg == "--output" || arg.starts_with("--output=")) {
      std::optional<std::string> v = value(arg == "-o" ? "-o" : "--output");
      if (!v || v->empty()) {
        err << "kv-compare: report: " << arg << " needs a file name\n" << kUsage << "\n";
        return kExitCannotCompare;
      }
      output = *v;
    } else if (arg == "--title" || arg.starts_with("--title=")) {
      std::optional<std::string> v = value("--title");
      if (!v) {
        err << "kv-compare: report: --title needs a value\n" << kUsage << "\n";
        return kExitCannotCompare;
      }
      title = *v;
    } else if (arg == "--help" || arg == "-h") {
      out << kUsage << "\n";
      return 0;
    } else if (arg.starts_with("-") && arg != "-") {
      err << "kv-compare: report: unknown option '" << arg << "'\n" << kUsage << "\n";
      return kExitCannotCompare;
    } else {
      files.push_back(arg);
    }
  }
  if (files.empty() || output.empty()) {
    err << "kv-compare: report: " << (files.empty() ? "no input file" : "no -o REPORT.html") << "\n"
        << kUsage << "\n";
    return kExitCannotCompare;
  }
  std::vector<ReportInput> inputs;
  for (const std::string& file : files) {
    Result<std::string> text = ReadTextFile(file);
    if (!text.ok()) {
      err << "kv-compare: report: " << text.error() << "\n";
      return kExitCannotCompare;
    }
    inputs.push_back({.source = file, .text = std::move(*text)});
  }
  Result<BuiltReport> report = BuildReport(inputs, title);
  if (!report.ok()) {
    err << "kv-compare: report: " << report.error() << " (no report written)\n";
    return kExitCannotCompare;
  }
  if (Status s = WriteFileAtomically(output, report->html); !s.ok()) {
    err << "kv-compare: report: " << s.error() << "\n";
    return kExitCannotCompare;
  }
  out << "kv-compare: report " << output << " (" << InputKindName(report->kind) << ", "
      << inputs.size() << (inputs.size() == 1 ? " input, " : " inputs, ") << report->charts
      << " charts)\n";
  return 0;
}

}  // namespace kv::compare::html
