// UringPoller: the io_uring backend of Poller. Watched fds get one-shot IORING_OP_POLL_ADD re-armed
// after each report (level-triggered); client sockets use multishot receives into a provided
// buffer ring and IORING_OP_SEND, all submitted with the wait in one io_uring_enter.
#pragma once

#include <liburing.h>

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "server/net/event_loop_poller.h"

namespace kv::server {

struct UringOptions {
  unsigned entries = 1024;       // submission queue size (the completion queue is 4x)
  unsigned buffer_count = 512;   // provided receive buffers per ring (a power of two)
  unsigned buffer_size = 16384;  // bytes per receive buffer
  // Under load (more than one receive completed in the last wait), wait up to this long for a
  // batch of completions before handling them: fewer sleeps and wake-ups per request. 0: never.
  // Needs Linux 6.12 (IORING_FEAT_MIN_TIMEOUT); ignored on older kernels.
  unsigned batch_wait_usec = 0;
};

class UringPoller final : public Poller {
 public:
  // Creates a disabled ring: it binds to the thread of the first Wait (SINGLE_ISSUER), which also
  // registers the buffer ring. Falls back to fewer setup flags on older kernels.
  static Result<std::unique_ptr<UringPoller>> Create(const UringOptions& options = {});
  // Checks on the calling thread that io_uring works here (ring, buffer ring, multishot receive);
  // the error says why not (seccomp, kernel.io_uring_disabled, old kernel).
  static Status Probe();

  ~UringPoller() override;
  UringPoller(const UringPoller&) = delete;
  UringPoller& operator=(const UringPoller&) = delete;

  Status Add(int fd, uint32_t interest, void* tag) override;
  Status Modify(int fd, uint32_t interest, void* tag) override;
  void Remove(int fd) override;
  Result<int> Wait(int timeout_ms, std::span<PollEvent> events) override;
  std::string_view name() const override { return "io_uring"; }

  bool completions() const override { return true; }
  unsigned batch_wait_usec() const override { return min_timeout_ ? options_.batch_wait_usec : 0; }
  void StartRecv(int fd, void* tag) override;
  void CancelRecv(void* tag) override;
  void QueueSend(int fd, const char* data, size_t len, void* tag) override;
  void CancelAll(int fd) override;

 private:
  // One Add: lives until it is removed and its last poll completion has arrived.
  struct PollReg {
    int fd = -1;
    uint32_t interest = 0;
    void* tag = nullptr;
    bool active = true;   // not removed
    bool armed = false;   // a POLL_ADD is in the kernel (its completion is still to come)
    bool queued = false;  // in arm_queue_
    size_t index = 0;     // in regs_
  };

  UringPoller(const UringOptions& options, unsigned setup_flags);
  Status Activate();
  io_uring_sqe* GetSqe();
  void QueueArm(PollReg* reg);
  void ArmPolls();
  void MaybeFree(PollReg* reg);
  void RecycleBuffers();
  // Turns one completion into at most one event; returns whether it did.
  bool Translate(const io_uring_cqe& cqe, PollEvent* out);
  // io_uring_submit_and_wait_timeout with a batch wait (liburing 2.8's ..._min_timeout).
  int SubmitAndWaitBatch(unsigned wait_nr, const __kernel_timespec* ts, unsigned min_wait_usec);

  UringOptions options_;
  unsigned setup_flags_;
  io_uring ring_{};
  bool ring_ok_ = false;
  bool active_ = false;
  io_uring_buf_ring* buf_ring_ = nullptr;
  size_t buf_ring_bytes_ = 0;
  char* buffers_ = nullptr;
  size_t buffers_bytes_ = 0;
  std::vector<uint16_t> returned_;  // buffer ids handed out in the last Wait
  std::vector<std::unique_ptr<PollReg>> regs_;
  std::unordered_map<int, PollReg*> by_fd_;
  std::vector<PollReg*> arm_queue_;
  // Completions the operations queued since the last submission will usually post during it.
  unsigned inline_expected_ = 0;
  bool min_timeout_ = false;  // the kernel takes a batch wait (min_wait_usec)
  unsigned last_recvs_ = 0;   // receive completions handled in the last Wait
};

}  // namespace kv::server
