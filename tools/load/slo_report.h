// Reports of kv-load's saturation search: the verdict line, the table of steps, the progress line
// and the JSON document (schema kv-load-search/1, described in docs/kv-load.md).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/load/options.h"
#include "tools/load/report.h"
#include "tools/load/slo_search.h"

namespace kv::load {

inline constexpr std::string_view kSearchJsonSchema = "kv-load-search/1";
inline constexpr int kSearchJsonSchemaVersion = 1;

inline constexpr std::string_view kClientLimitedAdvice =
    "the client limited the search; use --threads, --tick or more machines (kv-compare merge)";

// Exit statuses of a search (bad input and connection failures before it exit 1).
inline constexpr int kExitSearchNoRate = 2;        // no rate met the objectives
inline constexpr int kExitSearchServerFailed = 3;  // the server failed during the search

// One test's search, as the reports see it.
struct SearchReport {
  std::string title;  // the test ("GET")
  SearchOutcome outcome;
};

// "41,000": a rate rounded to a whole number with thousands separators.
std::string FormatRate(double rps);

// The one sentence that answers, e.g. "GET: 41,000 rps meets p99<=1ms (p99 0.820 ms); 43,000 rps
// broke it (p99 1.730 ms); bracket +4.9 %, re-checked". No newline.
std::string SearchVerdict(const SearchSettings& settings, const SearchReport& search);

// The verdict, then a table of every step (phase, offered, achieved, p50/p99/p99.9 corrected and
// uncorrected, errors, client CPU and busiest thread, met or why it broke). Ends with a newline.
std::string FormatSearch(const SearchSettings& settings, const SearchReport& search);

// The line printed on stderr after each step (no newline).
std::string FormatStepProgress(const SearchSettings& settings, std::string_view title,
                               const SearchStep& step);

// The exit status of a finished run: 0 when every search found a rate (a lower bound too),
// kExitSearchServerFailed if a server failed, else kExitSearchNoRate if some search found none.
int SearchExitStatus(const std::vector<SearchReport>& searches);

// One element of the document's "searches".
nlohmann::json SearchJson(const SearchSettings& settings, const SearchReport& search);
// The whole document: {"schema","schema_version","tool","version","config","server","searches"}.
nlohmann::json SearchReportJson(const Options& options, const std::optional<ServerConfig>& server,
                                const SearchSettings& settings,
                                const std::vector<SearchReport>& searches);

}  // namespace kv::load
