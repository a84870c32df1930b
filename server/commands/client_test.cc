// CLIENT subcommands against a fake ServerControl. Line format and texts checked against
// redis-server 7.0.15.
#include <gtest/gtest.h>

#include <string>

#include "server/commands/command_test_util.h"

namespace kv::server {
namespace {

using testing::Bulk;
using testing::Err;
using testing::Harness;
using testing::Int;
using testing::kNil;
using testing::kOK;

TEST(ClientTest, IdNames) {
  Harness h;
  EXPECT_EQ(h.Run({"CLIENT", "ID"}), Int(1));
  EXPECT_EQ(h.Run({"CLIENT", "GETNAME"}), kNil);
  EXPECT_EQ(h.Run({"CLIENT", "SETNAME", "worker-1"}), kOK);
  EXPECT_EQ(h.Run({"client", "getname"}), Bulk("worker-1"));
  EXPECT_EQ(h.Run({"CLIENT", "SETNAME", "a b"}),
            Err("ERR Client names cannot contain spaces, newlines or special characters."));
  EXPECT_EQ(h.Run({"CLIENT", "SETNAME", "a\nb"}),
            Err("ERR Client names cannot contain spaces, newlines or special characters."));
  EXPECT_EQ(h.Run({"CLIENT", "SETNAME", ""}), kOK);
  EXPECT_EQ(h.Run({"CLIENT", "GETNAME"}), kNil);
  EXPECT_EQ(h.Run({"CLIENT", "SETNAME"}),
            Err("ERR wrong number of arguments for 'client|setname' command"));
  EXPECT_EQ(h.Run({"CLIENT", "foo"}), Err("ERR unknown subcommand 'foo'. Try CLIENT HELP."));
}

// flags, sub, psub and multi follow the client's state, as redis-server 7.0.15 prints them.
TEST(ClientTest, ListShowsSubscriptionsMultiAndMonitor) {
  Harness h;
  Session other;
  other.id = 2;
  h.control.sessions.push_back(&other);
  h.RunAs(other, {"SUBSCRIBE", "a", "b"});
  h.RunAs(other, {"PSUBSCRIBE", "p*"});
  std::string list = h.Run({"CLIENT", "LIST"});
  EXPECT_NE(list.find("id=2 "), std::string::npos) << list;
  EXPECT_NE(list.find("flags=P db=0 sub=2 psub=1 ssub=0 multi=-1 "), std::string::npos) << list;
  h.RunAs(other, {"RESET"});
  h.RunAs(other, {"WATCH", "k"});
  h.RunAs(other, {"MULTI"});
  h.RunAs(other, {"SET", "x", "1"});
  h.RunAs(other, {"GET", "x"});
  h.Run({"SET", "k", "changed"});
  list = h.Run({"CLIENT", "LIST"});
  EXPECT_NE(list.find("flags=xd db=0 sub=0 psub=0 ssub=0 multi=2 "), std::string::npos) << list;
  h.RunAs(other, {"DISCARD"});
  h.RunAs(other, {"MONITOR"});
  list = h.Run({"CLIENT", "LIST"});
  EXPECT_NE(list.find("flags=O db=0 sub=0 psub=0 ssub=0 multi=-1 "), std::string::npos) << list;
}

TEST(ClientTest, ListLineFormat) {
  Harness h;
  h.session.name = "app";
  h.session.db = 3;
  h.session.query_buffer_bytes = 26;
  h.AdvanceMs(5000);
  EXPECT_EQ(h.Run({"CLIENT", "LIST"}),
            Bulk("id=1 addr=127.0.0.1:40001 laddr=127.0.0.1:6379 fd=7 name=app age=5 idle=5 "
                 "flags=N db=3 sub=0 psub=0 ssub=0 multi=-1 qbuf=26 qbuf-free=0 argv-mem=0 "
                 "multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r "
                 "cmd=client|list user=default redir=-1 resp=2\n"));
  EXPECT_EQ(h.session.last_command, "client");
  EXPECT_EQ(h.session.last_subcommand, "list");  // CLIENT LIST prints cmd=client|list
  const std::string info = h.Run({"CLIENT", "INFO"});
  EXPECT_NE(info.find("cmd=client|info "), std::string::npos) << info;
}

TEST(ClientTest, InfoAndListAreVerbatimInResp3) {
  Harness h;
  h.session.protocol = 3;
  const std::string line =
      "id=1 addr=127.0.0.1:40001 laddr=127.0.0.1:6379 fd=7 name= age=0 idle=0 flags=N db=0 sub=0 "
      "psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 "
      "omem=0 tot-mem=0 events=r cmd=client|info user=default redir=-1 resp=3\n";
  EXPECT_EQ(h.Run({"CLIENT", "INFO"}),
            "=" + std::to_string(line.size() + 4) + "\r\ntxt:" + line + "\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "LIST"}).substr(0, 1), "=");
  EXPECT_EQ(h.Run({"CLIENT", "GETNAME"}), "_\r\n");
}

TEST(ClientTest, ListFilters) {
  Harness h;
  Session other;
  other.id = 2;
  other.addr = "127.0.0.1:40002";
  h.control.sessions.push_back(&other);
  const std::string both = h.Run({"CLIENT", "LIST"});
  EXPECT_NE(both.find("id=1 "), std::string::npos);
  EXPECT_NE(both.find("\nid=2 "), std::string::npos);
  const std::string only2 = h.Run({"CLIENT", "LIST", "ID", "2"});
  EXPECT_EQ(only2.find("id=1 "), std::string::npos);
  EXPECT_NE(only2.find("id=2 "), std::string::npos);
  EXPECT_EQ(h.Run({"CLIENT", "LIST", "TYPE", "pubsub"}), Bulk(""));
  EXPECT_NE(h.Run({"CLIENT", "LIST", "TYPE", "normal"}).find("id=2"), std::string::npos);
  EXPECT_EQ(h.Run({"CLIENT", "LIST", "TYPE", "bogus"}), Err("ERR Unknown client type 'bogus'"));
  EXPECT_EQ(h.Run({"CLIENT", "LIST", "ID", "x"}), Err("ERR Invalid client ID"));
  EXPECT_EQ(h.Run({"CLIENT", "LIST", "foo"}), Err("ERR syntax error"));
}

TEST(ClientTest, KillOldForm) {
  Harness h;
  Session other;
  other.id = 2;
  other.addr = "127.0.0.1:40002";
  h.control.sessions.push_back(&other);
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "127.0.0.1:9"}), Err("ERR No such client"));
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "127.0.0.1:40002"}), kOK);
  EXPECT_EQ(h.control.killed, std::vector<uint64_t>{2});
  // Killing itself: the reply is sent, then the connection closes.
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "127.0.0.1:40001"}), kOK);
  EXPECT_TRUE(h.session.close_after_reply);
}

