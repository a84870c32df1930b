// kv-compare instructions: the deterministic gate. Compares kv-server's user-space instructions
// per request (scripts/callgrind-requests.sh JSON) per test and pipeline depth with a baseline.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "tools/compare/cli.h"
#include "tools/compare/report.h"

namespace kv::compare {

// What callgrind-requests.sh writes in "schema".
inline constexpr std::string_view kInstructionsSchema = "kvbench-instructions";
inline constexpr double kDefaultInstructionThreshold = 0.03;

// One figure of a run: kv-server's instructions per request for one redis-benchmark test.
struct InstructionFigure {
  std::string test;  // redis-benchmark -t name: "get", "mset", "ping_inline"
  int pipeline = 1;
  double ir_per_request = 0;
  std::optional<double> spread;  // (max - min) / median over the script's --runs, when > 1 run
};

// One file. The load settings must match between baseline and current; provenance is compared
// for warnings only (another compiler or CPU shifts the counts a little).
struct InstructionRun {
  std::string source;
  int64_t requests = 0;
  int64_t clients = 0;
  int64_t keyspace = 0;
  std::string kv_args;  // extra kv-server arguments of the measurement (--kv-args)
  std::vector<std::pair<std::string, std::string>> provenance;  // string fields, in file order
  std::vector<InstructionFigure> figures;
};

Result<InstructionRun> ParseInstructionRun(std::string_view text, const std::string& source);
Result<InstructionRun> LoadInstructionRun(const std::string& path);

enum class InstructionVerdict { kUnchanged, kImproved, kRegressed, kNew };

struct InstructionRow {
  std::string test;
  int pipeline = 1;
  std::optional<double> baseline;  // absent: kNew
  double current = 0;
  std::optional<double> ratio;  // current ÷ baseline
  std::optional<double> baseline_spread;
  InstructionVerdict verdict = InstructionVerdict::kUnchanged;
};

struct InstructionReport {
  std::string baseline_source;
  std::string current_source;
  double threshold = kDefaultInstructionThreshold;
  std::vector<InstructionRow> rows;  // the current run's order
  std::vector<std::string> warnings;
  int regressions = 0;
};

// Errors (cannot compare): different requests/clients/keyspace, a baseline figure the current run
// lacks, a duplicate figure, no figure in common, a threshold outside (0, 1).
Result<InstructionReport> CompareInstructions(const InstructionRun& baseline,
                                              const InstructionRun& current, double threshold);

// Text/markdown: a table (test, -P, baseline, current, ratio, spread, verdict) and a verdict line;
// JSON: schema "kv-compare-instructions".
std::string RenderInstructions(const InstructionReport& report, const RenderOptions& options);

// `kv-compare instructions [--threshold F] [--format F] BASELINE.json CURRENT.json`; args[0] is
// "instructions". Exit 0 pass, 1 a row above the threshold, 2 bad usage or cannot compare.
int RunInstructionsCommand(const std::vector<std::string>& args, std::ostream& out,
                           std::ostream& err, const CliEnv& env);

}  // namespace kv::compare
