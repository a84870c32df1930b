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

#include "resp/reply_reader.h"
#include "resp/request_encoder.h"

namespace kv::load {
namespace {

constexpr size_t kInitialReadBuffer = 4096;
constexpr size_t kSetupChunk = 256;  // connections opened at once (listen backlogs)
constexpr int64_t kSetupTimeoutNs = 10'000'000'000;
constexpr int64_t kDrainTimeoutNs = 10'000'000'000;  // after the schedule ends
constexpr int kMaxEvents = 512;
constexpr int kMaxReconnectFailures = 3;
constexpr std::string_view kPing[] = {"PING"};

int64_t ThreadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// epoll_pwait2 gives nanosecond timeouts for the open-loop schedule; epoll_wait is the fallback.
int Wait(int epfd, epoll_event* events, int max, int64_t timeout_ns) {
  if (timeout_ns < 0) return ::epoll_wait(epfd, events, max, -1);
  timespec ts{static_cast<time_t>(timeout_ns / 1'000'000'000),
              static_cast<long>(timeout_ns % 1'000'000'000)};
  int n = ::epoll_pwait2(epfd, events, max, &ts, nullptr);
  if (n < 0 && errno == ENOSYS) {
    return ::epoll_wait(epfd, events, max, static_cast<int>((timeout_ns + 999'999) / 1'000'000));
  }
  return n;
}

std::string_view ErrorText(std::string_view e) {
  if (!e.empty() && e.front() == '-') e.remove_prefix(1);
  while (!e.empty() && (e.back() == '\n' || e.back() == '\r')) e.remove_suffix(1);
  return e;
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
      conns_(static_cast<size_t>(spec.connections)),
      keys_(spec.options->distribution, static_cast<uint64_t>(spec.options->keyspace), spec.seed,
            spec.sequence_start),
      pipeline_(spec.options->pipeline),
      open_loop_(spec.options->open_loop()) {
  send_list_.reserve(conns_.size());
  size_t request_size = 0;
  for (const workload::RequestTemplate& t : spec.workload->templates) {
    request_size = std::max(request_size, t.bytes.size());
  }
  for (Conn& c : conns_) {
    c.ring.resize(static_cast<size_t>(pipeline_));
    c.rbuf.resize(kInitialReadBuffer);
    c.wbuf.reserve(std::min<size_t>(request_size * static_cast<size_t>(pipeline_), 1 << 20));
  }
}

Worker::~Worker() = default;

void Worker::ArmEpoll(Conn& c, uint32_t index, bool add) {
  epoll_event ev{};
  ev.data.u32 = index;
  const uint32_t in = EPOLLIN, out = EPOLLOUT;
  ev.events = c.state == State::kConnecting ? out : (in | (c.want_write ? out : 0u));
  ::epoll_ctl(epoll_.get(), add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, c.fd.get(), &ev);
}

Status Worker::Setup() {
  if (!epoll_.valid()) return Error{std::string("epoll_create1: ") + std::strerror(errno)};
  for (size_t begin = 0; begin < conns_.size(); begin += kSetupChunk) {
    Status s = SetupChunk(begin, std::min(conns_.size(), begin + kSetupChunk));
    if (!s.ok()) return s;
  }
  live_ = static_cast<int64_t>(conns_.size());
  return {};
}

Status Worker::SetupChunk(size_t begin, size_t end) {
  for (size_t i = begin; i < end; ++i) {
    Result<UniqueFd> fd = StartConnect(*spec_.endpoint);
    if (!fd.ok()) return Error{fd.error()};
    Conn& c = conns_[i];
    c.fd = std::move(*fd);
    c.state = State::kConnecting;
    ArmEpoll(c, static_cast<uint32_t>(i), /*add=*/true);
  }
  size_t pending = end - begin;
  const int64_t deadline = NowNs() + kSetupTimeoutNs;
  epoll_event events[kMaxEvents];
  while (pending > 0) {
    const int64_t left = deadline - NowNs();
    if (left <= 0) {
      return Error{"Could not connect to Redis at " + spec_.endpoint->description +
                   ": timed out waiting for PING replies"};
    }
    int n = Wait(epoll_.get(), events, kMaxEvents, left);
    if (n < 0 && errno != EINTR) return Error{std::string("epoll_wait: ") + std::strerror(errno)};
    for (int e = 0; e < n; ++e) {
      const uint32_t idx = events[e].data.u32;
      Conn& c = conns_[idx];
      if (c.state == State::kConnecting) {
        int err = ConnectError(c.fd.get());
        if (err != 0) {
          return Error{"Could not connect to Redis at " + spec_.endpoint->description + ": " +
                       std::strerror(err)};
        }
        c.state = State::kReady;
        c.wbuf = handshake_.bytes;
        resp::AppendRequest(kPing, &c.wbuf);
        c.skip = handshake_.replies + 1;
        ArmEpoll(c, idx, /*add=*/false);
        Flush(c, idx);
        if (c.state != State::kReady) {
          return Error{"Could not connect to Redis at " + spec_.endpoint->description +
                       ": connection lost during setup"};
        }
        continue;
      }
      if (events[e].events & EPOLLOUT) Flush(c, idx);
      if (!(events[e].events & (EPOLLIN | EPOLLERR | EPOLLHUP))) continue;
      if (c.rlen == c.rbuf.size()) c.rbuf.resize(c.rbuf.size() * 2);
      ssize_t r = ::read(c.fd.get(), c.rbuf.data() + c.rlen, c.rbuf.size() - c.rlen);
      if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (r <= 0) {
        return Error{"Connection to " + spec_.endpoint->description + " closed during setup: " +
                     (r == 0 ? "closed by server" : std::strerror(errno))};
      }
      c.rlen += static_cast<size_t>(r);
      size_t pos = 0;
      while (pos < c.rlen && c.skip > 0) {
        resp::ScannedReply rep;
        std::string why;
        resp::ReadResult rr =
            resp::ScanReply(std::string_view(c.rbuf.data() + pos, c.rlen - pos), &rep, &why);
        if (rr == resp::ReadResult::kNeedMore) break;
        if (rr == resp::ReadResult::kError) return Error{"Malformed reply during setup: " + why};
        if (rep.type == resp::Reply::Type::kError) {
          return Error{"Error from server: " + std::string(ErrorText(rep.error))};
        }
        pos += rep.length;
        if (--c.skip == 0) --pending;
      }
      std::memmove(c.rbuf.data(), c.rbuf.data() + pos, c.rlen - pos);
      c.rlen -= pos;
    }
  }
  return {};
}

int64_t Worker::DueNs(int64_t k) const {
  return start_ns_ + static_cast<int64_t>(static_cast<double>(k) * interval_ns_);
}

void Worker::Run(int64_t start_ns) {
  const Options& o = *spec_.options;
  start_ns_ = start_ns;
  // The same origin as MergeResults' (runner.cc): the series' seconds are the run's seconds.
  measure_start_ns_ = start_ns + (open_loop_ ? static_cast<int64_t>(o.warmup_s * 1e9) : 0);
  const int64_t cpu0 = ThreadCpuNs();
  result_.first_send_ns = start_ns;
  result_.last_reply_ns = start_ns;
  int64_t window_end = INT64_MAX;
  if (open_loop_) {
    interval_ns_ = 1e9 / spec_.rate;
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
    for (uint32_t i = 0; i < conns_.size(); ++i) Queue(conns_[i], i);
  }

  epoll_event events[kMaxEvents];
  while (true) {
    int64_t now = NowNs();
    if (open_loop_) AssignDue(now);
    for (uint32_t idx : send_list_) {
      Conn& c = conns_[idx];
      c.queued = false;
      if (CanSend(c)) SendBatch(c, idx, NowNs());
    }
    send_list_.clear();
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
          outstanding += c.ring[(c.head + j) % c.ring.size()].measured ? 1 : 0;
        }
      }
      result_.errors.AddTyped(kErrTimeout, "no reply within 10 s after the end of the run",
                              outstanding + backlog_);
      break;
    }

    int64_t timeout = -1;
    if (open_loop_ && next_k_ < end_k_) {
      timeout = std::max<int64_t>(DueNs(next_k_) - now, 0);
    } else if (window_end != INT64_MAX) {
      timeout = now < window_end ? window_end - now : 100'000'000;
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

void Worker::AssignDue(int64_t now_ns) {
  const int64_t n = static_cast<int64_t>(conns_.size());
  while (next_k_ < end_k_ && DueNs(next_k_) <= now_ns) {
    const uint32_t idx = static_cast<uint32_t>(next_k_ % n);
    Conn& c = conns_[idx];
    if (c.state == State::kDead) {
      if (next_k_ >= measure_k_) {
        result_.errors.AddTyped(kErrConnectionLost, "connection lost", 1);
      }
    } else {
      ++c.due;
      ++backlog_;
      if (CanSend(c)) Queue(c, idx);
    }
    ++next_k_;
  }
}

bool Worker::CanSend(const Conn& c) const {
  if (c.state != State::kReady) return false;
  if (open_loop_) return c.due > c.sent && c.count < static_cast<uint32_t>(pipeline_);
  return c.count == 0;
}

void Worker::Queue(Conn& c, uint32_t index) {
  if (c.queued) return;
  c.queued = true;
  send_list_.push_back(index);
}

void Worker::AppendRequest(Conn& c) {
  const Workload& w = *spec_.workload;
  size_t which = 0;
  if (!w.weights.empty()) {
    const uint64_t total =
        static_cast<uint64_t>(w.weights[0]) + static_cast<uint64_t>(w.weights[1]);
    which = keys_.rng().Uniform(total) < static_cast<uint64_t>(w.weights[0]) ? 0 : 1;
  }
  workload::AppendFromTemplate(w.templates[which], keys_, &c.wbuf);
}

void Worker::SendBatch(Conn& c, uint32_t index, int64_t now_ns) {
  int64_t n = 0;
  if (open_loop_) {
    n = std::min<int64_t>(pipeline_ - static_cast<int64_t>(c.count), c.due - c.sent);
  } else if (now_ns < end_ns_) {
    n = std::min<int64_t>(pipeline_, to_issue_);
    to_issue_ -= n;
  }
  const int64_t conns = static_cast<int64_t>(conns_.size());
  const size_t cap = c.ring.size();
  for (int64_t i = 0; i < n; ++i) {
    AppendRequest(c);
    Slot& s = c.ring[(c.head + c.count) % cap];
    s.sent_ns = now_ns;
    if (open_loop_) {
      const int64_t k = index + c.sent * conns;
      s.due_ns = DueNs(k);
      s.measured = k >= measure_k_;
      ++c.sent;
      --backlog_;
    } else {
      s.due_ns = now_ns;
      s.measured = true;
    }
    ++c.count;
  }
  inflight_ += n;
  Flush(c, index);
}

void Worker::Flush(Conn& c, uint32_t index) {
  while (c.woff < c.wbuf.size()) {
    ssize_t n = ::send(c.fd.get(), c.wbuf.data() + c.woff, c.wbuf.size() - c.woff, MSG_NOSIGNAL);
    if (n > 0) {
      c.woff += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      if (!c.want_write) {
        c.want_write = true;
        ArmEpoll(c, index, /*add=*/false);
      }
      return;
    }
    Lose(c, index, std::strerror(errno));
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
  if (c.state == State::kConnecting) {
    FinishConnect(c, index);
    return;
  }
  if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
    HandleRead(c, index, wake_ns);
    if (c.state != State::kReady) return;
  }
  if (events & EPOLLOUT) Flush(c, index);
}

void Worker::HandleRead(Conn& c, uint32_t index, int64_t wake_ns) {
  while (true) {
    if (c.rlen == c.rbuf.size()) c.rbuf.resize(c.rbuf.size() * 2);
    const size_t space = c.rbuf.size() - c.rlen;
    ssize_t n = ::read(c.fd.get(), c.rbuf.data() + c.rlen, space);
    if (n > 0) {
      c.rlen += static_cast<size_t>(n);
      ProcessReplies(c, index, wake_ns);
      if (c.state != State::kReady || static_cast<size_t>(n) < space) break;
      continue;  // the buffer filled up: more may be waiting
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    Lose(c, index, n == 0 ? "closed by server" : std::strerror(errno));
    return;
  }
  if (c.state != State::kReady) return;
  if (open_loop_) {
    if (CanSend(c)) Queue(c, index);
  } else if (c.count == 0 && c.skip == 0) {
    if (spec_.options->keepalive == 0) {
      Reopen(c, index);  // redis-benchmark's -k 0: a new connection for every batch
    } else {
      Queue(c, index);
    }
  }
}

void Worker::ProcessReplies(Conn& c, uint32_t index, int64_t wake_ns) {
  size_t pos = 0;
  const size_t cap = c.ring.size();
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
    if (c.skip > 0) {  // AUTH/SELECT after a reconnect
      --c.skip;
      if (is_error) result_.errors.Add(ErrorText(rep.error));
      continue;
    }
    if (c.count == 0) {
      result_.errors.AddTyped(kErrProtocol, "reply without a request", 1);
      continue;
    }
    const Slot s = c.ring[c.head];
    c.head = static_cast<uint32_t>((c.head + 1) % cap);
    --c.count;
    --inflight_;
    if (!s.measured) continue;
    if (is_error) {
      result_.errors.Add(ErrorText(rep.error));
      continue;
    }
    ++result_.ok;
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

void Worker::Lose(Conn& c, uint32_t index, std::string_view why) {
  int64_t measured = 0;
  for (uint32_t j = 0; j < c.count; ++j) measured += c.ring[(c.head + j) % c.ring.size()].measured;
  inflight_ -= c.count;
  c.count = 0;
  c.head = 0;
  ++result_.lost_connections;
  result_.errors.AddTyped(kErrConnectionLost, "connection lost: " + std::string(why), measured);
  if (spec_.options->reconnect) {
    ++result_.reconnects;
    Reopen(c, index);
    return;
  }
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, c.fd.get(), nullptr);
  c.fd.Reset();
  c.state = State::kDead;
  --live_;
  if (open_loop_ && c.due > c.sent) {
    const int64_t conns = static_cast<int64_t>(conns_.size());
    int64_t unsent = 0;
    for (int64_t m = c.sent; m < c.due; ++m) unsent += (index + m * conns) >= measure_k_;
    result_.errors.AddTyped(kErrConnectionLost, "connection lost: " + std::string(why), unsent);
    backlog_ -= c.due - c.sent;
    c.sent = c.due;
  }
}

void Worker::Reopen(Conn& c, uint32_t index) {
  if (c.fd.valid()) ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, c.fd.get(), nullptr);
  c.fd.Reset();
  c.rlen = 0;
  c.wbuf.clear();
  c.woff = 0;
  c.want_write = false;
  c.skip = 0;
  Result<UniqueFd> fd = StartConnect(*spec_.endpoint);
  if (!fd.ok()) {
    result_.errors.AddTyped(kErrConnectionLost, "reconnect failed: " + fd.error(), 0);
    c.state = State::kDead;
    --live_;
    return;
  }
  c.fd = std::move(*fd);
  c.state = State::kConnecting;
  ArmEpoll(c, index, /*add=*/true);
}

void Worker::FinishConnect(Conn& c, uint32_t index) {
  int err = ConnectError(c.fd.get());
  if (err != 0) {
    if (++c.failures >= kMaxReconnectFailures) {
      ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, c.fd.get(), nullptr);
      c.fd.Reset();
      c.state = State::kDead;
      --live_;
      if (open_loop_) {
        backlog_ -= c.due - c.sent;
        c.sent = c.due;
      }
      return;
    }
    Reopen(c, index);
    return;
  }
  c.failures = 0;
  c.state = State::kReady;
  c.wbuf = handshake_.bytes;
  c.skip = handshake_.replies;
  ArmEpoll(c, index, /*add=*/false);
  if (CanSend(c)) {
    SendBatch(c, index, NowNs());
  } else {
    Flush(c, index);
  }
}

void Worker::PublishProgress() {
  if (spec_.progress == nullptr) return;
  spec_.progress->ok.store(result_.ok, std::memory_order_relaxed);
  spec_.progress->latency_sum_ns.store(progress_sum_, std::memory_order_relaxed);
  spec_.progress->latency_count.store(progress_count_, std::memory_order_relaxed);
}

}  // namespace kv::load
