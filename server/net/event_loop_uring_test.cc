// Unit tests of the io_uring backend: level-triggered polls, multishot receives, buffer-ring
// exhaustion, short and large sends, and cancellation. Skipped where io_uring does not work.
#include "server/net/event_loop_uring.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "base/unique_fd.h"
#include "server/net/event_loop.h"
#include "server/net/socket_pair_test_util.h"

namespace kv::server {
namespace {

// Why io_uring cannot be tested here ("" when it can).
std::string Unavailable() {
  Status probe = UringPoller::Probe();
  return probe.ok() ? "" : "io_uring is not available here: " + probe.error();
}

using testing::SocketPair;

// Distinct, 8-byte aligned tags.
struct alignas(8) Tag {
  int id = 0;
};

std::unique_ptr<UringPoller> MakePoller(const UringOptions& options = {}) {
  auto poller = UringPoller::Create(options);
  EXPECT_TRUE(poller.ok()) << poller.error();
  return poller.ok() ? std::move(*poller) : nullptr;
}

// Runs Wait rounds (bounded) and collects every event.
std::vector<PollEvent> Drain(UringPoller& poller, int rounds, int timeout_ms) {
  std::vector<PollEvent> all;
  std::vector<PollEvent> events(64);
  for (int i = 0; i < rounds; ++i) {
    auto n = poller.Wait(timeout_ms, events);
    EXPECT_TRUE(n.ok()) << n.error();
    if (!n.ok()) break;
    all.insert(all.end(), events.begin(), events.begin() + *n);
  }
  return all;
}

std::string Pattern(size_t n, int seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + seed) % 26);
  return s;
}

TEST(UringPollerTest, PollIsLevelTriggeredAndStopsAfterRemove) {
  if (std::string why = Unavailable(); !why.empty()) GTEST_SKIP() << why;
  auto poller = MakePoller();
  ASSERT_NE(poller, nullptr);
  UniqueFd efd(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  ASSERT_TRUE(efd.valid());
  Tag tag;
  ASSERT_TRUE(poller->Add(efd.get(), kPollIn, &tag).ok());
  EXPECT_FALSE(poller->Add(efd.get(), kPollIn, &tag).ok());  // already watched
  EXPECT_TRUE(Drain(*poller, 2, 0).empty());
  uint64_t one = 1;
  ASSERT_EQ(write(efd.get(), &one, sizeof(one)), 8);
  // Reported in every round until it is read.
  for (int round = 0; round < 3; ++round) {
    auto events = Drain(*poller, 1, 1000);
    ASSERT_EQ(events.size(), 1u) << "round " << round;
    EXPECT_EQ(events[0].tag, &tag);
    EXPECT_EQ(events[0].kind, EventKind::kReady);
    EXPECT_EQ(events[0].events, kPollIn);
  }
  uint64_t value;
  ASSERT_EQ(read(efd.get(), &value, sizeof(value)), 8);
  EXPECT_TRUE(Drain(*poller, 2, 0).empty());
  // Readable again, but removed: never reported (the pending poll's completion is swallowed).
  ASSERT_EQ(write(efd.get(), &one, sizeof(one)), 8);
  poller->Remove(efd.get());
  EXPECT_TRUE(Drain(*poller, 3, 10).empty());
}

TEST(UringPollerTest, ModifyChangesInterestAndHangupIsAlwaysReported) {
  if (std::string why = Unavailable(); !why.empty()) GTEST_SKIP() << why;
  auto poller = MakePoller();
  ASSERT_NE(poller, nullptr);
  int fds[2];
  ASSERT_EQ(pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0);
  UniqueFd r(fds[0]);
  UniqueFd w(fds[1]);
  Tag reader;
  Tag writer;
  ASSERT_TRUE(poller->Add(w.get(), kPollOut, &writer).ok());
  ASSERT_TRUE(poller->Add(r.get(), kPollIn, &reader).ok());
  auto events = Drain(*poller, 1, 1000);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].tag, &writer);
  EXPECT_EQ(events[0].events, kPollOut);
  // No interest in writability any more: silence while the pipe stays writable.
  ASSERT_TRUE(poller->Modify(w.get(), 0, &writer).ok());
  EXPECT_TRUE(Drain(*poller, 3, 10).empty());
  ASSERT_TRUE(poller->Modify(w.get(), kPollOut, &writer).ok());
  events = Drain(*poller, 1, 1000);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].events, kPollOut);
  poller->Remove(w.get());
  w.Reset();  // the reader sees a hang-up
  events = Drain(*poller, 1, 1000);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].tag, &reader);
  EXPECT_TRUE(events[0].events & kPollHangup);
}

