// Pairing saturation searches and the interval of the ratio of their rates (see search_compare.h).
#include "tools/compare/search_compare.h"

#include <algorithm>
#include <utility>

#include "stats/interval.h"
#include "stats/summary.h"
#include "tools/compare/load_settings.h"
#include "tools/compare/report.h"
#include "tools/compare/table.h"

namespace kv::compare {
namespace {

using nlohmann::json;

// Beyond the settings a merge needs equal, a search's rate depends on the connections (-c) and
// the protocol and transport.
constexpr LoadSetting kSearchOnlySettings[] = {
    {"clients", "-c"}, {"resp3", "-3"}, {"tls", "--tls"}, {"cluster", "--cluster"}};

std::string TitlesOf(const SearchRun& run) {
  std::string out;
  for (const Search& s : run.searches) out += (out.empty() ? "" : ",") + s.title;
  return out;
}

// The objectives as comparable numbers: (percentile, limit) sorted, whatever their spelling.
std::vector<std::pair<double, double>> ObjectiveKey(const Search& s) {
  std::vector<std::pair<double, double>> key;
  for (const SearchObjective& o : s.objectives) key.emplace_back(o.percentile, o.limit_ms);
  std::sort(key.begin(), key.end());
  return key;
}

Status CheckSameWorkload(const SearchRun& first, const SearchRun& other) {
  const std::string pair = first.source + " and " + other.source;
  if (TitlesOf(first) != TitlesOf(other)) {
    return Error{"different tests (-t): " + TitlesOf(first) + " in " + first.source + ", " +
                 TitlesOf(other) + " in " + other.source +
                 " (the tests run in order and each leaves the keys for the next)"};
  }
  auto check = [&](const LoadSetting& s) -> Status {
    const json va = first.config.value(s.key, json());
    const json vb = other.config.value(s.key, json());
    if (va == vb) return {};
    return Error{"different workloads in " + pair + ": " + s.flag + " (config \"" + s.key +
                 "\": " + va.dump() + " in " + first.source + ", " + vb.dump() + " in " +
                 other.source + ")"};
  };
  for (const LoadSetting& s : kLoadWorkloadSettings) {
    if (Status st = check(s); !st.ok()) return st;
  }
  for (const LoadSetting& s : kSearchOnlySettings) {
    if (Status st = check(s); !st.ok()) return st;
  }
  for (size_t i = 0; i < first.searches.size(); ++i) {
    const Search& x = first.searches[i];
    const Search& y = other.searches[i];
    if (ObjectiveKey(x) != ObjectiveKey(y)) {
      return Error{"different objectives for " + x.title + ": " + x.ObjectivesText() + " in " +
                   first.source + ", " + y.ObjectivesText() + " in " + other.source +
                   " (only searches for the same objectives compare)"};
    }
  }
  return {};
}

void Warnings(const SearchRun& first, const SearchRun& other, std::vector<std::string>& out) {
  const json ta = first.config.value("threads", json());
  const json tb = other.config.value("threads", json());
  if (ta != tb) {
    out.push_back("client threads (--threads) differ: " + ta.dump() + " in " + first.source + ", " +
                  tb.dump() + " in " + other.source +
                  " (fewer threads may saturate the client sooner)");
  }
  for (size_t i = 0; i < first.searches.size(); ++i) {
    if (first.searches[i].settings != other.searches[i].settings) {
      out.push_back(first.searches[i].title + ": the search settings differ between " +
                    first.source + " and " + other.source + " (" +
                    first.searches[i].settings.dump() + " vs " + other.searches[i].settings.dump() +
                    "): their resolution differs");
    }
  }
}

SideSummary Summarize(const std::vector<SearchRun>& runs, size_t index) {
  SideSummary side;
  std::vector<double> answers;
  for (const SearchRun& run : runs) {
    const Search& s = run.searches[index];
    side.sources.push_back(run.source);
    side.answers.push_back(s.answer_rps);
    side.uppers.push_back(s.UpperBound());
    side.limited_by.emplace_back(LimitedByName(s.limited_by));
    side.lower_bound = side.lower_bound || s.lower_bound;
    if (s.answer_rps) {
      answers.push_back(*s.answer_rps);
    } else {
      side.missing_answer = true;
    }
  }
  if (!side.missing_answer) {
    side.median = stats::Median(answers);
    if (answers.size() >= 2) {
      const auto [lo, hi] = std::minmax_element(answers.begin(), answers.end());
      side.spread = (*hi - *lo) / *side.median;
      side.noisy = *side.spread > kSearchNoiseLimit;
    }
  }
  return side;
}

RatioBound BoundOf(const SideSummary& a, const SideSummary& b) {
  if (a.lower_bound && b.lower_bound) return RatioBound::kUnbounded;
  if (a.lower_bound) return RatioBound::kAtLeast;
  if (b.lower_bound) return RatioBound::kAtMost;
  return RatioBound::kEstimate;
}

// One search a side: the bracket.
void Bracket(SearchRow& row) {
  const std::optional<double> a = row.a.answers.front();
  const std::optional<double> b = row.b.answers.front();
  const std::optional<double> a_upper = row.a.uppers.front();
  const std::optional<double> b_upper = row.b.uppers.front();
  if (a && b) row.ratio = *a / *b;
  row.has_interval = true;
  row.low = a && b_upper ? *a / *b_upper : 0;
  if (a_upper && b) row.high = *a_upper / *b;
  if (!a) row.notes.push_back("A met no objective, not even at its first rate");
  if (!b) row.notes.push_back("B met no objective, not even at its first rate");
}

// Several searches on a side: Hodges–Lehmann over the answers.
void HodgesLehmann(SearchRow& row, const SearchCompareOptions& options) {
  for (const auto& [side, name] : {std::pair{&row.a, "A"}, std::pair{&row.b, "B"}}) {
    if (side->missing_answer) {
      row.notes.push_back(std::string("a search of ") + name +
                          " met no objective, not even at its first rate: no ratio");
    }
  }
  if (row.a.missing_answer || row.b.missing_answer) return;
  std::vector<double> a;
  std::vector<double> b;
  for (const auto& v : row.a.answers) a.push_back(*v);
  for (const auto& v : row.b.answers) b.push_back(*v);
  row.ratio = *row.a.median / *row.b.median;
  const std::optional<stats::Interval> hl = stats::HodgesLehmannRatio(b, a, options.confidence);
  if (!hl) {
    row.notes.push_back(std::to_string(a.size()) + " vs " + std::to_string(b.size()) +
                        " searches are too few for a " + FormatNumber(options.confidence * 100) +
                        " % Hodges–Lehmann interval (4 a side are enough); the ratio shown is "
                        "of the medians");
    return;
  }
  row.ratio = hl->estimate;
  row.has_interval = true;
  row.low = hl->low;
  row.high = hl->high;
  row.confidence = hl->confidence;
}

SearchVerdict Judge(const SearchRow& row, double equal_band) {
  if (!row.has_interval) return SearchVerdict::kTooNoisy;
  if (row.low > 1) return SearchVerdict::kHigher;
  if (row.high && *row.high < 1) return SearchVerdict::kLower;
  if (row.method == RatioMethod::kBracket) return SearchVerdict::kNotResolved;
  if (row.high && row.low >= 1 - equal_band && *row.high <= 1 + equal_band) {
    return SearchVerdict::kNoClearDifference;
  }
  return SearchVerdict::kTooNoisy;
}

std::string Percent(double fraction) { return FormatDouble("%.1f", fraction * 100) + " %"; }

}  // namespace

std::string_view RatioMethodName(RatioMethod method) {
  return method == RatioMethod::kBracket ? "bracket" : "hodges_lehmann";
}

std::string_view RatioBoundName(RatioBound bound) {
  switch (bound) {
    case RatioBound::kEstimate:
      return "estimate";
    case RatioBound::kAtLeast:
      return "at_least";
    case RatioBound::kAtMost:
      return "at_most";
    case RatioBound::kUnbounded:
      return "unbounded";
  }
  return "?";
}

std::string_view SearchVerdictName(SearchVerdict verdict) {
  switch (verdict) {
    case SearchVerdict::kHigher:
      return "A higher";
    case SearchVerdict::kLower:
      return "A lower";
    case SearchVerdict::kNoClearDifference:
      return "no clear difference";
    case SearchVerdict::kNotResolved:
      return "not resolved";
    case SearchVerdict::kTooNoisy:
      return "too noisy to tell";
  }
  return "?";
}

Result<SearchComparison> CompareSearches(const std::vector<SearchRun>& a,
                                         const std::vector<SearchRun>& b,
                                         const SearchCompareOptions& options) {
  if (a.empty() || b.empty()) return Error{"each side needs at least one search document"};
  SearchComparison out;
  out.confidence = options.confidence;
  out.max_drop = options.max_drop;
  const SearchRun& first = a.front();
  std::vector<const SearchRun*> others;
  for (const SearchRun& r : a) out.a_sources.push_back(r.source);
  for (const SearchRun& r : b) out.b_sources.push_back(r.source);
  for (const auto* side : {&a, &b}) {
    for (const SearchRun& r : *side) {
      if (&r == &first) continue;
      if (Status s = CheckSameWorkload(first, r); !s.ok()) return Error{s.error()};
      Warnings(first, r, out.warnings);
    }
  }
  const bool bracket = a.size() == 1 && b.size() == 1;
  for (size_t i = 0; i < first.searches.size(); ++i) {
    SearchRow row;
    row.title = first.searches[i].title;
    row.objectives = first.searches[i].ObjectivesText();
    row.method = bracket ? RatioMethod::kBracket : RatioMethod::kHodgesLehmann;
    row.a = Summarize(a, i);
    row.b = Summarize(b, i);
    row.bound = BoundOf(row.a, row.b);
    if (bracket) {
      Bracket(row);
    } else {
      HodgesLehmann(row, options);
    }
    // A lower-bound side's true rate is higher than its answer: the ratio loses that end.
    if (row.has_interval &&
        (row.bound == RatioBound::kAtLeast || row.bound == RatioBound::kUnbounded)) {
      row.high.reset();
    }
    if (row.has_interval &&
        (row.bound == RatioBound::kAtMost || row.bound == RatioBound::kUnbounded)) {
      row.low = 0;
    }
    for (const auto& [side, name] : {std::pair{&row.a, "A"}, std::pair{&row.b, "B"}}) {
      if (side->noisy) {
        row.notes.push_back(std::string(name) + " is noisy: its answers spread " +
                            Percent(*side->spread) + " (max − min over the median), above " +
                            Percent(kSearchNoiseLimit));
      }
      if (side->lower_bound) {
        row.notes.push_back(std::string(name) +
                            "'s answer is only a lower bound (its search was limited by the "
                            "client, the time or the rate limit, not by the server)");
      }
    }
    row.verdict = Judge(row, options.equal_band);
    if (options.max_drop) {
      if (!row.has_interval) {
        row.undecided = true;
        ++out.undecided;
      } else if (row.high && *row.high < 1 - *options.max_drop) {
        row.regressed = true;
        ++out.regressions;
      }
    }
    out.rows.push_back(std::move(row));
  }
  return out;
}

}  // namespace kv::compare
