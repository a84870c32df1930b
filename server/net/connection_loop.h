// ConnectionLoop: one event-loop thread's clients: accepting, hand-overs between loops, kills,
// ticks (idle timeouts, active expiry), batches of requests and the shutdown drain. How bytes move
// is the I/O model's: ReadinessLoop (epoll, readiness_loop.h) and CompletionLoop (io_uring,
// completion_loop.h) implement the driver hooks below. Loop 0 also owns the listeners and the
// signal fd, accepts every connection and hands them round-robin to the loops (itself included).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/api/dispatcher.h"
#include "server/api/server_control.h"
#include "server/config/config.h"
#include "server/config/logging.h"
#include "server/net/connection.h"
#include "server/net/event_loop.h"
#include "server/net/listener.h"

namespace kv::server {

// The "server lock": serialises Dispatcher and Session access across loops. With one loop
// it is disabled, so the single-threaded server pays nothing for it.
class ServerLock {
 public:
  explicit ServerLock(bool enabled) : enabled_(enabled) {}
  void lock() {
    if (enabled_) mu_.lock();
  }
  void unlock() {
    if (enabled_) mu_.unlock();
  }
  // Takes the lock unless a busy script holds it: returns false, without the lock, once busy is
  // set (ServerControl::ServeBusy), so this loop can answer its clients meanwhile.
  bool LockUnlessBusy(const std::atomic<BusyResponder*>& busy) {
    if (!enabled_) return true;
    while (!mu_.try_lock_for(std::chrono::milliseconds(1))) {
      if (busy.load(std::memory_order_acquire) != nullptr) return false;
    }
    return true;
  }

 private:
  std::timed_mutex mu_;
  bool enabled_;
};

// What all loops share; owned by Server.
struct NetShared {
  NetShared(Config* c, Logger* l, bool threaded) : config(c), logger(l), lock(threaded) {}
  Config* config;
  std::string io = "epoll";  // the resolved I/O backend of every loop ("epoll" or "uring")
  Logger* logger;
  Dispatcher* dispatcher = nullptr;
  ServerLock lock;
  // Guarded by lock: every registered client by CLIENT ID (also those being handed to a loop).
  std::map<uint64_t, Connection*> clients;
  uint64_t next_client_id = 1;
  std::atomic<uint64_t> total_connections{0};
  std::atomic<uint64_t> rejected_connections{0};
  std::atomic<bool> shutting_down{false};
  // Set while a script runs past busy-reply-threshold: what answers clients meanwhile.
  std::atomic<BusyResponder*> busy{nullptr};
};

class ConnectionLoop {
 public:
  // Timer period: idle-client checks and (loop 0) active expiry run once per tick.
  static constexpr int kTickMs = 100;
  // Active expiry budget per tick: 1 ms (1% of a core); 5 ms while the previous cycle ran out of
  // budget. Redis allows 25% of a core, which would hurt tail latency on a 2-core benchmark box;
  // lazy expiry on access keeps reads correct either way.
  static constexpr int64_t kExpireBudgetUs = 1000;
  static constexpr int64_t kExpireBusyBudgetUs = 5000;
  // Lazy free (loop 0): while large collections removed from the keyspace wait to be released, a
  // step of about kLazyFreeBudgetUs every kLazyFreePeriodMs (10% of a core), so that other clients
  // wait about a step at most. (On the tick's budget, 5 ms every 100 ms, a 1M-field hash's release
  // held every client for 4.5-5 ms ten times a second for 4 s.) Redis frees in a background
  // thread; here the heap stays single-threaded.
  static constexpr int64_t kLazyFreeBudgetUs = 1000;
  static constexpr int kLazyFreePeriodMs = 10;
  // How long shutdown waits for replies in flight to be written.
  static constexpr int kDrainTimeoutMs = 2000;

  // The loop of shared->io's I/O model: a CompletionLoop where the backend has completions
  // (io_uring), else a ReadinessLoop (epoll).
  static Result<std::unique_ptr<ConnectionLoop>> Create(int index, NetShared* shared);
  ConnectionLoop(const ConnectionLoop&) = delete;
  ConnectionLoop& operator=(const ConnectionLoop&) = delete;
  virtual ~ConnectionLoop();

