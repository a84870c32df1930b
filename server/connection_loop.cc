// ConnectionLoop: accepting, per-client I/O scheduling, kills, idle timeouts and shutdown drain.
#include "server/connection_loop.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <string>

namespace kv::server {
namespace {

constexpr int kMaxAcceptsPerCall = 1000;  // as Redis's MAX_ACCEPTS_PER_CALL
constexpr std::string_view kMaxClientsReply = "-ERR max number of clients reached\r\n";

int64_t MonotonicMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

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
    : index_(index), shared_(shared), loop_(std::move(loop)), completions_(loop_->completions()) {}

ConnectionLoop::~ConnectionLoop() {
  // The poller goes first: closing an io_uring ends every operation before the connection buffers
  // they use are freed.
  loop_.reset();
}

Result<std::unique_ptr<ConnectionLoop>> ConnectionLoop::Create(int index, NetShared* shared) {
  auto loop =
      EventLoop::Create(shared->io, kTickMs, static_cast<unsigned>(shared->config->io_batch_usec));
  if (!loop) return Error{loop.error()};
  return std::unique_ptr<ConnectionLoop>(new ConnectionLoop(index, shared, std::move(*loop)));
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
    }
    Result<EventLoop::Round> round = loop_->RunOnce(timeout_ms);
    if (!round) return Error{round.error()};
    if (completions_) ProcessDirty();
    if (inbox_pending_.load(std::memory_order_acquire)) OnWake();
    if (round->ticked) OnTick();
    if (!draining_ && shared_->shutting_down.load(std::memory_order_acquire)) {
      BeginDrain();
      drain_deadline = MonotonicMs() + kDrainTimeoutMs;
    }
    if (completions_) Reap();
  }
  if (!connections_.empty()) {
    shared_->logger->Warning("Closing " + std::to_string(connections_.size()) +
                             " client(s) with unsent replies at shutdown");
  }
  while (!connections_.empty()) Close(connections_.begin()->second.get());
  OnWake();  // closes clients handed over during the drain
  // Completions: wait (bounded) for the cancelled operations to end; the ring's exit ends any
  // stragglers before their buffers are freed (see the destructor).
  int64_t reap_deadline = MonotonicMs() + kDrainTimeoutMs;
  while (completions_ && !zombies_.empty() && MonotonicMs() < reap_deadline) {
    Result<EventLoop::Round> round = loop_->RunOnce(100);
    if (!round) return Error{round.error()};
    ProcessDirty();
    Reap();
  }
  return {};
}

