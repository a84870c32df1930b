// The grid: which case instances exist for each target, their names and Google Benchmark options.
#include <regex>

#include "bench/cases.h"

namespace kv::bench {
namespace {

std::string InstanceName(const Target& target, CaseKind kind, int clients, int pipeline,
                         int value_size, const BenchConfig& config) {
  std::string name = target.name + "/" + std::string(CaseName(kind)) +
                     "/clients:" + std::to_string(clients) +
                     "/pipeline:" + std::to_string(pipeline);
  if (config.value_sizes.size() > 1) name += "/value_size:" + std::to_string(value_size);
  if (config.rtt_us > 0) name += "/rtt_us:" + std::to_string(config.rtt_us);
  return name;
}

struct Instance {
  CaseKind kind;
  int clients;
  int threads;
  int pipeline;
};

// Every (case, clients, pipeline) of the grid, in the order they run.
std::vector<Instance> GridInstances(const BenchConfig& config) {
  std::vector<Instance> out;
  for (CaseKind kind : {CaseKind::kSet, CaseKind::kGet, CaseKind::kMixed, CaseKind::kIncr,
                        CaseKind::kMset, CaseKind::kMget, CaseKind::kTtl}) {
    for (int c : config.clients) {
      for (int p : config.pipeline) out.push_back({kind, c, c, p});
    }
  }
  // LOCK: one attempt is a round trip that decides the next step, so no pipelining.
  for (int c : config.clients) out.push_back({CaseKind::kLock, c, c, 1});
  // POOL: 10 workers share a pool of N connections (N <= 10; more would sit idle).
  for (CaseKind kind : {CaseKind::kPoolSet, CaseKind::kPoolMixed}) {
    for (int c : config.clients) {
      if (c <= kPoolWorkers) out.push_back({kind, c, kPoolWorkers, 1});
    }
  }
  // Real-client features: transactions pipelined like redis-py's pipeline(); the script and
  // PUBLISH one request at a time per client.
  for (int c : config.clients) {
    for (int p : config.pipeline) out.push_back({CaseKind::kMulti, c, c, p});
  }
  for (CaseKind kind : {CaseKind::kEvalsha, CaseKind::kPublish}) {
    for (int c : config.clients) out.push_back({kind, c, c, 1});
  }
  // Collections (redis-benchmark's LPUSH, LPOP, HSET, SADD, SPOP, ZADD, ZPOPMIN, LRANGE_100): one
  // key each.
  for (CaseKind kind : kCollectionCases) {
    for (int c : config.clients) {
      for (int p : config.pipeline) out.push_back({kind, c, c, p});
    }
  }
  out.push_back({CaseKind::kPoolOverhead, 1, 1, 1});
  out.push_back({CaseKind::kLatencySet, 1, 1, 1});
  out.push_back({CaseKind::kLatencyGet, 1, 1, 1});
  return out;
}

}  // namespace

std::vector<std::string> RegisterCases(const BenchConfig& config,
                                       const std::vector<Target*>& targets, RunTracking tracking) {
  std::optional<std::regex> profile;
  if (!config.profile_regex.empty()) profile.emplace(config.profile_regex);
  std::vector<pid_t> started_pids;
  for (const Target* target : targets) {
    if (target->local_pid > 0) started_pids.push_back(target->local_pid);
  }
  std::vector<std::string> registered;
  for (int value_size : config.value_sizes) {
    workload::WorkloadOptions options;
    options.keyspace = config.keyspace;
    options.value_size = static_cast<size_t>(value_size);
    options.distribution = config.distribution;
    options.seed = config.seed;
    auto shared_workload =
        std::make_shared<const workload::Workload>(*workload::Workload::Create(options));
    for (const Instance& inst : GridInstances(config)) {
      // Targets innermost: kv and redis run back to back, so drift on the machine hits both.
      for (Target* target : targets) {
        CaseSpec spec;
        spec.kind = inst.kind;
        spec.clients = inst.clients;
        spec.threads = inst.threads;
        spec.pipeline = inst.pipeline;
        spec.value_size = value_size;
        spec.locks = config.locks;
        spec.name =
            InstanceName(*target, inst.kind, inst.clients, inst.pipeline, value_size, config);
        spec.profile = profile && std::regex_search(spec.name, *profile);
        auto runner =
            std::make_shared<CaseRunner>(spec, target, shared_workload, started_pids, tracking);
        benchmark::RegisterBenchmark(spec.name.c_str(),
                                     [runner](benchmark::State& state) { runner->Run(state); })
            ->Threads(inst.threads)
            ->UseRealTime()
            ->Unit(benchmark::kMicrosecond);
        // As Google Benchmark names an instance with real time and one thread count.
        registered.push_back(spec.name + "/real_time/threads:" + std::to_string(inst.threads));
      }
    }
  }
  return registered;
}

}  // namespace kv::bench
