// kv_bench: starts each server once, registers the case grid with Google Benchmark and runs it.
// stdout carries Google Benchmark's output only; kv_bench's own messages go to stderr.
// Servers never outlive kv_bench: SIGINT/SIGTERM stop them here; a SIGKILL of kv_bench kills
// them through their parent-death signal (see fixtures/child_process.h).
#include <benchmark/benchmark.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_config.h"
#include "bench/cases.h"
#include "bench/progress.h"
#include "bench/reporter.h"
#include "bench/run_conditions.h"
#include "bench/target.h"

#ifndef KV_SERVER_DEFAULT_PATH
#define KV_SERVER_DEFAULT_PATH "kv-server"
#endif
#ifndef KV_GIT_COMMIT
#define KV_GIT_COMMIT "unknown"
#endif
#ifndef KV_BUILD_TYPE
#define KV_BUILD_TYPE "unknown"
#endif
#ifndef KV_PROJECT_VERSION
#define KV_PROJECT_VERSION "unknown"
#endif

namespace kv::bench {
namespace {

std::unique_ptr<benchmark::BenchmarkReporter> MakeDisplayReporter(const std::string& format) {
  if (format == "json") return std::make_unique<benchmark::JSONReporter>();
  // Not tabular: cases carry different counters, and a table would repeat its header.
  auto console = std::make_unique<benchmark::ConsoleReporter>(
      isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_Color
                            : benchmark::ConsoleReporter::OO_None);
  // The console reporter prints its context (date, CPUs, load, Debian's "Library was built as
  // DEBUG" banner) on stderr; it belongs with the table on stdout, and stderr to kv_bench.
  console->SetErrorStream(&std::cout);
  return console;
}

// What the signal thread must stop; main adds servers as they start and clears the list
// before it destroys them.
struct LiveServers {
  std::mutex mu;
  std::vector<fixtures::ServerProcess*> servers;
};

// Waits for SIGINT/SIGTERM (blocked in every thread) and stops the servers, then exits; SIGUSR1
// ends the thread when kv_bench finishes normally.
void SignalLoop(LiveServers* live) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);
  int sig = 0;
  while (sigwait(&set, &sig) == 0) {
    if (sig == SIGUSR1) return;
    std::fprintf(stderr, "\nkv_bench: %s received: stopping the servers\n", strsignal(sig));
    {
      std::lock_guard<std::mutex> lock(live->mu);
      for (fixtures::ServerProcess* s : live->servers) {
        const fixtures::ExitStatus exit = s->Stop(std::chrono::milliseconds(2000));
        std::fprintf(stderr, "kv_bench: %s (pid %d) %s\n", s->name().c_str(),
                     static_cast<int>(s->pid()), exit.Describe().c_str());
      }
    }
    std::fflush(stderr);
    std::_Exit(128 + sig);  // perf and anything left die with us (parent-death signal)
  }
}

std::string HostDescription() {
  char host[256] = "unknown";
  gethostname(host, sizeof(host) - 1);
  return std::string(host) + " (" + std::to_string(std::thread::hardware_concurrency()) + " cpus)";
}

