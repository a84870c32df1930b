// Connection, server, CONFIG, AUTH/HELLO, INFO, COMMAND and dispatch checks (unknown command,
// arity, NOAUTH, OOM, cross-protocol). Error texts checked against redis-server 7.0.15.
#include <gtest/gtest.h>

#include <string>

#include "resp/reply_reader.h"
#include "resp/reply_test_util.h"
#include "resp/reply_writer.h"
#include "server/commands/command_docs.h"
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
using testing::Reply;
using testing::Simple;

TEST(DispatchTest, UnknownCommandText) {
  Harness h;
  EXPECT_EQ(h.Run({"foo"}), Err("ERR unknown command 'foo', with args beginning with: "));
  EXPECT_EQ(h.Run({"foo", "a", "b"}),
            Err("ERR unknown command 'foo', with args beginning with: 'a' 'b' "));
  // Arguments are cut at 128 characters in total, as Redis does (checked with a 200-byte arg).
  const std::string long_arg(200, 'a');
  EXPECT_EQ(
      h.Run({"foo", long_arg, "b"}),
      Err("ERR unknown command 'foo', with args beginning with: '" + std::string(128, 'a') + "' "));
  EXPECT_EQ(h.Run({"foo", "x\r\ny"}),
            Err("ERR unknown command 'foo', with args beginning with: 'x  y' "));
  EXPECT_EQ(h.session.last_command, "");
}

TEST(DispatchTest, ArityErrorsUseLowerCaseName) {
  Harness h;
  EXPECT_EQ(h.Run({"GET"}), Err("ERR wrong number of arguments for 'get' command"));
  EXPECT_EQ(h.Run({"GeT", "a", "b"}), Err("ERR wrong number of arguments for 'get' command"));
  EXPECT_EQ(h.Run({"PING", "a", "b"}), Err("ERR wrong number of arguments for 'ping' command"));
  EXPECT_EQ(h.Run({"MGET"}), Err("ERR wrong number of arguments for 'mget' command"));
  EXPECT_EQ(h.session.last_command, "mget");
}

TEST(DispatchTest, CrossProtocolClosesWithoutReply) {
  Harness h;
  EXPECT_EQ(h.Run({"POST", "/", "HTTP/1.1"}), "");
  EXPECT_TRUE(h.session.close_now);
  Harness h2;
  EXPECT_EQ(h2.Run({"Host:", "example.com"}), "");
  EXPECT_TRUE(h2.session.close_now);
}

TEST(DispatchTest, StatsCounters) {
  Harness h;
  h.Run({"SET", "a", "1"});
  h.Run({"GET", "a"});
  h.Run({"GET", "b"});
  h.Run({"nosuch"});
  const std::string info = h.Run({"INFO", "stats"});
  EXPECT_NE(info.find("total_commands_processed:3\r\n"), std::string::npos) << info;
  EXPECT_NE(info.find("keyspace_hits:1\r\n"), std::string::npos);
  EXPECT_NE(info.find("keyspace_misses:1\r\n"), std::string::npos);
  EXPECT_EQ(h.Run({"CONFIG", "RESETSTAT"}), kOK);
  const std::string after = h.Run({"INFO", "stats"});
  EXPECT_NE(after.find("keyspace_hits:0\r\n"), std::string::npos) << after;
  EXPECT_NE(after.find("total_commands_processed:1\r\n"), std::string::npos) << after;
}

TEST(DispatchTest, DebugCommandDelayIsHonoured) {
  Harness h;
  h.config.debug_command_delay_us = 1;  // only checks that the path runs; no timing assertion
  EXPECT_EQ(h.Run({"PING"}), "+PONG\r\n");
}

TEST(ConnectionTest, PingEchoQuit) {
  Harness h;
  EXPECT_EQ(h.Run({"PING"}), "+PONG\r\n");
  EXPECT_EQ(h.Run({"ping", "hello"}), Bulk("hello"));
  EXPECT_EQ(h.Run({"ECHO", "x y"}), Bulk("x y"));
  EXPECT_EQ(h.Run({"QUIT"}), kOK);
  EXPECT_TRUE(h.session.close_after_reply);
}