  // Loop 0 only, before Run: accept on these sockets and deal clients out to loops.
  Status Listen(std::vector<ListenSocket> listeners, std::vector<ConnectionLoop*> loops);
  // Loop 0 only: watch fd (a signalfd) with handler.
  Status WatchExtra(int fd, IoHandler* handler);

  // Runs until shutdown has drained this loop's clients. Returns an error only if the poller
  // fails.
  Status Run();

  // Any thread, with the server lock held: close client id (a kill of the client whose command
  // is running marks it close-after-reply instead).
  void Kill(uint64_t id);
  // Any thread: hand over a registered connection (called with the server lock held).
  void Adopt(std::unique_ptr<Connection> connection);
  // With the server lock held, on this loop's thread while a busy script runs here (the loop runs a
  // command): serves this loop's other connections once, without blocking, with responder.
  // Returns false when no command runs on this loop.
  bool ServeBusy(BusyResponder& responder);
  // Any thread: look at shared->shutting_down soon.
  void Wake() { loop_->Wake(); }
  // Any thread, with the server lock held: out-of-band bytes for c, one of this loop's clients
  // (ServerControl::Deliver). Queued on c and written by this loop; a client past
  // client-output-buffer-limit's pubsub class is logged and closed. False when c is cut off.
  bool Deliver(Connection* c, std::string_view bytes);
  // Any thread, with the server lock held: the reply that ends c's wait (ServerControl::Unblock).
  // Queued on c; this loop writes it, then runs the requests c sent while it waited.
  void Unblock(Connection* c, std::string_view reply);

  uint64_t net_input_bytes() const { return net_in_.load(std::memory_order_relaxed); }
  uint64_t net_output_bytes() const { return net_out_.load(std::memory_order_relaxed); }
  std::string_view backend() const { return loop_->backend(); }
  unsigned batch_wait_usec() const { return loop_->batch_wait_usec(); }

 protected:
  ConnectionLoop(int index, NetShared* shared, std::unique_ptr<EventLoop> loop);

  // --- Driver hooks (the I/O model's part) ---
  // Starts the I/O of a newly registered connection. Returns false when it closed c.
  virtual bool Start(Connection* c) = 0;
  // Writes pending output or queues the next send. Returns false when c was closed.
  virtual bool Flush(Connection* c) = 0;
  // Closes c when it is done, otherwise sets up what it waits for next (poller interest, or the
  // receive and the next send). Returns false when c was closed.
  virtual bool Settle(Connection* c) = 0;
  // Ends the I/O of c, already marked closed and unregistered, and frees it (owned) now or once
  // the kernel has ended its operations.
  virtual void Release(Connection* c, std::unique_ptr<Connection> owned) = 0;
  // After each round's dispatch, and at the end of each turn of the loop.
  virtual void EndRound() {}
  virtual void EndTurn() {}
  // A busy script runs on this loop (client `running`, not to be touched): read what the other
  // connections have sent, answer it with responder and write the replies, without blocking and
  // without closing anything. Default: nothing (the other loops still answer theirs).
  virtual void ServeWhileBusy(uint64_t /*running*/, BusyResponder& /*responder*/) {}
  // A blocked client's wait ended (its reply is in its output): run the requests it sent meanwhile
  // and write their replies, as after new input.
  virtual void Resume(Connection* c) = 0;
  // After the last connection was closed at shutdown: waits (bounded) for what is left.
  virtual Status Finish() { return {}; }

