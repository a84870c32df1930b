// Text reporters: redis-benchmark 7's default report, -q line and --csv rows (same field order,
// quoting and decimals), followed in the default report by kv-load's additions.
#pragma once

#include <optional>
#include <string>

#include "stats/histogram.h"
#include "tools/load/result.h"

namespace kv::load {

// The server's persistence settings as redis-benchmark shows them (CONFIG GET save/appendonly).
struct ServerConfig {
  std::string save;
  std::string appendonly;
};

// What the default report's header says besides the result itself.
struct ReportContext {
  int clients = 50;
  int payload_bytes = 3;
  int keepalive = 1;
  int threads = 0;  // --threads as given; 0: "multi-thread: no"
  double tick_us = 0;  // --tick (open loop): arrivals every tick_us
  std::optional<ServerConfig> server;
};

inline constexpr std::string_view kClientBoundNote =
    "client-bound: this measures kv-load, not the server";

// The full report of one test (ends with a newline).
std::string FormatDefault(const TestResult& r, const ReportContext& ctx);
// "SET: 65487.89 requests per second, p50=0.383 msec\n"
std::string FormatQuiet(const TestResult& r);
std::string CsvHeader();
std::string FormatCsvRow(const TestResult& r);
// Remarks that -q and --csv keep off stdout (errors, lost connections, client-bound), one per
// line, each prefixed with the test title; empty when there is nothing to say.
std::string FormatNotes(const TestResult& r);

// The two distribution sections of redis-benchmark's report, reproducing HdrHistogram's
// percentile iterator (1 tick per half distance) and linear iterator (100 us steps, 1 ms steps
// after 2 ms), on kv-load's nanosecond histogram. Exposed for tests.
std::string FormatPercentileDistribution(const stats::Histogram& h);
std::string FormatCumulativeDistribution(const stats::Histogram& h);

// The histogram used for the redis-benchmark compatible figures: the corrected one in open loop.
const stats::Histogram& PrimaryHistogram(const TestResult& r);

}  // namespace kv::load
