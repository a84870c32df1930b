// `kv-compare merge A.json B.json ... -o all.json`: combines the kv-load JSON of several kv-load
// processes (on one machine or many, run at the same time against one server) into one kv-load
// JSON document, as if one process had run all their connections:
//  - histograms merged bucket by bucket (lossless), percentiles read from the merged histograms,
//    never averaged; counts, errors (per type), targets and client figures summed;
//  - the window is the span of the processes' windows, [earliest start, latest end], and
//    rps = total requests / that span (kv-load's own definition over its threads; see
//    docs/kv-compare.md); merge.sum_of_rates_rps (the sum of each process's rps) is its upper
//    bound, equal when the windows coincide;
//  - a warning (merge.warning per test, merge.warnings in the document, and on stderr) when the
//    windows overlap for less than kMinOverlapFraction of their span.
// Merging is associative: merging merged files gives the same histograms, counts and windows as
// merging all the files at once (merged inputs carry their intersection, span and process count).
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "base/result.h"

namespace kv::compare {

// Below this overlap ÷ span, a test's windows "barely overlap": the processes did not run together.
inline constexpr double kMinOverlapFraction = 0.8;

struct MergeInput {
  std::string source;  // the file name, for messages and merge.sources
  std::string text;    // its contents
};

struct MergedRuns {
  nlohmann::json doc;                 // kv-load JSON (schema kv-load/2) with a "merge" object
  std::vector<std::string> warnings;  // one per test whose windows barely overlap
};

// Merges two or more kv-load documents. Errors (naming the file and, where it applies, the test):
// not JSON or not kv-load JSON; schema_version 1 (no wall-clock window) or newer than this
// kv-compare; a test without its full histograms; histograms of another precision; tests or
// workloads that differ (-t, -d, -P, -k, -r, --distribution, --ratio, --dbnum, the command, open
// vs closed loop), naming the setting.
Result<MergedRuns> MergeLoadRuns(const std::vector<MergeInput>& inputs);

// The subcommand: args are argv without the program name, starting with "merge". Returns 0 when
// the file was written (a summary per test on `out`, warnings on `err`), 2 on bad usage or input
// (message on `err`, no file written).
int RunMergeCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace kv::compare