int Main(int argc, char** argv) {
  const std::string load_avg_before = LoadAvgNow();  // before kv_bench loads the machine
  // Block the signals before any thread exists so that only SignalLoop receives them.
  sigset_t blocked;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGINT);
  sigaddset(&blocked, SIGTERM);
  sigaddset(&blocked, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &blocked, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a dead server must give EPIPE, not kill kv_bench

  BenchConfig defaults;
  defaults.kv_server_path = KV_SERVER_DEFAULT_PATH;
  Result<ParsedArgs> parsed = ParseArgs(argc, argv, defaults);
  if (!parsed.ok()) {
    std::fprintf(stderr, "kv_bench: %s\n", parsed.error().c_str());
    return 2;
  }
  BenchConfig& config = parsed->config;
  if (!parsed->benchmark_format.empty() && parsed->benchmark_format != "console" &&
      parsed->benchmark_format != "json") {
    std::fprintf(stderr, "kv_bench: --benchmark_format=%s: only console and json are supported\n",
                 parsed->benchmark_format.c_str());
    return 2;
  }
  if (config.help) {
    std::fputs(HelpText().c_str(), stdout);
    return 0;
  }

  std::string log_dir = config.log_dir;
  if (log_dir.empty()) {
    const std::filesystem::path out(parsed->benchmark_out);
    log_dir = out.has_parent_path() ? out.parent_path().string() : ".";
  }
  std::error_code ec;
  std::filesystem::create_directories(log_dir, ec);

  // Which servers: kv must exist when asked for; redis is optional unless its path was given;
  // the binary of a NAME=COMMAND target is looked for when it starts.
  std::vector<std::pair<TargetSpec, std::string>> to_start;  // (spec, built-in binary)
  for (const std::string& t : config.targets) {
    const TargetSpec& spec = *FindTarget(config, t);  // ParseArgs checked the names
    if (spec.source == TargetSource::kBuiltinKv) {
      if (access(config.kv_server_path.c_str(), X_OK) != 0) {
        std::fprintf(stderr,
                     "kv_bench: kv-server not found at %s: build it with `cmake --build --preset "
                     "release --target kv-server`, pass --kv_server_path=PATH, or leave it out "
                     "with --kv_targets (e.g. --kv_targets=redis)\n",
                     config.kv_server_path.c_str());
        return 1;
      }
      to_start.emplace_back(spec, config.kv_server_path);
    } else if (spec.source == TargetSource::kBuiltinRedis) {
      const std::string redis = fixtures::FindExecutable(
          "redis-server", config.redis_path.empty() ? "/usr/bin/redis-server" : config.redis_path);
      if (!config.redis_path.empty() && redis != config.redis_path) {
        std::fprintf(stderr, "kv_bench: redis-server not found at %s (--kv_redis_path)\n",
                     config.redis_path.c_str());
        return 1;
      }
      if (redis.empty()) {
        std::fprintf(stderr,
                     "kv_bench: redis-server not found (looked at /usr/bin/redis-server and in "
                     "PATH): the redis cases are not registered (install it: scripts/setup.sh)\n");
        continue;
      }
      to_start.emplace_back(spec, redis);
    } else {
      to_start.emplace_back(spec, "");
    }
  }

  LiveServers live;
  std::thread signal_thread(SignalLoop, &live);
  auto stop_signal_thread = [&] {
    pthread_kill(signal_thread.native_handle(), SIGUSR1);
    signal_thread.join();
  };

  std::vector<std::unique_ptr<Target>> targets;
  int status = 0;
  for (const auto& [spec, binary] : to_start) {
    Result<std::unique_ptr<Target>> target = StartTarget(spec, binary, config, log_dir);
    if (!target.ok()) {
      std::fprintf(stderr, "kv_bench: cannot %s target %s: %s\n",
                   spec.source == TargetSource::kExternal ? "use" : "start", spec.name.c_str(),
                   target.error().c_str());
      status = 1;
      break;
    }
    Target& t = **target;
    if (t.server) {
      std::lock_guard<std::mutex> lock(live.mu);
      live.servers.push_back(t.server.get());
    }
    std::fprintf(stderr, "kv_bench: target %s: %s%s%s\n", t.name.c_str(), t.Describe().c_str(),
                 t.server ? (" log=" + t.server->log_path()).c_str() : "",
                 t.proxy
                     ? (" via delay proxy port=" + std::to_string(t.proxy->endpoint().port)).c_str()
                     : "");
    std::vector<CaseKind> probed = {CaseKind::kLock, CaseKind::kEvalsha};
    probed.insert(probed.end(), std::begin(kCollectionCases), std::end(kCollectionCases));
    for (CaseKind kind : probed) {
      if (std::string why = t.Unsupported(kind); !why.empty()) {
        std::fprintf(stderr, "kv_bench: note: %s cases on %s will be skipped: %s\n",
                     std::string(CaseName(kind)).c_str(), t.name.c_str(), why.c_str());
      }
    }
    targets.push_back(std::move(*target));
  }
  if (status == 0 && std::none_of(targets.begin(), targets.end(),
                                  [&](const auto& t) { return t->name == config.reference; })) {
    std::fprintf(stderr,
                 "kv_bench: note: the reference target %s does not run: no ratios (choose one "
                 "with --kv_reference)\n",
                 config.reference.c_str());
  }

  std::vector<std::string> failures;
  std::vector<std::string> skipped;
  if (status == 0) {
    // A million keys: RSS moves in 2 MB steps when the heap is on huge pages (kv-server
    // --hugepages auto), which at 100k keys made bytes_per_key jump by ~20 bytes run to run.
    const int64_t memory_keys = config.quick ? 20000 : 1000000;
    for (auto& t : targets) {
      if (parsed->list_tests) break;  // nothing runs: no memory probe, no profiler
      if (Status s = MeasureBytesPerKey(*t, config.value_sizes, memory_keys); !s.ok()) {
        std::fprintf(stderr, "kv_bench: warning: %s: bytes_per_key not measured: %s\n",
                     t->name.c_str(), s.error().c_str());
      }
      if (!config.profile_regex.empty()) {
        const std::string data = log_dir + "/kv_bench-" + t->name + ".perf.data";
        if (t->local_pid <= 0) {
          std::fprintf(stderr, "kv_bench: warning: %s will not be profiled: %s\n", t->name.c_str(),
                       t->server_stats_na.c_str());
          continue;
        }
        Result<std::unique_ptr<Profiler>> profiler = Profiler::Start(t->local_pid, data);
        if (profiler.ok()) {
          t->profiler = std::move(*profiler);
        } else {
          std::fprintf(stderr, "kv_bench: warning: %s will not be profiled: %s\n", t->name.c_str(),
                       profiler.error().c_str());
        }
      }
    }

    std::vector<char*> bench_argv;
    for (std::string& a : parsed->benchmark_args) bench_argv.push_back(a.data());
    int bench_argc = static_cast<int>(bench_argv.size());
    bench_argv.push_back(nullptr);
    benchmark::Initialize(&bench_argc, bench_argv.data());
    if (benchmark::ReportUnrecognizedArguments(bench_argc, bench_argv.data())) {
      status = 2;
    } else {
      std::string redis_version = "not measured";
      std::string kv_server_version = "not measured";
      std::string redis_args = "not started";
      std::string kv_server_args = "not started";
      std::string target_list;
      std::string server_stats;
      for (auto& t : targets) {
        if (t->spec.source == TargetSource::kBuiltinRedis) {
          redis_version = t->version;
          redis_args = FormatCommandLine(t->server->argv());
        }
        if (t->spec.source == TargetSource::kBuiltinKv) {
          kv_server_version = t->kv_version;
          kv_server_args = FormatCommandLine(t->server->argv());
        }
        target_list += (target_list.empty() ? "" : ",") + t->name;
        server_stats += (server_stats.empty() ? "" : "; ") + t->name + ": " +
                        (t->local_pid > 0 ? "measured" : t->server_stats_na);
      }
      benchmark::AddCustomContext("kv_version", KV_PROJECT_VERSION);
      benchmark::AddCustomContext("kv_git_commit", KV_GIT_COMMIT);
      benchmark::AddCustomContext("kv_server_version", kv_server_version);
      benchmark::AddCustomContext("redis_version", redis_version);
      benchmark::AddCustomContext("build_type", KV_BUILD_TYPE);
      benchmark::AddCustomContext("grid", DescribeGrid(config));
      benchmark::AddCustomContext("host", HostDescription());
      benchmark::AddCustomContext("kv_load_avg_before", load_avg_before);
      for (const auto& [key, value] : HostSettings()) benchmark::AddCustomContext(key, value);
      benchmark::AddCustomContext("kv_server_args", kv_server_args);
      benchmark::AddCustomContext("redis_args", redis_args);
      // Which targets ran, which one every ratio divides by, and what each one was; kv-compare
      // reads kv_reference (absent in older files: redis).
      benchmark::AddCustomContext("kv_targets", target_list);
      benchmark::AddCustomContext("kv_reference", config.reference);
      for (auto& t : targets) {
        const std::string how =
            t->server ? FormatCommandLine(t->server->argv()) : t->spec.Describe();
        benchmark::AddCustomContext("kv_target_" + t->name, t->Describe() + ": " + how);
      }
      // server_cpu_us_per_op and bytes_per_key exist only for targets whose process is local.
      benchmark::AddCustomContext("kv_server_stats", server_stats);
      if (config.rtt_us > 0) {
        // What the delay proxy really adds: PING round trips through it, "<target>=<median µs>".
        std::string measured;
        for (auto& t : targets) {
          Result<fixtures::PingRtt> rtt = fixtures::MeasurePingRtt(t->client_endpoint, 200);
          Result<fixtures::PingRtt> direct = fixtures::MeasurePingRtt(t->server_endpoint, 200);
          if (!rtt.ok() || !direct.ok()) {
            std::fprintf(stderr, "kv_bench: warning: %s: RTT not measured: %s\n", t->name.c_str(),
                         (rtt.ok() ? direct : rtt).error().c_str());
            continue;
          }
          std::fprintf(stderr,
                       "kv_bench: %s: RTT through the proxy %.1f µs (median of 200 PINGs; "
                       "direct %.1f µs; --kv_rtt_us=%d)\n",
                       t->name.c_str(), rtt->p50_us, direct->p50_us, config.rtt_us);
          char item[64];
          std::snprintf(item, sizeof(item), "%s%s=%.1f", measured.empty() ? "" : " ",
                        t->name.c_str(), rtt->p50_us);
          measured += item;
        }
        benchmark::AddCustomContext("kv_rtt_us_measured", measured);
      }

      std::vector<Target*> raw;
      for (auto& t : targets) raw.push_back(t.get());
      std::optional<Progress> progress;
      if (config.progress) {
        progress.emplace(Progress::Options{.repetitions = parsed->repetitions,
                                           .out = stderr,
                                           .in_place = isatty(STDERR_FILENO) == 1});
      }
      const std::vector<std::string> cases =
          RegisterCases(config, raw,
                        RunTracking{.progress = progress ? &*progress : nullptr,
                                    .min_time_s = parsed->min_time_s});
      RunReporter reporter(MakeDisplayReporter(parsed->benchmark_format));
      if (progress) {
        progress->Start(std::max(0, CountSelected(cases, benchmark::GetBenchmarkFilter())) *
                        parsed->repetitions);
      }
      benchmark::RunSpecifiedBenchmarks(&reporter);
      failures = reporter.failures();
      skipped = reporter.skipped();
      benchmark::ClearRegisteredBenchmarks();
    }
  }

  for (auto& t : targets) {
    if (!t->profiler) continue;
    const std::string prefix = log_dir + "/kv_bench-" + t->name;
    Status s = t->profiler->Finish(prefix + ".perf-report.txt", prefix + ".perf-top.txt");
    if (s.ok()) {
      std::fprintf(stderr, "kv_bench: %s profile: %s (top functions: %s.perf-top.txt)\n",
                   t->name.c_str(), t->profiler->data_path().c_str(), prefix.c_str());
    } else {
      std::fprintf(stderr, "kv_bench: warning: %s profile: %s\n", t->name.c_str(),
                   s.error().c_str());
    }
    t->profiler.reset();
  }
  {
    std::lock_guard<std::mutex> lock(live.mu);
    live.servers.clear();
  }
  stop_signal_thread();
  for (auto& t : targets) {
    if (t->proxy) t->proxy->Stop();
    if (!t->server) {
      // NAME@HOST:PORT: not ours to stop; it was empty when kv_bench began, so leave it empty.
      Result<fixtures::Client> admin = t->AdminClient();
      Result<fixtures::Reply> flushed = admin.ok()
                                            ? fixtures::ExpectNoError(admin->Call({"FLUSHALL"}))
                                            : Result<fixtures::Reply>(Error{admin.error()});
      if (!flushed.ok()) {
        std::fprintf(stderr, "kv_bench: warning: %s: keys left behind: FLUSHALL: %s\n",
                     t->name.c_str(), flushed.error().c_str());
      }
      continue;
    }
    const fixtures::ExitStatus exit = t->server->Stop();
    if (!exit.clean()) {
      std::fprintf(stderr, "kv_bench: %s %s; log: %s\n", t->server->name().c_str(),
                   exit.Describe().c_str(), t->server->log_path().c_str());
    }
  }
  benchmark::Shutdown();
  if (!skipped.empty()) {
    std::fprintf(stderr, "kv_bench: %zu case(s) skipped (their target cannot run them):\n",
                 skipped.size());
    for (const std::string& s : skipped) std::fprintf(stderr, "  %s\n", s.c_str());
  }
  if (!failures.empty()) {
    std::fprintf(stderr, "kv_bench: %zu case(s) failed:\n", failures.size());
    for (const std::string& f : failures) std::fprintf(stderr, "  %s\n", f.c_str());
    if (status == 0) status = 1;
  }
  return status;
}

}  // namespace
}  // namespace kv::bench

int main(int argc, char** argv) { return kv::bench::Main(argc, argv); }
