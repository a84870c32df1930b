// The benchmark cases: what each one sends (steps), how a run is organised (runner) and the grid
// of registered instances (registry).
//
// Threading: every case uses Google Benchmark's ->Threads(N), one worker thread per client
// connection (POOL cases: 10 worker threads share a ClientPool of N connections). Google
// Benchmark's start/stop barriers bracket exactly the parallel work, so UseRealTime() and
// items_per_second need no manual timing. Each worker records into its own Histogram; after the
// loop every worker merges into the run's histogram and the last one to merge sets the percentile
// and server counters on its own State (Google Benchmark sums user counters over threads, so a
// counter set by one thread only is reported as is).
//
// Run conditions, per run: client_cpu_util = CPU time of the worker threads during the timed loop
// (CLOCK_THREAD_CPUTIME_ID, from each worker's first iteration to the end of its loop) ÷ their
// wall time over the same span, summed over workers (>= 0.9: kv_bench's own clients were the
// bottleneck); other_cpu_cores = cores busy with neither kv_bench nor the servers it started, from
// /proc between thread 0's last set-up step and the last worker's merge (see OtherCpuCores).
#pragma once

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "bench/bench_config.h"
#include "bench/progress.h"
#include "bench/target.h"
#include "fixtures/client_pool.h"
#include "fixtures/proc_stats.h"
#include "fixtures/subscriber_group.h"
#include "stats/histogram.h"
#include "workload/key_chooser.h"
#include "workload/workload.h"

namespace kv::bench {

enum class CaseKind {
  kSet,
  kGet,
  kMixed,
  kIncr,
  kMset,
  kMget,
  kTtl,
  kLock,
  kPoolSet,
  kPoolMixed,
  kPoolOverhead,
  kLatencySet,
  kLatencyGet,
  kMulti,    // MULTI, SET, GET, INCR, EXEC: a 3-command transaction (items: transactions)
  kEvalsha,  // SET token PX, then the lock release by EVALSHA (items: releases)
  kPublish,  // PUBLISH to kPublishSubscribers subscribers that drain (items: publishes)
  // Collections, as redis-benchmark's tests of these names: one list, hash or set per case
  // (mylist, myhash, myset), members element:<key number> from the workload's key choice.
  kLPush,      // LPUSH mylist <value>
  kLPop,       // LPOP mylist (mylist pre-filled with kPopPrefill values; nil is a miss)
  kHSet,       // HSET myhash element:<n> <value>
  kSAdd,       // SADD myset element:<n>
  kSPop,       // SPOP myset (myset pre-filled with kPopPrefill members; nil is a miss)
  kZAdd,       // ZADD myzset <score> element:<n> (score: a random 12-digit integer)
  kZPopMin,    // ZPOPMIN myzset (pre-filled with kPopPrefill members; empty is a miss)
  kLRange100,  // LRANGE mylist 0 99 (mylist pre-filled with kPopPrefill values)
};

std::string_view CaseName(CaseKind kind);  // "SET", "POOL_OVERHEAD", ...

// The collection cases, in redis-benchmark's names and in the order they are registered.
inline constexpr CaseKind kCollectionCases[] = {
    CaseKind::kLPush, CaseKind::kLPop, CaseKind::kHSet,    CaseKind::kSAdd,
    CaseKind::kSPop,  CaseKind::kZAdd, CaseKind::kZPopMin, CaseKind::kLRange100};

inline constexpr int kKeysPerBulkCommand = 10;  // MSET / MGET
inline constexpr int kPoolWorkers = 10;         // POOL_SET / POOL_MIXED
inline constexpr int kTtlSeconds = 3600;        // TTL: SET ... EX 3600
inline constexpr int kLockTtlMs = 1000;         // LOCK: SET ... NX PX 1000
inline constexpr int kMultiCommands = 3;        // MULTI: commands per transaction
inline constexpr int kPublishSubscribers = 10;  // PUBLISH: subscribers on the channel
inline constexpr std::string_view kPublishChannel = "kvbench:publish";
// LPOP, SPOP, ZPOPMIN, LRANGE_100: redis-benchmark's -n default.
inline constexpr int kPopPrefill = 100000;
inline constexpr int kLRangeCount = 100;  // LRANGE_100: elements per reply

// The commands a case needs beyond strings (COMMAND INFO probes them: Target::Unsupported);
// empty for the string, transaction, script and pub/sub cases.
std::vector<std::string_view> CollectionCommands(CaseKind kind);
// The error message of a case its target cannot run (Target::Unsupported): reported through
// SkipWithError like a failure, but RunReporter counts it as skipped, not failed.
inline constexpr std::string_view kSkippedPrefix = "skipped: ";

struct CaseSpec {
  CaseKind kind = CaseKind::kSet;
  std::string name;  // the registered name
  int clients = 1;   // connections (POOL cases: the pool's size)
  int threads = 1;   // worker threads
  int pipeline = 1;  // requests per round
  int value_size = 3;
  int locks = 4;
  bool profile = false;  // --kv_profile matched
};

// One worker thread's state for one run.
struct Worker {
  int index = 0;
  fixtures::Client* client = nullptr;    // own connection (all cases but POOL_SET/MIXED)
  fixtures::ClientPool* pool = nullptr;  // POOL cases
  workload::KeyChooser chooser;
  stats::Histogram histogram;  // per request, ns
  int64_t requests = 0;        // replies received
  int64_t items = 0;           // what items_per_second counts (requests; LOCK: attempts)
  int64_t misses = 0;          // GET answered nil
  int64_t lock_acquired = 0, lock_failed = 0, lock_lost = 0;
  int64_t pool_ns = 0, direct_ns = 0, pool_ops = 0, direct_ops = 0;  // POOL_OVERHEAD
  int64_t cpu_ns = 0, wall_ns = 0;              // the timed loop's thread CPU and wall time
  uint64_t token_seq = 0;                       // LOCK: tokens are w<index>-<seq>
  std::vector<fixtures::Reply::Type> expected;  // per request of the current round

