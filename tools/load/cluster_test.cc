// Cluster topology parsing, redirections and request keys (no server needed).
#include "tools/load/cluster.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "resp/reply_reader.h"
#include "resp/request_encoder.h"

namespace kv::load {
namespace {

resp::Reply Parse(std::string_view wire) {
  resp::ReplyReader reader;
  reader.Feed(wire);
  resp::Reply r;
  EXPECT_EQ(reader.Next(&r), resp::ReadResult::kComplete) << reader.error();
  return r;
}

std::string Bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}

// One CLUSTER SHARDS node as redis-server 7.0 writes it (RESP2 flat array).
std::string Node(std::string_view ip, int port, std::string_view role, std::string_view health,
                 int tls_port = 0) {
  std::string out = "*" + std::to_string(tls_port ? 18 : 16) + "\r\n";
  out += Bulk("id") + Bulk(std::string(40, 'a'));
  out += Bulk("port") + ":" + std::to_string(port) + "\r\n";
  if (tls_port) out += Bulk("tls-port") + ":" + std::to_string(tls_port) + "\r\n";
  out += Bulk("ip") + Bulk(ip) + Bulk("endpoint") + Bulk(ip) + Bulk("hostname") + Bulk("");
  out += Bulk("role") + Bulk(role) + Bulk("replication-offset") + ":0\r\n";
  out += Bulk("health") + Bulk(health);
  return out;
}

std::string Shard(std::vector<std::pair<int, int>> ranges, std::vector<std::string> nodes) {
  std::string out = "*4\r\n" + Bulk("slots") + "*" + std::to_string(ranges.size() * 2) + "\r\n";
  for (auto [a, b] : ranges) out += ":" + std::to_string(a) + "\r\n:" + std::to_string(b) + "\r\n";
  out += Bulk("nodes") + "*" + std::to_string(nodes.size()) + "\r\n";
  for (const std::string& n : nodes) out += n;
  return out;
}

TEST(ClusterMapTest, ParsesClusterShards) {
  const std::string wire =
      "*3\r\n" +
      Shard({{0, 5460}}, {Node("127.0.0.1", 7003, "replica", "online"),
                          Node("127.0.0.1", 7000, "master", "online", 17000)}) +
      Shard({{5461, 10922}}, {Node("127.0.0.1", 7001, "master", "online")}) +
      Shard({{10923, 12000}, {12001, 16383}}, {Node("127.0.0.1", 7002, "master", "online")});
  Result<ClusterMap> map = ParseClusterShards(Parse(wire), /*use_tls_port=*/false);
  ASSERT_TRUE(map.ok()) << map.error();
  ASSERT_EQ(map->masters.size(), 3u);
  EXPECT_EQ(map->masters[0].name(), "127.0.0.1:7000");
  EXPECT_EQ(map->masters[1].name(), "127.0.0.1:7001");
  EXPECT_EQ(map->unassigned_slots(), 0);
  EXPECT_EQ(map->owner[0], 0);
  EXPECT_EQ(map->owner[5461], 1);
  EXPECT_EQ(map->owner[16383], 2);
  EXPECT_EQ(map->owner[static_cast<size_t>(resp::KeySlot("foo"))], 2);  // 12182
  EXPECT_EQ(map->Find("127.0.0.1", 7001), 1);
  EXPECT_EQ(map->Find("", 7002), 2);
  EXPECT_EQ(map->Find("127.0.0.1", 7003), -1);

  Result<ClusterMap> tls = ParseClusterShards(Parse(wire), /*use_tls_port=*/true);
  ASSERT_TRUE(tls.ok()) << tls.error();
  EXPECT_EQ(tls->masters[0].port, 17000);
  EXPECT_EQ(tls->masters[1].port, 7001);  // no tls-port: the plain one
}

TEST(ClusterMapTest, FailedMasterLeavesSlotsUnserved) {
  const std::string wire = "*1\r\n" + Shard({{0, 99}}, {Node("10.0.0.1", 7000, "master", "fail")});
  Result<ClusterMap> map = ParseClusterShards(Parse(wire), false);
  ASSERT_TRUE(map.ok()) << map.error();
  EXPECT_TRUE(map->masters.empty());
  EXPECT_EQ(map->unassigned_slots(), resp::kClusterSlots);
}

TEST(ClusterMapTest, RejectsMalformedShards) {
  EXPECT_FALSE(ParseClusterShards(Parse("+OK\r\n"), false).ok());
  EXPECT_FALSE(ParseClusterShards(Parse("*1\r\n:1\r\n"), false).ok());
  const std::string bad_range =
      "*1\r\n" + Shard({{100, 20000}}, {Node("127.0.0.1", 7000, "master", "online")});
  Result<ClusterMap> map = ParseClusterShards(Parse(bad_range), false);
  ASSERT_FALSE(map.ok());
  EXPECT_NE(map.error().find("out of range"), std::string::npos) << map.error();
}

TEST(ClusterMapTest, ParsesClusterSlots) {
  const std::string wire =
      "*2\r\n"
      "*4\r\n:0\r\n:8191\r\n*3\r\n" +
      Bulk("127.0.0.1") + ":7000\r\n" + Bulk("id0") + "*3\r\n" + Bulk("127.0.0.1") + ":7003\r\n" +
      Bulk("id3") + "*3\r\n:8192\r\n:16383\r\n*3\r\n" + Bulk("127.0.0.1") + ":7001\r\n" +
      Bulk("id1");
  Result<ClusterMap> map = ParseClusterSlots(Parse(wire));
  ASSERT_TRUE(map.ok()) << map.error();
  ASSERT_EQ(map->masters.size(), 2u);
  EXPECT_EQ(map->masters[0].id, "id0");
  EXPECT_EQ(map->owner[8191], 0);
  EXPECT_EQ(map->owner[8192], 1);
  EXPECT_EQ(map->unassigned_slots(), 0);
  EXPECT_FALSE(ParseClusterSlots(Parse("*1\r\n*2\r\n:0\r\n:1\r\n")).ok());
}

TEST(RedirectTest, MovedAndAsk) {
  std::optional<Redirect> r = ParseRedirect("MOVED 3999 127.0.0.1:6381");
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->ask);
  EXPECT_EQ(r->slot, 3999);
  EXPECT_EQ(r->host, "127.0.0.1");
  EXPECT_EQ(r->port, 6381);
  r = ParseRedirect("-ASK 12182 ::1:7002\r\n");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->ask);
  EXPECT_EQ(r->host, "::1");
  EXPECT_EQ(r->port, 7002);
  EXPECT_FALSE(ParseRedirect("ERR unknown command"));
  EXPECT_FALSE(ParseRedirect("MOVED 16384 h:1"));
  EXPECT_FALSE(ParseRedirect("MOVED 1 h"));
  EXPECT_FALSE(ParseRedirect("MOVED x h:1"));
  EXPECT_FALSE(ParseRedirect("ASK 1 h:0"));
}

TEST(RequestKeyTest, FirstArgumentAfterTheCommand) {
  std::string req;
  const std::vector<std::string> set = {"SET", "key:000000000042", "xyz"};
  resp::AppendRequest(set, &req);
  EXPECT_EQ(RequestKey(req), "key:000000000042");
  req.clear();
  const std::vector<std::string> ping = {"PING"};
  resp::AppendRequest(ping, &req);
  EXPECT_EQ(RequestKey(req), "");
  EXPECT_EQ(RequestKey("PING\r\n"), "");                      // inline: not routed
  EXPECT_EQ(RequestKey("*2\r\n$3\r\nGET\r\n$10\r\nab"), "");  // truncated
}

}  // namespace
}  // namespace kv::load
