// Runs one kv-load test: splits connections, requests and rate over the worker threads, opens
// every connection before the clock starts, runs, and merges the per-thread results.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "base/result.h"
#include "tools/load/cluster.h"
#include "tools/load/net.h"
#include "tools/load/options.h"
#include "tools/load/result.h"
#include "tools/load/transport.h"
#include "tools/load/workload.h"

namespace kv::load {

// What kv-load connects to, resolved once in main (see Connect).
struct Target {
  Endpoint endpoint;                      // -h/-p/-s/-u: the server, or the cluster's seed
  std::shared_ptr<const TlsContext> tls;  // --tls: every connection; null: plain
  std::optional<ClusterMap> cluster;      // --cluster: the topology at the start
  std::vector<Endpoint> node_endpoints;   // --cluster: one per cluster->masters
};

// Resolves the endpoint, builds the TLS context and, with --cluster, fetches the topology and
// resolves every master.
Result<Target> Connect(const Options& options);

// What the progress line shows; delivered on the calling thread about every 250 ms.
struct ProgressSample {
  int64_t ok = 0;              // successful replies so far
  double elapsed_s = 0;        // since the clock started
  double interval_rps = 0;     // since the previous sample
  double interval_avg_ms = 0;  // mean latency since the previous sample
  double overall_avg_ms = 0;   // mean latency since the start
};
using ProgressFn = std::function<void(const ProgressSample&)>;

// Threads used for a run: --threads (at least 1), never more than the connections.
int ThreadCount(const Options& options);

// Runs workload once. progress may be empty. Connection failures before the clock starts are an
// Error; anything after is counted in the result.
// With --cluster the result names its masters (TestResult::nodes).
Result<TestResult> RunTest(const Options& options, const Target& target, const Workload& workload,
                           const ProgressFn& progress);

// -I: opens options.clients connections (each answers PING) and returns; the caller waits.
// The connections stay open as long as the returned object lives.
class IdleConnections {
 public:
  virtual ~IdleConnections() = default;
};
Result<std::unique_ptr<IdleConnections>> OpenIdle(const Options& options, const Target& target,
                                                  const Workload& workload);

}  // namespace kv::load
