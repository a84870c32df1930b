// Comparing saturation searches (search.h): side A against side B, per test, the ratio A ÷ B of
// the rates each sustained within the same objectives, with an interval:
//  - one search a side: the bracket [A.answer ÷ B.upper, A.upper ÷ B.answer], where a search's
//    rate lies in [answer, upper] (upper: its first broken rate). It is what the searches' steps
//    leave open, not a confidence interval: the noise of each step is not in it.
//  - several searches on either side: the Hodges–Lehmann ratio of the answers (the median of the
//    pairwise ratios) with its exact distribution-free interval (stats::HodgesLehmannRatio), and
//    per side the spread (max − min) ÷ median of the answers, flagged above kSearchNoiseLimit.
// An answer that is only a lower bound (the client, max time or max rate ended its search) makes
// the ratio a bound: at least (A's), at most (B's), or neither (both).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "tools/compare/search.h"

namespace kv::compare {

// A side whose answers spread more than this (max − min over the median) is flagged noisy.
inline constexpr double kSearchNoiseLimit = 0.10;

enum class RatioMethod { kBracket, kHodgesLehmann };
std::string_view RatioMethodName(RatioMethod method);  // "bracket", "hodges_lehmann"

// What the ratio is, given the sides' lower bounds.
enum class RatioBound {
  kEstimate,   // both answers are the servers' rates (to the search's resolution)
  kAtLeast,    // A's answer is a lower bound: A ÷ B is at least this
  kAtMost,     // B's answer is a lower bound: A ÷ B is at most this
  kUnbounded,  // both are lower bounds: the ratio is bounded neither way
};
std::string_view RatioBoundName(RatioBound bound);  // "estimate", "at_least", ...

enum class SearchVerdict {
  kHigher,             // the interval lies above 1: A sustains more than B
  kLower,              // below 1
  kNoClearDifference,  // Hodges–Lehmann: within the equal band around 1
  kNotResolved,        // bracket: it contains 1, the searches' resolution cannot tell
  kTooNoisy,           // Hodges–Lehmann: contains 1 and reaches beyond the band, or no interval
};
std::string_view SearchVerdictName(SearchVerdict verdict);  // "A higher", "A lower", ...

// One side's searches of one test.
struct SideSummary {
  std::vector<std::string> sources;
  std::vector<std::optional<double>> answers;  // answer_rps per search (nullopt: none met)
  std::vector<std::optional<double>> uppers;   // Search::UpperBound per search
  std::vector<std::string> limited_by;         // LimitedByName per search
  std::optional<double> median;                // of the answers, when every search has one
  std::optional<double> spread;                // (max − min) ÷ median, with 2 or more answers
  bool noisy = false;                          // spread > kSearchNoiseLimit
  bool lower_bound = false;                    // some answer is only a lower bound
  bool missing_answer = false;                 // some search met no objective at all
};

struct SearchRow {
  std::string title;
  std::string objectives;  // "p99<=1ms"
  RatioMethod method = RatioMethod::kBracket;
  SideSummary a;
  SideSummary b;
  std::optional<double> ratio;  // A ÷ B: the answers' ratio (bracket) or the HL estimate
  // The interval of A ÷ B, widened by the bound (kAtLeast: no upper end; kAtMost: low 0).
  // has_interval false: too few searches for a Hodges–Lehmann interval at the level.
  bool has_interval = false;
  double low = 0;                    // 0: no lower end
  std::optional<double> high;        // nullopt: no upper end
  std::optional<double> confidence;  // Hodges–Lehmann's coverage; nullopt for a bracket
  RatioBound bound = RatioBound::kEstimate;
  SearchVerdict verdict = SearchVerdict::kTooNoisy;
  std::vector<std::string> notes;  // why there is no ratio or interval; noise
  bool regressed = false;          // --max-drop: the interval's upper end is below 1 − drop
  bool undecided = false;          // --max-drop: no interval, so no decision
};

struct SearchCompareOptions {
  double confidence = 0.95;        // Hodges–Lehmann level
  double equal_band = 0.05;        // "no clear difference" band around 1
  std::optional<double> max_drop;  // regression gate: fail when high < 1 − max_drop
};

struct SearchComparison {
  std::vector<std::string> a_sources;
  std::vector<std::string> b_sources;
  std::vector<SearchRow> rows;  // one per test, in -t order
  std::vector<std::string> warnings;
  double confidence = 0.95;
  std::optional<double> max_drop;
  int regressions = 0;
  int undecided = 0;
};

// Compares side A (one or more search documents) with side B. Errors (not comparable): a side
// without documents; documents whose tests (-t, in order), workload (-d, -P, -c, -k, -r, --dbnum,
// --distribution, --ratio, the command, -3, --tls, --cluster) or objectives differ, naming the
// setting and the two files. Different search settings (tolerance, step length, ...) or client
// threads are warnings.
Result<SearchComparison> CompareSearches(const std::vector<SearchRun>& a,
                                         const std::vector<SearchRun>& b,
                                         const SearchCompareOptions& options = {});

}  // namespace kv::compare
