// Thread orchestration for one kv-load test (see runner.h).
#include "tools/load/runner.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <latch>
#include <memory>
#include <mutex>
#include <thread>

#include "tools/load/worker.h"

namespace kv::load {
namespace {

uint64_t BaseSeed(const Options& options) {
  if (options.seed) return *options.seed;
  return static_cast<uint64_t>(NowNs()) ^ (static_cast<uint64_t>(::getpid()) << 32);
}

// Share i of total split into parts: the first total % parts shares get one more.
int64_t Share(int64_t total, int parts, int i) {
  return total / parts + (i < total % parts ? 1 : 0);
}

std::vector<std::unique_ptr<Worker>> MakeWorkers(const Options& options, const Target& target,
                                                 const Workload& workload,
                                                 std::vector<WorkerProgress>* progress) {
  const int threads = ThreadCount(options);
  const uint64_t seed = BaseSeed(options);
  std::vector<std::unique_ptr<Worker>> workers;
  uint64_t sequence = 0;
  for (int t = 0; t < threads; ++t) {
    WorkerSpec spec;
    spec.options = &options;
    spec.workload = &workload;
    spec.endpoint = &target.endpoint;
    spec.tls = target.tls.get();
    if (target.cluster) {
      spec.cluster = &*target.cluster;
      spec.node_endpoints = &target.node_endpoints;
    }
    spec.connections = static_cast<int>(Share(options.clients, threads, t));
    spec.requests = Share(options.requests, threads, t);
    spec.rate = options.rps * spec.connections / options.clients;
    spec.seed = seed + 0x9e3779b97f4a7c15ULL * static_cast<uint64_t>(t + 1);
    spec.sequence_start = sequence;
    spec.progress = progress ? &(*progress)[static_cast<size_t>(t)] : nullptr;
    sequence += static_cast<uint64_t>(spec.requests);
    workers.push_back(std::make_unique<Worker>(spec));
  }
  return workers;
}

class IdleSet : public IdleConnections {
 public:
  std::vector<std::unique_ptr<Worker>> workers;
};

}  // namespace

int ThreadCount(const Options& options) {
  return std::max(1, std::min(options.effective_threads(), options.clients));
}

Result<Target> Connect(const Options& options) {
  Target t;
  Result<Endpoint> endpoint = ResolveEndpoint(options.host, options.port, options.socket_path);
  if (!endpoint.ok()) return Error{endpoint.error()};
  t.endpoint = std::move(*endpoint);
  if (options.tls.enabled) {
    Result<std::shared_ptr<const TlsContext>> ctx = TlsContext::Create(options.tls);
    if (!ctx.ok()) return Error{ctx.error()};
    t.tls = std::move(*ctx);
  }
  if (options.cluster) {
    Result<ClusterMap> map = FetchClusterMap(options, t.endpoint, t.tls.get());
    if (!map.ok()) return Error{map.error()};
    for (const ClusterNode& n : map->masters) {
      Result<Endpoint> ep = ResolveEndpoint(n.host, n.port, "");
      if (!ep.ok()) return Error{"--cluster: master " + n.name() + ": " + ep.error()};
      t.node_endpoints.push_back(std::move(*ep));
    }
    t.cluster = std::move(*map);
  }
  return t;
}

Result<TestResult> RunTest(const Options& options, const Target& target, const Workload& workload,
                           const ProgressFn& progress) {
  const int threads = ThreadCount(options);
  std::vector<WorkerProgress> live(static_cast<size_t>(threads));
  std::vector<std::unique_ptr<Worker>> workers = MakeWorkers(options, target, workload, &live);
  std::vector<Status> setup(static_cast<size_t>(threads));
  std::latch ready(threads);
  std::latch go(1);
  std::atomic<bool> abort{false};
  std::atomic<int64_t> start_ns{0};
  std::mutex mu;
  std::condition_variable done_cv;
  int done = 0;

  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      setup[static_cast<size_t>(t)] = workers[static_cast<size_t>(t)]->Setup();
      ready.count_down();
      go.wait();
      if (!abort.load()) workers[static_cast<size_t>(t)]->Run(start_ns.load());
      std::lock_guard<std::mutex> lock(mu);
      ++done;
      done_cv.notify_all();
    });
  }
  ready.wait();
  for (const Status& s : setup) {
    if (!s.ok()) {
      abort = true;
      go.count_down();
      for (std::thread& th : pool) th.join();
      return Error{s.error()};
    }
  }
  // Every connection is open and has answered PING: the clock starts now.
  start_ns = NowNs();
  const int64_t start_unix_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
  go.count_down();

  int64_t prev_ok = 0, prev_sum = 0, prev_count = 0;
  int64_t prev_ns = start_ns.load();
  {
    std::unique_lock<std::mutex> lock(mu);
    while (done < threads) {
      done_cv.wait_for(lock, std::chrono::milliseconds(250));
      if (done >= threads || !progress) continue;
      int64_t ok = 0, sum = 0, count = 0;
      for (const WorkerProgress& p : live) {
        ok += p.ok.load(std::memory_order_relaxed);
        sum += p.latency_sum_ns.load(std::memory_order_relaxed);
        count += p.latency_count.load(std::memory_order_relaxed);
      }
      const int64_t now = NowNs();
      ProgressSample s;
      s.ok = ok;
      s.elapsed_s = static_cast<double>(now - start_ns.load()) / 1e9;
      const double dt = static_cast<double>(now - prev_ns) / 1e9;
      s.interval_rps = dt > 0 ? static_cast<double>(ok - prev_ok) / dt : 0;
      s.interval_avg_ms =
          count > prev_count ? static_cast<double>(sum - prev_sum) / (count - prev_count) / 1e6 : 0;
      s.overall_avg_ms = count > 0 ? static_cast<double>(sum) / count / 1e6 : 0;
      prev_ok = ok;
      prev_sum = sum;
      prev_count = count;
      prev_ns = now;
      lock.unlock();
      progress(s);
      lock.lock();
    }
  }
  for (std::thread& th : pool) th.join();

  std::vector<ThreadResult> results;
  results.reserve(workers.size());
  for (auto& w : workers) results.push_back(std::move(w->result()));
  const bool open = options.open_loop();
  const int64_t measure_start =
      start_ns.load() + (open ? static_cast<int64_t>(options.warmup_s * 1e9) : 0);
  const double window = open || options.duration_s > 0 ? options.duration_s : 0;
  TestResult merged =
      MergeResults(workload.title, results, measure_start, open, options.rps, window);
  SetWallClockWindow(merged, start_unix_us + (measure_start - start_ns.load()) / 1000);
  if (target.cluster) {
    merged.nodes.resize(target.cluster->masters.size());
    for (size_t i = 0; i < merged.nodes.size(); ++i) {
      merged.nodes[i].name = target.cluster->masters[i].name();
    }
  }
  return merged;
}

Result<std::unique_ptr<IdleConnections>> OpenIdle(const Options& options, const Target& target,
                                                  const Workload& workload) {
  auto set = std::make_unique<IdleSet>();
  set->workers = MakeWorkers(options, target, workload, nullptr);
  for (auto& w : set->workers) {
    Status s = w->Setup();
    if (!s.ok()) return Error{s.error()};
  }
  return std::unique_ptr<IdleConnections>(std::move(set));
}

}  // namespace kv::load
