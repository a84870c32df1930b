// Test-only: a connected, non-blocking AF_UNIX stream pair for the event-loop tests.
#pragma once

#include <gtest/gtest.h>
#include <sys/socket.h>

#include "base/unique_fd.h"

namespace kv::server::testing {

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

}  // namespace kv::server::testing
