// -u URI parsing and how it feeds the options.
#include "tools/load/uri.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "tools/load/cli.h"

namespace kv::load {
namespace {

TEST(RedisUriTest, Full) {
  Result<RedisUri> u = ParseRedisUri("redis://alice:s3cret@db.example:6380/4");
  ASSERT_TRUE(u.ok()) << u.error();
  EXPECT_FALSE(u->tls);
  EXPECT_EQ(u->host, "db.example");
  EXPECT_EQ(u->port, 6380);
  EXPECT_EQ(u->user, "alice");
  EXPECT_EQ(u->password, "s3cret");
  EXPECT_EQ(u->db, 4);
}

TEST(RedisUriTest, OptionalParts) {
  Result<RedisUri> u = ParseRedisUri("rediss://localhost");
  ASSERT_TRUE(u.ok()) << u.error();
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->host, "localhost");
  EXPECT_FALSE(u->port);
  EXPECT_FALSE(u->user);
  EXPECT_FALSE(u->password);
  EXPECT_FALSE(u->db);

  u = ParseRedisUri("redis://:pw@h");  // password only: no user (AUTH pw)
  ASSERT_TRUE(u.ok()) << u.error();
  EXPECT_FALSE(u->user);
  EXPECT_EQ(u->password, "pw");

  u = ParseRedisUri("redis://pw@h:1");  // no colon: the whole userinfo is the password
  ASSERT_TRUE(u.ok()) << u.error();
  EXPECT_FALSE(u->user);
  EXPECT_EQ(u->password, "pw");
  EXPECT_EQ(u->port, 1);

  u = ParseRedisUri("redis://[::1]:7000/0");
  ASSERT_TRUE(u.ok()) << u.error();
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 7000);
  EXPECT_EQ(u->db, 0);
}

TEST(RedisUriTest, PercentDecoding) {
  Result<RedisUri> u = ParseRedisUri("redis://us%40er:p%3Aw%2f@h");
  ASSERT_TRUE(u.ok()) << u.error();
  EXPECT_EQ(u->user, "us@er");
  EXPECT_EQ(u->password, "p:w/");
}

TEST(RedisUriTest, BadUrisAreClearErrors) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"http://h", "must start with redis:// or rediss://"},
      {"h:6379", "must start with redis:// or rediss://"},
      {"redis://h:99999", "invalid port"},
      {"redis://h:0", "invalid port"},
      {"redis://h:abc", "invalid port"},
      {"redis://h:", "invalid port"},
      {"redis://h/x", "invalid database number 'x'"},
      {"redis://h/-1", "invalid database number"},
      {"redis://:6379", "has no host"},
      {"redis://pw@", "has no host"},
      {"redis://[::1", "unclosed '['"},
      {"redis://u:p%zz@h", "malformed %-escape in the password"},
      {"redis://u%4:p@h", "malformed %-escape in the user name"},
  };
  for (const auto& [uri, why] : cases) {
    Result<RedisUri> u = ParseRedisUri(uri);
    ASSERT_FALSE(u.ok()) << uri;
    EXPECT_NE(u.error().find(why), std::string::npos) << uri << ": " << u.error();
    EXPECT_NE(u.error().find("-u: '" + std::string(uri) + "'"), std::string::npos) << u.error();
  }
}

Result<Options> ParseFlags(std::vector<std::string_view> args) { return ParseArgs(args); }

TEST(RedisUriTest, FeedsTheOptionsAndLaterFlagsOverride) {
  Result<Options> o = ParseFlags({"-u", "rediss://bob:pw@10.0.0.2:7001/3"});
  ASSERT_TRUE(o.ok()) << o.error();
  EXPECT_EQ(o->host, "10.0.0.2");
  EXPECT_EQ(o->port, 7001);
  EXPECT_EQ(o->user, "bob");
  EXPECT_EQ(o->password, "pw");
  EXPECT_EQ(o->dbnum, 3);
  EXPECT_TRUE(o->dbnum_given);
  EXPECT_TRUE(o->tls.enabled);

  o = ParseFlags({"-u", "redis://h:7001", "-p", "7002"});
  ASSERT_TRUE(o.ok()) << o.error();
  EXPECT_EQ(o->host, "h");
  EXPECT_EQ(o->port, 7002);
  EXPECT_FALSE(o->tls.enabled);

  o = ParseFlags({"-u", "ftp://x"});
  ASSERT_FALSE(o.ok());
  EXPECT_NE(o.error().find("-u: 'ftp://x' must start with"), std::string::npos) << o.error();
}

TEST(ConnectFlagsTest, TlsResp3AndCluster) {
  Result<Options> o =
      ParseFlags({"--tls", "--cacert", "ca.pem", "--cacertdir", "/etc/ssl", "--cert", "c.pem", "--key",
             "k.pem", "--sni", "srv", "--insecure", "-3", "--cluster"});
  ASSERT_TRUE(o.ok()) << o.error();
  EXPECT_TRUE(o->tls.enabled);
  EXPECT_EQ(o->tls.cacert, "ca.pem");
  EXPECT_EQ(o->tls.cacertdir, "/etc/ssl");
  EXPECT_EQ(o->tls.cert, "c.pem");
  EXPECT_EQ(o->tls.key, "k.pem");
  EXPECT_EQ(o->tls.sni, "srv");
  EXPECT_TRUE(o->tls.insecure);
  EXPECT_TRUE(o->resp3);
  EXPECT_TRUE(o->cluster);
}

TEST(ConnectFlagsTest, Conflicts) {
  EXPECT_FALSE(ParseFlags({"--cacert"}).ok());
  EXPECT_FALSE(ParseFlags({"--cert", "c.pem"}).ok());
  EXPECT_FALSE(ParseFlags({"--cluster", "-s", "/tmp/x.sock"}).ok());
  EXPECT_FALSE(ParseFlags({"--tls", "-s", "/tmp/x.sock"}).ok());
  EXPECT_FALSE(ParseFlags({"--cluster", "--rps", "100"}).ok());
}

}  // namespace
}  // namespace kv::load