TEST(ClientTest, KillFilters) {
  Harness h;
  Session other;
  other.id = 2;
  other.addr = "127.0.0.1:40002";
  other.laddr = "127.0.0.1:6379";
  h.control.sessions.push_back(&other);
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "ID", "9"}), Int(0));
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "ID", "0"}), Err("ERR client-id should be greater than 0"));
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "TYPE", "bogus"}), Err("ERR Unknown client type 'bogus'"));
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "USER", "bob"}), Err("ERR No such user 'bob'"));
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "SKIPME", "maybe"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "ID", "1", "foo"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "TYPE", "master"}), Int(0));
  // SKIPME defaults to yes: LADDR matches both, only the other one goes.
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "LADDR", "127.0.0.1:6379"}), Int(1));
  EXPECT_EQ(h.control.killed, std::vector<uint64_t>{2});
  EXPECT_FALSE(h.session.close_after_reply);
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "ID", "1", "SKIPME", "no"}), Int(1));
  EXPECT_TRUE(h.session.close_after_reply);
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "ADDR", "127.0.0.1:40002", "USER", "default"}), Int(1));
}

TEST(ClientTest, SetInfoAndNoEvict) {
  Harness h;
  EXPECT_EQ(h.Run({"CLIENT", "SETINFO", "LIB-NAME", "redis-py"}), kOK);
  EXPECT_EQ(h.Run({"CLIENT", "SETINFO", "lib-ver", "5.0.1"}), kOK);
  EXPECT_EQ(h.session.lib_name, "redis-py");
  EXPECT_EQ(h.session.lib_ver, "5.0.1");
  EXPECT_EQ(h.Run({"CLIENT", "SETINFO", "foo", "x"}), Err("ERR Unrecognized option 'foo'"));
  EXPECT_EQ(h.Run({"CLIENT", "SETINFO", "LIB-NAME", "a b"}),
            Err("ERR lib-name cannot contain spaces, newlines or special characters."));
  EXPECT_EQ(h.Run({"CLIENT", "NO-EVICT", "on"}), kOK);
  EXPECT_EQ(h.Run({"CLIENT", "NO-EVICT", "maybe"}), Err("ERR syntax error"));
}

}  // namespace
}  // namespace kv::server