TEST(ConnectionTest, SelectAndDatabasesAreSeparate) {
  Harness h;
  EXPECT_EQ(h.Run({"SET", "k", "db0"}), kOK);
  EXPECT_EQ(h.Run({"SELECT", "9"}), kOK);
  EXPECT_EQ(h.session.db, 9);
  EXPECT_EQ(h.Run({"GET", "k"}), kNil);
  EXPECT_EQ(h.Run({"SET", "k", "db9"}), kOK);
  EXPECT_EQ(h.Run({"DBSIZE"}), Int(1));
  EXPECT_EQ(h.Run({"SELECT", "16"}), Err("ERR DB index is out of range"));
  EXPECT_EQ(h.Run({"SELECT", "-1"}), Err("ERR DB index is out of range"));
  EXPECT_EQ(h.Run({"SELECT", "x"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(h.Run({"SELECT", "99999999999"}),
            Err("ERR value is out of range, value must between -2147483648 and 2147483647"));
  EXPECT_EQ(h.Run({"FLUSHDB"}), kOK);
  EXPECT_EQ(h.Run({"DBSIZE"}), Int(0));
  EXPECT_EQ(h.Run({"SELECT", "0"}), kOK);
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk("db0"));
  EXPECT_EQ(h.Run({"FLUSHALL", "ASYNC"}), kOK);
  EXPECT_EQ(h.Run({"DBSIZE"}), Int(0));
  EXPECT_EQ(h.Run({"FLUSHALL", "SYNC"}), kOK);
  EXPECT_EQ(h.Run({"FLUSHDB", "foo"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"FLUSHDB", "ASYNC", "SYNC"}), Err("ERR syntax error"));
}

TEST(AuthTest, NoPasswordConfigured) {
  Harness h;
  EXPECT_EQ(h.Run({"AUTH", "x"}),
            Err("ERR AUTH <password> called without any password configured for the default "
                "user. Are you sure your configuration is correct?"));
  EXPECT_EQ(h.Run({"AUTH", "default", "anything"}), kOK);
  EXPECT_EQ(h.Run({"AUTH", "foo", "x"}),
            Err("WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_EQ(h.Run({"AUTH", "a", "b", "c"}), Err("ERR syntax error"));
}

TEST(AuthTest, RequirePassFlow) {
  Harness h;
  h.config.requirepass = "s3cret";
  h.session.authenticated = false;
  const std::string noauth = Err("NOAUTH Authentication required.");
  EXPECT_EQ(h.Run({"GET", "k"}), noauth);
  EXPECT_EQ(h.Run({"PING"}), noauth);
  EXPECT_EQ(h.Run({"CONFIG", "GET", "*"}), noauth);
  // Unknown commands and arity errors are reported before NOAUTH (Redis 7 processCommand order).
  EXPECT_EQ(h.Run({"nosuch"}), Err("ERR unknown command 'nosuch', with args beginning with: "));
  EXPECT_EQ(h.Run({"GET"}), Err("ERR wrong number of arguments for 'get' command"));
  EXPECT_EQ(h.Run({"AUTH", "wrong"}),
            Err("WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_FALSE(h.session.authenticated);
  EXPECT_EQ(h.Run({"AUTH", "s3cre"}),
            Err("WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_EQ(h.Run({"AUTH", "s3cret"}), kOK);
  EXPECT_TRUE(h.session.authenticated);
  EXPECT_EQ(h.Run({"GET", "k"}), kNil);
  h.session.authenticated = false;
  EXPECT_EQ(h.Run({"AUTH", "default", "s3cret"}), kOK);
  h.session.authenticated = false;
  EXPECT_EQ(h.Run({"QUIT"}), kOK);  // allowed before AUTH
}

TEST(HelloTest, Resp2Reply) {
  Harness h;
  h.session.id = 79;
  EXPECT_EQ(h.Run({"HELLO", "2"}),
            Array({Bulk("server"), Bulk("redis"), Bulk("version"), Bulk("7.0.15"), Bulk("proto"),
                   Int(2), Bulk("id"), Int(79), Bulk("mode"), Bulk("standalone"), Bulk("role"),
                   Bulk("master"), Bulk("modules"), "*0\r\n"}));
  EXPECT_EQ(h.Run({"HELLO"}).substr(0, 5), "*14\r\n");
}

// Bytes as redis-server 7.0.15 sends them (id aside).
constexpr std::string_view kHello3Reply =
    "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n"
    "$2\r\nid\r\n:1\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n"
    "$7\r\nmodules\r\n*0\r\n";

TEST(HelloTest, Resp3SwitchesTheConnection) {
  Harness h;
  EXPECT_EQ(h.Run({"GET", "missing"}), kNil);
  EXPECT_EQ(h.Run({"HELLO", "3"}), kHello3Reply);  // already in RESP3
  EXPECT_EQ(h.session.protocol, 3);
  EXPECT_EQ(h.Run({"HELLO"}), kHello3Reply);  // no version: the current protocol
  EXPECT_EQ(h.Run({"GET", "missing"}), "_\r\n");
  EXPECT_EQ(h.Run({"HELLO", "4"}), Err("NOPROTO unsupported protocol version"));
  EXPECT_EQ(h.session.protocol, 3);  // a failed HELLO changes nothing
  EXPECT_EQ(h.Run({"HELLO", "2"}).substr(0, 5), "*14\r\n");
  EXPECT_EQ(h.session.protocol, 2);
  EXPECT_EQ(h.Run({"GET", "missing"}), kNil);
}

// Sequences and bytes as redis-server 7.0.15 answers them.
TEST(ResetTest, LeavesMultiDbProtocolAndNameBehind) {
  Harness h;
  EXPECT_EQ(h.Run({"SELECT", "3"}), kOK);
  EXPECT_EQ(h.Run({"CLIENT", "SETNAME", "n1"}), kOK);
  EXPECT_EQ(h.Run({"HELLO", "3"}), kHello3Reply);
  EXPECT_EQ(h.Run({"WATCH", "w"}), kOK);
  EXPECT_EQ(h.Run({"MULTI"}), kOK);
  EXPECT_EQ(h.Run({"SET", "a", "1"}), "+QUEUED\r\n");
  EXPECT_EQ(h.Run({"RESET"}), "+RESET\r\n");  // runs at once inside MULTI
  EXPECT_EQ(h.Run({"EXEC"}), Err("ERR EXEC without MULTI"));
  EXPECT_EQ(h.Run({"CLIENT", "GETNAME"}), kNil);  // RESP2 again
  EXPECT_EQ(h.Run({"GET", "a"}), kNil);           // db 0, and the SET never ran
  EXPECT_EQ(h.session.db, 0);
  EXPECT_TRUE(h.session.txn.watched.empty());
}

TEST(ResetTest, EndsSubscriptionsAndMonitorWithoutConfirmations) {
  Harness h;
  h.Run({"SUBSCRIBE", "c"});
  h.Run({"PSUBSCRIBE", "p*"});
  EXPECT_EQ(h.Run({"RESET"}), "+RESET\r\n");
  EXPECT_EQ(h.Run({"PUBSUB", "NUMSUB", "c"}), Array({Bulk("c"), Int(0)}));
  EXPECT_EQ(h.Run({"PUBSUB", "NUMPAT"}), Int(0));
  EXPECT_EQ(h.Run({"GET", "x"}), kNil);  // no longer in subscriber mode
  EXPECT_EQ(h.Run({"MONITOR"}), kOK);
  EXPECT_EQ(h.Run({"RESET"}), "+RESET\r\n");
  EXPECT_FALSE(h.session.monitor);
}

TEST(ResetTest, NeedsAuthenticationAgainWhenAPasswordIsSet) {
  Harness h;
  EXPECT_EQ(h.Run({"CONFIG", "SET", "requirepass", "pw"}), kOK);
  EXPECT_EQ(h.Run({"RESET"}), "+RESET\r\n");
  EXPECT_EQ(h.Run({"GET", "x"}), Err("NOAUTH Authentication required."));
  EXPECT_EQ(h.Run({"AUTH", "pw"}), kOK);
  EXPECT_EQ(h.Run({"CONFIG", "SET", "requirepass", ""}), kOK);
  EXPECT_EQ(h.Run({"RESET"}), "+RESET\r\n");
  EXPECT_EQ(h.Run({"GET", "x"}), kNil);
}

TEST(HelloTest, Errors) {
  Harness h;
  EXPECT_EQ(h.Run({"HELLO", "4"}), Err("NOPROTO unsupported protocol version"));
  EXPECT_EQ(h.Run({"HELLO", "1"}), Err("NOPROTO unsupported protocol version"));
  EXPECT_EQ(h.Run({"HELLO", "abc"}), Err("ERR Protocol version is not an integer or out of range"));
  EXPECT_EQ(h.Run({"HELLO", "2", "foo"}), Err("ERR Syntax error in HELLO option 'foo'"));
  EXPECT_EQ(h.Run({"HELLO", "2", "SETNAME", "a b"}),
            Err("ERR Client names cannot contain spaces, newlines or special characters."));
  EXPECT_EQ(h.Run({"HELLO", "2", "AUTH", "foo", "x"}),
            Err("WRONGPASS invalid username-password pair or user is disabled."));
}

TEST(HelloTest, AuthAndSetName) {
  Harness h;
  h.config.requirepass = "pw";
  h.session.authenticated = false;
  EXPECT_EQ(h.Run({"HELLO", "2"}).substr(0, 7), "-NOAUTH");
  EXPECT_EQ(h.Run({"HELLO", "2", "AUTH", "default", "bad"}),
            Err("WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_EQ(h.Run({"HELLO", "3", "AUTH", "default", "bad"}),
            Err("WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_EQ(h.session.protocol, 2);
  EXPECT_EQ(h.Run({"HELLO", "2", "AUTH", "default", "pw", "SETNAME", "app"}).substr(0, 5),
            "*14\r\n");
  EXPECT_TRUE(h.session.authenticated);
  EXPECT_EQ(h.session.name, "app");
  EXPECT_EQ(h.Run({"HELLO", "3", "SETNAME", "x", "y"}),
            Err("ERR Syntax error in HELLO option 'y'"));
  EXPECT_EQ(h.Run({"HELLO", "3", "SETNAME", "b\x01"}),
            Err("ERR Client names cannot contain spaces, newlines or special characters."));
  EXPECT_EQ(h.session.name, "app");
}

TEST(ServerTest, TimeReplyShape) {
  Harness h;
  const std::string r = h.Run({"TIME"});
  ASSERT_EQ(r.substr(0, 4), "*2\r\n");
  EXPECT_EQ(r[4], '$');
}

TEST(ServerTest, DebugDisabledAndEnabled) {
  Harness h;
  const std::string r = h.Run({"DEBUG", "SLEEP", "0"});
  EXPECT_EQ(r, Err("ERR DEBUG command not allowed. If the enable-debug-command option is set to "
                   "\"local\", you can run it from a local connection, otherwise you need to set "
                   "this option in the configuration file, and then restart the server."));
  h.config.enable_debug_command = true;
  EXPECT_EQ(h.Run({"DEBUG", "SLEEP", "0"}), kOK);
  EXPECT_EQ(h.Run({"DEBUG", "SLEEP", "x"}), Err("ERR value is not a valid float"));
  EXPECT_EQ(h.Run({"DEBUG", "SET-ACTIVE-EXPIRE", "0"}), kOK);
  h.Run({"SET", "k", "v", "PX", "1"});
  h.AdvanceMs(5);
  EXPECT_FALSE(h.processor.ActiveExpireCycle(1000000));
  EXPECT_EQ(h.processor.TotalKeys(), 1u);  // disabled: nothing removed
  EXPECT_EQ(h.Run({"DEBUG", "SET-ACTIVE-EXPIRE", "1"}), kOK);
  h.processor.ActiveExpireCycle(1000000);
  EXPECT_EQ(h.processor.TotalKeys(), 0u);
  EXPECT_EQ(h.Run({"DEBUG", "nosuch"}),
            Err("ERR unknown subcommand or wrong number of arguments for 'nosuch'. Try DEBUG "
                "HELP."));
}

TEST(ServerTest, Shutdown) {
  Harness h;
  EXPECT_EQ(h.Run({"SHUTDOWN", "ABORT"}), Err("ERR No shutdown in progress."));
  EXPECT_EQ(h.Run({"SHUTDOWN", "foo"}), Err("ERR syntax error"));
  EXPECT_FALSE(h.control.shutdown_requested);
  EXPECT_EQ(h.Run({"SHUTDOWN", "NOSAVE"}), "");
  EXPECT_TRUE(h.control.shutdown_requested);
}

TEST(ConfigTest, GetIsAMapInResp3) {
  Harness h;
  h.session.protocol = 3;
  EXPECT_EQ(h.Run({"CONFIG", "GET", "maxmemory"}), "%1\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n");
  EXPECT_EQ(h.Run({"CONFIG", "GET", "nosuch"}), "%0\r\n");
}

TEST(ConfigTest, GetPatterns) {
  Harness h;
  EXPECT_EQ(h.Run({"CONFIG", "GET", "save"}), Array({Bulk("save"), Bulk("")}));
  EXPECT_EQ(h.Run({"CONFIG", "GET", "appendonly"}), Array({Bulk("appendonly"), Bulk("no")}));
  EXPECT_EQ(h.Run({"CONFIG", "GET", "nosuch"}), "*0\r\n");
  EXPECT_EQ(h.Run({"config", "get", "MAXMEMORY"}), Array({Bulk("maxmemory"), Bulk("0")}));
  EXPECT_EQ(h.Run({"CONFIG", "GET", "maxmemory*"}),
            Array({Bulk("maxmemory"), Bulk("0"), Bulk("maxmemory-policy"), Bulk("noeviction")}));
  // Several patterns, overlapping: each setting once.
  EXPECT_EQ(h.Run({"CONFIG", "GET", "port", "po*"}), Array({Bulk("port"), Bulk("6379")}));
  const std::string all = h.Run({"CONFIG", "GET", "*"});
  EXPECT_NE(all.find(Bulk("requirepass")), std::string::npos);
  EXPECT_EQ(h.Run({"CONFIG", "GET"}),
            Err("ERR wrong number of arguments for 'config|get' command"));
}

TEST(ConfigTest, SetRoundTripAndErrors) {
  Harness h;
  EXPECT_EQ(h.Run({"CONFIG", "SET", "maxmemory", "10mb"}), kOK);
  EXPECT_EQ(h.config.maxmemory, 10 * 1024 * 1024);
  EXPECT_EQ(h.Run({"CONFIG", "GET", "maxmemory"}), Array({Bulk("maxmemory"), Bulk("10485760")}));
  EXPECT_EQ(h.Run({"CONFIG", "SET", "timeout", "30", "maxclients", "50"}), kOK);
  EXPECT_EQ(h.config.timeout, 30);
  EXPECT_EQ(h.config.maxclients, 50);
  EXPECT_EQ(h.Run({"CONFIG", "SET", "foo", "1"}),
            Err("ERR Unknown option or number of arguments for CONFIG SET - 'foo'"));
  EXPECT_EQ(h.Run({"CONFIG", "SET", "maxmemory", "abc"}),
            Err("ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument "
                "must be a memory value"));
  EXPECT_EQ(h.Run({"CONFIG", "SET", "maxmemory", "1", "maxmemory", "2"}),
            Err("ERR CONFIG SET failed (possibly related to argument 'maxmemory') - duplicate "
                "parameter"));
  // All or nothing: the valid first pair is not applied when the second fails.
  EXPECT_EQ(h.Run({"CONFIG", "SET", "timeout", "5", "foo", "1"}),
            Err("ERR Unknown option or number of arguments for CONFIG SET - 'foo'"));
  EXPECT_EQ(h.config.timeout, 30);
  EXPECT_EQ(h.Run({"CONFIG", "SET", "port"}),
            Err("ERR wrong number of arguments for 'config|set' command"));
  EXPECT_EQ(h.Run({"CONFIG", "SET", "a", "b", "c"}),
            Err("ERR wrong number of arguments for 'config|set' command"));
  EXPECT_EQ(h.Run({"CONFIG", "foo"}), Err("ERR unknown subcommand 'foo'. Try CONFIG HELP."));
  EXPECT_EQ(h.Run({"CONFIG", "REWRITE"}), Err("ERR The server is running without a config file"));
  EXPECT_EQ(h.Run({"CONFIG", "RESETSTAT", "x"}),
            Err("ERR wrong number of arguments for 'config|resetstat' command"));
}

TEST(ConfigTest, RequirePassSetAtRunTime) {
  Harness h;
  EXPECT_EQ(h.Run({"CONFIG", "SET", "requirepass", "pw"}), kOK);
  Session other;
  other.id = 2;
  other.authenticated = false;
  EXPECT_EQ(h.RunAs(other, {"GET", "k"}), Err("NOAUTH Authentication required."));
  EXPECT_EQ(h.RunAs(other, {"AUTH", "pw"}), kOK);
  EXPECT_EQ(h.RunAs(other, {"GET", "k"}), kNil);
}

TEST(OomTest, WriteCommandsRejectedOverMaxmemory) {
  Harness h;
  const std::string oom = Err("OOM command not allowed when used memory > 'maxmemory'.");
  h.Run({"SET", "k", "v"});
  h.config.maxmemory = 1000;  // below the baseline: always over
  EXPECT_EQ(h.Run({"SET", "k2", "v"}), oom);
  EXPECT_EQ(h.Run({"INCR", "n"}), oom);
  EXPECT_EQ(h.Run({"APPEND", "k", "x"}), oom);
  EXPECT_EQ(h.Run({"MSET", "a", "1"}), oom);
  // Reads and deletes still work.
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk("v"));
  EXPECT_EQ(h.Run({"DEL", "k"}), Int(1));
  EXPECT_EQ(h.Run({"PING"}), "+PONG\r\n");
  h.config.maxmemory = static_cast<int64_t>(h.processor.UsedMemory()) + 1024 * 1024;
  EXPECT_EQ(h.Run({"SET", "k2", "v"}), kOK);
  // Filling past the limit turns writes off.
  const std::string value(64 * 1024, 'x');
  std::string last;
  for (int i = 0; i < 100 && last != oom; ++i) {
    last = h.Run({"SET", "big" + std::to_string(i), value});
  }
  EXPECT_EQ(last, oom);
}

TEST(InfoTest, SectionsAndFields) {
  Harness h;
  h.Run({"SET", "a", "1"});
  h.Run({"SET", "b", "2", "EX", "100"});
  const std::string all = h.Run({"INFO"});
  ASSERT_EQ(all[0], '$');
  for (const char* needle : {"# Server\r\n",
                             "redis_version:7.0.15\r\n",
                             "kv_version:",
                             "redis_mode:standalone\r\n",
                             "arch_bits:64\r\n",
                             "process_id:",
                             "tcp_port:6379\r\n",
                             "uptime_in_seconds:0\r\n",
                             "uptime_in_days:0\r\n",
                             "io_backend:epoll\r\n",
                             "io_batch_wait_usec:0\r\n",
                             "threads:1\r\n",
                             "# Clients\r\n",
                             "connected_clients:1\r\n",
                             "# Memory\r\n",
                             "used_memory:",
                             "used_memory_human:",
                             "maxmemory:0\r\n",
                             "maxmemory_policy:noeviction\r\n",
                             "# Stats\r\n",
                             "total_connections_received:",
                             "evicted_keys:0\r\n",
                             "# Keyspace\r\n",
                             "db0:keys=2,expires=1,avg_ttl=100000\r\n"}) {
    EXPECT_NE(all.find(needle), std::string::npos) << needle;
  }
  const std::string server = h.Run({"INFO", "server"});
  EXPECT_NE(server.find("redis_version:"), std::string::npos);
  EXPECT_EQ(server.find("# Memory"), std::string::npos);
  const std::string two = h.Run({"info", "MEMORY", "keyspace"});
  EXPECT_NE(two.find("# Memory\r\n"), std::string::npos);
  EXPECT_NE(two.find("\r\n\r\n# Keyspace\r\n"), std::string::npos);
  EXPECT_EQ(two.find("# Server"), std::string::npos);
  EXPECT_EQ(h.Run({"INFO", "nosuch"}), Bulk(""));
  EXPECT_NE(h.Run({"INFO", "everything"}).find("# Keyspace"), std::string::npos);
}

TEST(InfoTest, CommandStatsAndErrorStats) {
  Harness h;
  h.Run({"SET", "a", "1"});
  h.Run({"GET", "a"});
  h.Run({"GET"});  // rejected: arity
  h.Run({"INCR", "a"});
  h.Run({"SET", "a", "x"});
  h.Run({"INCR", "a"});  // failed: not an integer
  h.Run({"nosuch"});     // unknown: an error, no command
  const std::string commands = h.Run({"INFO", "commandstats"});
  EXPECT_NE(commands.find("# Commandstats\r\ncmdstat_get:calls=1,usec="), std::string::npos)
      << commands;
  EXPECT_NE(commands.find(",rejected_calls=1,failed_calls=0\r\n"), std::string::npos) << commands;
  EXPECT_NE(commands.find("cmdstat_set:calls=2,"), std::string::npos) << commands;
  EXPECT_NE(commands.find("cmdstat_incr:calls=2,"), std::string::npos) << commands;
  EXPECT_NE(commands.find(",rejected_calls=0,failed_calls=1\r\n"), std::string::npos) << commands;
  EXPECT_EQ(commands.find("cmdstat_del"), std::string::npos);  // never called: not listed
  EXPECT_EQ(commands.find("# Errorstats"), std::string::npos);
  EXPECT_NE(h.Run({"INFO", "errorstats"}).find("# Errorstats\r\nerrorstat_ERR:count=3\r\n"),
            std::string::npos);
  h.config.requirepass = "pw";
  h.session.authenticated = false;
  h.Run({"GET", "a"});
  h.Run({"AUTH", "bad"});
  h.session.authenticated = true;
  const std::string all = h.Run({"INFO"});  // the default sections: errorstats, no commandstats
  EXPECT_NE(all.find("errorstat_ERR:count=3\r\nerrorstat_NOAUTH:count=1\r\n"
                     "errorstat_WRONGPASS:count=1\r\n"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("total_error_replies:5\r\n"), std::string::npos);
  EXPECT_NE(all.find("rejected_calls:3\r\n"), std::string::npos);  // arity, unknown, NOAUTH
  EXPECT_EQ(all.find("# Commandstats"), std::string::npos);
  EXPECT_NE(h.Run({"INFO", "all"}).find("cmdstat_info:calls=3,"), std::string::npos);
  EXPECT_EQ(h.Run({"CONFIG", "RESETSTAT"}), kOK);
  const std::string reset = h.Run({"INFO", "commandstats", "errorstats"});
  // Only CONFIG RESETSTAT itself, counted when it returned.
  const size_t body = reset.find("\r\n") + 2;
  EXPECT_EQ(reset.substr(body, reset.find(",usec=") - body),
            "# Commandstats\r\ncmdstat_config:calls=1");
  EXPECT_NE(reset.find("# Errorstats\r\n\r\n"), std::string::npos) << reset;
}

TEST(InfoTest, FieldsToolsRead) {
  Harness h;
  const std::string all = h.Run({"INFO", "everything"});
  for (const char* needle : {"\r\nrun_id:",
                             "\r\nhz:10\r\n",
                             "\r\nconfigured_hz:10\r\n",
                             "\r\nexecutable:/",
                             "\r\nconfig_file:\r\n",
                             "\r\nblocked_clients:0\r\n",
                             "\r\nused_memory_rss:",
                             "\r\nused_memory_peak:",
                             "\r\nmem_fragmentation_ratio:",
                             "\r\nloading:0\r\n",
                             "\r\nrdb_changes_since_last_save:0\r\n",
                             "\r\naof_enabled:0\r\n",
                             "\r\ninstantaneous_ops_per_sec:0\r\n",
                             "\r\npubsub_channels:0\r\n",
                             "\r\nrole:master\r\n",
                             "\r\nmaster_repl_offset:0\r\n",
                             "\r\nused_cpu_user_children:",
                             "\r\n# Modules\r\n",
                             "\r\n# Commandstats\r\n",
                             "\r\n# Errorstats\r\n",
                             "\r\ncluster_enabled:0\r\n"}) {
    EXPECT_NE(all.find(needle), std::string::npos) << needle;
  }
  // run_id and master_replid: 40 hex digits, the same for every INFO of a process.
  const size_t at = all.find("\r\nrun_id:") + 9;
  const std::string run_id = all.substr(at, all.find('\r', at) - at);
  EXPECT_EQ(run_id.size(), 40u);
  EXPECT_EQ(run_id.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(h.Run({"INFO", "server"}).find("run_id:" + run_id + "\r\n"), std::string::npos);
}

TEST(InfoTest, InstantaneousOpsFromTickSamples) {
  Harness h;
  h.processor.ActiveExpireCycle(0);  // the first tick only records where it starts
  for (int tick = 0; tick < 16; ++tick) {
    for (int i = 0; i < 50; ++i) h.Run({"PING"});
    h.AdvanceMs(100);
    h.processor.ActiveExpireCycle(0);
  }
  // 50 commands per 100 ms in every sample (the INFO calls land after the last tick).
  EXPECT_NE(h.Run({"INFO", "stats"}).find("instantaneous_ops_per_sec:500\r\n"), std::string::npos);
}

TEST(InfoTest, VerbatimInResp3) {
  Harness h;
  h.Run({"SET", "a", "1"});
  const std::string text = "# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n";
  EXPECT_EQ(h.Run({"INFO", "keyspace"}), Bulk(text));
  h.session.protocol = 3;
  EXPECT_EQ(h.Run({"INFO", "keyspace"}), "=48\r\ntxt:" + text + "\r\n");  // as redis-server
}

// COMMAND INFO get as redis-server 7.0.15 sends it in RESP3, less the "access" key-spec flag.
TEST(CommandTest, InfoSetsAndMapsInResp3) {
  Harness h;
  h.session.protocol = 3;
  EXPECT_EQ(h.Run({"COMMAND", "INFO", "get"}),
            "*1\r\n*10\r\n$3\r\nget\r\n:2\r\n~2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n~3\r\n"
            "+@read\r\n+@string\r\n+@fast\r\n~0\r\n~1\r\n%3\r\n$5\r\nflags\r\n~1\r\n+RO\r\n"
            "$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n"
            "$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n"
            "$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n"
            ":0\r\n~0\r\n");
  EXPECT_EQ(h.Run({"COMMAND", "INFO", "nosuch"}), "*1\r\n_\r\n");
  EXPECT_EQ(h.Run({"COMMAND", "DOCS", "nosuch"}), "%0\r\n");
  EXPECT_EQ(h.Run({"COMMAND", "DOCS", "get"}).substr(0, 13), "%1\r\n$3\r\nget\r\n");
}

TEST(CommandTest, CountInfoDocs) {
  Harness h;
  const std::string count = h.Run({"COMMAND", "COUNT"});
  ASSERT_EQ(count[0], ':');
  const int n = std::stoi(count.substr(1));
  EXPECT_GT(n, 50);
  const std::string header =
      Reply([&](resp::ReplyWriter& w) { w.ArrayHeader(static_cast<size_t>(n)); });
  EXPECT_EQ(h.Run({"COMMAND"}).substr(0, header.size()), header);
  const std::string get_info = h.Run({"COMMAND", "INFO", "get"});
  const std::string prefix = "*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n";
  EXPECT_EQ(get_info.substr(0, prefix.size()), prefix);
  EXPECT_NE(get_info.find("+@read\r\n"), std::string::npos);
  EXPECT_NE(get_info.find("$9\r\nfind_keys\r\n"), std::string::npos);
  EXPECT_EQ(h.Run({"COMMAND", "INFO", "nosuch"}), Array({kNil}));
  EXPECT_EQ(h.Run({"COMMAND", "DOCS", "nosuch"}), "*0\r\n");
  EXPECT_EQ(h.Run({"COMMAND", "DOCS", "get"}).substr(0, 13), "*2\r\n$3\r\nget\r\n");
  EXPECT_EQ(h.Run({"COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2"}),
            Array({Bulk("a"), Bulk("b")}));
  EXPECT_EQ(h.Run({"COMMAND", "nosuch"}),
            Err("ERR unknown subcommand 'nosuch'. Try COMMAND HELP."));
}

TEST(CommandDocsTest, EveryRegisteredCommandHasDocs) {
  Harness h;
  CommandTable table;
  RegisterAllCommands(table);
  for (const CommandSpec& c : table.commands()) {
    const CommandDoc* doc = FindCommandDoc(c.name);
    ASSERT_NE(doc, nullptr) << c.name;
    EXPECT_EQ(doc->group, c.group) << c.name;
    EXPECT_FALSE(doc->summary.empty()) << c.name;
    // Each documented command is in COMMAND DOCS, once.
    const std::string one = h.Run({"COMMAND", "DOCS", std::string(c.name)});
    EXPECT_EQ(one.substr(0, 4), "*2\r\n") << c.name;
  }
  const std::string all = h.Run({"COMMAND", "DOCS"});
  EXPECT_EQ(all.substr(0, all.find('\r')), "*" + std::to_string(table.size() * 2));
}

// The argument tree redis-cli builds its hints and HELP from, checked against redis-server 7.0.15
// (the same names, types, tokens, flags and nesting; "since" and history are not sent).
TEST(CommandDocsTest, SetArgumentsAsRedis) {
  Harness h;
  h.session.protocol = 3;
  resp::ReplyReader reader;
  reader.Feed(h.Run({"COMMAND", "DOCS", "SET"}));
  resp::Reply r;
  ASSERT_EQ(reader.Next(&r), resp::ReadResult::kComplete);
  ASSERT_EQ(r.type, resp::Reply::Type::kMap);
  ASSERT_EQ(r.elements.size(), 2u);
  EXPECT_EQ(r.elements[0].str, "set");
  const resp::Reply& doc = r.elements[1];
  ASSERT_EQ(doc.elements.size(), 10u);
  EXPECT_EQ(doc.elements[8].str, "arguments");
  auto arg = [](std::string body) { return "%[$\"name\", " + body + "]"; };
  const std::string expected =
      "[" + arg("$\"key\", $\"type\", $\"key\", $\"key_spec_index\", :0") + ", " +
      arg("$\"value\", $\"type\", $\"string\"") + ", " +
      arg("$\"condition\", $\"type\", $\"oneof\", $\"flags\", ~[+\"optional\"], "
          "$\"arguments\", [" +
          arg("$\"nx\", $\"type\", $\"pure-token\", $\"token\", $\"NX\"") + ", " +
          arg("$\"xx\", $\"type\", $\"pure-token\", $\"token\", $\"XX\"") + "]") +
      ", " +
      arg("$\"get\", $\"type\", $\"pure-token\", $\"token\", $\"GET\", $\"flags\", "
          "~[+\"optional\"]") +
      ", " +
      arg("$\"expiration\", $\"type\", $\"oneof\", $\"flags\", ~[+\"optional\"], "
          "$\"arguments\", [" +
          arg("$\"seconds\", $\"type\", $\"integer\", $\"token\", $\"EX\"") + ", " +
          arg("$\"milliseconds\", $\"type\", $\"integer\", $\"token\", $\"PX\"") + ", " +
          arg("$\"unix-time-seconds\", $\"type\", $\"unix-time\", $\"token\", $\"EXAT\"") + ", " +
          arg("$\"unix-time-milliseconds\", $\"type\", $\"unix-time\", $\"token\", "
              "$\"PXAT\"") +
          ", " + arg("$\"keepttl\", $\"type\", $\"pure-token\", $\"token\", $\"KEEPTTL\"") + "]") +
      "]";
  EXPECT_EQ(resp::testing::Describe(doc.elements[9]), expected);
}

// Blocks, repeated blocks, a token on a group, and a container's subcommands.
TEST(CommandDocsTest, NestingAndSubcommands) {
  Harness h;
  h.session.protocol = 3;
  resp::ReplyReader reader;
  reader.Feed(h.Run({"COMMAND", "DOCS", "mset", "client"}));
  resp::Reply r;
  ASSERT_EQ(reader.Next(&r), resp::ReadResult::kComplete);
  const std::string text = resp::testing::Describe(r);
  EXPECT_NE(text.find("%[$\"name\", $\"key_value\", $\"type\", $\"block\", $\"flags\", "
                      "~[+\"multiple\"], $\"arguments\", [%[$\"name\", $\"key\", $\"type\", "
                      "$\"key\", $\"key_spec_index\", :0], %[$\"name\", $\"value\""),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("$\"subcommands\", %[$\"client|id\", %[$\"summary\""), std::string::npos);
  EXPECT_NE(text.find("%[$\"name\", $\"normal_master_replica_pubsub\", $\"type\", $\"oneof\", "
                      "$\"token\", $\"TYPE\", $\"flags\", ~[+\"optional\"]"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("%[$\"name\", $\"client-id\", $\"type\", $\"integer\", $\"token\", "
                      "$\"ID\", $\"flags\", ~[+\"optional\", +\"multiple\"]]"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace kv::server