TEST(UringPollerTest, OneMultishotReceiveTakesManyMessages) {
  if (std::string why = Unavailable(); !why.empty()) GTEST_SKIP() << why;
  auto poller = MakePoller();
  ASSERT_NE(poller, nullptr);
  SocketPair pair;
  Tag tag;
  poller->StartRecv(pair.a.get(), &tag);
  std::string sent;
  std::string received;
  std::vector<PollEvent> events(64);
  for (int i = 0; i < 300; ++i) {
    std::string message = "message " + std::to_string(i) + " " + Pattern(i % 50, i) + "\n";
    ASSERT_EQ(send(pair.b.get(), message.data(), message.size(), 0),
              static_cast<ssize_t>(message.size()));
    sent += message;
    if (i % 7 != 0) continue;  // several messages per round, sometimes
    auto n = poller->Wait(1000, events);
    ASSERT_TRUE(n.ok()) << n.error();
    for (int k = 0; k < *n; ++k) {
      ASSERT_EQ(events[k].kind, EventKind::kRecv) << events[k].result;
      EXPECT_TRUE(events[k].more);  // still armed: no re-arm needed
      received.append(events[k].data, static_cast<size_t>(events[k].result));
    }
  }
  for (int round = 0; round < 100 && received.size() < sent.size(); ++round) {
    auto n = poller->Wait(1000, events);
    ASSERT_TRUE(n.ok()) << n.error();
    for (int k = 0; k < *n; ++k) {
      ASSERT_EQ(events[k].kind, EventKind::kRecv) << events[k].result;
      received.append(events[k].data, static_cast<size_t>(events[k].result));
    }
  }
  EXPECT_EQ(received, sent);
  // End of stream ends the receive with result 0.
  pair.b.Reset();
  auto end = Drain(*poller, 1, 1000);
  ASSERT_EQ(end.size(), 1u);
  EXPECT_EQ(end[0].kind, EventKind::kRecvEnd);
  EXPECT_EQ(end[0].result, 0);
}

