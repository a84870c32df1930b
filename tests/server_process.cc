// ServerProcess, RawClient and hiredis helpers for the kv-server integration tests.
#include "tests/server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#ifndef KV_SERVER_PATH
#error "KV_SERVER_PATH must name the kv-server binary"
#endif

namespace kv::test {
namespace {

using Clock = std::chrono::steady_clock;

int64_t MsLeft(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? left.count() : 0;
}

struct Child {
  pid_t pid = -1;
  int stdout_fd = -1;
  std::string log_path;
};

// fork + exec with stdout to a pipe and stderr to a temp file; the child gets its own process
// group and dies with the test process.
Result<Child> Spawn(const std::vector<std::string>& args) {
  char log_template[] = "/tmp/kv-server-test-XXXXXX";
  int log_fd = mkostemp(log_template, O_CLOEXEC);
  if (log_fd < 0) return Error{std::string("mkostemp: ") + std::strerror(errno)};
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    close(log_fd);
    return Error{std::string("pipe2: ") + std::strerror(errno)};
  }
  std::vector<std::string> full = {KV_SERVER_PATH};
  full.insert(full.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : full) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return Error{std::string("fork: ") + std::strerror(errno)};
  if (pid == 0) {
    // Only async-signal-safe calls until exec.
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    dup2(pipe_fds[1], STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  close(log_fd);
  return Child{pid, pipe_fds[0], log_template};
}

// Waits for pid up to timeout_ms; exit code, 128 + signal, or -1 on timeout.
int WaitPid(pid_t pid, int timeout_ms) {
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    }
    if (r < 0 && errno != EINTR) return -1;
    if (Clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Reads from fd until EOF or the deadline.
std::string DrainFd(int fd, int timeout_ms) {
  std::string out;
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  char buf[4096];
  while (true) {
    pollfd p{fd, POLLIN, 0};
    int r = poll(&p, 1, static_cast<int>(MsLeft(deadline)));
    if (r <= 0) break;
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// Strictly "kv-server ready port=<digits> pid=<digits>".
bool ParseReadyLine(std::string_view line, int* port, int* pid) {
  auto number = [&line](std::string_view prefix, int* out) {
    if (line.substr(0, prefix.size()) != prefix) return false;
    line.remove_prefix(prefix.size());
    size_t digits = 0;
    while (digits < line.size() && digits < 9 && line[digits] >= '0' && line[digits] <= '9') {
      ++digits;
    }
    if (digits == 0) return false;
    *out = std::stoi(std::string(line.substr(0, digits)));
    line.remove_prefix(digits);
    return true;
  };
  return number("kv-server ready port=", port) && number(" pid=", pid) && line.empty();
}

}  // namespace

Result<std::unique_ptr<ServerProcess>> ServerProcess::Start(const std::vector<std::string>& args) {
  std::vector<std::string> full = {"--port", "0"};
  for (std::string& a : IoBackendArgs()) full.push_back(std::move(a));
  full.insert(full.end(), args.begin(), args.end());
  auto child = Spawn(full);
  if (!child) return Error{child.error()};
  std::unique_ptr<ServerProcess> server(new ServerProcess());
  server->pid_ = child->pid;
  server->running_ = true;
  server->stdout_fd_ = child->stdout_fd;
  server->log_path_ = child->log_path;

  auto deadline = Clock::now() + std::chrono::seconds(30);
  std::string line;
  while (line.find('\n') == std::string::npos) {
    pollfd p{server->stdout_fd_, POLLIN, 0};
    int r = poll(&p, 1, static_cast<int>(MsLeft(deadline)));
    if (r <= 0) return Error{"no ready line within 30 s; log:\n" + server->Log()};
    char c;
    ssize_t n = read(server->stdout_fd_, &c, 1);
    if (n <= 0) return Error{"kv-server exited before its ready line; log:\n" + server->Log()};
    line += c;
  }
  line.pop_back();
  server->ready_line_ = line;
  int port = 0;
  int pid = 0;
  if (!ParseReadyLine(line, &port, &pid)) return Error{"bad ready line: '" + line + "'"};
  server->port_ = port;
  if (pid != server->pid_) return Error{"ready line names another pid: " + line};
  return server;
}

ServerProcess::~ServerProcess() {
  if (running_) {
    kill(pid_, SIGTERM);
    int code = WaitPid(pid_, 5000);
    if (code < 0) {
      kill(-pid_, SIGKILL);
      kill(pid_, SIGKILL);
      WaitPid(pid_, 5000);
    }
    // A clean SIGTERM shutdown exits 0; anything else (a hang, a sanitizer report) fails the test.
    if (code != 0)
      ADD_FAILURE() << "kv-server exit code " << code << " after SIGTERM; log:\n" << Log();
  }
  if (pid_ > 0) kill(-pid_, SIGKILL);  // anything left in its process group
  if (stdout_fd_ >= 0) close(stdout_fd_);
  if (!log_path_.empty()) unlink(log_path_.c_str());
}

Result<int> ServerProcess::Stop(int sig, int timeout_ms) {
  if (!running_) return Error{"not running"};
  kill(pid_, sig);
  return WaitExit(timeout_ms);
}

Result<int> ServerProcess::WaitExit(int timeout_ms) {
  if (!running_) return Error{"not running"};
  int code = WaitPid(pid_, timeout_ms);
  if (code < 0) return Error{"kv-server did not exit in time"};
  running_ = false;
  return code;
}

std::string ServerProcess::Log() const { return ReadFile(log_path_); }

std::string ServerProcess::RemainingStdout() { return DrainFd(stdout_fd_, 2000); }

long ServerProcess::RssKb() const {
  std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
  std::string key;
  while (in >> key) {
    if (key == "VmRSS:") {
      long kb = -1;
      in >> kb;
      return kb;
    }
  }
  return -1;
}

Result<ExitResult> RunServerToExit(const std::vector<std::string>& args, int timeout_ms) {
  auto child = Spawn(args);
  if (!child) return Error{child.error()};
  ExitResult result;
  result.out = DrainFd(child->stdout_fd, timeout_ms);
  close(child->stdout_fd);
  result.exit_code = WaitPid(child->pid, timeout_ms);
  if (result.exit_code < 0) {
    kill(-child->pid, SIGKILL);
    kill(child->pid, SIGKILL);
    WaitPid(child->pid, 5000);
  }
  result.err = ReadFile(child->log_path);
  unlink(child->log_path.c_str());
  if (result.exit_code < 0) return Error{"kv-server did not exit; stderr:\n" + result.err};
  return result;
}

Result<RawClient> RawClient::Connect(int port, const std::string& host) {
  sockaddr_storage ss{};
  socklen_t len = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    len = sizeof(sockaddr_in);
  } else if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    len = sizeof(sockaddr_in6);
  } else {
    return Error{"bad host " + host};
  }
  int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error{std::string("socket: ") + std::strerror(errno)};
  RawClient client(fd);
  if (connect(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    return Error{std::string("connect: ") + std::strerror(errno)};
  }
  return client;
}

RawClient::RawClient(RawClient&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

RawClient::~RawClient() {
  if (fd_ >= 0) close(fd_);
}

bool RawClient::Send(std::string_view data) {
  while (!data.empty()) {
    ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

long RawClient::SendSome(std::string_view data) {
  long total = 0;
  while (!data.empty()) {
    ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n <= 0) return -1;
    total += n;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return total;
}

std::string RawClient::Read(size_t n, int timeout_ms) {
  std::string out;
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  char buf[65536];
  while (out.size() < n) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(MsLeft(deadline))) <= 0) break;
    ssize_t r = recv(fd_, buf, std::min(sizeof(buf), n - out.size()), 0);
    if (r <= 0) break;
    out.append(buf, static_cast<size_t>(r));
  }
  return out;
}

bool RawClient::ReadUntilClosed(std::string* data, int timeout_ms) {
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  char buf[65536];
  while (true) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(MsLeft(deadline))) <= 0) return false;
    ssize_t r = recv(fd_, buf, sizeof(buf), 0);
    if (r == 0) return true;
    if (r < 0) return errno == ECONNRESET;  // closed with unread data: also closed
    data->append(buf, static_cast<size_t>(r));
  }
}

void RawClient::ShutdownWrite() { shutdown(fd_, SHUT_WR); }

RedisPtr ConnectRedis(int port, const char* host) {
  timeval tv{10, 0};
  RedisPtr c(redisConnectWithTimeout(host, port, tv));
  if (!c || c->err) return nullptr;
  redisSetTimeout(c.get(), tv);
  return c;
}

ReplyPtr Command(redisContext* c, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const std::string& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  void* r = redisCommandArgv(c, static_cast<int>(args.size()), argv.data(), lens.data());
  return ReplyPtr(static_cast<redisReply*>(r));
}

std::string Show(const redisReply* r) {
  if (r == nullptr) return "<no reply>";
  switch (r->type) {
    case REDIS_REPLY_STATUS:
      return "+" + std::string(r->str, r->len);
    case REDIS_REPLY_ERROR:
      return "-" + std::string(r->str, r->len);
    case REDIS_REPLY_INTEGER:
      return ":" + std::to_string(r->integer);
    case REDIS_REPLY_STRING:
      return "$" + std::string(r->str, r->len);
    case REDIS_REPLY_NIL:
      return "$nil";
    case REDIS_REPLY_ARRAY:
      return "*" + std::to_string(r->elements);
    default:
      return "?";
  }
}

std::string Show(const ReplyPtr& r) { return Show(r.get()); }

}  // namespace kv::test
