// Saturation searches (`kv-load --slo ... --json`, schema kv-load-search/1) as kv-compare reads
// them: per test, the objectives, the answer (the highest offered rate that met every objective),
// the first rate that broke one, whether the answer is only a lower bound, and every step's
// offered and achieved rate with its corrected and uncorrected percentiles.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace kv::compare {

inline constexpr std::string_view kSearchSchema = "kv-load-search/1";
inline constexpr int kSearchSchemaVersion = 1;

struct SearchObjective {
  std::string text;  // as given to --slo: "p99<=1ms"
  double percentile = 0;
  double limit_ms = 0;
};

// Why a step (or the search's first broken rate) broke.
enum class BreakKind { kObjective, kShortfall, kErrors };

struct BreakReason {
  BreakKind kind = BreakKind::kObjective;
  std::string objective;         // kObjective: its text
  double value_ms = 0;           // kObjective: the measured percentile
  double achieved_rps = 0;       // kShortfall
  int64_t count = 0;             // kErrors
  std::string Describe() const;  // "p99<=1ms: 1.73 ms", "achieved 38000 rps", "12 errors"
};

// What ended the search (kv-load's "limited_by").
enum class LimitedBy {
  kObjective,
  kShortfall,
  kErrors,
  kClient,
  kMaxTime,
  kMaxRate,
  kServerFailed
};

std::string_view LimitedByName(LimitedBy limited_by);  // the JSON word: "objective", "max_time"

// Percentiles of one step's latency in ms (kv-load's latency objects).
struct StepLatency {
  double p50 = 0;
  double p99 = 0;
  double p99_9 = 0;
};

struct SearchStep {
  int index = 0;
  std::string phase;  // "raise", "bisect", "recheck", "confirm"
  double offered_rps = 0;
  bool met = false;
  std::vector<BreakReason> reasons;
  bool client_saturated = false;
  double achieved_rps = 0;  // the step's test.rps
  int64_t errors = 0;
  StepLatency corrected;    // test.corrected_latency_ms: from when each request was due
  StepLatency uncorrected;  // test.uncorrected_latency_ms: from when it was sent
};

struct FirstBroken {
  double offered_rps = 0;
  std::vector<BreakReason> reasons;
};

struct Search {
  std::string title;  // the test: "GET"
  std::vector<SearchObjective> objectives;
  nlohmann::json settings;           // tolerance, start_rps, ... (as written)
  std::optional<double> answer_rps;  // nullopt: no step met, not even the first
  std::optional<double> answer_achieved_rps;
  std::optional<FirstBroken> first_broken;  // nullopt: no step broke
  LimitedBy limited_by = LimitedBy::kObjective;
  bool lower_bound = false;  // the answer is only a lower bound of the server's rate
  std::string verdict;
  double elapsed_s = 0;
  std::vector<SearchStep> steps;  // in the order they ran

  // The upper end of the search's bracket [answer, upper]: first_broken's rate, or nullopt when
  // the search gives no upper bound (nothing broke, or the answer is only a lower bound: what
  // broke then was the client, not the server).
  std::optional<double> UpperBound() const;
  // The objectives as one text: "p99<=1ms,p99.9<=5ms".
  std::string ObjectivesText() const;
};

// One document: the run's config (kv-load's, the workload) and one search per test of -t.
struct SearchRun {
  std::string source;  // the file, for messages
  std::string version;
  nlohmann::json config;
  std::vector<Search> searches;
};

// Whether `doc` says it is a search document ("schema": "kv-load-search/...").
bool IsSearchDocument(const nlohmann::json& doc);

// Reads a search document. Errors, each naming the file (and the search and step where it
// applies): malformed JSON; a kv-load/2 run or any other schema where a search is expected; a
// schema_version other than 1; a missing or mistyped field; a number that is not finite (NaN or
// Infinity, which kv-load never writes); an unknown limited_by, phase or reason kind; a first
// broken rate below the answer; no search.
Result<SearchRun> ParseSearchRun(std::string_view text, const std::string& source);
Result<SearchRun> ReadSearchDocument(const nlohmann::json& doc, const std::string& source);
Result<SearchRun> LoadSearchRun(const std::string& path);

}  // namespace kv::compare