  explicit Worker(workload::KeyChooser c) : chooser(std::move(c)) {}
};

// One iteration of the case for worker w: a pipeline round (or one lock attempt, one pool op).
// Error replies and unexpected replies are Errors carrying the server's message.
Status Step(const CaseSpec& spec, const Target& target, const workload::Workload& workload,
            Worker& w);

// Thread 0, before timing: FLUSHALL, then pre-populate the keyspace where the case reads.
Status Prepare(const CaseSpec& spec, const workload::Workload& workload, fixtures::Client& admin);

// How a case reports its finished repetitions (progress.h): to `progress` (nullptr: nobody), with
// --benchmark_min_time to tell a first repetition's last call (EndsRepetition).
struct RunTracking {
  Progress* progress = nullptr;
  double min_time_s = 0.5;
};

// One registered instance: owns the state its runs share.
class CaseRunner {
 public:
  // started_pids: every server kv_bench started (other_cpu_cores leaves them out).
  CaseRunner(CaseSpec spec, Target* target, std::shared_ptr<const workload::Workload> workload,
             std::vector<pid_t> started_pids, RunTracking tracking = {});
  void Run(benchmark::State& state);  // the benchmark function (every thread calls it)
  const CaseSpec& spec() const { return spec_; }

 private:
  void Fail(benchmark::State& state, const std::string& error);
  void Finish(benchmark::State& state, Worker& w);

  const CaseSpec spec_;
  Target* const target_;
  const std::shared_ptr<const workload::Workload> workload_;
  const std::vector<pid_t> started_pids_;
  const RunTracking tracking_;
  int repetitions_done_ = 0;  // thread 0 only
  // Per run; reset by thread 0 before the start barrier, used by all threads after the loop.
  std::mutex mu_;
  stats::Histogram merged_;
  int merged_threads_ = 0;
  int64_t total_requests_ = 0;
  int64_t client_cpu_ns_ = 0;
  int64_t client_wall_ns_ = 0;
  fixtures::ProcStats before_;
  bool have_before_ = false;
  std::optional<fixtures::CpuSnapshot> cpu_before_;
  std::unique_ptr<fixtures::ClientPool> pool_;
  std::unique_ptr<fixtures::SubscriberGroup> subscribers_;  // PUBLISH
  int64_t total_items_ = 0;                                 // guarded by mu_
  int64_t subscribers_base_ = 0;  // messages received before timing (warm-up)
  std::atomic<bool> aborted_{false};
  std::string failure_;  // the run's first error (guarded by mu_), for the progress line
};

// Registers every case of the grid for every target; returns the names Google Benchmark gives the
// instances (<registered name>/real_time/threads:<N>), in the order they run.
std::vector<std::string> RegisterCases(const BenchConfig& config,
                                       const std::vector<Target*>& targets,
                                       RunTracking tracking = {});

}  // namespace kv::bench
