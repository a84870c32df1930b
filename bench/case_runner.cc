// CaseRunner: one run of one case across its worker threads — set-up, warm-up, the timed loop,
// failure reporting, and merging the workers' histograms into the reported counters.
#include <chrono>
#include <optional>
#include <utility>

#include "bench/cases.h"

namespace kv::bench {
namespace {

constexpr int kWarmupSteps = 50;  // thread 0, after Prepare: connections, buffers, code paths

double Micros(int64_t ns) { return static_cast<double>(ns) / 1000.0; }

// The latency spectrum every case reports (kv-compare's HTML report draws it from p50 to
// p99.99): "p<digits>_us", the percentile's digits with the point after the second one.
constexpr std::pair<const char*, double> kPercentileCounters[] = {
    {"p50_us", 50}, {"p75_us", 75},    {"p90_us", 90},      {"p95_us", 95},
    {"p99_us", 99}, {"p999_us", 99.9}, {"p9999_us", 99.99},
};

}  // namespace

CaseRunner::CaseRunner(CaseSpec spec, Target* target,
                       std::shared_ptr<const workload::Workload> workload,
                       std::vector<pid_t> started_pids, RunTracking tracking)
    : spec_(std::move(spec)),
      target_(target),
      workload_(std::move(workload)),
      started_pids_(std::move(started_pids)),
      tracking_(tracking) {}

void CaseRunner::Fail(benchmark::State& state, const std::string& error) {
  // An I/O error usually means the server died: give it a moment to be reaped (the process is
  // asked, not the error's text), then report its exit status and log tail instead of the bare
  // socket error.
  std::string message = error;
  if (target_->WaitExit(std::chrono::milliseconds(500))) {
    if (Status alive = target_->CheckAlive(); !alive.ok())
      message = "server died: " + alive.error();
  }
  state.SkipWithError(message.c_str());
  {
    std::lock_guard lock(mu_);
    if (failure_.empty()) failure_ = message;
  }
  aborted_.store(true);
}

void CaseRunner::Run(benchmark::State& state) {
  const int thread = state.thread_index();
  Worker w(workload_->Chooser(static_cast<uint64_t>(thread)));
  w.index = thread;
  std::optional<fixtures::Client> own;
  std::string setup_error;

  if (thread == 0) {
    // Per-run reset. Safe: the other threads touch this state only after the start barrier,
    // which thread 0 reaches after this block.
    merged_.Reset();
    merged_threads_ = 0;
    total_requests_ = 0;
    client_cpu_ns_ = 0;
    client_wall_ns_ = 0;
    have_before_ = false;
    cpu_before_.reset();
    aborted_.store(false);
    {
      std::lock_guard lock(mu_);
      failure_.clear();
    }
    pool_.reset();
    subscribers_.reset();
    total_items_ = 0;
    if (Status alive = target_->CheckAlive(); !alive.ok())
      setup_error = "server died: " + alive.error();
  }
  // A case the target cannot run (e.g. no scripting) is skipped, not failed: every thread marks
  // itself (the reason is the target's, so all agree) and none sets anything up.
  const std::string unsupported = target_->Unsupported(spec_.kind);
  if (setup_error.empty() && !unsupported.empty())
    setup_error = std::string(kSkippedPrefix) + unsupported;
  if (thread == 0) {
    const bool pooled = spec_.kind == CaseKind::kPoolSet || spec_.kind == CaseKind::kPoolMixed ||
                        spec_.kind == CaseKind::kPoolOverhead;
    if (setup_error.empty() && pooled) {
      fixtures::ClientPoolOptions options;
      options.size = static_cast<size_t>(spec_.clients);
      Result<std::unique_ptr<fixtures::ClientPool>> pool =
          fixtures::ClientPool::Create(target_->client_endpoint, options);
      if (pool.ok()) {
        pool_ = std::move(*pool);
      } else {
        setup_error = pool.error();
      }
    }
  }
  if (setup_error.empty() && thread == 0 && spec_.kind == CaseKind::kPublish) {
    // Straight to the server: a DelayProxy would delay deliveries, not the publishes measured.
    Result<std::unique_ptr<fixtures::SubscriberGroup>> group = fixtures::SubscriberGroup::Start(
        target_->server_endpoint, kPublishSubscribers, std::string(kPublishChannel));
    if (group.ok()) {
      subscribers_ = std::move(*group);
    } else {
      setup_error = "subscribers: " + group.error();
    }
  }
  if (thread == 0) w.pool = pool_.get();  // the other threads read pool_ after the barrier

  const bool needs_own = spec_.kind != CaseKind::kPoolSet && spec_.kind != CaseKind::kPoolMixed;
  if (setup_error.empty() && needs_own) {
    Result<fixtures::Client> c = fixtures::Client::Connect(target_->client_endpoint);
    if (c.ok()) {
      own.emplace(std::move(*c));
      w.client = &*own;
    } else {
      setup_error = c.error();
    }
  }
  if (setup_error.empty() && thread == 0) {
    // Clean keyspace (and pre-populated keys where the case reads) first, so that the warm-up
    // already sees what the timed run will see.
    Result<fixtures::Client> admin = target_->AdminClient();
    if (!admin.ok()) setup_error = admin.error();
    if (setup_error.empty()) {
      if (Status s = Prepare(spec_, *workload_, *admin); !s.ok()) setup_error = s.error();
    }
    for (int i = 0; i < kWarmupSteps && setup_error.empty(); ++i) {
      if (Status s = Step(spec_, *target_, *workload_, w); !s.ok()) setup_error = s.error();
    }
    if (setup_error.empty() && subscribers_) {
      // The warm-up's messages are delivered before timing starts, so the check in Finish
      // counts exactly the timed publishes.
      const int64_t warmup = static_cast<int64_t>(w.items) * kPublishSubscribers;
      if (subscribers_->WaitForMessages(warmup, std::chrono::seconds(10)) != warmup) {
        setup_error = "subscribers received " + std::to_string(subscribers_->messages()) +
                      " of the warm-up's " + std::to_string(warmup) + " messages";
      }
      subscribers_base_ = subscribers_->messages();
    }
    // Warm-up counts and latencies are dropped: the timed run starts from a clean worker.
    w = Worker(workload_->Chooser(0));
    w.client = own ? &*own : nullptr;
    w.pool = pool_.get();
    if (setup_error.empty()) {
      Result<fixtures::ProcStats> before = target_->Stats();
      if (before.ok()) {
        before_ = *before;
        have_before_ = true;
      }
      Result<fixtures::CpuSnapshot> cpu = fixtures::TakeCpuSnapshot(started_pids_);
      if (cpu.ok()) cpu_before_ = *cpu;
      if (spec_.profile && target_->profiler) target_->profiler->Enable();
    }
  } else if (setup_error.empty() && w.client != nullptr) {
    for (int i = 0; i < 3 && setup_error.empty(); ++i) {
      if (Status s = w.client->Ping(); !s.ok()) setup_error = s.error();
    }
  }
  if (setup_error.starts_with(kSkippedPrefix)) {
    state.SkipWithError(setup_error.c_str());
    std::lock_guard lock(mu_);
    if (failure_.empty()) failure_ = setup_error;
  } else if (!setup_error.empty()) {
    Fail(state, setup_error);
  }

  // The loop's own CPU and wall time, from the first iteration (after the start barrier).
  bool timing = false;
  int64_t cpu0 = 0;
  std::chrono::steady_clock::time_point wall0;
  for (auto _ : state) {
    if (!timing) {
      timing = true;
      cpu0 = fixtures::ThreadCpuNanos();
      wall0 = std::chrono::steady_clock::now();
    }
    if (w.pool == nullptr) w.pool = pool_.get();  // set by thread 0 before the start barrier
    if (aborted_.load(std::memory_order_relaxed)) {
      state.SkipWithError("aborted: another worker of this case failed");
      break;
    }
    if (Status s = Step(spec_, *target_, *workload_, w); !s.ok()) {
      Fail(state, s.error());
      break;
    }
  }
  if (timing) {
    w.cpu_ns = fixtures::ThreadCpuNanos() - cpu0;
    w.wall_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::steady_clock::now() - wall0)
                    .count();
  }
  Finish(state, w);
  if (thread == 0) {
    const bool failed = state.error_occurred();
    std::string failure;
    if (failed) {
      std::lock_guard lock(mu_);
      failure = failure_.empty() ? "failed" : failure_;
    }
    if (EndsRepetition(repetitions_done_, static_cast<double>(w.wall_ns) / 1e9,
                       tracking_.min_time_s, failed)) {
      ++repetitions_done_;
      if (tracking_.progress != nullptr) {
        tracking_.progress->RunDone(spec_.name, repetitions_done_, failure);
      }
    }
  }
}

