// UringPoller implementation (liburing 2.3): ring set-up with fallbacks, the provided buffer ring,
// level-triggered polls and the completion operations of client sockets.
#include "server/net/event_loop_uring.h"

#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <string>

#include "base/unique_fd.h"

namespace kv::server {
namespace {

// user_data = pointer | operation: tags and records are at least 8-byte aligned.
constexpr uint64_t kOpMask = 7;
constexpr uint64_t kOpIgnore = 0;  // cancels and poll removals: their completions carry nothing
constexpr uint64_t kOpPoll = 1;
constexpr uint64_t kOpRecv = 2;
constexpr uint64_t kOpSend = 3;
constexpr uint16_t kBufferGroup = 0;
// Sends up to this size are expected to complete during their submission (see Wait).
constexpr size_t kInlineSendMax = 64 * 1024;
// How long Wait holds out for the completions expected inline (see Wait).
constexpr int64_t kInlineWaitCapNs = 1000000;
// IORING_FEAT_MIN_TIMEOUT (Linux 6.12), newer than liburing 2.3's headers.
constexpr unsigned kFeatMinTimeout = 1U << 15;
// A batch wait waits for at most this many receives.
constexpr unsigned kMaxBatch = 16;

// Tried in order: the fast set needs Linux 6.1 (DEFER_TASKRUN); R_DISABLED lets the loop thread,
// not the creating thread, become the single issuer.
constexpr unsigned kSetupFlags[] = {
    IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SUBMIT_ALL |
        IORING_SETUP_R_DISABLED,
    IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN,
    0,
};

uint64_t UserData(const void* p, uint64_t op) { return reinterpret_cast<uintptr_t>(p) | op; }

int64_t NowMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

Error UringError(const char* what, int negative_errno) {
  return Error{std::string(what) + ": " + std::strerror(-negative_errno)};
}

// Creates ring with the first set of flags the kernel accepts; returns those flags.
Result<unsigned> SetupRing(io_uring* ring, unsigned entries, bool allow_disabled) {
  int last = -ENOSYS;
  for (unsigned flags : kSetupFlags) {
    if (!allow_disabled) flags &= ~IORING_SETUP_R_DISABLED;
    io_uring_params params{};
    params.flags = flags | IORING_SETUP_CQSIZE;
    params.cq_entries = entries * 4;
    last = io_uring_queue_init_params(entries, ring, &params);
    if (last == 0) return flags;
    // Permission or availability errors will not go away with fewer flags.
    if (last == -EPERM || last == -ENOSYS || last == -ENOMEM) break;
  }
  return UringError("io_uring_setup", last);
}

// populate: make the pages resident now. The kernel fills the provided buffers round-robin, so
// every one of them is touched within the first few megabytes received; faulting them in at
// start-up keeps page faults off the serving path (and the fixed buffer memory out of any
// "memory per key" growth measured later).
void* MapAnonymous(size_t bytes, bool populate) {
  const int flags = MAP_PRIVATE | MAP_ANONYMOUS | (populate ? MAP_POPULATE : 0);
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, flags, -1, 0);
  return p == MAP_FAILED ? nullptr : p;
}

}  // namespace

UringPoller::UringPoller(const UringOptions& options, unsigned setup_flags)
    : options_(options), setup_flags_(setup_flags) {}

Result<std::unique_ptr<UringPoller>> UringPoller::Create(const UringOptions& options) {
  unsigned count = options.buffer_count;
  if (count == 0 || count > 32768 || (count & (count - 1)) != 0 || options.buffer_size == 0) {
    return Error{"io_uring: buffer_count must be a power of two up to 32768"};
  }
  io_uring ring{};
  auto flags = SetupRing(&ring, options.entries, true);
  if (!flags) return Error{flags.error()};
  std::unique_ptr<UringPoller> poller(new UringPoller(options, *flags));
  poller->ring_ = ring;
  poller->ring_ok_ = true;
  poller->min_timeout_ = (ring.features & kFeatMinTimeout) != 0;
  poller->buf_ring_bytes_ = sizeof(io_uring_buf) * count;
  poller->buf_ring_ = static_cast<io_uring_buf_ring*>(MapAnonymous(poller->buf_ring_bytes_, false));
  poller->buffers_bytes_ = static_cast<size_t>(count) * options.buffer_size;
  poller->buffers_ = static_cast<char*>(MapAnonymous(poller->buffers_bytes_, true));
  if (poller->buf_ring_ == nullptr || poller->buffers_ == nullptr) {
    return Error{std::string("io_uring buffers: mmap: ") + std::strerror(errno)};
  }
  poller->returned_.reserve(count);
  return poller;
}