// The batch wait: after a wait that brought several receives, the next one holds out (up to
// batch_wait_usec) for as many; it ends at once when they all come, and after the batch wait
// with what did come otherwise. A 2 s batch wait makes the two cases unmistakable.
TEST(UringPollerTest, BatchWaitHoldsOutForTheClientsActiveLastTime) {
  if (std::string why = Unavailable(); !why.empty()) GTEST_SKIP() << why;
  UringOptions options;
  options.batch_wait_usec = 2'000'000;
  auto poller = MakePoller(options);
  ASSERT_NE(poller, nullptr);
  std::vector<PollEvent> events(64);
  ASSERT_TRUE(poller->Wait(0, events).ok());  // activates the ring: features are known now
  if (poller->batch_wait_usec() == 0) GTEST_SKIP() << "no IORING_FEAT_MIN_TIMEOUT (Linux < 6.12)";
  EXPECT_EQ(poller->batch_wait_usec(), 2'000'000u);
  SocketPair pairs[3];
  Tag tags[3];
  for (int i = 0; i < 3; ++i) poller->StartRecv(pairs[i].a.get(), &tags[i]);
  auto send_to = [&](int i) { ASSERT_EQ(send(pairs[i].b.get(), "x", 1, 0), 1); };
  auto timed_wait = [&](double* seconds) {
    const auto start = std::chrono::steady_clock::now();
    auto n = poller->Wait(10'000, events);
    *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_TRUE(n.ok()) << n.error();
    return n.ok() ? *n : 0;
  };
  double seconds = 0;
  for (int i = 0; i < 3; ++i) send_to(i);
  int got = 0;
  while (got < 3) {  // the first wait is not batched: it may see 1, 2 or 3 of them
    const int n = timed_wait(&seconds);
    ASSERT_GT(n, 0);
    got += n;
  }
  // Three receives last time. All three again: no holding out.
  for (int i = 0; i < 3; ++i) send_to(i);
  EXPECT_EQ(timed_wait(&seconds), 3);
  EXPECT_LT(seconds, 1.0);
  // Only one: it is delivered after the batch wait, not before and not at the 10 s timeout.
  send_to(1);
  ASSERT_EQ(timed_wait(&seconds), 1);
  EXPECT_EQ(events[0].tag, &tags[1]);
  EXPECT_GE(seconds, 1.9);
  EXPECT_LT(seconds, 9.0);
  // One receive last time: the next wait is not batched.
  send_to(2);
  EXPECT_EQ(timed_wait(&seconds), 1);
  EXPECT_LT(seconds, 1.0);
}

TEST(UringPollerTest, BatchWaitIsOffByDefault) {
  if (std::string why = Unavailable(); !why.empty()) GTEST_SKIP() << why;
  auto poller = MakePoller();
  ASSERT_NE(poller, nullptr);
  EXPECT_EQ(poller->batch_wait_usec(), 0u);
}

TEST(UringPollerTest, ExhaustedBufferRingEndsTheReceiveAndRecoversAfterRearm) {
  if (std::string why = Unavailable(); !why.empty()) GTEST_SKIP() << why;
  UringOptions options;
  options.buffer_count = 2;
  options.buffer_size = 16;
  auto poller = MakePoller(options);
  ASSERT_NE(poller, nullptr);
  SocketPair pair;
  Tag tag;
  const std::string sent = Pattern(1000, 3);
  ASSERT_EQ(send(pair.b.get(), sent.data(), sent.size(), 0), static_cast<ssize_t>(sent.size()));
  poller->StartRecv(pair.a.get(), &tag);
  std::string received;
  int exhausted = 0;
  std::vector<PollEvent> events(64);
  for (int round = 0; round < 1000 && received.size() < sent.size(); ++round) {
    auto n = poller->Wait(1000, events);
    ASSERT_TRUE(n.ok()) << n.error();
    for (int k = 0; k < *n; ++k) {
      const PollEvent& ev = events[k];
      if (ev.kind == EventKind::kRecv) {
        EXPECT_LE(ev.result, 16);
        received.append(ev.data, static_cast<size_t>(ev.result));
        if (!ev.more) poller->StartRecv(pair.a.get(), &tag);
      } else {
        ASSERT_EQ(ev.kind, EventKind::kRecvEnd);
        ASSERT_EQ(ev.result, -ENOBUFS);
        ++exhausted;
        poller->StartRecv(pair.a.get(), &tag);  // buffers are back by the next submission
      }
    }
  }
  EXPECT_EQ(received, sent);
  EXPECT_GT(exhausted, 0) << "1000 bytes cannot fit two 16-byte buffers";
}

TEST(UringPollerTest, ShortAndLargeSendsArriveIntactAndInOrder) {
  if (std::string why = Unavailable(); !why.empty()) GTEST_SKIP() << why;
  auto poller = MakePoller();
  ASSERT_NE(poller, nullptr);
  SocketPair pair;
  int small = 16 * 1024;
  ASSERT_EQ(setsockopt(pair.a.get(), SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)), 0);
  const std::string first = Pattern(4 * 1024 * 1024 + 13, 1);
  const std::string second = Pattern(100 * 1000, 2);
  const std::string expected = first + second;
  std::string received;
  std::thread reader([&] {
    char buf[65536];
    while (received.size() < expected.size()) {
      ssize_t n = recv(pair.b.get(), buf, sizeof(buf), 0);
      if (n > 0) {
        received.append(buf, static_cast<size_t>(n));
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        break;
      } else {
        usleep(200);
      }
    }
  });
  Tag tag;
  const std::string* buffers[] = {&first, &second};
  int short_sends = 0;
  std::vector<PollEvent> events(64);
  for (const std::string* buffer : buffers) {
    size_t offset = 0;
    poller->QueueSend(pair.a.get(), buffer->data(), buffer->size(), &tag);
    for (int round = 0; round < 100000 && offset < buffer->size(); ++round) {
      auto n = poller->Wait(5000, events);
      ASSERT_TRUE(n.ok()) << n.error();
      for (int k = 0; k < *n; ++k) {
        ASSERT_EQ(events[k].kind, EventKind::kSendDone);
        ASSERT_GT(events[k].result, 0);
        offset += static_cast<size_t>(events[k].result);
        if (offset < buffer->size()) {
          ++short_sends;
          poller->QueueSend(pair.a.get(), buffer->data() + offset, buffer->size() - offset, &tag);
        }
      }
    }
    EXPECT_EQ(offset, buffer->size());
  }
  reader.join();
  EXPECT_GT(short_sends, 0) << "4 MB cannot fit a 16 KB send buffer";
  ASSERT_EQ(received.size(), expected.size());
  EXPECT_TRUE(received == expected) << "bytes arrived out of order or corrupted";
}

