// Pub/Sub and MONITOR commands in process: replies, subscriber mode, RESP3 push, delivery through
// ServerControl::Deliver (FakeControl records it). Expected bytes checked against redis-server
// 7.0.15 on this machine.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/commands/command_test_util.h"

namespace kv::server {
namespace {

using testing::Array;
using testing::Bulk;
using testing::Err;
using testing::Harness;
using testing::Int;
using testing::kNil;
using testing::kOK;

// Confirmation of (p)(un)subscribe in RESP2 (RESP3: '>' instead of '*', '_' for nil).
std::string Confirm(std::string_view kind, std::string_view name, int64_t count) {
  return Array({Bulk(kind), Bulk(name), Int(count)});
}
std::string Message(std::string_view channel, std::string_view payload) {
  return Array({Bulk("message"), Bulk(channel), Bulk(payload)});
}
std::string PMessage(std::string_view pattern, std::string_view channel, std::string_view payload) {
  return Array({Bulk("pmessage"), Bulk(pattern), Bulk(channel), Bulk(payload)});
}
const std::string kSubscriberModeGet =
    "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are "
    "allowed in this context\r\n";

// A second client (id 2) in the harness.
struct TwoClients : Harness {
  TwoClients() {
    other.id = 2;
    other.addr = "127.0.0.1:40002";
    control.sessions.push_back(&other);
  }
  std::string RunOther(const std::vector<std::string>& args) { return RunAs(other, args); }
  Session other;
};

TEST(PubSubCommandsTest, SubscribeUnsubscribeRepliesAsRedis) {
  Harness h;
  EXPECT_EQ(h.Run({"UNSUBSCRIBE"}), Array({Bulk("unsubscribe"), kNil, Int(0)}));
  EXPECT_EQ(h.Run({"PUNSUBSCRIBE"}), Array({Bulk("punsubscribe"), kNil, Int(0)}));
  EXPECT_EQ(h.Run({"UNSUBSCRIBE", "x", "y"}),
            Confirm("unsubscribe", "x", 0) + Confirm("unsubscribe", "y", 0));
  EXPECT_EQ(h.Run({"SUBSCRIBE", "c1", "c2", "c1"}), Confirm("subscribe", "c1", 1) +
                                                        Confirm("subscribe", "c2", 2) +
                                                        Confirm("subscribe", "c1", 2));
  EXPECT_EQ(h.Run({"PSUBSCRIBE", "c*", "d?"}),
            Confirm("psubscribe", "c*", 3) + Confirm("psubscribe", "d?", 4));
  EXPECT_EQ(h.session.pubsub_channels, 2u);
  EXPECT_EQ(h.session.pubsub_patterns, 2u);
  EXPECT_EQ(h.Run({"UNSUBSCRIBE", "c2", "zz"}),
            Confirm("unsubscribe", "c2", 3) + Confirm("unsubscribe", "zz", 3));
  EXPECT_EQ(h.Run({"PUNSUBSCRIBE"}),
            Confirm("punsubscribe", "c*", 2) + Confirm("punsubscribe", "d?", 1));
  EXPECT_EQ(h.Run({"UNSUBSCRIBE"}), Confirm("unsubscribe", "c1", 0));
  EXPECT_EQ(h.Run({"SUBSCRIBE"}), Err("ERR wrong number of arguments for 'subscribe' command"));
  EXPECT_EQ(h.Run({"PUBLISH", "x"}), Err("ERR wrong number of arguments for 'publish' command"));
}

TEST(PubSubCommandsTest, Resp2SubscriberModeAllowsOnlyPubSubPingQuit) {
  Harness h;
  h.Run({"SUBSCRIBE", "c"});
  EXPECT_EQ(h.Run({"GET", "k"}), kSubscriberModeGet);
  EXPECT_EQ(h.Run({"CONFIG", "GET", "x"}),
            "-ERR Can't execute 'config|get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / "
            "QUIT / RESET are allowed in this context\r\n");
  EXPECT_EQ(h.Run({"MONITOR"}),
            "-ERR Can't execute 'monitor': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / "
            "RESET are allowed in this context\r\n");
  // Lookup and arity errors come first, as in Redis.
  EXPECT_EQ(h.Run({"nosuch"}), Err("ERR unknown command 'nosuch', with args beginning with: "));
  EXPECT_EQ(h.Run({"GET"}), Err("ERR wrong number of arguments for 'get' command"));
  EXPECT_EQ(h.Run({"PING"}), Array({Bulk("pong"), Bulk("")}));
  EXPECT_EQ(h.Run({"PING", "hi"}), Array({Bulk("pong"), Bulk("hi")}));
  EXPECT_EQ(h.Run({"PING", "hi", "x"}), Err("ERR wrong number of arguments for 'ping' command"));
  EXPECT_EQ(h.Run({"PSUBSCRIBE", "p*"}), Confirm("psubscribe", "p*", 2));
  EXPECT_EQ(h.Run({"UNSUBSCRIBE"}), Confirm("unsubscribe", "c", 1));
  EXPECT_EQ(h.Run({"GET", "k"}), kSubscriberModeGet);  // a pattern keeps the mode
  EXPECT_EQ(h.Run({"PUNSUBSCRIBE"}), Confirm("punsubscribe", "p*", 0));
  EXPECT_EQ(h.Run({"GET", "k"}), kNil);
  EXPECT_EQ(h.Run({"PING"}), "+PONG\r\n");
  EXPECT_EQ(h.Run({"QUIT"}), kOK);
}

TEST(PubSubCommandsTest, PublishDeliversToChannelAndPatternSubscribers) {
  TwoClients h;
  h.RunOther({"SUBSCRIBE", "c1"});
  h.RunOther({"PSUBSCRIBE", "c*", "d?"});
  EXPECT_EQ(h.Run({"PUBLISH", "c1", "m1"}), Int(2));
  EXPECT_EQ(h.control.delivered[2], Message("c1", "m1") + PMessage("c*", "c1", "m1"));
  h.control.delivered.clear();
  EXPECT_EQ(h.Run({"PUBLISH", "dx", "m2"}), Int(1));
  EXPECT_EQ(h.control.delivered[2], PMessage("d?", "dx", "m2"));
  EXPECT_EQ(h.Run({"PUBLISH", "nobody", "m3"}), Int(0));
  EXPECT_EQ(h.control.delivered[2], PMessage("d?", "dx", "m2"));
  // Binary-safe payloads and channels.
  h.control.delivered.clear();
  h.RunOther({"SUBSCRIBE", std::string("a\0b", 3)});
  EXPECT_EQ(h.Run({"PUBLISH", std::string("a\0b", 3), std::string("\r\n\0", 3)}), Int(1));
  EXPECT_EQ(h.control.delivered[2], Message(std::string("a\0b", 3), std::string("\r\n\0", 3)));
  EXPECT_TRUE(h.control.delivered.count(1) == 0);  // the publisher got only its reply
}

TEST(PubSubCommandsTest, PubSubIntrospection) {
  TwoClients h;
  h.Run({"SUBSCRIBE", "c1", "c2"});
  h.RunOther({"SUBSCRIBE", "c1"});
  h.RunOther({"PSUBSCRIBE", "c*", "x"});
  h.Run({"PSUBSCRIBE", "c*"});
  EXPECT_EQ(h.RunOther({"PUBSUB", "NUMPAT"}),
            "-ERR Can't execute 'pubsub|numpat': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / "
            "QUIT / RESET are allowed in this context\r\n");
  Session third;
  third.id = 3;
  h.control.sessions.push_back(&third);
  auto run = [&](const std::vector<std::string>& args) { return h.RunAs(third, args); };
  EXPECT_EQ(run({"PUBSUB", "NUMPAT"}), Int(2));
  EXPECT_EQ(run({"PUBSUB", "NUMSUB", "c1", "c2", "zz"}),
            Array({Bulk("c1"), Int(2), Bulk("c2"), Int(1), Bulk("zz"), Int(0)}));
  EXPECT_EQ(run({"PUBSUB", "NUMSUB"}), "*0\r\n");
  const std::string stats = run({"INFO", "stats"});
  EXPECT_NE(stats.find("pubsub_channels:2\r\n"), std::string::npos) << stats;
  EXPECT_NE(stats.find("pubsub_patterns:2\r\n"), std::string::npos) << stats;
  const std::string all = run({"PUBSUB", "CHANNELS"});
  EXPECT_TRUE(all == Array({Bulk("c1"), Bulk("c2")}) || all == Array({Bulk("c2"), Bulk("c1")}))
      << all;
  EXPECT_EQ(run({"PUBSUB", "CHANNELS", "*2"}), Array({Bulk("c2")}));
  EXPECT_EQ(run({"pubsub", "channels", "a", "b"}),
            Err("ERR unknown subcommand or wrong number of arguments for 'channels'. Try PUBSUB "
                "HELP."));
  EXPECT_EQ(run({"PUBSUB", "NUMPAT", "x"}),
            Err("ERR wrong number of arguments for 'pubsub|numpat' command"));
  EXPECT_EQ(run({"PUBSUB", "HELP", "x"}),
            Err("ERR wrong number of arguments for 'pubsub|help' command"));
  EXPECT_EQ(run({"PUBSUB", "foo"}), Err("ERR unknown subcommand 'foo'. Try PUBSUB HELP."));
  EXPECT_EQ(run({"PUBSUB"}), Err("ERR wrong number of arguments for 'pubsub' command"));
  EXPECT_EQ(run({"PUBSUB", "SHARDCHANNELS"}), "*0\r\n");
  EXPECT_EQ(run({"PUBSUB", "SHARDNUMSUB", "c1"}), Array({Bulk("c1"), Int(0)}));
  const std::string help = run({"PUBSUB", "HELP"});
  EXPECT_EQ(help.substr(0, 71),
            "*14\r\n+PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n");
  // A closed connection leaves nothing behind.
  h.processor.OnClose(h.other);
  EXPECT_EQ(run({"PUBSUB", "NUMSUB", "c1"}), Array({Bulk("c1"), Int(1)}));
  EXPECT_EQ(run({"PUBSUB", "NUMPAT"}), Int(1));
  h.processor.OnClose(h.session);
  EXPECT_EQ(run({"PUBSUB", "CHANNELS"}), "*0\r\n");
  EXPECT_EQ(run({"PUBSUB", "NUMPAT"}), Int(0));
}

TEST(PubSubCommandsTest, Resp3SubscriberGetsPushesAndMayRunAnyCommand) {
  TwoClients h;
  h.other.protocol = 3;
  EXPECT_EQ(h.RunOther({"UNSUBSCRIBE"}), ">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n");
  EXPECT_EQ(h.RunOther({"SUBSCRIBE", "c1"}), ">3\r\n$9\r\nsubscribe\r\n$2\r\nc1\r\n:1\r\n");
  EXPECT_EQ(h.RunOther({"PSUBSCRIBE", "c*"}), ">3\r\n$10\r\npsubscribe\r\n$2\r\nc*\r\n:2\r\n");
  EXPECT_EQ(h.RunOther({"GET", "k"}), "_\r\n");
  EXPECT_EQ(h.RunOther({"PING"}), "+PONG\r\n");
  EXPECT_EQ(h.Run({"PUBLISH", "c1", "m"}), Int(2));
  EXPECT_EQ(h.control.delivered[2],
            ">3\r\n$7\r\nmessage\r\n$2\r\nc1\r\n$1\r\nm\r\n"
            ">4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nc1\r\n$1\r\nm\r\n");
  // Publishing to itself: the messages come before the count, in the same reply stream.
  h.control.delivered.clear();
  EXPECT_EQ(h.RunOther({"UNSUBSCRIBE", "c1"}), ">3\r\n$11\r\nunsubscribe\r\n$2\r\nc1\r\n:1\r\n");
  EXPECT_EQ(h.RunOther({"PUBLISH", "c9", "self"}),
            ">4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nc9\r\n$4\r\nself\r\n:1\r\n");
  EXPECT_TRUE(h.control.delivered.empty());
  // Back to RESP2 while subscribed: subscriber mode again.
  h.other.protocol = 2;
  EXPECT_EQ(h.RunOther({"GET", "k"}), kSubscriberModeGet);
}

TEST(PubSubCommandsTest, MonitorSeesCommandsAsRedisFormatsThem) {
  TwoClients h;
  EXPECT_EQ(h.RunOther({"MONITOR"}), kOK);
  EXPECT_EQ(h.RunOther({"MONITOR"}), "");  // repeated: ignored, no reply
  EXPECT_EQ(h.Run({"SET", "k", "a\"b\\c"}), kOK);
  EXPECT_EQ(h.Run({"SET", "k2", std::string("x\x01\n\ty\xc3\xa9", 7)}), kOK);
  EXPECT_EQ(h.Run({"AUTH", "secret"}).substr(0, 4), "-ERR");
  EXPECT_EQ(h.Run({"HELLO", "2", "AUTH", "default", "pw", "SETNAME", "n"}).substr(0, 1), "*");
  EXPECT_EQ(h.Run({"SELECT", "2"}), kOK);
  EXPECT_EQ(h.Run({"CONFIG", "GET", "maxmemory"}).substr(0, 2), "*2");  // admin: hidden
  EXPECT_EQ(h.Run({"NOSUCH"}).substr(0, 4), "-ERR");                    // never ran: hidden
  EXPECT_EQ(h.Run({"GET"}).substr(0, 4), "-ERR");                       // never ran: hidden
  EXPECT_EQ(h.Run({"INCR", "12"}), Int(1));
  const std::string got = h.control.delivered[2];
  std::vector<std::string> lines;
  for (size_t pos = 0; pos < got.size();) {
    size_t end = got.find("\r\n", pos);
    ASSERT_NE(end, std::string::npos) << got;
    lines.push_back(got.substr(pos, end - pos));
    pos = end + 2;
  }
  // "+<seconds>.<microseconds> " then the rest, arguments as the client sent them; the clock is
  // the wall clock.
  std::vector<std::string> rest;
  for (const std::string& line : lines) {
    ASSERT_GE(line.size(), 20u) << line;
    EXPECT_EQ(line[0], '+');
    EXPECT_EQ(line[11], '.') << line;
    EXPECT_EQ(line[18], ' ') << line;
    rest.push_back(line.substr(19));
  }
  EXPECT_EQ(
      rest,
      (std::vector<std::string>{
          R"m([0 127.0.0.1:40001] "SET" "k" "a\"b\\c")m",
          R"m([0 127.0.0.1:40001] "SET" "k2" "x\x01\n\ty\xc3\xa9")m",
          R"m([0 127.0.0.1:40001] "AUTH" "(redacted)")m",
          R"m([0 127.0.0.1:40001] "HELLO" "2" "AUTH" "(redacted)" "(redacted)" "SETNAME" "n")m",
          R"m([2 127.0.0.1:40001] "SELECT" "2")m",
          R"m([2 127.0.0.1:40001] "INCR" "12")m",
      }));
  // The monitor may not touch the keyspace, but sees its own other commands after their reply.
  EXPECT_EQ(h.RunOther({"GET", "k"}), Err("ERR Replica can't interact with the keyspace"));
  EXPECT_EQ(h.RunOther({"PUBLISH", "c", "m"}), Err("ERR Replica can't interact with the keyspace"));
  const std::string own = h.RunOther({"PING"});
  EXPECT_EQ(own.substr(0, 8), "+PONG\r\n+");
  EXPECT_EQ(own.substr(own.size() - 29), R"m( [0 127.0.0.1:40002] "PING")m"
                                         "\r\n");
  // Closed: no more lines, and the command path is back to its plain branch.
  h.processor.OnClose(h.other);
  h.control.delivered.clear();
  EXPECT_EQ(h.Run({"GET", "k"}), kNil);
  EXPECT_TRUE(h.control.delivered.empty());
}

}  // namespace
}  // namespace kv::server