UringPoller::~UringPoller() {
  // Exiting the ring cancels whatever is still in the kernel; only then are the buffers unmapped.
  if (ring_ok_) io_uring_queue_exit(&ring_);
  if (buf_ring_ != nullptr) munmap(buf_ring_, buf_ring_bytes_);
  if (buffers_ != nullptr) munmap(buffers_, buffers_bytes_);
}

Status UringPoller::Activate() {
  if (active_) return {};
  if (setup_flags_ & IORING_SETUP_R_DISABLED) {
    // Debian's liburing 2.3 declares io_uring_enable_rings but does not export it.
    int r = io_uring_register(static_cast<unsigned>(ring_.ring_fd), IORING_REGISTER_ENABLE_RINGS,
                              nullptr, 0);
    if (r < 0) return UringError("IORING_REGISTER_ENABLE_RINGS", r);
  }
  io_uring_buf_ring_init(buf_ring_);
  io_uring_buf_reg reg{};
  reg.ring_addr = reinterpret_cast<uintptr_t>(buf_ring_);
  reg.ring_entries = options_.buffer_count;
  reg.bgid = kBufferGroup;
  if (int r = io_uring_register_buf_ring(&ring_, &reg, 0); r < 0) {
    return UringError("io_uring_register_buf_ring", r);
  }
  const int mask = io_uring_buf_ring_mask(options_.buffer_count);
  for (unsigned i = 0; i < options_.buffer_count; ++i) {
    io_uring_buf_ring_add(buf_ring_, buffers_ + static_cast<size_t>(i) * options_.buffer_size,
                          options_.buffer_size, static_cast<uint16_t>(i), mask,
                          static_cast<int>(i));
  }
  io_uring_buf_ring_advance(buf_ring_, static_cast<int>(options_.buffer_count));
  active_ = true;
  return {};
}

io_uring_sqe* UringPoller::GetSqe() {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  while (sqe == nullptr) {
    // The submission queue is full: submit what is queued (rare: it holds 1024 entries).
    io_uring_submit(&ring_);
    sqe = io_uring_get_sqe(&ring_);
  }
  return sqe;
}

Status UringPoller::Add(int fd, uint32_t interest, void* tag) {
  if (by_fd_.count(fd) != 0) return Error{"io_uring poll: " + std::string(std::strerror(EEXIST))};
  auto reg = std::make_unique<PollReg>();
  reg->fd = fd;
  reg->interest = interest;
  reg->tag = tag;
  reg->index = regs_.size();
  PollReg* raw = reg.get();
  regs_.push_back(std::move(reg));
  by_fd_.emplace(fd, raw);
  QueueArm(raw);
  return {};
}

Status UringPoller::Modify(int fd, uint32_t interest, void* tag) {
  auto it = by_fd_.find(fd);
  if (it == by_fd_.end()) return Error{"io_uring poll: " + std::string(std::strerror(ENOENT))};
  PollReg* reg = it->second;
  reg->interest = interest;
  reg->tag = tag;
  if (reg->armed) {
    // Its completion (-ECANCELED, or a report raced with the removal) re-arms with the new mask.
    io_uring_sqe* sqe = GetSqe();
    io_uring_prep_poll_remove(sqe, UserData(reg, kOpPoll));
    io_uring_sqe_set_data64(sqe, kOpIgnore);
    ++inline_expected_;
  } else {
    QueueArm(reg);
  }
  return {};
}

