// ConnectionLoop: what both I/O models share: accepting, hand-overs, kills, ticks, batches of
// requests and the shutdown drain.
#include "server/net/connection_loop.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <string>

#include "server/net/completion_loop.h"
#include "server/net/readiness_loop.h"

namespace kv::server {
namespace {

constexpr int kMaxAcceptsPerCall = 1000;  // as Redis's MAX_ACCEPTS_PER_CALL
constexpr std::string_view kMaxClientsReply = "-ERR max number of clients reached\r\n";

}  // namespace

// Accepts on one listening socket (loop 0).
class ConnectionLoop::ListenHandler final : public IoHandler {
 public:
  ListenHandler(ListenSocket socket, ConnectionLoop* loop)
      : socket_(std::move(socket)), loop_(loop) {}
  void OnIo(uint32_t /*events*/) override { loop_->Accept(socket_.fd.get()); }
  int fd() const { return socket_.fd.get(); }

 private:
  ListenSocket socket_;
  ConnectionLoop* loop_;
};

ConnectionLoop::ConnectionLoop(int index, NetShared* shared, std::unique_ptr<EventLoop> loop)
    : index_(index), shared_(shared), loop_(std::move(loop)) {}

ConnectionLoop::~ConnectionLoop() {
  // The poller goes first: closing an io_uring ends every operation before the connection buffers
  // they use are freed.
  loop_.reset();
}

Result<std::unique_ptr<ConnectionLoop>> ConnectionLoop::Create(int index, NetShared* shared) {
  auto loop =
      EventLoop::Create(shared->io, kTickMs, static_cast<unsigned>(shared->config->io_batch_usec));
  if (!loop) return Error{loop.error()};
  if ((*loop)->completions()) {
    return std::unique_ptr<ConnectionLoop>(new CompletionLoop(index, shared, std::move(*loop)));
  }
  return std::unique_ptr<ConnectionLoop>(new ReadinessLoop(index, shared, std::move(*loop)));
}

int64_t ConnectionLoop::MonotonicMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

int64_t ConnectionLoop::NowMs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

Status ConnectionLoop::Listen(std::vector<ListenSocket> listeners,
                              std::vector<ConnectionLoop*> loops) {
  loops_ = std::move(loops);
  for (ListenSocket& socket : listeners) {
    auto handler = std::make_unique<ListenHandler>(std::move(socket), this);
    if (Status s = loop_->Watch(handler->fd(), kPollIn, handler.get()); !s) return s;
    listeners_.push_back(std::move(handler));
  }
  return {};
}

Status ConnectionLoop::WatchExtra(int fd, IoHandler* handler) {
  return loop_->Watch(fd, kPollIn, handler);
}

Status ConnectionLoop::Run() {
  int64_t drain_deadline = 0;
  while (true) {
    int timeout_ms = -1;
    if (draining_) {
      int64_t left = drain_deadline - MonotonicMs();
      if (connections_.empty() || left <= 0) break;
      timeout_ms = static_cast<int>(left);
    } else if (lazy_free_due_) {
      timeout_ms = static_cast<int>(std::max<int64_t>(0, next_lazy_free_ms_ - MonotonicMs()));
    }
    Result<EventLoop::Round> round = loop_->RunOnce(timeout_ms);
    if (!round) return Error{round.error()};
    EndRound();
    if (inbox_pending_.load(std::memory_order_acquire)) OnWake();
    if (round->ticked) OnTick();
    if (lazy_free_due_ && !draining_ && MonotonicMs() >= next_lazy_free_ms_) LazyFreeStep();
    if (!draining_ && shared_->shutting_down.load(std::memory_order_acquire)) {
      BeginDrain();
      drain_deadline = MonotonicMs() + kDrainTimeoutMs;
    }
    EndTurn();
  }
  if (!connections_.empty()) {
    shared_->logger->Warning("Closing " + std::to_string(connections_.size()) +
                             " client(s) with unsent replies at shutdown");
  }
  while (!connections_.empty()) Close(connections_.begin()->second.get());
  OnWake();  // closes clients handed over during the drain
  return Finish();
}

void ConnectionLoop::Kill(uint64_t id) {
  auto it = shared_->clients.find(id);
  if (it == shared_->clients.end()) return;
  if (id == current_client_) {
    // The client killed itself (its command is running): answer, then close.
    it->second->session().close_after_reply = true;
    return;
  }
  it->second->MarkKilled();
  {
    std::lock_guard<std::mutex> guard(inbox_mu_);
    kills_.push_back(id);
  }
  inbox_pending_.store(true, std::memory_order_release);
  loop_->Wake();
}

void ConnectionLoop::Adopt(std::unique_ptr<Connection> connection) {
  {
    std::lock_guard<std::mutex> guard(inbox_mu_);
    inbox_.push_back(std::move(connection));
  }
  inbox_pending_.store(true, std::memory_order_release);
  loop_->Wake();
}

bool ConnectionLoop::Deliver(Connection* c, std::string_view bytes) {
  switch (c->Push(bytes, shared_->config->client_output_buffer_limit.pubsub)) {
    case Connection::PushResult::kQueued:
      return true;
    case Connection::PushResult::kDropped:
      return false;
    case Connection::PushResult::kCutOff:
      LogOutputLimitClose(c->session());
      break;
    case Connection::PushResult::kFirst:
      break;
  }
  {
    std::lock_guard<std::mutex> guard(inbox_mu_);
    pushes_.push_back(c->session().id);
  }
  // One wake per turn of the loop, however many clients get messages.
  if (!inbox_pending_.exchange(true, std::memory_order_acq_rel)) loop_->Wake();
  return !c->cut_off();
}

void ConnectionLoop::Unblock(Connection* c, std::string_view reply) {
  // A reply, not a push: not checked here (another loop's thread) but at the client's next batch,
  // which Resume runs at once unless 64 KB of output are already pending (then the loop's tick
  // still applies a soft limit).
  c->Push(reply, OutputBufferLimit{});
  {
    std::lock_guard<std::mutex> guard(inbox_mu_);
    resumes_.push_back(c->session().id);
  }
  if (!inbox_pending_.exchange(true, std::memory_order_acq_rel)) loop_->Wake();
}

void ConnectionLoop::OnWake() {
  std::vector<std::unique_ptr<Connection>> adopted;
  std::vector<uint64_t> kills;
  std::vector<uint64_t> pushes;
  std::vector<uint64_t> resumes;
  {
    std::lock_guard<std::mutex> guard(inbox_mu_);
    inbox_pending_.store(false, std::memory_order_relaxed);
    adopted.swap(inbox_);
    kills.swap(kills_);
    pushes.swap(pushes_);
    resumes.swap(resumes_);
  }
  for (auto& c : adopted) Register(std::move(c));
  for (uint64_t id : kills) {
    auto it = connections_.find(id);
    if (it == connections_.end()) continue;
    Connection* c = it->second.get();
    // Best effort: replies already produced go out, then the client is closed (as Redis does,
    // a killed client is not waited for).
    if (Flush(c)) Close(c);
  }
  for (uint64_t id : pushes) {
    auto it = connections_.find(id);
    if (it == connections_.end()) continue;  // closed meanwhile
    Connection* c = it->second.get();
    if (c->cut_off()) {
      Close(c);  // over its output limit: what is unsent is dropped, as Redis
      continue;
    }
    c->TakePushed();
    if (Flush(c)) Settle(c);
  }
  for (uint64_t id : resumes) {
    auto it = connections_.find(id);
    if (it == connections_.end()) continue;  // closed meanwhile
    Connection* c = it->second.get();
    if (c->cut_off()) {
      Close(c);  // a RESP3 subscriber over its output limit meanwhile
      continue;
    }
    c->TakePushed();
    Resume(c);
  }
}

void ConnectionLoop::Accept(int listen_fd) {
  for (int i = 0; i < kMaxAcceptsPerCall; ++i) {
    sockaddr_storage peer{};
    socklen_t peer_len = sizeof(peer);
    int fd = accept4(listen_fd, reinterpret_cast<sockaddr*>(&peer), &peer_len,
                     SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        shared_->logger->Warning(std::string("Accepting client connection: ") +
                                 std::strerror(errno));
      }
      return;
    }
    UniqueFd socket(fd);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    ConnectionLoop* target = loops_[next_loop_];
    next_loop_ = (next_loop_ + 1) % loops_.size();
    auto c = std::make_unique<Connection>(std::move(socket), target);
    Session& session = c->session();
    session.addr = FormatSocketAddress(peer);
    session.laddr = LocalAddress(fd);
    int64_t now = NowMs();
    bool accepted = false;
    {
      // While a busy script runs on this loop, this thread already holds the lock.
      std::unique_lock<ServerLock> guard(shared_->lock, std::defer_lock);
      if (!serving_busy_) guard.lock();
      if (shared_->clients.size() < static_cast<size_t>(shared_->config->maxclients)) {
        accepted = true;
        session.id = shared_->next_client_id++;
        session.created_ms = now;
        session.last_interaction_ms = now;
        session.authenticated = shared_->config->requirepass.empty();
        c->UpdateLimits(*shared_->config);
        c->set_last_active_ms(now);
        shared_->clients.emplace(session.id, c.get());
        shared_->total_connections.fetch_add(1, std::memory_order_relaxed);
        // Handed over under the lock so that a CLIENT KILL can never miss it.
        if (target != this) target->Adopt(std::move(c));
      }
    }
    if (!accepted) {
      // Best effort, as Redis: the client may not see it if it already sent data.
      ssize_t ignored =
          ::send(fd, kMaxClientsReply.data(), kMaxClientsReply.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      (void)ignored;
      shared_->rejected_connections.fetch_add(1, std::memory_order_relaxed);
      shared_->logger->Verbose("Rejected client " + session.addr + ": max number of clients");
      continue;
    }
    if (c) Register(std::move(c));
  }
}

void ConnectionLoop::Register(std::unique_ptr<Connection> c) {
  Connection* raw = c.get();
  uint64_t id = raw->session().id;
  connections_.emplace(id, std::move(c));
  if (draining_) {
    Close(raw);
    return;
  }
  if (!Start(raw)) return;
  if (shared_->logger->Enabled(LogLevel::kVerbose)) {
    shared_->logger->Verbose("Accepted " + raw->session().addr);
  }
}

ConnectionLoop::BatchOutcome ConnectionLoop::RunRequests(Connection* c) {
  int64_t now = NowMs();
  Connection::BatchEnd end = Connection::BatchEnd::kDone;
  {
    if (!shared_->lock.LockUnlessBusy(shared_->busy)) return RunBusyRequests(c);
    std::lock_guard<ServerLock> guard(shared_->lock, std::adopt_lock);
    if (c->killed()) return BatchOutcome::kKilled;
    current_client_ = c->session().id;
    end = c->RunBatch(*shared_->dispatcher, *shared_->config, now, shared_->shutting_down);
    current_client_ = 0;
  }
  if (c->session().close_now) {
    if (!c->session().close_reason.empty()) shared_->logger->Warning(c->session().close_reason);
    Close(c);
    return BatchOutcome::kClosed;
  }
  if (end == Connection::BatchEnd::kDone) [[likely]] {
    return BatchOutcome::kRan;
  }
  if (end == Connection::BatchEnd::kQueryBufferFull) {
    shared_->logger->Warning("Closing client " + c->session().addr +
                             " that reached max query buffer length (qbuf=" +
                             std::to_string(c->query_buffer_size()) + ")");
  } else {
    LogOutputLimitClose(c->session());  // as Redis, the unsent output is dropped with c
  }
  Close(c);
  return BatchOutcome::kClosed;
}

ConnectionLoop::BatchOutcome ConnectionLoop::RunBusyRequests(Connection* c) {
  BusyResponder* responder = shared_->busy.load(std::memory_order_acquire);
  if (responder != nullptr) c->RunBusyBatch(*responder);
  return BatchOutcome::kRan;
}

bool ConnectionLoop::ServeBusy(BusyResponder& responder) {
  if (current_client_ == 0) return false;
  serving_busy_ = true;
  ServeWhileBusy(current_client_, responder);
  serving_busy_ = false;
  return true;
}

bool ConnectionLoop::AcceptIfListener(IoHandler* handler) {
  auto* listener = dynamic_cast<ListenHandler*>(handler);
  if (listener == nullptr) return false;
  Accept(listener->fd());
  return true;
}

void ConnectionLoop::Close(Connection* c) {
  if (c->state().closed()) return;
  c->state().MarkClosed();
  uint64_t id = c->session().id;
  {
    std::lock_guard<ServerLock> guard(shared_->lock);
    shared_->clients.erase(id);
    shared_->dispatcher->OnClose(c->session());
  }
  std::unique_ptr<Connection> owned;
  if (auto it = connections_.find(id); it != connections_.end()) {
    owned = std::move(it->second);
    connections_.erase(it);
  }
  Release(c, std::move(owned));
}

void ConnectionLoop::OnTick() {
  int64_t now = NowMs();
  int64_t timeout_s = 0;
  {
    // A busy script holds the lock: skip this tick rather than stop answering clients.
    if (!shared_->lock.LockUnlessBusy(shared_->busy)) return;
    std::lock_guard<ServerLock> guard(shared_->lock, std::adopt_lock);
    timeout_s = shared_->config->timeout;
    if (index_ == 0 && !draining_) {
      shared_->dispatcher->SetTime(now);
      expire_backlog_ = shared_->dispatcher->ActiveExpireCycle(expire_backlog_ ? kExpireBusyBudgetUs
                                                                               : kExpireBudgetUs);
      if (!lazy_free_due_) {
        // One slice (nothing when the queue is empty) tells whether a backlog waits; the next
        // step comes a period after this tick's work.
        lazy_free_due_ = shared_->dispatcher->LazyFreeStep(0);
        next_lazy_free_ms_ = MonotonicMs() + kLazyFreePeriodMs;
      }
      if (auto level = ParseLogLevel(shared_->config->loglevel)) shared_->logger->set_level(*level);
    }
  }
  CloseOverSoftOutputLimit();
  if (timeout_s <= 0 || draining_) return;
  std::vector<Connection*> idle;
  {
    // Blocked clients (BLPOP...) wait as long as their own timeout says, as in Redis: the session
    // flag is read under the lock the engine sets it with.
    if (!shared_->lock.LockUnlessBusy(shared_->busy)) return;
    std::lock_guard<ServerLock> guard(shared_->lock, std::adopt_lock);
    for (auto& [id, c] : connections_) {
      if (now - c->last_active_ms() > timeout_s * 1000 && !c->session().blocked) {
        idle.push_back(c.get());
      }
    }
  }
  for (Connection* c : idle) {
    shared_->logger->Verbose("Closing idle client " + c->session().addr);
    Close(c);
  }
}

void ConnectionLoop::LazyFreeStep() {
  next_lazy_free_ms_ = MonotonicMs() + kLazyFreePeriodMs;
  if (!shared_->lock.LockUnlessBusy(shared_->busy)) return;  // a busy script: try next period
  std::lock_guard<ServerLock> guard(shared_->lock, std::adopt_lock);
  lazy_free_due_ = shared_->dispatcher->LazyFreeStep(kLazyFreeBudgetUs);
}

void ConnectionLoop::CloseOverSoftOutputLimit() {
  if (draining_) return;
  // Soft limits count whole seconds: once a second is enough (and costs the request path of a
  // busy loop nothing measurable).
  const int64_t now_s = OutputLimitCheck::NowSeconds();
  if (now_s == soft_check_s_) return;
  soft_check_s_ = now_s;
  std::vector<Connection*> over;
  {
    if (!shared_->lock.LockUnlessBusy(shared_->busy)) return;
    std::lock_guard<ServerLock> guard(shared_->lock, std::adopt_lock);
    const Config& config = *shared_->config;
    // Only a soft limit's clock can close a client whose output did not grow.
    if (config.client_output_buffer_limit.normal.soft_bytes == 0 &&
        config.client_output_buffer_limit.pubsub.soft_bytes == 0) {
      return;
    }
    for (auto& [id, c] : connections_) {
      const int64_t soft = c->OutputLimitClass(config).soft_bytes;
      if (soft == 0) continue;
      // At or above the soft limit, or its clock runs (and stops here if the output drained).
      if (static_cast<int64_t>(c->pending_output()) < soft && !c->output_soft_limit_reached()) {
        continue;
      }
      if (c->OutputLimitExceeded(config, now_s)) over.push_back(c.get());
    }
  }
  for (Connection* c : over) {
    LogOutputLimitClose(c->session());
    Close(c);
  }
}

void ConnectionLoop::LogOutputLimitClose(const Session& s) {
  shared_->logger->Warning("Client id=" + std::to_string(s.id) + " addr=" + s.addr +
                           " laddr=" + s.laddr + " fd=" + std::to_string(s.fd) + " name=" + s.name +
                           " scheduled to be closed ASAP for overcoming of output buffer limits.");
}

void ConnectionLoop::BeginDrain() {
  draining_ = true;
  for (auto& listener : listeners_) loop_->Unwatch(listener->fd());
  listeners_.clear();
  std::vector<Connection*> all;
  all.reserve(connections_.size());
  for (auto& [id, c] : connections_) all.push_back(c.get());
  for (Connection* c : all) {
    c->state().StopInput();
    if (Flush(c)) Settle(c);
  }
}

}  // namespace kv::server
