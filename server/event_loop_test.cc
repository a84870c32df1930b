// Unit tests for the event loop: dispatch to handlers, cross-thread wake-ups, the periodic tick,
// interest changes, and the backend choice.
#include "server/event_loop.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

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

struct SocketPair {
  SocketPair() {
    int fds[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), 0);
    a = UniqueFd(fds[0]);
    b = UniqueFd(fds[1]);
  }
  UniqueFd a;
  UniqueFd b;
};

TEST(EventLoopTest, AutoAndEpollChooseEpollAndUringIsAClearError) {
  auto loop = EventLoop::Create("auto", 0);
  ASSERT_TRUE(loop.ok()) << loop.error();
  EXPECT_EQ((*loop)->backend(), "epoll");
  EXPECT_TRUE(EventLoop::Create("epoll", 0).ok());
  auto uring = EventLoop::Create("uring", 0);
  ASSERT_FALSE(uring.ok());
  EXPECT_NE(uring.error().find("io_uring backend not built"), std::string::npos);
  EXPECT_FALSE(EventLoop::Create("kqueue", 0).ok());
}

TEST(EventLoopTest, DispatchesReadableAndWritable) {
  auto loop = EventLoop::Create("epoll", 0);
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

TEST(EventLoopTest, ReportsHangupWhenThePeerCloses) {
  auto loop = EventLoop::Create("epoll", 0);
  ASSERT_TRUE(loop.ok());
  SocketPair pair;
  Recorder r;
  ASSERT_TRUE((*loop)->Watch(pair.a.get(), 0, &r).ok());
  pair.b.Reset();
  ASSERT_TRUE((*loop)->RunOnce(1000).ok());
  EXPECT_TRUE(r.events & kPollHangup);
}

TEST(EventLoopTest, WakeFromAnotherThreadEndsTheWait) {
  auto loop = EventLoop::Create("epoll", 0);
  ASSERT_TRUE(loop.ok());
  std::thread waker([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    (*loop)->Wake();
  });
  auto round = (*loop)->RunOnce(-1);  // would block forever without the wake
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

TEST(EventLoopTest, TicksPeriodically) {
  auto loop = EventLoop::Create("epoll", 10);
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