void UringPoller::Remove(int fd) {
  auto it = by_fd_.find(fd);
  if (it == by_fd_.end()) return;
  PollReg* reg = it->second;
  by_fd_.erase(it);
  reg->active = false;
  if (reg->armed) {
    io_uring_sqe* sqe = GetSqe();
    io_uring_prep_poll_remove(sqe, UserData(reg, kOpPoll));
    io_uring_sqe_set_data64(sqe, kOpIgnore);
    ++inline_expected_;
  }
  MaybeFree(reg);
}

void UringPoller::QueueArm(PollReg* reg) {
  if (reg->queued) return;
  reg->queued = true;
  arm_queue_.push_back(reg);
}

void UringPoller::MaybeFree(PollReg* reg) {
  if (reg->active || reg->armed || reg->queued) return;
  size_t index = reg->index;
  if (index + 1 != regs_.size()) {
    regs_[index] = std::move(regs_.back());
    regs_[index]->index = index;
  }
  regs_.pop_back();
}

void UringPoller::ArmPolls() {
  for (PollReg* reg : arm_queue_) {
    reg->queued = false;
    if (!reg->active || reg->armed) {
      MaybeFree(reg);
      continue;
    }
    unsigned mask = 0;
    if (reg->interest & kPollIn) mask |= POLLIN;
    if (reg->interest & kPollOut) mask |= POLLOUT;
    // One-shot: the kernel checks readiness when the poll is armed, so re-arming after every
    // report makes it level-triggered. POLLERR and POLLHUP are always reported.
    io_uring_sqe* sqe = GetSqe();
    io_uring_prep_poll_add(sqe, reg->fd, mask);
    io_uring_sqe_set_data64(sqe, UserData(reg, kOpPoll));
    reg->armed = true;
  }
  arm_queue_.clear();
}

void UringPoller::StartRecv(int fd, void* tag) {
  io_uring_sqe* sqe = GetSqe();
  io_uring_prep_recv_multishot(sqe, fd, nullptr, 0, 0);
  sqe->flags |= IOSQE_BUFFER_SELECT;
  sqe->buf_group = kBufferGroup;
  io_uring_sqe_set_data64(sqe, UserData(tag, kOpRecv));
}

void UringPoller::CancelRecv(void* tag) {
  io_uring_sqe* sqe = GetSqe();
  io_uring_prep_cancel64(sqe, UserData(tag, kOpRecv), 0);
  io_uring_sqe_set_data64(sqe, kOpIgnore);
  ++inline_expected_;
}

void UringPoller::QueueSend(int fd, const char* data, size_t len, void* tag) {
  io_uring_sqe* sqe = GetSqe();
  io_uring_prep_send(sqe, fd, data, len, MSG_NOSIGNAL);
  io_uring_sqe_set_data64(sqe, UserData(tag, kOpSend));
  if (len <= kInlineSendMax) ++inline_expected_;
}

void UringPoller::CancelAll(int fd) {
  io_uring_sqe* sqe = GetSqe();
  io_uring_prep_cancel_fd(sqe, fd, IORING_ASYNC_CANCEL_ALL);
  io_uring_sqe_set_data64(sqe, kOpIgnore);
  ++inline_expected_;
}

void UringPoller::RecycleBuffers() {
  if (returned_.empty()) return;
  const int mask = io_uring_buf_ring_mask(options_.buffer_count);
  int offset = 0;
  for (uint16_t bid : returned_) {
    io_uring_buf_ring_add(buf_ring_, buffers_ + static_cast<size_t>(bid) * options_.buffer_size,
                          options_.buffer_size, bid, mask, offset++);
  }
  io_uring_buf_ring_advance(buf_ring_, offset);
  returned_.clear();
}