TEST(UringPollerTest, CancelAllEndsEveryOperationAndNothingReportsAfterwards) {
  if (std::string why = Unavailable(); !why.empty()) GTEST_SKIP() << why;
  auto poller = MakePoller();
  ASSERT_NE(poller, nullptr);
  SocketPair pair;
  auto tag = std::make_unique<Tag>();
  poller->StartRecv(pair.a.get(), tag.get());
  // A send that cannot complete: the peer never reads and the buffer is larger than the socket's.
  const std::string big = Pattern(8 * 1024 * 1024, 5);
  poller->QueueSend(pair.a.get(), big.data(), big.size(), tag.get());
  std::vector<PollEvent> first = Drain(*poller, 1, 50);
  size_t sent = 0;
  for (const PollEvent& ev : first) {
    if (ev.kind == EventKind::kSendDone && ev.result > 0) sent += static_cast<size_t>(ev.result);
  }
  if (sent > 0) {  // a short send completed: queue the rest, which now blocks
    poller->QueueSend(pair.a.get(), big.data() + sent, big.size() - sent, tag.get());
    ASSERT_TRUE(Drain(*poller, 1, 50).empty());
  }
  poller->CancelAll(pair.a.get());
  bool recv_ended = false;
  bool send_ended = false;
  for (int round = 0; round < 20 && !(recv_ended && send_ended); ++round) {
    for (const PollEvent& ev : Drain(*poller, 1, 1000)) {
      EXPECT_EQ(ev.tag, tag.get());
      if (ev.kind == EventKind::kRecvEnd) {
        EXPECT_EQ(ev.result, -ECANCELED);
        recv_ended = true;
      } else if (ev.kind == EventKind::kSendDone) {
        send_ended = true;
      }
    }
  }
  EXPECT_TRUE(recv_ended);
  EXPECT_TRUE(send_ended);
  // Every operation has ended: the tag may go; nothing refers to it any more.
  void* gone = tag.get();
  tag.reset();
  ASSERT_EQ(send(pair.b.get(), "late", 4, 0), 4);
  for (const PollEvent& ev : Drain(*poller, 3, 10)) EXPECT_NE(ev.tag, gone);
}

TEST(UringPollerTest, DestroyingThePollerWithOperationsInFlightIsSafe) {
  if (std::string why = Unavailable(); !why.empty()) GTEST_SKIP() << why;
  SocketPair pair;
  Tag tag;
  const std::string big = Pattern(1024 * 1024, 6);
  {
    auto poller = MakePoller();
    ASSERT_NE(poller, nullptr);
    poller->StartRecv(pair.a.get(), &tag);
    poller->QueueSend(pair.a.get(), big.data(), big.size(), &tag);
    Drain(*poller, 1, 0);
  }
  // The ring is gone; the sockets still work.
  ASSERT_EQ(send(pair.b.get(), "x", 1, 0), 1);
}

