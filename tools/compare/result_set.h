// The results kv-compare works on, read from Google Benchmark JSON (kv_bench) or kv-load JSON:
// benchmark series (one per normalised name) with per-repetition metric values.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "tools/compare/names.h"

namespace kv::compare {

enum class SourceFormat { kGoogleBenchmark, kKvLoad };

std::string_view SourceFormatName(SourceFormat format);

// One repetition of one benchmark: its metrics by name (only finite values are kept).
struct Repetition {
  int index = 0;  // Google Benchmark's repetition_index, or the order of appearance
  std::map<std::string, double> metrics;
};

// All repetitions of one benchmark.
struct Series {
  std::string name;  // normalised (see names.h)
  std::vector<Repetition> repetitions;
  // True when the file held only aggregates for this benchmark
  // (--benchmark_report_aggregates_only): the one repetition then holds the median (or mean)
  // aggregate and no spread is known.
  bool from_aggregates = false;
  std::vector<std::string> errors;  // error messages of failed runs (error_occurred, error replies)

  // Finite values of `metric`, in repetition order; empty when the metric is absent.
  std::vector<double> Values(std::string_view metric) const;
  // The repetition with this index, or nullptr.
  const Repetition* FindRepetition(int index) const;
};

// Median of `metric` over the series' repetitions; nullopt for a null series or no value.
std::optional<double> MedianOf(const Series* series, std::string_view metric);

struct ResultSet {
  SourceFormat format = SourceFormat::kGoogleBenchmark;
  std::string source;  // file name, for messages
  // Google Benchmark: "context" fields; kv-load: "config" fields. Values as compact JSON text
  // (strings unquoted), so that two files can be checked for comparable settings.
  std::map<std::string, std::string> context;
  std::vector<Series> series;  // in order of first appearance in the file
  // kv_bench JSON: the pair every same-run ratio compares (DefaultPair at load; kv-compare's
  // --target/--reference override it).
  TargetPair pair;

  const Series* Find(std::string_view name) const;
};

// The targets of the file's benchmark names (their first component), in order of appearance.
std::vector<std::string> TargetsIn(const ResultSet& set);

// The reference: the context's kv_reference (kv_bench writes it), else "redis" (files from before
// it). The target: "kv" when the file has it (and it is not the reference), else the first other
// target in the file, else "kv".
TargetPair DefaultPair(const ResultSet& set);

// Every target of the file but the reference, each ÷ the reference: "kv" first, then in file
// order. With `only_target` set, just that pair. Empty when the file has no other target.
std::vector<TargetPair> PairsToReport(const ResultSet& set, const std::string& reference,
                                      const std::string& only_target = "");

// Parses Google Benchmark JSON or kv-load JSON (told apart by their shape): the project's one
// reader of either (every kv-compare subcommand, so also scripts/bench.sh's summary and the gate
// scripts, go through it). Bare NaN/Infinity tokens are accepted and treated as missing values.
// Errors: malformed JSON, unknown schema or schema version, no benchmarks. `source` only names the
// input in messages.
Result<ResultSet> ParseResults(std::string_view text, std::string_view source);

// Reads and parses a file.
Result<ResultSet> LoadResults(const std::string& path);

// Reads a whole file into a string.
Result<std::string> ReadTextFile(const std::string& path);

}  // namespace kv::compare