bool UringPoller::Translate(const io_uring_cqe& cqe, PollEvent* out) {
  const uint64_t op = cqe.user_data & kOpMask;
  void* ptr = reinterpret_cast<void*>(static_cast<uintptr_t>(cqe.user_data & ~kOpMask));
  switch (op) {
    case kOpPoll: {
      auto* reg = static_cast<PollReg*>(ptr);
      reg->armed = false;
      if (!reg->active) {
        MaybeFree(reg);
        return false;
      }
      QueueArm(reg);
      uint32_t events = 0;
      if (cqe.res > 0) {
        const auto revents = static_cast<unsigned>(cqe.res);
        if ((revents & POLLIN) && (reg->interest & kPollIn)) events |= kPollIn;
        if ((revents & POLLOUT) && (reg->interest & kPollOut)) events |= kPollOut;
        if (revents & (POLLERR | POLLNVAL)) events |= kPollError;
        if (revents & POLLHUP) events |= kPollHangup;
      } else if (cqe.res < 0 && cqe.res != -ECANCELED) {
        events = kPollError;
      }
      if (events == 0) return false;
      *out = PollEvent{.tag = reg->tag, .events = events};
      return true;
    }
    case kOpRecv: {
      const char* data = nullptr;
      if (cqe.flags & IORING_CQE_F_BUFFER) {
        auto bid = static_cast<uint16_t>(cqe.flags >> IORING_CQE_BUFFER_SHIFT);
        data = buffers_ + static_cast<size_t>(bid) * options_.buffer_size;
        returned_.push_back(bid);  // given back at the start of the next Wait
      }
      const bool more = (cqe.flags & IORING_CQE_F_MORE) != 0;
      if (cqe.res > 0 && data != nullptr) {
        *out = PollEvent{
            .tag = ptr, .kind = EventKind::kRecv, .more = more, .result = cqe.res, .data = data};
      } else if (more) {
        return false;  // nothing delivered and the receive goes on
      } else {
        *out = PollEvent{.tag = ptr, .kind = EventKind::kRecvEnd, .result = cqe.res};
      }
      return true;
    }
    case kOpSend:
      *out = PollEvent{.tag = ptr, .kind = EventKind::kSendDone, .result = cqe.res};
      return true;
    default:
      return false;
  }
}

// The kernel waits up to min_wait_usec for wait_nr completions; then it returns as soon as there
// is at least one (at once if there already is), or at ts. liburing 2.8 has this as
// io_uring_submit_and_wait_min_timeout; Debian 12's 2.3 does not, hence the system call.
int UringPoller::SubmitAndWaitBatch(unsigned wait_nr, const __kernel_timespec* ts,
                                    unsigned min_wait_usec) {
  // What liburing does before its io_uring_enter: publish the queued SQEs to the kernel.
  io_uring_sq* sq = &ring_.sq;
  const unsigned tail = sq->sqe_tail;
  if (sq->sqe_head != tail) {
    sq->sqe_head = tail;
    io_uring_smp_store_release(sq->ktail, tail);
  }
  const unsigned to_submit = tail - *sq->khead;
  io_uring_getevents_arg arg{};
  arg.sigmask_sz = _NSIG / 8;
  arg.pad = min_wait_usec;  // min_wait_usec since Linux 6.12
  arg.ts = reinterpret_cast<uint64_t>(ts);
  const long r = syscall(__NR_io_uring_enter, ring_.ring_fd, to_submit, wait_nr,
                         IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG, &arg, sizeof(arg));
  return r < 0 ? -errno : static_cast<int>(r);
}