// Through EventLoop: completions reach the handler's virtuals.
struct CompletionRecorder : IoHandler {
  void OnIo(uint32_t) override { ++ready; }
  void OnRecv(std::string_view data, bool more) override {
    received.append(data);
    if (!more) ++ended;
  }
  void OnRecvEnd(int result) override {
    ++ended;
    end_result = result;
  }
  void OnSendDone(int result) override { sent += result; }
  int ready = 0;
  std::string received;
  int ended = 0;
  int end_result = 1;
  int sent = 0;
};

TEST(UringEventLoopTest, DispatchesCompletionsToTheHandler) {
  if (std::string why = Unavailable(); !why.empty()) GTEST_SKIP() << why;
  auto loop = EventLoop::Create("uring", 0);
  ASSERT_TRUE(loop.ok()) << loop.error();
  EXPECT_EQ((*loop)->backend(), "io_uring");
  ASSERT_TRUE((*loop)->completions());
  SocketPair pair;
  CompletionRecorder handler;
  (*loop)->StartRecv(pair.a.get(), &handler);
  (*loop)->QueueSend(pair.a.get(), "+PONG\r\n", &handler);
  ASSERT_EQ(send(pair.b.get(), "PING\r\n", 6, 0), 6);
  for (int i = 0; i < 20 && (handler.received.size() < 6 || handler.sent < 7); ++i) {
    ASSERT_TRUE((*loop)->RunOnce(1000).ok());
  }
  EXPECT_EQ(handler.received, "PING\r\n");
  EXPECT_EQ(handler.sent, 7);
  char buf[16];
  ASSERT_EQ(recv(pair.b.get(), buf, sizeof(buf), 0), 7);
  EXPECT_EQ(std::string(buf, 7), "+PONG\r\n");
  pair.b.Reset();
  for (int i = 0; i < 20 && handler.ended == 0; ++i) ASSERT_TRUE((*loop)->RunOnce(1000).ok());
  EXPECT_EQ(handler.ended, 1);
  EXPECT_EQ(handler.end_result, 0);
  EXPECT_EQ(handler.ready, 0);
}

// A busy script's nested poll: it submits the queued operations and returns their completions
// (not dispatched, data valid until the next poll), leaving out the wake-up and the tick, which
// the next RunOnce still reports.
TEST(UringEventLoopTest, PollNestedReturnsCompletionsAndLeavesWakeAndTickPending) {
  if (std::string why = Unavailable(); !why.empty()) GTEST_SKIP() << why;
  auto loop = EventLoop::Create("uring", 1);
  ASSERT_TRUE(loop.ok()) << loop.error();
  SocketPair pair;
  CompletionRecorder handler;
  (*loop)->StartRecv(pair.a.get(), &handler);
  (*loop)->QueueSend(pair.a.get(), "+PONG\r\n", &handler);
  (*loop)->Wake();
  ASSERT_EQ(send(pair.b.get(), "PING\r\n", 6, 0), 6);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the 1 ms timer has fired
  std::vector<PollEvent> events(16);
  std::string received;
  int sent = 0;
  for (int i = 0; i < 200 && (received.size() < 6 || sent < 7); ++i) {
    auto n = (*loop)->PollNested(events);
    ASSERT_TRUE(n.ok()) << n.error();
    for (int j = 0; j < *n; ++j) {
      const PollEvent& ev = events[static_cast<size_t>(j)];
      EXPECT_EQ(ev.tag, &handler);
      if (ev.kind == EventKind::kRecv) received.append(ev.data, static_cast<size_t>(ev.result));
      if (ev.kind == EventKind::kSendDone) sent += ev.result;
    }
    if (received.size() < 6 || sent < 7) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(received, "PING\r\n");
  EXPECT_EQ(sent, 7);
  EXPECT_EQ(handler.received, "");  // nothing was dispatched
  EXPECT_EQ(handler.sent, 0);
  char buf[16];
  ASSERT_EQ(recv(pair.b.get(), buf, sizeof(buf), 0), 7);
  auto round = (*loop)->RunOnce(1000);
  ASSERT_TRUE(round.ok()) << round.error();
  EXPECT_TRUE(round->woken);
  EXPECT_TRUE(round->ticked);
}

}  // namespace
}  // namespace kv::server
