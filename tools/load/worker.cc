// kv-load's per-thread event loop (see worker.h). Cost per request is kept to what is unavoidable:
// one read and one write per connection per round, replies scanned in place without allocation,
// requests patched in place from a template, and clock reads only around syscalls.
#include "tools/load/worker.h"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

#include "resp/key_slot.h"
#include "resp/reply_reader.h"
#include "resp/request_encoder.h"
#include "tools/load/worker_io.h"

namespace kv::load {
namespace {

constexpr size_t kInitialReadBuffer = 4096;
constexpr int64_t kDrainTimeoutNs = 10'000'000'000;  // after the schedule ends
constexpr int kMaxRedirects = 5;                     // per request (--cluster)
constexpr int64_t kRefreshIntervalNs = 100'000'000;  // at most 10 topology refreshes a second

int64_t ThreadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

int64_t NowNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

Handshake MakeHandshake(const Options& options) {
  Handshake h;
  if (options.password) {
    std::vector<std::string> auth = {"AUTH"};
    if (options.user) auth.push_back(*options.user);
    auth.push_back(*options.password);
    resp::AppendRequest(auth, &h.bytes);
    ++h.replies;
  }
  if (options.resp3) {
    const std::vector<std::string> hello = {"HELLO", "3"};
    resp::AppendRequest(hello, &h.bytes);
    ++h.replies;
  }
  if (options.dbnum_given) {
    const std::vector<std::string> select = {"SELECT", std::to_string(options.dbnum)};
    resp::AppendRequest(select, &h.bytes);
    ++h.replies;
  }
  return h;
}

Worker::Worker(const WorkerSpec& spec)
    : spec_(spec),
      handshake_(MakeHandshake(*spec.options)),
      epoll_(::epoll_create1(EPOLL_CLOEXEC)),
      nodes_(spec.cluster ? static_cast<int>(spec.cluster->masters.size()) : 1),
      clients_(static_cast<size_t>(spec.connections)),
      keys_(spec.options->distribution, static_cast<uint64_t>(spec.options->keyspace), spec.seed,
            spec.sequence_start),
      pipeline_(spec.options->pipeline),
      open_loop_(spec.options->open_loop()) {
  if (spec.cluster) map_ = *spec.cluster;
  conns_.resize(clients_.size() * static_cast<size_t>(nodes_));
  send_list_.reserve(clients_.size());
  result_.node_ok.assign(spec.cluster ? static_cast<size_t>(nodes_) : 0, 0);
  size_t request_size = 0;
  for (const workload::RequestTemplate& t : spec.workload->templates) {
    request_size = std::max(request_size, t.bytes.size());
  }
  // With --cluster a client's whole batch may go to one master, with an ASKING per request.
  const size_t ring = static_cast<size_t>(pipeline_) * (spec.cluster ? 2 : 1);
  for (size_t i = 0; i < conns_.size(); ++i) {
    Conn& c = conns_[i];
    c.client = static_cast<uint32_t>(i / static_cast<size_t>(nodes_));
    c.node = static_cast<int>(i % static_cast<size_t>(nodes_));
    c.ring.resize(ring);
    c.rbuf.resize(kInitialReadBuffer);
    c.wbuf.reserve(std::min<size_t>(request_size * static_cast<size_t>(pipeline_), 1 << 20));
  }
}

Worker::~Worker() = default;

const Endpoint& Worker::EndpointOf(const Conn& c) const {
  return spec_.node_endpoints ? (*spec_.node_endpoints)[static_cast<size_t>(c.node)]
                              : *spec_.endpoint;
}

void Worker::ArmEpoll(Conn& c, uint32_t index, bool add) {
  epoll_event ev{};
  ev.data.u32 = index;
  const uint32_t in = EPOLLIN, out = EPOLLOUT;
  switch (c.state) {
    case State::kConnecting:
      ev.events = out;
      break;
    case State::kHandshake:
      ev.events = c.handshake_events;
      break;
    default:
      ev.events = in | (c.want_write ? out : 0u);
  }
  ::epoll_ctl(epoll_.get(), add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, c.io.fd(), &ev);
}

void Worker::Run(int64_t start_ns) {
  const Options& o = *spec_.options;
  start_ns_ = start_ns;
  // The same origin as MergeResults' (runner.cc): the series' seconds are the run's seconds.
  measure_start_ns_ = start_ns + (open_loop_ ? static_cast<int64_t>(o.warmup_s * 1e9) : 0);
  last_refresh_ns_ = start_ns;
  const int64_t cpu0 = ThreadCpuNs();
  result_.first_send_ns = start_ns;
  result_.last_reply_ns = start_ns;
  int64_t window_end = INT64_MAX;
  if (open_loop_) {
    schedule_ = OpenLoopSchedule(start_ns, spec_.rate, static_cast<int64_t>(o.tick_us * 1e3));
    end_k_ = static_cast<int64_t>(std::ceil((o.warmup_s + o.duration_s) * spec_.rate - 1e-9));
    measure_k_ = static_cast<int64_t>(std::ceil(o.warmup_s * spec_.rate - 1e-9));
    window_end = start_ns + static_cast<int64_t>((o.warmup_s + o.duration_s) * 1e9);
  } else {
    to_issue_ = spec_.requests;
    if (o.duration_s > 0) {
      to_issue_ = INT64_MAX;
      end_ns_ = start_ns + static_cast<int64_t>(o.duration_s * 1e9);
      window_end = end_ns_;
    }
    for (uint32_t i = 0; i < clients_.size(); ++i) Queue(i);
  }

  epoll_event events[kMaxEvents];
  while (true) {
    int64_t now = NowNs();
    if (open_loop_) AssignDue(now);
    for (uint32_t client : send_list_) {
      clients_[client].queued = false;
      if (CanSend(client)) SendBatch(client, NowNs());
    }
    send_list_.clear();
    for (size_t i = 0; i < flush_list_.size(); ++i) {
      Conn& c = conns_[flush_list_[i]];
      if (c.state == State::kReady) Flush(c, flush_list_[i]);
    }
    flush_list_.clear();
    if (refresh_wanted_ && now - last_refresh_ns_ >= kRefreshIntervalNs) RefreshTopology();
    PublishProgress();

    // Done? Closed loop: nothing in flight and nothing left to send. Open loop: the schedule is
    // exhausted and every due request was answered.
    const bool work_left = open_loop_ ? (next_k_ < end_k_ || backlog_ > 0) && live_ > 0
                                      : to_issue_ > 0 && now < end_ns_ && live_ > 0;
    if (!work_left && inflight_ == 0) break;
    if (now > window_end && now - window_end > kDrainTimeoutNs) {
      // The server stopped answering: what is still outstanding is counted, not waited for.
      int64_t outstanding = 0;
      for (const Conn& c : conns_) {
        for (uint32_t j = 0; j < c.count; ++j) {
          const Slot& s = c.ring[(c.head + j) % c.ring.size()];
          outstanding += s.measured && !s.asking ? 1 : 0;
        }
      }
      result_.errors.AddTyped(kErrTimeout, "no reply within 10 s after the end of the run",
                              outstanding + backlog_);
      break;
    }

    int64_t timeout = -1;
    if (open_loop_ && next_k_ < end_k_) {
      timeout = std::max<int64_t>(schedule_.DueNs(next_k_) - now, 0);
    } else if (window_end != INT64_MAX) {
      timeout = now < window_end ? window_end - now : 100'000'000;
    }
    if (refresh_wanted_) {
      const int64_t until = last_refresh_ns_ + kRefreshIntervalNs - now;
      timeout = timeout < 0 ? std::max<int64_t>(until, 0) : std::min(timeout, until);
      timeout = std::max<int64_t>(timeout, 0);
    }
    int n = Wait(epoll_.get(), events, kMaxEvents, timeout);
    if (n < 0) continue;  // EINTR
    const int64_t wake = NowNs();
    for (int e = 0; e < n; ++e) HandleEvent(events[e].data.u32, events[e].events, wake);
  }
  const int64_t end = NowNs();
  result_.wall_ns = end - start_ns;
  result_.cpu_ns = ThreadCpuNs() - cpu0;
  result_.per_second = per_second_.Finish();
  PublishProgress();
}

void Worker::RefreshTopology() {
  refresh_wanted_ = false;
  last_refresh_ns_ = NowNs();
  Result<ClusterMap> fresh = FetchClusterMap(*spec_.options, *spec_.endpoint, spec_.tls);
  if (!fresh.ok()) return;  // the MOVED replies already updated map_; retried on the next one
  ++result_.topology_refreshes;
  for (size_t slot = 0; slot < fresh->owner.size(); ++slot) {
    const int16_t o = fresh->owner[slot];
    if (o < 0) continue;
    const ClusterNode& n = fresh->masters[static_cast<size_t>(o)];
    const int mine = map_.Find(n.host, n.port);
    if (mine >= 0) map_.owner[slot] = static_cast<int16_t>(mine);  // new masters: not connected
  }
}

void Worker::AssignDue(int64_t now_ns) {
  const int64_t n = static_cast<int64_t>(clients_.size());
  while (next_k_ < end_k_ && schedule_.DueNs(next_k_) <= now_ns) {
    const uint32_t client = static_cast<uint32_t>(next_k_ % n);
    Client& cl = clients_[client];
    if (cl.dead) {
      if (next_k_ >= measure_k_) {
        result_.errors.AddTyped(kErrConnectionLost, "connection lost", 1);
      }
    } else {
      ++cl.due;
      ++backlog_;
      if (CanSend(client)) Queue(client);
    }
    ++next_k_;
  }
}

bool Worker::CanSend(uint32_t client) const {
  const Client& cl = clients_[client];
  if (cl.dead) return false;
  for (int node = 0; node < nodes_; ++node) {
    if (conns_[client * static_cast<uint32_t>(nodes_) + static_cast<uint32_t>(node)].state !=
        State::kReady) {
      return false;
    }
  }
  if (open_loop_) return cl.due > cl.sent && cl.inflight < pipeline_;
  return cl.inflight == 0;
}

void Worker::Queue(uint32_t client) {
  Client& cl = clients_[client];
  if (cl.queued) return;
  cl.queued = true;
  send_list_.push_back(client);
}

void Worker::PushSlot(Conn& c, Slot s) {
  if (c.count == c.ring.size()) {  // only a storm of redirections to one master gets here
    std::vector<Slot> bigger(c.ring.size() * 2);
    for (uint32_t j = 0; j < c.count; ++j) {
      bigger[j] = std::move(c.ring[(c.head + j) % c.ring.size()]);
    }
    c.ring = std::move(bigger);
    c.head = 0;
  }
  Slot& dst = c.ring[(c.head + c.count) % c.ring.size()];
  dst.sent_ns = s.sent_ns;
  dst.due_ns = s.due_ns;
  dst.measured = s.measured;
  dst.asking = s.asking;
  dst.redirects = s.redirects;
  dst.request.assign(s.request);  // reuses the slot's capacity
  ++c.count;
}

void Worker::SendBatch(uint32_t client, int64_t now_ns) {
  Client& cl = clients_[client];
  int64_t n = 0;
  if (open_loop_) {
    n = std::min<int64_t>(pipeline_ - cl.inflight, cl.due - cl.sent);
  } else if (now_ns < end_ns_) {
    n = std::min<int64_t>(pipeline_, to_issue_);
    to_issue_ -= n;
  }
  const int64_t clients = static_cast<int64_t>(clients_.size());
  const Workload& w = *spec_.workload;
  for (int64_t i = 0; i < n; ++i) {
    size_t which = 0;
    if (!w.weights.empty()) {
      const uint64_t total =
          static_cast<uint64_t>(w.weights[0]) + static_cast<uint64_t>(w.weights[1]);
      which = keys_.rng().Uniform(total) < static_cast<uint64_t>(w.weights[0]) ? 0 : 1;
    }
    Conn* c = &conns_[client * static_cast<uint32_t>(nodes_)];
    Slot* s;
    if (spec_.cluster == nullptr) {
      workload::AppendFromTemplate(w.templates[which], keys_, &c->wbuf);
      s = &c->ring[(c->head + c->count) % c->ring.size()];
      ++c->count;
    } else {
      scratch_.clear();
      workload::AppendFromTemplate(w.templates[which], keys_, &scratch_);
      const std::string_view key = RequestKey(scratch_);
      int node = key.empty() ? -1 : map_.owner[static_cast<size_t>(resp::KeySlot(key))];
      if (node < 0) node = static_cast<int>(client % static_cast<uint32_t>(nodes_));
      c = &ConnOf(client, node);
      c->wbuf.append(scratch_);
      Slot slot{now_ns, now_ns, true, false, 0, {}};
      PushSlot(*c, std::move(slot));
      s = &c->ring[(c->head + c->count - 1) % c->ring.size()];
      s->request.assign(scratch_);
    }
    s->sent_ns = now_ns;
    if (open_loop_) {
      const int64_t k = client + cl.sent * clients;
      s->due_ns = schedule_.DueNs(k);
      s->measured = k >= measure_k_;
      ++cl.sent;
      --backlog_;
    } else {
      s->due_ns = now_ns;
      s->measured = true;
    }
  }
  cl.inflight += n;
  inflight_ += n;
  for (int node = 0; node < nodes_; ++node) {
    Conn& c = ConnOf(client, node);
    if (c.state == State::kReady && c.woff < c.wbuf.size()) {
      Flush(c, client * static_cast<uint32_t>(nodes_) + static_cast<uint32_t>(node));
    }
  }
}

void Worker::Flush(Conn& c, uint32_t index) {
  while (c.woff < c.wbuf.size()) {
    size_t n = 0;
    const Io io = c.io.Write(c.wbuf.data() + c.woff, c.wbuf.size() - c.woff, &n);
    if (io == Io::kDone) {
      c.woff += n;
      continue;
    }
    if (io == Io::kWantWrite) {
      if (!c.want_write) {
        c.want_write = true;
        ArmEpoll(c, index, /*add=*/false);
      }
      return;
    }
    if (io == Io::kWantRead) return;  // TLS: retried when the socket is readable
    Lose(c, index, c.io.error());
    return;
  }
  c.wbuf.clear();
  c.woff = 0;
  if (c.want_write) {
    c.want_write = false;
    ArmEpoll(c, index, /*add=*/false);
  }
}

void Worker::HandleEvent(uint32_t index, uint32_t events, int64_t wake_ns) {
  Conn& c = conns_[index];
  if (c.state == State::kDead) return;
  if (c.state == State::kConnecting || c.state == State::kHandshake) {
    FinishConnect(c, index);
    return;
  }
  if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
    HandleRead(c, index, wake_ns);
    if (c.state != State::kReady) return;
  }
  if ((events & EPOLLOUT) || c.woff < c.wbuf.size()) Flush(c, index);
}

void Worker::HandleRead(Conn& c, uint32_t index, int64_t wake_ns) {
  while (true) {
    const size_t space = c.rbuf.size() - c.rlen;
    size_t n = 0;
    const Io io = ReadInto(c, &n);
    if (io == Io::kDone) {
      ProcessReplies(c, index, wake_ns);
      if (c.state != State::kReady) break;
      // Plain: a short read emptied the socket. TLS: read until OpenSSL wants more bytes (a
      // record it already holds would not wake epoll again).
      if (!c.io.tls() && space > 0 && n < space) break;
      continue;
    }
    if (io == Io::kWantRead) break;
    if (io == Io::kWantWrite) {  // TLS renegotiation: wait for writability
      if (!c.want_write) {
        c.want_write = true;
        ArmEpoll(c, index, /*add=*/false);
      }
      break;
    }
    Lose(c, index, c.io.error());
    return;
  }
  if (c.state != State::kReady) return;
  const uint32_t client = c.client;
  Client& cl = clients_[client];
  if (open_loop_) {
    if (CanSend(client)) Queue(client);
  } else if (cl.inflight == 0 && c.skip == 0) {
    if (spec_.options->keepalive == 0) {
      // redis-benchmark's -k 0: new connections for every batch
      for (int node = 0; node < nodes_; ++node) {
        Reopen(ConnOf(client, node),
               client * static_cast<uint32_t>(nodes_) + static_cast<uint32_t>(node));
      }
    } else {
      Queue(client);
    }
  }
}

// A -MOVED/-ASK reply to s: resends s's request to the master named (after ASKING for -ASK).
// False when the error is no redirection, or one that cannot be followed (then it counts as an
// error reply).
bool Worker::FollowRedirect(Conn& c, const Slot& s, std::string_view error) {
  std::optional<Redirect> r = ParseRedirect(error);
  if (!r || s.redirects >= kMaxRedirects) return false;
  const int target = map_.Find(r->host, r->port);
  if (!r->ask) {
    refresh_wanted_ = true;
    if (target >= 0) map_.owner[static_cast<size_t>(r->slot)] = static_cast<int16_t>(target);
  }
  if (target < 0) return false;  // a master kv-load has no connection to
  const uint32_t index = c.client * static_cast<uint32_t>(nodes_) + static_cast<uint32_t>(target);
  Conn& t = conns_[index];
  if (t.state != State::kReady) return false;
  // A copy first: s is a ring entry of c that a push to c (t == c) may overwrite or move.
  Slot again = s;
  ++again.redirects;
  if (r->ask) {
    ++result_.ask;
    static constexpr std::string_view kAsking[] = {"ASKING"};
    resp::AppendRequest(kAsking, &t.wbuf);
    PushSlot(t, Slot{again.sent_ns, again.due_ns, false, true, 0, {}});
  } else {
    ++result_.moved;
  }
  t.wbuf.append(again.request);
  PushSlot(t, std::move(again));
  flush_list_.push_back(index);
  return true;
}

void Worker::ProcessReplies(Conn& c, uint32_t index, int64_t wake_ns) {
  size_t pos = 0;
  while (pos < c.rlen) {
    resp::ScannedReply rep;
    std::string why;
    resp::ReadResult rr =
        resp::ScanReply(std::string_view(c.rbuf.data() + pos, c.rlen - pos), &rep, &why);
    if (rr == resp::ReadResult::kNeedMore) break;
    if (rr == resp::ReadResult::kError) {
      result_.errors.AddTyped(kErrProtocol, "malformed reply: " + why, 1);
      Lose(c, index, "malformed reply");
      return;
    }
    pos += rep.length;
    const bool is_error = rep.type == resp::Reply::Type::kError;
    if (c.skip > 0) {  // AUTH/HELLO/SELECT after a reconnect
      --c.skip;
      if (is_error) result_.errors.Add(ErrorText(rep.error));
      continue;
    }
    if (c.count == 0) {
      result_.errors.AddTyped(kErrProtocol, "reply without a request", 1);
      continue;
    }
    Slot& s = c.ring[c.head];
    c.head = static_cast<uint32_t>((c.head + 1) % c.ring.size());
    --c.count;
    if (s.asking) {
      if (is_error) result_.errors.Add(ErrorText(rep.error));
      continue;
    }
    if (is_error && spec_.cluster != nullptr && FollowRedirect(c, s, rep.error)) continue;
    Client& cl = clients_[c.client];
    --cl.inflight;
    --inflight_;
    if (!s.measured) continue;
    if (is_error) {
      result_.errors.Add(ErrorText(rep.error));
      continue;
    }
    ++result_.ok;
    if (!result_.node_ok.empty()) ++result_.node_ok[static_cast<size_t>(c.node)];
    const int64_t latency = wake_ns - s.sent_ns;
    result_.latency.Record(latency);
    const int64_t corrected = wake_ns - s.due_ns;
    if (open_loop_) result_.corrected.Record(corrected);
    per_second_.Record(wake_ns - measure_start_ns_, open_loop_ ? corrected : latency);
    progress_sum_ += latency;
    ++progress_count_;
    result_.last_reply_ns = wake_ns;
  }
  if (pos > 0) {
    std::memmove(c.rbuf.data(), c.rbuf.data() + pos, c.rlen - pos);
    c.rlen -= pos;
  }
}

void Worker::PublishProgress() {
  if (spec_.progress == nullptr) return;
  spec_.progress->ok.store(result_.ok, std::memory_order_relaxed);
  spec_.progress->latency_sum_ns.store(progress_sum_, std::memory_order_relaxed);
  spec_.progress->latency_count.store(progress_count_, std::memory_order_relaxed);
}

}  // namespace kv::load