  // --- Shared by the drivers ---
  enum class BatchOutcome {
    kRan,     // the requests ran; their replies wait in the output buffer
    kKilled,  // CLIENT KILL: nothing ran; the caller flushes what is pending, then closes c
    kClosed,  // c asked to close at once, or its query buffer overflowed: c was closed
  };
  // Runs one batch of c's complete requests under the server lock (or, while a script is busy on
  // another loop, answers them with the busy responder).
  BatchOutcome RunRequests(Connection* c);
  BatchOutcome RunBusyRequests(Connection* c);
  // ServeWhileBusy: if handler is one of loop 0's listeners, accepts its pending connections (the
  // server lock is already held) and returns true.
  bool AcceptIfListener(IoHandler* handler);
  // Runs requests and writes replies (driver.Flush), repeating while output drains and input is
  // waiting. Returns false when c was closed. A template so that the request path calls the
  // driver's Flush directly.
  template <class Driver>
  bool Process(Driver& driver, Connection* c) {
    while (true) {
      switch (RunRequests(c)) {
        case BatchOutcome::kRan:
          break;
        case BatchOutcome::kKilled:
          if (driver.Flush(c)) Close(c);
          return false;
        case BatchOutcome::kClosed:
          return false;
      }
      if (!driver.Flush(c)) return false;
      if (!c->input_stalled() || c->state().closing() || c->pending_output() >= kOutputLimit) {
        return true;
      }
    }
  }
  // Writes c's pending output with plain send()s as far as the socket takes it; closes c and
  // returns false on a write error.
  bool WriteNow(Connection* c) {
    size_t n = 0;
    Connection::IoStatus status = c->Write(&n);
    CountOutput(n);
    if (status != Connection::IoStatus::kError) return true;
    Close(c);
    return false;
  }
  // Closes c: unregisters it, then Release.
  void Close(Connection* c);
  // Bytes received / sent, for INFO (one writer: this loop's thread).
  void CountInput(size_t n) { Add(net_in_, n); }
  void CountOutput(size_t n) { Add(net_out_, n); }
  static int64_t MonotonicMs();

  EventLoop& loop() { return *loop_; }
  NetShared& shared() { return *shared_; }
  bool draining() const { return draining_; }

 private:
  class ListenHandler;

  void Accept(int listen_fd);
  void Register(std::unique_ptr<Connection> c);
  void OnWake();
  void OnTick();
  // Loop 0: one lazy free step; schedules the next one while some collection is left.
  void LazyFreeStep();
  void BeginDrain();
  // Tick, once a second: closes clients whose unsent output stayed above their class's soft limit
  // for longer than its seconds (the limit is otherwise checked only when output grows), and stops
  // the soft clock of those whose output drained.
  void CloseOverSoftOutputLimit();
  // Redis's log line for a client closed by client-output-buffer-limit.
  void LogOutputLimitClose(const Session& s);
  static int64_t NowMs();
  static void Add(std::atomic<uint64_t>& counter, size_t n) {
    counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }

  const int index_;
  NetShared* shared_;
  std::unique_ptr<EventLoop> loop_;
  std::unordered_map<uint64_t, std::unique_ptr<Connection>> connections_;
  // Loop 0: listeners and the loops clients are dealt to.
  std::vector<std::unique_ptr<ListenHandler>> listeners_;
  std::vector<ConnectionLoop*> loops_;
  size_t next_loop_ = 0;
  // Guarded by shared_->lock: the client whose command runs on this loop right now (0: none).
  uint64_t current_client_ = 0;
  bool serving_busy_ = false;  // inside ServeBusy: this thread holds the server lock
  // Handovers from other threads.
  std::mutex inbox_mu_;
  std::vector<std::unique_ptr<Connection>> inbox_;
  std::vector<uint64_t> kills_;
  std::vector<uint64_t> pushes_;   // clients with pushed output (Deliver)
  std::vector<uint64_t> resumes_;  // clients whose wait ended (Unblock)
  std::atomic<bool> inbox_pending_{false};
  bool draining_ = false;
  bool expire_backlog_ = false;
  // Loop 0: a lazy free step is due at next_lazy_free_ms_ (monotonic). The tick finds a new
  // backlog; a step that empties the queue clears it.
  bool lazy_free_due_ = false;
  int64_t next_lazy_free_ms_ = 0;
  int64_t soft_check_s_ = 0;  // when CloseOverSoftOutputLimit last looked (monotonic seconds)
  std::atomic<uint64_t> net_in_{0};
  std::atomic<uint64_t> net_out_{0};
};

}  // namespace kv::server
