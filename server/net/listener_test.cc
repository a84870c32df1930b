// Unit tests for listening sockets: ephemeral ports, several addresses, errors, address format.
#include "server/net/listener.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

namespace kv::server {
namespace {

bool HasIpv6Loopback() {
  UniqueFd fd(socket(AF_INET6, SOCK_STREAM, 0));
  if (!fd.valid()) return false;
  sockaddr_in6 addr{};
  addr.sin6_family = AF_INET6;
  addr.sin6_addr = in6addr_loopback;
  return bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
}

TEST(ListenerTest, PortZeroBindsAnEphemeralPort) {
  auto listeners = OpenListeners("127.0.0.1", 0);
  ASSERT_TRUE(listeners.ok()) << listeners.error();
  ASSERT_EQ(listeners->size(), 1u);
  EXPECT_GT((*listeners)[0].port, 0);
  EXPECT_EQ((*listeners)[0].address, "127.0.0.1");
  EXPECT_EQ(LocalAddress((*listeners)[0].fd.get()),
            "127.0.0.1:" + std::to_string((*listeners)[0].port));
}

TEST(ListenerTest, SeveralAddressesShareOnePort) {
  if (!HasIpv6Loopback()) GTEST_SKIP() << "no IPv6 loopback";
  auto listeners = OpenListeners("127.0.0.1 ::1", 0);
  ASSERT_TRUE(listeners.ok()) << listeners.error();
  ASSERT_EQ(listeners->size(), 2u);
  EXPECT_EQ((*listeners)[0].port, (*listeners)[1].port);
  EXPECT_EQ(LocalAddress((*listeners)[1].fd.get()),
            "[::1]:" + std::to_string((*listeners)[1].port));
}

TEST(ListenerTest, PortInUseNamesAddressAndPort) {
  auto first = OpenListeners("127.0.0.1", 0);
  ASSERT_TRUE(first.ok());
  int port = (*first)[0].port;
  auto second = OpenListeners("127.0.0.1", port);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error(), "cannot listen on 127.0.0.1:" + std::to_string(port) +
                                ": bind: Address already in use");
}

TEST(ListenerTest, OptionalAddressIsSkippedWhenUnavailable) {
  // 192.0.2.1 (TEST-NET-1) is not configured on this host: EADDRNOTAVAIL.
  auto listeners = OpenListeners("127.0.0.1 -192.0.2.1", 0);
  ASSERT_TRUE(listeners.ok()) << listeners.error();
  EXPECT_EQ(listeners->size(), 1u);
  auto required = OpenListeners("127.0.0.1 192.0.2.1", 0);
  ASSERT_FALSE(required.ok());
  EXPECT_NE(required.error().find("192.0.2.1"), std::string::npos);
  EXPECT_FALSE(OpenListeners("-192.0.2.1", 0).ok());  // nothing left to listen on
  EXPECT_FALSE(OpenListeners("not-an-ip", 0).ok());
}

TEST(ListenerTest, FormatsAddressesAsRedisDoes) {
  sockaddr_storage ss{};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  v4->sin_family = AF_INET;
  v4->sin_port = htons(6379);
  inet_pton(AF_INET, "10.1.2.3", &v4->sin_addr);
  EXPECT_EQ(FormatSocketAddress(ss), "10.1.2.3:6379");
  ss = {};
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  v6->sin6_family = AF_INET6;
  v6->sin6_port = htons(42);
  inet_pton(AF_INET6, "::1", &v6->sin6_addr);
  EXPECT_EQ(FormatSocketAddress(ss), "[::1]:42");
}

}  // namespace
}  // namespace kv::server
