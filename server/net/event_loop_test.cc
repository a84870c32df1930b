// Unit tests for the event loop on every backend: dispatch to handlers, cross-thread wake-ups,
// the periodic tick, interest changes, and the backend choice.
#include "server/net/event_loop.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "server/net/socket_pair_test_util.h"

namespace kv::server {
namespace {

struct Recorder : IoHandler {
  void OnIo(uint32_t e) override {
    events |= e;
    ++calls;
  }
  uint32_t events = 0;
  int calls = 0;
};

using testing::SocketPair;

TEST(EventLoopTest, BackendChoice) {
  auto epoll = EventLoop::Create("epoll", 0);
  ASSERT_TRUE(epoll.ok()) << epoll.error();
  EXPECT_EQ((*epoll)->backend(), "epoll");
  EXPECT_FALSE((*epoll)->completions());
  EXPECT_FALSE(EventLoop::Create("kqueue", 0).ok());
  std::string note;
  auto resolved = ResolveIoBackend("auto", &note);
  ASSERT_TRUE(resolved.ok()) << resolved.error();
  auto automatic = EventLoop::Create("auto", 0);
  ASSERT_TRUE(automatic.ok()) << automatic.error();
#ifdef KV_HAVE_URING
  std::string why;
  auto uring_backend = ResolveIoBackend("uring", &why);
  if (uring_backend.ok()) {
    // Where io_uring works, auto prefers it (it measured faster) and says nothing.
    EXPECT_EQ(*resolved, "uring");
    EXPECT_EQ(note, "");
    EXPECT_EQ((*automatic)->backend(), "io_uring");
    EXPECT_TRUE((*automatic)->completions());
  } else {
    // Where it does not, auto falls back to epoll and explains; uring is an error.
    EXPECT_NE(uring_backend.error().find("io_uring backend unavailable"), std::string::npos);
    EXPECT_EQ(*resolved, "epoll");
    EXPECT_NE(note.find("using epoll"), std::string::npos) << note;
  }
#else
  EXPECT_EQ(*resolved, "epoll");
  EXPECT_EQ((*automatic)->backend(), "epoll");
  auto uring = EventLoop::Create("uring", 0);
  ASSERT_FALSE(uring.ok());
  EXPECT_NE(uring.error().find("io_uring backend not built"), std::string::npos);
#endif
}

// Every backend must pass the readiness contract.
class EventLoopBackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "uring") {
      std::string note;
      auto backend = ResolveIoBackend("uring", &note);
      if (!backend.ok()) GTEST_SKIP() << backend.error();
    }
  }
  Result<std::unique_ptr<EventLoop>> Create(int tick_ms) {
    return EventLoop::Create(GetParam(), tick_ms);
  }
};

INSTANTIATE_TEST_SUITE_P(Backends, EventLoopBackendTest, ::testing::Values("epoll", "uring"),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           return param.param;
                         });

TEST_P(EventLoopBackendTest, DispatchesReadableAndWritable) {
  auto loop = Create(0);
  ASSERT_TRUE(loop.ok());
  SocketPair pair;
  Recorder r;
  ASSERT_TRUE((*loop)->Watch(pair.a.get(), kPollIn, &r).ok());
  auto idle = (*loop)->RunOnce(0);
  ASSERT_TRUE(idle.ok());
  EXPECT_EQ(r.calls, 0);
  ASSERT_EQ(write(pair.b.get(), "x", 1), 1);
  ASSERT_TRUE((*loop)->RunOnce(1000).ok());
  EXPECT_EQ(r.calls, 1);
  EXPECT_TRUE(r.events & kPollIn);
  // Level-triggered: still readable until read.
  ASSERT_TRUE((*loop)->RunOnce(1000).ok());
  EXPECT_EQ(r.calls, 2);
  char c;
  ASSERT_EQ(read(pair.a.get(), &c, 1), 1);
  r = Recorder{};
  ASSERT_TRUE((*loop)->Rewatch(pair.a.get(), kPollOut, &r).ok());
  ASSERT_TRUE((*loop)->RunOnce(1000).ok());
  EXPECT_EQ(r.calls, 1);
  EXPECT_EQ(r.events & kPollIn, 0u);
  EXPECT_TRUE(r.events & kPollOut);
  (*loop)->Unwatch(pair.a.get());
  r = Recorder{};
  ASSERT_TRUE((*loop)->RunOnce(0).ok());
  EXPECT_EQ(r.calls, 0);
}

TEST_P(EventLoopBackendTest, ReportsHangupWhenThePeerCloses) {
  auto loop = Create(0);
  ASSERT_TRUE(loop.ok());
  SocketPair pair;
  Recorder r;
  ASSERT_TRUE((*loop)->Watch(pair.a.get(), 0, &r).ok());
  pair.b.Reset();
  ASSERT_TRUE((*loop)->RunOnce(1000).ok());
  EXPECT_TRUE(r.events & kPollHangup);
}

TEST_P(EventLoopBackendTest, WakeFromAnotherThreadEndsTheWait) {
  auto loop = Create(0);
  ASSERT_TRUE(loop.ok());
  std::thread waker([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    (*loop)->Wake();
  });
  // Would block forever without the wake. A round may also end early (EINTR: e.g. io_uring task
  // work of an earlier ring on this thread), so wait for a bounded number of rounds.
  Result<EventLoop::Round> round = EventLoop::Round{};
  for (int i = 0; i < 100 && round.ok() && !round->woken; ++i) round = (*loop)->RunOnce(-1);
  waker.join();
  ASSERT_TRUE(round.ok());
  EXPECT_TRUE(round->woken);
  // Several wakes before the next round are one wake-up, and they are not lost.
  (*loop)->Wake();
  (*loop)->Wake();
  round = (*loop)->RunOnce(5000);
  ASSERT_TRUE(round.ok());
  EXPECT_TRUE(round->woken);
  round = (*loop)->RunOnce(0);
  ASSERT_TRUE(round.ok());
  EXPECT_FALSE(round->woken);
}

TEST_P(EventLoopBackendTest, TicksPeriodically) {
  auto loop = Create(10);
  ASSERT_TRUE(loop.ok());
  int ticks = 0;
  for (int i = 0; i < 1000 && ticks < 3; ++i) {
    auto round = (*loop)->RunOnce(1000);
    ASSERT_TRUE(round.ok());
    if (round->ticked) ++ticks;
  }
  EXPECT_EQ(ticks, 3);
}

}  // namespace
}  // namespace kv::server