Result<int> UringPoller::Wait(int timeout_ms, std::span<PollEvent> events) {
  if (Status s = Activate(); !s) return Error{s.error()};
  const int64_t deadline = timeout_ms > 0 ? NowMs() + timeout_ms : 0;
  while (true) {
    RecycleBuffers();
    ArmPolls();
    // One io_uring_enter: submit everything queued since the last Wait and wait for a completion.
    // Sends (and cancels) usually complete during the submission itself; waiting for just one
    // completion would return at once with only those, costing a second enter per round. So wait
    // for one more than the completions expected inline, but at most kInlineWaitCapNs in case one
    // of them does not complete inline (a full socket), after which any completion will do.
    const unsigned expected = inline_expected_;
    inline_expected_ = 0;
    bool capped = false;
    int r = 0;
    if (io_uring_cq_ready(&ring_) > 0) {
      if (io_uring_sq_ready(&ring_) > 0) r = io_uring_submit(&ring_);
    } else if (timeout_ms == 0) {
      r = io_uring_submit_and_get_events(&ring_);
    } else {
      int64_t left_ns =
          timeout_ms < 0 ? INT64_MAX : std::max<int64_t>(deadline - NowMs(), 0) * 1000000;
      if (expected > 0 && left_ns > kInlineWaitCapNs) {
        left_ns = kInlineWaitCapNs;
        capped = true;
      }
      __kernel_timespec ts{};
      ts.tv_sec = left_ns / 1000000000;
      ts.tv_nsec = left_ns % 1000000000;
      io_uring_cqe* cqe = nullptr;
      if (options_.batch_wait_usec > 0 && min_timeout_ && last_recvs_ > 1) {
        // Under load: as many receives as the last wait brought (the clients active just now),
        // for at most batch_wait_usec; then whatever has arrived (see SubmitAndWaitBatch).
        r = SubmitAndWaitBatch(expected + std::min(last_recvs_, kMaxBatch),
                               left_ns == INT64_MAX ? nullptr : &ts, options_.batch_wait_usec);
      } else {
        r = io_uring_submit_and_wait_timeout(&ring_, &cqe, 1 + expected,
                                             left_ns == INT64_MAX ? nullptr : &ts, nullptr);
      }
    }
    // ETIME: timed out; EINTR: a signal; EBUSY/EAGAIN: completions must be reaped first.
    if (r < 0 && r != -ETIME && r != -EINTR && r != -EBUSY && r != -EAGAIN) {
      return UringError("io_uring_enter", r);
    }
    int n = 0;
    unsigned head;
    unsigned seen = 0;
    io_uring_cqe* cqe;
    io_uring_for_each_cqe(&ring_, head, cqe) {
      if (static_cast<size_t>(n) == events.size()) break;
      ++seen;
      if (Translate(*cqe, &events[static_cast<size_t>(n)])) ++n;
    }
    io_uring_cq_advance(&ring_, seen);
    if (options_.batch_wait_usec > 0) {
      unsigned recvs = 0;
      for (int i = 0; i < n; ++i) recvs += events[static_cast<size_t>(i)].kind == EventKind::kRecv;
      last_recvs_ = recvs;
    }
    if (n > 0 || timeout_ms == 0 || r == -EINTR) return n;
    if (timeout_ms > 0 && NowMs() >= deadline) return 0;
    // Only bookkeeping completions (a cancel, a poll being re-armed) or the capped wait ran out:
    // wait on, as epoll would.
    if (seen == 0 && !capped) return 0;
  }
}

Status UringPoller::Probe() {
  // The same flags as the real rings (minus R_DISABLED: this thread uses it), a one-buffer ring,
  // and one multishot receive over a socket pair.
  UringOptions options;
  options.entries = 8;
  options.buffer_count = 1;
  options.buffer_size = 64;
  auto poller = Create(options);
  if (!poller) return Error{poller.error()};
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0) {
    return Error{std::string("socketpair: ") + std::strerror(errno)};
  }
  UniqueFd a(fds[0]);
  UniqueFd b(fds[1]);
  uint64_t tag = 0;  // 8-byte aligned, as tags must be
  (*poller)->StartRecv(a.get(), &tag);
  if (::send(b.get(), "p", 1, MSG_NOSIGNAL) != 1) {
    return Error{std::string("send: ") + std::strerror(errno)};
  }
  PollEvent event;
  for (int round = 0; round < 3; ++round) {
    auto n = (*poller)->Wait(1000, std::span<PollEvent>(&event, 1));
    if (!n) return Error{n.error()};
    if (*n == 0) continue;
    if (event.kind == EventKind::kRecv && event.result == 1 && event.data[0] == 'p') return {};
    return UringError("io_uring multishot receive", event.result < 0 ? event.result : -EINVAL);
  }
  return Error{"io_uring multishot receive: no completion"};
}

}  // namespace kv::server
