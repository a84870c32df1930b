// `kv-compare report INPUT.json... -o report.html`: reads kv_bench JSON (Google Benchmark), kv-load
// JSON, saturation searches (`kv-load --slo ... --json`) or gate results (`kv-compare --format
// json gate ...`), all of one kind, and writes one self-contained HTML report. Several inputs
// compare runs.
#pragma once

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"

namespace kv::compare::html {

enum class InputKind { kBench, kLoad, kGate, kSearch };

// "kv_bench JSON", "kv-load JSON", "gate JSON", "search JSON".
std::string_view InputKindName(InputKind kind);

struct ReportInput {
  std::string source;  // the file name, shown in the report and in messages
  std::string text;    // its contents
};

struct BuiltReport {
  std::string html;
  InputKind kind = InputKind::kBench;
  int charts = 0;  // <svg> elements
};

// Builds the page from the inputs' texts. `title` replaces the default title when not empty.
// Errors (a clear message naming the file): malformed JSON, a JSON that is none of the four
// kinds, inputs of different kinds, or contents a section cannot use.
Result<BuiltReport> BuildReport(const std::vector<ReportInput>& inputs, const std::string& title);

// Writes `content` to a temporary file next to `path`, then renames it to `path`: readers never
// see a partial report, and on error nothing is left behind.
Status WriteFileAtomically(const std::string& path, const std::string& content);

// The subcommand: args are argv without the program name, starting with "report". Returns 0 when
// the report was written (its path on `out`), 2 on bad usage or input (message on `err`, no file
// written).
int RunReportCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace kv::compare::html
