// Results of one kv-load test: per-thread counters and histograms, and their merge.
// Error replies are counted per type and never count as throughput.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stats/histogram.h"
#include "stats/time_series.h"

namespace kv::load {

// Error types kv-load itself produces (server errors are typed by their first word, e.g. "ERR").
inline constexpr std::string_view kErrConnectionLost = "CONNECTION_LOST";
inline constexpr std::string_view kErrProtocol = "PROTOCOL";
inline constexpr std::string_view kErrTimeout = "TIMEOUT";

// The per-second series' interval.
inline constexpr int64_t kSeriesIntervalNs = 1'000'000'000;

struct ErrorStat {
  std::string type;  // "ERR", "WRONGTYPE", "CONNECTION_LOST", ...
  int64_t count = 0;
  std::string first_message;  // the first message seen of this type
};

// Counts per error type, in order of first appearance. Few types are expected: a linear scan.
class ErrorCounts {
 public:
  // Adds n errors whose message is `message`; its type is the first word.
  void Add(std::string_view message, int64_t n = 1);
  // Adds n errors of an explicit type.
  void AddTyped(std::string_view type, std::string_view message, int64_t n = 1);
  void Merge(const ErrorCounts& other);
  int64_t total() const { return total_; }
  const std::vector<ErrorStat>& items() const { return items_; }

 private:
  std::vector<ErrorStat> items_;
  int64_t total_ = 0;
};

// What one worker thread measured.
struct ThreadResult {
  int64_t ok = 0;  // successful replies counted as throughput
  ErrorCounts errors;
  int64_t lost_connections = 0;
  int64_t reconnects = 0;
  stats::Histogram latency;    // from the actual send time
  stats::Histogram corrected;  // open loop: from the intended send time
  int64_t first_send_ns = 0;   // CLOCK_MONOTONIC
  int64_t last_reply_ns = 0;   // CLOCK_MONOTONIC of the last recorded reply
  int64_t wall_ns = 0;         // the thread's measured run
  int64_t cpu_ns = 0;          // CLOCK_THREAD_CPUTIME_ID over the same run
  // Per second since the measurement started: the primary latency (corrected in open loop).
  stats::TimeSeries per_second{kSeriesIntervalNs};
  // --cluster: successful replies per master (ClusterMap order), redirections followed and
  // topology refreshes made.
  std::vector<int64_t> node_ok;
  int64_t moved = 0;
  int64_t ask = 0;
  int64_t topology_refreshes = 0;
};

// --cluster: one master's share of a test.
struct NodeStat {
  std::string name;  // "127.0.0.1:7000"
  int64_t requests_ok = 0;
  double rps = 0;
};

// One test's merged result, ready for the reporters.
struct TestResult {
  std::string title;
  int64_t requests_ok = 0;
  ErrorCounts errors;
  int64_t lost_connections = 0;
  int64_t reconnects = 0;
  double duration_s = 0;
  double rps = 0;  // requests_ok / duration_s (0 when the duration is 0)
  // The measured window on the wall clock (CLOCK_REALTIME, µs since the Unix epoch): from when
  // the clock started (after --warmup) to start + duration_s. 0 when not run. Lets kv-compare
  // merge line up the windows of several processes (on one machine or on clock-synced machines).
  int64_t window_start_unix_us = 0;
  int64_t window_end_unix_us = 0;
  stats::Histogram latency;
  bool open_loop = false;
  double target_rps = 0;
  stats::Histogram corrected;  // open loop only
  // The threads' per-second series, merged (see ThreadResult).
  stats::TimeSeries per_second{kSeriesIntervalNs};
  int threads = 1;
  std::vector<double> thread_busy;  // CPU time / wall time per thread, in [0, 1+]
  double client_cpu_s = 0;          // all threads
  bool client_bound = false;        // some thread was busy >= kClientBoundBusy of the run
  // --cluster (nodes empty otherwise): per-master throughput, redirections, refreshes.
  std::vector<NodeStat> nodes;
  int64_t moved = 0;
  int64_t ask = 0;
  int64_t topology_refreshes = 0;
};

inline constexpr double kClientBoundBusy = 0.90;

// Merges per-thread results. start_ns: when the clock started (common to all threads);
// window_s > 0 (open loop, --duration): the scheduled window, used as the duration unless the
// replies took longer. Per-node counts (node_ok) are summed; naming the nodes is the caller's.
TestResult MergeResults(std::string title, std::vector<ThreadResult>& threads, int64_t start_ns,
                        bool open_loop, double target_rps, double window_s);

// Sets r's wall-clock window: [start_unix_us, start_unix_us + r.duration_s].
void SetWallClockWindow(TestResult& r, int64_t start_unix_us);

}  // namespace kv::load
