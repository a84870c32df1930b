// Command table: registration, case-insensitive allocation-free lookup, spec sanity.
#include "server/engine/command_table.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "server/commands/commands.h"

namespace kv::server {
namespace {

void Nop(CommandContext&) {}

TEST(CommandTableTest, LookupIsCaseInsensitive) {
  CommandTable t;
  t.Register({"get", Nop, 2, kCmdReadOnly, 1, 1, 1, "", ""});
  t.Register({"getex", Nop, -2, kCmdWrite, 1, 1, 1, "", ""});
  t.Register({"set", Nop, -3, kCmdWrite, 1, 1, 1, "", ""});
  ASSERT_NE(t.Find("GET"), nullptr);
  EXPECT_EQ(t.Find("gEt")->name, "get");
  EXPECT_EQ(t.Find("GETEX")->name, "getex");
  EXPECT_EQ(t.Find("set")->arity, -3);
  EXPECT_EQ(t.Find("ge"), nullptr);
  EXPECT_EQ(t.Find("gets"), nullptr);
  EXPECT_EQ(t.Find(""), nullptr);
  EXPECT_EQ(t.Find(std::string(100, 'g')), nullptr);
  // Same (length, first letter | 0x20) bucket, different name.
  EXPECT_EQ(t.Find("gxt"), nullptr);
  EXPECT_EQ(t.Find("G\x45T"), t.Find("get"));
}

TEST(CommandTableTest, ReRegisterReplaces) {
  CommandTable t;
  t.Register({"ping", Nop, -1, 0, 0, 0, 0, "", ""});
  t.Register({"ping", Nop, 1, 0, 0, 0, 0, "", ""});
  EXPECT_EQ(t.size(), 1u);
  EXPECT_EQ(t.Find("PING")->arity, 1);
}

TEST(CommandTableTest, AllFamiliesRegisterSaneSpecs) {
  CommandTable t;
  RegisterAllCommands(t);
  std::set<std::string> names;
  for (const CommandSpec& c : t.commands()) {
    const std::string name(c.name);
    EXPECT_TRUE(names.insert(name).second) << name;
    for (char ch : name) EXPECT_FALSE(ch >= 'A' && ch <= 'Z') << name;
    EXPECT_NE(c.handler, nullptr) << name;
    EXPECT_NE(c.arity, 0) << name;
    EXPECT_EQ(t.Find(name), &c) << name;
    if (c.first_key > 0) {
      EXPECT_GT(c.step, 0) << name;
    }
  }
  for (const char* hot : {"get", "set", "incr", "mget", "mset", "del", "ping", "expire", "ttl",
                          "delifeq", "config", "client", "info", "command", "hello", "auth"}) {
    EXPECT_TRUE(names.count(hot)) << hot;
  }
}

}  // namespace
}  // namespace kv::server
