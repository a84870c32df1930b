// Server: start-up, threads, signals and the ServerControl view of the connections.
#include "server/app/server.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <mutex>

#include "server/commands/commands.h"
#include "server/net/listener.h"

namespace kv::server {
namespace {

constexpr int kReservedFds = 32;

sigset_t ShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

}  // namespace

// Turns SIGTERM/SIGINT (read from a signalfd on loop 0) into a shutdown request.
class Server::SignalHandler final : public IoHandler {
 public:
  SignalHandler(UniqueFd fd, Server* server) : fd_(std::move(fd)), server_(server) {}
  int fd() const { return fd_.get(); }
  void OnIo(uint32_t /*events*/) override {
    signalfd_siginfo info;
    while (true) {
      ssize_t n = ::read(fd_.get(), &info, sizeof(info));
      if (n < 0 && errno == EINTR) continue;
      if (n != static_cast<ssize_t>(sizeof(info))) return;
      const char* name = info.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM";
      server_->logger_->Warning(std::string("Received ") + name + " scheduling shutdown...");
      server_->RequestShutdown();
    }
  }

 private:
  UniqueFd fd_;
  Server* server_;
};

std::string AdjustOpenFilesLimit(Config* config) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return "";
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  if (limit.rlim_cur == RLIM_INFINITY) return "";
  int64_t allowed = static_cast<int64_t>(limit.rlim_cur) - kReservedFds;
  if (allowed < 1) allowed = 1;
  if (config->maxclients <= allowed) return "";
  std::string warning = "maxclients lowered from " + std::to_string(config->maxclients) + " to " +
                        std::to_string(allowed) + " (open files limit " +
                        std::to_string(limit.rlim_cur) + ")";
  config->maxclients = static_cast<int>(allowed);
  return warning;
}

Server::Server(Config* config, Logger* logger)
    : config_(config), logger_(logger), shared_(config, logger, config->threads > 1) {
  sigset_t set = ShutdownSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  processor_ = std::make_unique<CommandProcessor>(config_, this, RegisterAllCommands);
  shared_.dispatcher = processor_.get();
}

Server::~Server() = default;

Status Server::Start() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  start_time_ms_ = static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;

  // Probed once for every loop; "auto" falls back to epoll with a log line.
  std::string note;
  auto io = ResolveIoBackend(config_->io, &note);
  if (!io) return Error{io.error()};
  if (!note.empty()) logger_->Warning(note);
  shared_.io = *io;
  for (int i = 0; i < config_->threads; ++i) {
    auto loop = ConnectionLoop::Create(i, &shared_);
    if (!loop) return Error{loop.error()};
    loops_.push_back(std::move(*loop));
  }
  auto listeners = OpenListeners(config_->bind, config_->port);
  if (!listeners) return Error{listeners.error()};
  port_ = listeners->front().port;
  std::string where;
  for (const ListenSocket& l : *listeners) where += " " + l.address;
  std::vector<ConnectionLoop*> loops;
  for (auto& loop : loops_) loops.push_back(loop.get());
  if (Status s = loops_[0]->Listen(std::move(*listeners), loops); !s) return s;

  sigset_t set = ShutdownSignals();
  UniqueFd sfd(signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!sfd.valid()) return Error{std::string("signalfd: ") + std::strerror(errno)};
  signals_ = std::make_unique<SignalHandler>(std::move(sfd), this);
  if (Status s = loops_[0]->WatchExtra(signals_->fd(), signals_.get()); !s) return s;

  logger_->Notice("kv-server " + std::string(kKvVersion) + " listening on port " +
                  std::to_string(port_) + " (" + where.substr(1) + "), " +
                  std::to_string(config_->threads) + " thread(s), " +
                  std::string(loops_[0]->backend()) + " backend");
  return {};
}

Status Server::Run() {
  std::vector<std::thread> threads;
  std::vector<Status> results(loops_.size());
  for (size_t i = 1; i < loops_.size(); ++i) {
    threads.emplace_back([this, i, &results] { results[i] = loops_[i]->Run(); });
  }
  results[0] = loops_[0]->Run();
  if (!results[0].ok()) RequestShutdown();  // let the other loops finish
  for (std::thread& t : threads) t.join();
  for (const Status& s : results) {
    if (!s.ok()) return s;
  }
  logger_->Notice("kv-server is now ready to exit, bye bye...");
  return {};
}

ServerInfo Server::Info() const {
  ServerInfo info;
  info.tcp_port = port_;
  info.io_backend = loops_.empty() ? "epoll" : std::string(loops_[0]->backend());
  info.io_batch_wait_usec = loops_.empty() ? 0 : loops_[0]->batch_wait_usec();
  info.threads = static_cast<int>(loops_.size());
  info.start_time_ms = start_time_ms_;
  info.connected_clients = shared_.clients.size();
  info.total_connections_received = shared_.total_connections.load(std::memory_order_relaxed);
  info.rejected_connections = shared_.rejected_connections.load(std::memory_order_relaxed);
  for (const auto& loop : loops_) {
    info.total_net_input_bytes += loop->net_input_bytes();
    info.total_net_output_bytes += loop->net_output_bytes();
  }
  return info;
}

void Server::ForEachSession(const std::function<void(const Session&)>& fn) const {
  for (const auto& [id, c] : shared_.clients) fn(c->session());
}

bool Server::KillClient(uint64_t id) {
  auto it = shared_.clients.find(id);
  if (it == shared_.clients.end()) return false;
  it->second->owner()->Kill(id);
  return true;
}

bool Server::Deliver(uint64_t id, std::string_view bytes) {
  auto it = shared_.clients.find(id);
  if (it == shared_.clients.end()) return false;
  return it->second->owner()->Deliver(it->second, bytes);
}

bool Server::Unblock(uint64_t id, std::string_view reply) {
  auto it = shared_.clients.find(id);
  if (it == shared_.clients.end()) return false;
  it->second->owner()->Unblock(it->second, reply);
  return true;
}

void Server::RequestShutdown() {
  shared_.shutting_down.store(true, std::memory_order_release);
  for (auto& loop : loops_) loop->Wake();
}

void Server::Log(int level, std::string_view message) {
  logger_->Log(static_cast<LogLevel>(std::clamp(level, 0, 3)), message);
}

bool Server::ServeBusy(BusyResponder& responder) {
  shared_.busy.store(&responder, std::memory_order_release);
  for (auto& loop : loops_) {
    if (loop->ServeBusy(responder)) break;  // the loop whose command runs the script
  }
  return shared_.shutting_down.load(std::memory_order_acquire);
}

void Server::EndBusy() { shared_.busy.store(nullptr, std::memory_order_release); }

}  // namespace kv::server
