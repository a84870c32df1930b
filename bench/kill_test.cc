// Killing kv_bench mid-run (SIGINT as Ctrl-C would, and SIGKILL) leaves no server process behind.
// The test makes itself a child subreaper, so servers orphaned by kv_bench's death become its
// children: it can then tell "gone" (reaped) from "still running", without relying on init.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_test_util.h"
#include "fixtures/child_process.h"
#include "fixtures/server_process.h"

namespace kv::bench {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Reaps pid if it is our (adopted) child and has exited; true when the process no longer exists.
bool Gone(pid_t pid) {
  int status;
  waitpid(pid, &status, WNOHANG);
  return kill(pid, 0) != 0 && errno == ESRCH;
}

void KillMidRun(int signal) {
  const AvailableTargets available = FindTargets();
  if (available.count() == 0) GTEST_SKIP() << "neither kv-server nor redis-server is available";
  const size_t expected_servers = available.count();

  ASSERT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  const std::string log_dir =
      "kill-test-" + std::to_string(getpid()) + "-" + std::to_string(signal);
  int out[2];
  ASSERT_EQ(pipe2(out, O_CLOEXEC), 0);
  fixtures::ChildOptions options;
  // One case that would run for 10 minutes: it is certainly mid-run when killed.
  options.argv = {KV_BENCH_PATH, "--kv_quick", "--kv_log_dir=" + log_dir,
                  "--benchmark_filter=/SET/clients:1/pipeline:1/", "--benchmark_min_time=600"};
  for (const std::string& flag : available.Flags()) options.argv.push_back(flag);
  options.stdout_fd = out[1];
  options.stderr_fd = out[1];
  Result<std::unique_ptr<fixtures::ChildProcess>> bench = fixtures::ChildProcess::Spawn(options);
  close(out[1]);
  ASSERT_TRUE(bench.ok()) << bench.error();

  // Collect the server pids that kv_bench announces ("kv_bench: target kv: ... pid=N ...").
  std::vector<pid_t> servers;
  std::string output;
  const std::regex target_line(R"(kv_bench: target \w+: \S+ \S* ?pid=(\d+))");
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  while (servers.size() < expected_servers && Clock::now() < deadline) {
    pollfd pfd{out[0], POLLIN, 0};
    if (poll(&pfd, 1, 200) <= 0) continue;
    char buf[4096];
    const ssize_t n = read(out[0], buf, sizeof(buf));
    if (n <= 0) break;
    output.append(buf, static_cast<size_t>(n));
    servers.clear();
    for (auto it = std::sregex_iterator(output.begin(), output.end(), target_line);
         it != std::sregex_iterator(); ++it) {
      servers.push_back(static_cast<pid_t>(std::stoi((*it)[1])));
    }
  }
  ASSERT_EQ(servers.size(), expected_servers) << "kv_bench output:\n" << output;
  for (pid_t pid : servers) EXPECT_FALSE(Gone(pid)) << "server " << pid << " not running";

  // Let the first case start (memory probe, registration, connections), then kill kv_bench.
  std::this_thread::sleep_for(milliseconds(1500));
  ASSERT_FALSE((*bench)->Exited().has_value()) << output;
  ASSERT_EQ(kill((*bench)->pid(), signal), 0);
  std::optional<fixtures::ExitStatus> exit;
  for (int i = 0; i < 2000 && !exit; ++i) {
    exit = (*bench)->Exited();
    if (!exit) std::this_thread::sleep_for(milliseconds(10));
  }
  ASSERT_TRUE(exit.has_value()) << "kv_bench did not exit within 20 s";
  if (signal == SIGINT) {
    EXPECT_EQ(*exit, (fixtures::ExitStatus{.code = 130})) << exit->Describe();
  } else {
    EXPECT_EQ(*exit, (fixtures::ExitStatus{.signal = SIGKILL})) << exit->Describe();
  }

  // Every server must disappear (SIGINT: stopped by kv_bench; SIGKILL: parent-death signal).
  const auto gone_deadline = Clock::now() + std::chrono::seconds(10);
  std::vector<pid_t> alive = servers;
  while (!alive.empty() && Clock::now() < gone_deadline) {
    std::erase_if(alive, Gone);
    if (!alive.empty()) std::this_thread::sleep_for(milliseconds(20));
  }
  for (pid_t pid : alive) {
    ADD_FAILURE() << "server pid " << pid << " outlived kv_bench";
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  char buf[4096];
  ssize_t n;
  while ((n = read(out[0], buf, sizeof(buf))) > 0) output.append(buf, static_cast<size_t>(n));
  close(out[0]);
  if (signal == SIGINT) {
    EXPECT_NE(output.find("stopping the servers"), std::string::npos) << output;
  }
}

TEST(KvBenchKillTest, SigintMidRunStopsEveryServer) { KillMidRun(SIGINT); }

TEST(KvBenchKillTest, SigkillMidRunLeavesNoServer) { KillMidRun(SIGKILL); }

}  // namespace
}  // namespace kv::bench
