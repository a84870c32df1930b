// One kv-load thread: an epoll event loop over its share of the connections. Closed loop (each
// connection keeps one pipeline batch in flight) or open loop (requests due on a fixed schedule).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "tools/load/net.h"
#include "tools/load/options.h"
#include "tools/load/result.h"
#include "tools/load/workload.h"
#include "workload/key_chooser.h"

namespace kv::load {

// Live counters a worker publishes for the progress line (relaxed stores once per loop turn).
struct alignas(64) WorkerProgress {
  std::atomic<int64_t> ok{0};
  std::atomic<int64_t> latency_sum_ns{0};
  std::atomic<int64_t> latency_count{0};
};

struct WorkerSpec {
  const Options* options = nullptr;
  const Workload* workload = nullptr;
  const Endpoint* endpoint = nullptr;
  int connections = 1;
  int64_t requests = 0;  // closed loop: this thread's share of -n
  double rate = 0;       // open loop: this thread's share of --rps
  uint64_t seed = 1;
  uint64_t sequence_start = 0;  // first sequential key of this thread
  WorkerProgress* progress = nullptr;
};

// Monotonic clock in nanoseconds.
int64_t NowNs();

// The AUTH/SELECT commands sent first on every connection, and how many replies they produce.
struct Handshake {
  std::string bytes;
  int replies = 0;
};
Handshake MakeHandshake(const Options& options);

class Worker {
 public:
  explicit Worker(const WorkerSpec& spec);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Opens every connection and waits until each has answered AUTH/SELECT and PING. Any failure
  // (refused, timeout, error reply) is an Error naming the cause.
  Status Setup();

  // Runs the test. Closed loop: until the thread's requests are done (or --duration passed).
  // Open loop: request k is due at start_ns + k / rate; warmup requests are sent, not recorded.
  void Run(int64_t start_ns);

  ThreadResult& result() { return result_; }

 private:
  struct Slot {
    int64_t sent_ns;
    int64_t due_ns;
    bool measured;
  };
  enum class State { kConnecting, kReady, kDead };
  struct Conn {
    UniqueFd fd;
    State state = State::kDead;
    std::vector<char> rbuf;
    size_t rlen = 0;
    std::string wbuf;
    size_t woff = 0;
    bool want_write = false;  // EPOLLOUT registered
    bool queued = false;      // in send_list_
    std::vector<Slot> ring;   // in-flight requests, FIFO
    uint32_t head = 0;
    uint32_t count = 0;
    int skip = 0;      // handshake replies still to discard
    int64_t due = 0;   // open loop: requests assigned to this connection so far
    int64_t sent = 0;  // open loop: requests of this connection sent so far
    int failures = 0;  // consecutive failed reconnects
  };

  Status SetupChunk(size_t begin, size_t end);
  void ArmEpoll(Conn& c, uint32_t index, bool add);
  void HandleEvent(uint32_t index, uint32_t events, int64_t wake_ns);
  void HandleRead(Conn& c, uint32_t index, int64_t wake_ns);
  void ProcessReplies(Conn& c, uint32_t index, int64_t wake_ns);
  void Flush(Conn& c, uint32_t index);
  void Queue(Conn& c, uint32_t index);
  void SendBatch(Conn& c, uint32_t index, int64_t now_ns);
  void AppendRequest(Conn& c);
  void Lose(Conn& c, uint32_t index, std::string_view why);
  void Reopen(Conn& c, uint32_t index);
  void FinishConnect(Conn& c, uint32_t index);
  bool CanSend(const Conn& c) const;
  int64_t Wanted(const Conn& c) const;
  int64_t DueNs(int64_t k) const;
  void AssignDue(int64_t now_ns);
  void PublishProgress();

  WorkerSpec spec_;
  Handshake handshake_;
  UniqueFd epoll_;
  std::vector<Conn> conns_;
  std::vector<uint32_t> send_list_;
  workload::KeyChooser keys_;
  ThreadResult result_;
  stats::TimeSeriesRecorder per_second_{kSeriesIntervalNs};
  int pipeline_;
  bool open_loop_;
  int64_t to_issue_ = 0;  // closed loop: requests not yet sent
  int64_t inflight_ = 0;  // requests sent and not answered (all connections)
  int64_t live_ = 0;      // connections not dead
  int64_t backlog_ = 0;   // open loop: requests due on live connections, not yet sent
  int64_t start_ns_ = 0;
  // After the open loop's warmup: the origin of the per-second series.
  int64_t measure_start_ns_ = 0;
  int64_t end_ns_ = INT64_MAX;  // closed loop with --duration: stop sending at this time
  // Open loop schedule.
  double interval_ns_ = 0;
  int64_t next_k_ = 0;     // next request index to assign
  int64_t end_k_ = 0;      // requests due before the end of the window
  int64_t measure_k_ = 0;  // first recorded request index (after the warmup)
  // Progress bookkeeping since the last publish.
  int64_t progress_sum_ = 0;
  int64_t progress_count_ = 0;
};

}  // namespace kv::load
