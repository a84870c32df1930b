// One kv-load thread: an epoll event loop over its share of the connections. Closed loop (each
// connection keeps one pipeline batch in flight) or open loop (requests due on a fixed schedule).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "tools/load/cluster.h"
#include "tools/load/net.h"
#include "tools/load/options.h"
#include "tools/load/result.h"
#include "tools/load/schedule.h"
#include "tools/load/transport.h"
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
  const TlsContext* tls = nullptr;  // --tls: every connection is TLS
  // --cluster: the topology at the start and one endpoint per master (same order). Each client
  // then has one connection to every master.
  const ClusterMap* cluster = nullptr;
  const std::vector<Endpoint>* node_endpoints = nullptr;
  int connections = 1;   // clients
  int64_t requests = 0;  // closed loop: this thread's share of -n
  double rate = 0;       // open loop: this thread's share of --rps
  uint64_t seed = 1;
  uint64_t sequence_start = 0;  // first sequential key of this thread
  WorkerProgress* progress = nullptr;
};

// Monotonic clock in nanoseconds.
int64_t NowNs();

// The AUTH/HELLO 3/SELECT commands sent first on every connection, and how many replies they
// produce.
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
    bool asking = false;  // --cluster: the reply to an ASKING, discarded
    int redirects = 0;    // --cluster: MOVED/ASK followed for this request so far
    std::string request;  // --cluster: the request's bytes, resent on a redirection
  };
  enum class State { kConnecting, kHandshake, kReady, kDead };
  // One connection: to the server, or in cluster mode from one client to one master.
  struct Conn {
    Transport io;
    State state = State::kDead;
    uint32_t client = 0;
    int node = 0;                   // --cluster: index of the master
    uint32_t handshake_events = 0;  // kHandshake: what TLS waits for (EPOLLIN or EPOLLOUT)
    std::vector<char> rbuf;
    size_t rlen = 0;
    std::string wbuf;
    size_t woff = 0;
    bool want_write = false;  // EPOLLOUT registered
    std::vector<Slot> ring;   // in-flight requests (and ASKINGs), FIFO
    uint32_t head = 0;
    uint32_t count = 0;
    int skip = 0;      // handshake replies still to discard
    int failures = 0;  // consecutive failed reconnects
  };
  // One kv-load client: a connection (or one per master with --cluster) and its requests.
  struct Client {
    int64_t inflight = 0;  // requests sent and not answered
    int64_t due = 0;       // open loop: requests assigned to this client so far
    int64_t sent = 0;      // open loop: requests of this client sent so far
    bool queued = false;   // in send_list_
    bool dead = false;     // a connection died and is not reopened
  };

  Status SetupChunk(size_t begin, size_t end);
  Status SetupConnected(Conn& c, uint32_t index);
  void ArmEpoll(Conn& c, uint32_t index, bool add);
  Io ReadInto(Conn& c, size_t* n);
  void HandleEvent(uint32_t index, uint32_t events, int64_t wake_ns);
  void HandleRead(Conn& c, uint32_t index, int64_t wake_ns);
  void ProcessReplies(Conn& c, uint32_t index, int64_t wake_ns);
  bool FollowRedirect(Conn& c, const Slot& s, std::string_view error);
  void PushSlot(Conn& c, Slot s);
  void Flush(Conn& c, uint32_t index);
  void Queue(uint32_t client);
  void SendBatch(uint32_t client, int64_t now_ns);
  void Lose(Conn& c, uint32_t index, std::string_view why);
  void KillClient(uint32_t client);
  void Reopen(Conn& c, uint32_t index);
  void StartHandshake(Conn& c, uint32_t index);
  void FinishConnect(Conn& c, uint32_t index);
  void ConnectionReady(Conn& c, uint32_t index);
  void RefreshTopology();
  const Endpoint& EndpointOf(const Conn& c) const;
  Conn& ConnOf(uint32_t client, int node) {
    return conns_[client * static_cast<uint32_t>(nodes_) + static_cast<uint32_t>(node)];
  }
  bool CanSend(uint32_t client) const;
  void AssignDue(int64_t now_ns);
  void PublishProgress();

  WorkerSpec spec_;
  Handshake handshake_;
  UniqueFd epoll_;
  int nodes_ = 1;            // connections per client: the masters with --cluster, else 1
  ClusterMap map_;           // --cluster: this thread's view of the topology
  std::vector<Conn> conns_;  // client-major: conns_[client * nodes_ + node]
  std::vector<Client> clients_;
  std::vector<uint32_t> send_list_;   // clients with a batch to send
  std::vector<uint32_t> flush_list_;  // connections with redirected requests to write
  std::string scratch_;               // --cluster: one request being routed
  bool refresh_wanted_ = false;       // --cluster: a MOVED was seen since the last refresh
  int64_t last_refresh_ns_ = 0;
  workload::KeyChooser keys_;
  ThreadResult result_;
  stats::TimeSeriesRecorder per_second_{kSeriesIntervalNs};
  int pipeline_;
  bool open_loop_;
  int64_t to_issue_ = 0;  // closed loop: requests not yet sent
  int64_t inflight_ = 0;  // requests sent and not answered (all clients)
  int64_t live_ = 0;      // clients not dead
  int64_t backlog_ = 0;   // open loop: requests due on live clients, not yet sent
  int64_t start_ns_ = 0;
  // After the open loop's warmup: the origin of the per-second series.
  int64_t measure_start_ns_ = 0;
  int64_t end_ns_ = INT64_MAX;  // closed loop with --duration: stop sending at this time
  // Open loop schedule.
  OpenLoopSchedule schedule_;
  int64_t next_k_ = 0;     // next request index to assign
  int64_t end_k_ = 0;      // requests due before the end of the window
  int64_t measure_k_ = 0;  // first recorded request index (after the warmup)
  // Progress bookkeeping since the last publish.
  int64_t progress_sum_ = 0;
  int64_t progress_count_ = 0;
};

}  // namespace kv::load