void CaseRunner::Finish(benchmark::State& state, Worker& w) {
  using benchmark::Counter;
  state.SetItemsProcessed(w.items);
  if (spec_.kind == CaseKind::kGet || spec_.kind == CaseKind::kMixed ||
      spec_.kind == CaseKind::kLatencyGet || spec_.kind == CaseKind::kPoolMixed ||
      spec_.kind == CaseKind::kLPop || spec_.kind == CaseKind::kSPop ||
      spec_.kind == CaseKind::kZPopMin) {
    state.counters["misses"] = Counter(static_cast<double>(w.misses));
  }
  if (spec_.kind == CaseKind::kLock) {
    state.counters["acquisitions_per_second"] =
        Counter(static_cast<double>(w.lock_acquired), Counter::kIsRate);
    state.counters["failed_attempts"] = Counter(static_cast<double>(w.lock_failed));
    state.counters["lost_locks"] = Counter(static_cast<double>(w.lock_lost));
  }
  if (spec_.kind == CaseKind::kPoolOverhead && w.pool_ops > 0 && w.direct_ops > 0) {
    const double pool_us = Micros(w.pool_ns) / static_cast<double>(w.pool_ops);
    const double direct_us = Micros(w.direct_ns) / static_cast<double>(w.direct_ops);
    state.counters["pool_us_per_op"] = pool_us;
    state.counters["direct_us_per_op"] = direct_us;
    state.counters["pool_overhead_pct"] =
        direct_us > 0 ? 100.0 * (pool_us - direct_us) / direct_us : 0;
  }

  bool last = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    merged_.Merge(w.histogram);
    total_requests_ += w.requests;
    total_items_ += w.items;
    client_cpu_ns_ += w.cpu_ns;
    client_wall_ns_ += w.wall_ns;
    last = ++merged_threads_ == state.threads();
  }
  if (!last) return;
  // Every worker has left the timed loop and merged: report the run's distribution once.
  if (spec_.profile && target_->profiler) target_->profiler->Disable();
  pool_.reset();
  if (subscribers_) {
    // Every timed publish must have reached every subscriber (they drain concurrently, so allow
    // the tail a moment to arrive).
    const int64_t expected = subscribers_base_ + total_items_ * kPublishSubscribers;
    const int64_t got = subscribers_->WaitForMessages(expected, std::chrono::seconds(10));
    if (got != expected && !state.error_occurred()) {
      Status why = subscribers_->status();
      Fail(state, "subscribers received " + std::to_string(got - subscribers_base_) + " of " +
                      std::to_string(expected - subscribers_base_) + " messages" +
                      (why.ok() ? std::string() : ": " + why.error()));
    }
    state.counters["subscribers"] = kPublishSubscribers;
    subscribers_.reset();
  }
  if (merged_.count() > 0) {
    for (const auto& [name, percentile] : kPercentileCounters) {
      state.counters[name] = Micros(merged_.ValueAtPercentile(percentile));
    }
    state.counters["max_us"] = Micros(merged_.max());
    if (spec_.kind == CaseKind::kLatencySet || spec_.kind == CaseKind::kLatencyGet) {
      state.counters["min_us"] = Micros(merged_.min());
      state.counters["mean_us"] = merged_.mean() / 1000.0;
      state.counters["stddev_us"] = merged_.stddev() / 1000.0;
    }
  }
  if (have_before_ && total_requests_ > 0) {
    Result<fixtures::ProcStats> after = target_->Stats();
    if (after.ok()) {
      state.counters["server_cpu_us_per_op"] = static_cast<double>(after->cpu_us - before_.cpu_us) /
                                               static_cast<double>(total_requests_);
    }
  }
  if (client_wall_ns_ > 0) {
    state.counters["client_cpu_util"] =
        static_cast<double>(client_cpu_ns_) / static_cast<double>(client_wall_ns_);
  }
  if (cpu_before_) {
    Result<fixtures::CpuSnapshot> cpu_after = fixtures::TakeCpuSnapshot(started_pids_);
    if (cpu_after.ok()) {
      state.counters["other_cpu_cores"] =
          fixtures::OtherCpuCores(*cpu_before_, *cpu_after, fixtures::ClockTicksPerSecond());
    }
  }
  if (spec_.kind == CaseKind::kSet || spec_.kind == CaseKind::kMset) {
    if (auto it = target_->bytes_per_key.find(spec_.value_size);
        it != target_->bytes_per_key.end()) {
      state.counters["bytes_per_key"] = it->second;
    }
    if (auto it = target_->used_memory_per_key.find(spec_.value_size);
        it != target_->used_memory_per_key.end()) {
      state.counters["used_memory_per_key"] = it->second;
    }
  }
}

}  // namespace kv::bench