void ConnectionLoop::Kill(uint64_t id) {
  auto it = shared_->clients.find(id);
  if (it == shared_->clients.end()) return;
  if (id == current_client_) {
    // The client killed itself (its command is running): answer, then close.
    it->second->session().close_after_reply = true;
    return;
  }
  it->second->killed = true;
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

void ConnectionLoop::OnWake() {
  std::vector<std::unique_ptr<Connection>> adopted;
  std::vector<uint64_t> kills;
  {
    std::lock_guard<std::mutex> guard(inbox_mu_);
    inbox_pending_.store(false, std::memory_order_relaxed);
    adopted.swap(inbox_);
    kills.swap(kills_);
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
      std::lock_guard<ServerLock> guard(shared_->lock);
      if (shared_->clients.size() < static_cast<size_t>(shared_->config->maxclients)) {
        accepted = true;
        session.id = shared_->next_client_id++;
        session.created_ms = now;
        session.last_interaction_ms = now;
        session.authenticated = shared_->config->requirepass.empty();
        c->UpdateLimits(*shared_->config);
        c->last_active_ms = now;
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
  if (completions_) {
    Settle(raw);  // starts the receive
    if (shared_->logger->Enabled(LogLevel::kVerbose)) {
      shared_->logger->Verbose("Accepted " + raw->session().addr);
    }
    return;
  }
  if (Status s = loop_->Watch(raw->fd(), kPollIn, raw); !s) {
    shared_->logger->Warning("Cannot watch client: " + s.error());
    Close(raw);
    return;
  }
  raw->interest = kPollIn;
  if (shared_->logger->Enabled(LogLevel::kVerbose)) {
    shared_->logger->Verbose("Accepted " + raw->session().addr);
  }
}

void ConnectionLoop::OnClientIo(Connection* c, uint32_t events) {
  if (events & kPollError) {
    Close(c);
    return;
  }
  if ((events & kPollOut) && c->pending_output() > 0) {
    if (!Flush(c)) return;
    if (c->input_stalled() && !c->closing && c->pending_output() < kOutputLimit) {
      if (!Process(c)) return;
    }
  }
  if (events & (kPollIn | kPollHangup)) {
    if (c->closing || (c->interest & kPollIn) == 0) {
      // Not reading: after a hang-up nobody can receive the pending output.
      if (events & kPollHangup) {
        Close(c);
        return;
      }
    } else {
      size_t n = 0;
      switch (c->Read(&n)) {
        case Connection::IoStatus::kOk:
          AddBytes(net_in_, n);
          if (!Process(c)) return;
          break;
        case Connection::IoStatus::kEof:
          c->closing = true;  // half-closed: finish the replies, then close
          break;
        case Connection::IoStatus::kAgain:
          break;
        case Connection::IoStatus::kError:
          Close(c);
          return;
      }
    }
  }
  Settle(c);
}

void ConnectionLoop::MarkDirty(Connection* c) {
  if (c->dirty) return;
  c->dirty = true;
  dirty_.push_back(c);
}

void ConnectionLoop::OnClientRecv(Connection* c, std::string_view data, bool more) {
  if (!more) {
    c->recv_armed = false;
    c->recv_cancelling = false;
  }
  if (c->closed) return;
  AddBytes(net_in_, data.size());
  if (!c->closing) {
    // Received bytes are never dropped, even after a cancel was requested (back-pressure).
    c->AppendInput(data);
    c->new_input = true;
  }
  MarkDirty(c);
}

void ConnectionLoop::OnClientRecvEnd(Connection* c, int result) {
  c->recv_armed = false;
  c->recv_cancelling = false;
  if (c->closed) return;
  if (result == 0) {
    c->peer_eof = true;
  } else if (result != -ENOBUFS && result != -ECANCELED) {
    Close(c);  // ECONNRESET and friends
    return;
  }
  // Out of buffers or cancelled: Settle re-arms once that is wanted (the buffers handed out this
  // round are returned before the next submission).
  MarkDirty(c);
}

void ConnectionLoop::OnClientSendDone(Connection* c, int result) {
  c->send_in_flight = false;
  if (c->closed) return;
  if (result <= 0) {
    Close(c);  // EPIPE, ECONNRESET
    return;
  }
  AddBytes(net_out_, static_cast<size_t>(result));
  c->SendDone(static_cast<size_t>(result));
  MarkDirty(c);
}

void ConnectionLoop::ProcessDirty() {
  // Process and Settle never add to dirty_ (only the completion handlers do).
  for (Connection* c : dirty_) {
    c->dirty = false;
    if (c->closed) continue;
    if (!c->closing && (c->new_input || c->input_stalled()) && c->pending_output() < kOutputLimit) {
      c->new_input = false;
      if (!Process(c)) continue;
    }
    // Half-closed: once every request that arrived has run, finish the replies, then close.
    if (c->peer_eof && !c->new_input && !c->input_stalled()) c->closing = true;
    Settle(c);
  }
  dirty_.clear();
}

void ConnectionLoop::Reap() {
  std::erase_if(zombies_, [](const std::unique_ptr<Connection>& c) {
    return !c->recv_armed && !c->send_in_flight;
  });
}

bool ConnectionLoop::Process(Connection* c) {
  while (true) {
    int64_t now = NowMs();
    bool within_limit = true;
    bool killed;
    {
      std::lock_guard<ServerLock> guard(shared_->lock);
      killed = c->killed;
      if (!killed) {
        current_client_ = c->session().id;
        within_limit =
            c->RunBatch(*shared_->processor, *shared_->config, now, shared_->shutting_down);
        current_client_ = 0;
      }
    }
    if (killed) {
      if (Flush(c)) Close(c);
      return false;
    }
    if (c->session().close_now) {
      Close(c);
      return false;
    }
    if (!within_limit) {
      shared_->logger->Warning("Closing client " + c->session().addr +
                               " that reached max query buffer length (qbuf=" +
                               std::to_string(c->query_buffer_size()) + ")");
      Close(c);
      return false;
    }
    if (!Flush(c)) return false;
    if (!c->input_stalled() || c->closing || c->pending_output() >= kOutputLimit) return true;
  }
}

bool ConnectionLoop::Flush(Connection* c) {
  if (completions_) {
    // At most one send in flight: replies produced meanwhile queue behind it, in order.
    if (c->closed) return false;
    if (c->send_in_flight) return true;
    if (c->pending_output() >= kOutputLimit && !c->partly_sent()) {
      // A large batch (>= 64 KB): write it now as far as the socket takes it, as epoll does, so a
      // pipeline of big replies runs at the socket's pace instead of one send per round. One
      // syscall per 64 KB or more; nothing is in flight, so byte order holds.
      if (!WriteNow(c)) return false;
    }
    std::string_view next = c->NextSend();
    if (!next.empty()) {
      loop_->QueueSend(c->fd(), next, c);
      c->send_in_flight = true;
    }
    return true;
  }
  if (c->pending_output() == 0) return true;
  return WriteNow(c);
}

bool ConnectionLoop::WriteNow(Connection* c) {
  size_t n = 0;
  Connection::IoStatus status = c->Write(&n);
  AddBytes(net_out_, n);
  if (status == Connection::IoStatus::kError) {
    Close(c);
    return false;
  }
  return true;
}

bool ConnectionLoop::SettleCompletions(Connection* c) {
  if (!Flush(c)) return false;
  // Flush may have written a large batch at once: resume the requests it held back.
  if (c->input_stalled() && !c->closing && c->pending_output() < kOutputLimit) {
    if (!Process(c)) return false;
  }
  size_t pending = c->pending_output();
  if (c->closing && pending == 0) {
    Close(c);
    return false;
  }
  bool want_recv =
      !c->closing && !c->peer_eof && !draining_ && pending < kOutputLimit && !c->input_stalled();
  if (want_recv && !c->recv_armed) {
    loop_->StartRecv(c->fd(), c);
    c->recv_armed = true;
  } else if (!want_recv && c->recv_armed && !c->recv_cancelling) {
    // Back-pressure or closing: stop receiving; data already received is still taken.
    loop_->CancelRecv(c);
    c->recv_cancelling = true;
  }
  return true;
}

bool ConnectionLoop::Settle(Connection* c) {
  if (completions_) return SettleCompletions(c);
  size_t pending = c->pending_output();
  if (c->closing && pending == 0) {
    Close(c);
    return false;
  }
  uint32_t want = 0;
  if (!c->closing && !draining_ && pending < kOutputLimit && !c->input_stalled()) want |= kPollIn;
  if (pending > 0) want |= kPollOut;
  if (want != c->interest) {
    if (Status s = loop_->Rewatch(c->fd(), want, c); !s) {
      Close(c);
      return false;
    }
    c->interest = want;
  }
  return true;
}

void ConnectionLoop::Close(Connection* c) {
  if (c->closed) return;
  c->closed = true;
  uint64_t id = c->session().id;
  if (!completions_) loop_->Unwatch(c->fd());
  {
    std::lock_guard<ServerLock> guard(shared_->lock);
    shared_->clients.erase(id);
  }
  auto it = connections_.find(id);
  if (completions_) {
    // The socket stays open until its last completion: no operation can hit a reused fd.
    if (c->recv_armed || c->send_in_flight) loop_->CancelAll(c->fd());
    if (it != connections_.end()) {
      zombies_.push_back(std::move(it->second));
      connections_.erase(it);
    }
    return;
  }
  if (it != connections_.end()) connections_.erase(it);  // closes the socket
}

void ConnectionLoop::OnTick() {
  int64_t now = NowMs();
  int64_t timeout_s = 0;
  {
    std::lock_guard<ServerLock> guard(shared_->lock);
    timeout_s = shared_->config->timeout;
    if (index_ == 0 && !draining_) {
      shared_->processor->SetTime(now);
      expire_backlog_ = shared_->processor->ActiveExpireCycle(expire_backlog_ ? kExpireBusyBudgetUs
                                                                              : kExpireBudgetUs);
      if (auto level = ParseLogLevel(shared_->config->loglevel)) shared_->logger->set_level(*level);
    }
  }
  if (timeout_s <= 0 || draining_) return;
  std::vector<Connection*> idle;
  for (auto& [id, c] : connections_) {
    if (now - c->last_active_ms > timeout_s * 1000) idle.push_back(c.get());
  }
  for (Connection* c : idle) {
    shared_->logger->Verbose("Closing idle client " + c->session().addr);
    Close(c);
  }
}

void ConnectionLoop::BeginDrain() {
  draining_ = true;
  for (auto& listener : listeners_) loop_->Unwatch(listener->fd());
  listeners_.clear();
  std::vector<Connection*> all;
  all.reserve(connections_.size());
  for (auto& [id, c] : connections_) all.push_back(c.get());
  for (Connection* c : all) {
    c->closing = true;
    if (Flush(c)) Settle(c);
  }
}

}  // namespace kv::server
