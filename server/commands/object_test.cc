// OBJECT and MEMORY semantics and error texts. Expected replies were checked against
// redis-server 7.0.15 (MEMORY USAGE figures are kv-server's own layout, see store.h).
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

std::string Encoding(Harness& h, const std::string& key) {
  return h.Run({"OBJECT", "ENCODING", key});
}

TEST(ObjectTest, EncodingBySet) {
  Harness h;
  const std::string int_ = Bulk("int");
  const std::string embstr = Bulk("embstr");
  const std::string raw = Bulk("raw");
  EXPECT_EQ(Encoding(h, "nokey"), kNil);
  struct Case {
    std::string value;
    std::string encoding;
  };
  const Case cases[] = {
      {"12345", int_},
      {"-5", int_},
      {"0", int_},
      {"9223372036854775807", int_},
      {"-9223372036854775808", int_},
      {"9223372036854775808", embstr},   // does not fit a long
      {"12345678901234567890", embstr},  // 20 digits, too big
      {"007", embstr},                   // not canonical
      {"-0", embstr},
      {"+1", embstr},
      {" 1", embstr},
      {"", embstr},
      {"hello", embstr},
      {std::string(44, 'x'), embstr},
      {std::string(45, 'x'), raw},
      {std::string(1000, 'x'), raw},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(h.Run({"SET", "k", c.value}), kOK);
    EXPECT_EQ(Encoding(h, "k"), c.encoding) << "'" << c.value << "'";
  }
  EXPECT_EQ(h.Run({"MSET", "m", "7", "n", "seven"}), kOK);
  EXPECT_EQ(Encoding(h, "m"), int_);
  EXPECT_EQ(Encoding(h, "n"), embstr);
  EXPECT_EQ(h.Run({"INCR", "c"}), Int(1));
  EXPECT_EQ(Encoding(h, "c"), int_);
}

// Values written in place are "raw" whatever their bytes, until a whole value is set again.
TEST(ObjectTest, EncodingAfterInPlaceWrites) {
  Harness h;
  EXPECT_EQ(h.Run({"SET", "a", "1"}), kOK);
  EXPECT_EQ(h.Run({"APPEND", "a", "2"}), Int(2));
  EXPECT_EQ(Encoding(h, "a"), Bulk("raw"));
  EXPECT_EQ(h.Run({"OBJECT", "REFCOUNT", "a"}), Int(1));
  EXPECT_EQ(h.Run({"APPEND", "b", "12"}), Int(2));  // APPEND to a missing key is a plain set
  EXPECT_EQ(Encoding(h, "b"), Bulk("int"));
  EXPECT_EQ(h.Run({"SETRANGE", "c", "0", "5"}), Int(1));
  EXPECT_EQ(Encoding(h, "c"), Bulk("raw"));
  EXPECT_EQ(h.Run({"SET", "d", "5"}), kOK);
  EXPECT_EQ(h.Run({"SETBIT", "d", "0", "0"}), Int(0));
  EXPECT_EQ(Encoding(h, "d"), Bulk("raw"));
  EXPECT_EQ(h.Run({"SET", "e", "abc"}), kOK);
  EXPECT_EQ(h.Run({"BITOP", "NOT", "e", "e"}), Int(3));
  EXPECT_EQ(Encoding(h, "e"), Bulk("raw"));
  EXPECT_EQ(h.Run({"SET", "f", "1"}), kOK);
  h.Run({"BITFIELD", "f", "GET", "u8", "0"});
  EXPECT_EQ(Encoding(h, "f"), Bulk("int"));  // a read leaves it
  h.Run({"BITFIELD", "f", "SET", "u8", "0", "49"});
  EXPECT_EQ(Encoding(h, "f"), Bulk("raw"));
  EXPECT_EQ(h.Run({"RENAME", "f", "g"}), kOK);
  EXPECT_EQ(Encoding(h, "g"), Bulk("raw"));
  EXPECT_EQ(h.Run({"SET", "g", "1"}), kOK);
  EXPECT_EQ(Encoding(h, "g"), Bulk("int"));
}

TEST(ObjectTest, Refcount) {
  Harness h;
  EXPECT_EQ(h.Run({"OBJECT", "REFCOUNT", "nokey"}), kNil);
  EXPECT_EQ(h.Run({"SET", "k", "5"}), kOK);
  EXPECT_EQ(h.Run({"OBJECT", "REFCOUNT", "k"}), Int(2147483647));  // a shared integer
  EXPECT_EQ(h.Run({"SET", "k", "9999"}), kOK);
  EXPECT_EQ(h.Run({"OBJECT", "REFCOUNT", "k"}), Int(2147483647));
  EXPECT_EQ(h.Run({"SET", "k", "10000"}), kOK);
  EXPECT_EQ(h.Run({"OBJECT", "REFCOUNT", "k"}), Int(1));
  EXPECT_EQ(h.Run({"SET", "k", "-5"}), kOK);
  EXPECT_EQ(h.Run({"OBJECT", "REFCOUNT", "k"}), Int(1));
  EXPECT_EQ(h.Run({"SET", "k", "five"}), kOK);
  EXPECT_EQ(h.Run({"OBJECT", "REFCOUNT", "k"}), Int(1));
  EXPECT_EQ(h.Run({"INCR", "c"}), Int(1));
  EXPECT_EQ(h.Run({"OBJECT", "REFCOUNT", "c"}), Int(2147483647));
}

TEST(ObjectTest, IdletimeCountsSecondsSinceLastAccess) {
  Harness h;
  EXPECT_EQ(h.Run({"OBJECT", "IDLETIME", "nokey"}), kNil);
  EXPECT_EQ(h.Run({"SET", "k", "v"}), kOK);
  EXPECT_EQ(h.Run({"OBJECT", "IDLETIME", "k"}), Int(0));
  h.AdvanceMs(5000);
  EXPECT_EQ(h.Run({"OBJECT", "IDLETIME", "k"}), Int(5));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "k"}), Bulk("embstr"));  // OBJECT does not touch
  EXPECT_EQ(h.Run({"MEMORY", "USAGE", "k"}).substr(0, 1), ":");   // nor does MEMORY USAGE
  EXPECT_EQ(h.Run({"OBJECT", "IDLETIME", "k"}), Int(5));
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk("v"));
  EXPECT_EQ(h.Run({"OBJECT", "IDLETIME", "k"}), Int(0));
  h.AdvanceMs(3000);
  EXPECT_EQ(h.Run({"APPEND", "k", "w"}), Int(2));
  EXPECT_EQ(h.Run({"OBJECT", "IDLETIME", "k"}), Int(0));
  h.AdvanceMs(61000);
  EXPECT_EQ(h.Run({"OBJECT", "IDLETIME", "k"}), Int(61));
}

TEST(ObjectTest, FreqNeedsAnLfuPolicy) {
  Harness h;
  EXPECT_EQ(h.Run({"OBJECT", "FREQ", "nokey"}), kNil);  // the lookup comes first
  EXPECT_EQ(h.Run({"SET", "k", "v"}), kOK);
  EXPECT_EQ(h.Run({"OBJECT", "FREQ", "k"}),
            Err("ERR An LFU maxmemory policy is not selected, access frequency not tracked. "
                "Please note that when switching between policies at runtime LRU and LFU data "
                "will take some time to adjust."));
}

TEST(ObjectTest, HelpAndErrors) {
  Harness h;
  const std::string help = h.Run({"OBJECT", "HELP"});
  EXPECT_EQ(help.substr(0, help.find('\n') + 1), "*15\r\n");
  EXPECT_NE(help.find("+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
                      "+ENCODING <key>\r\n"
                      "+    Return the kind of internal representation used in order to store "
                      "the value\r\n"),
            std::string::npos);
  EXPECT_EQ(h.Run({"OBJECT"}), Err("ERR wrong number of arguments for 'object' command"));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING"}),
            Err("ERR wrong number of arguments for 'object|encoding' command"));
  EXPECT_EQ(h.Run({"OBJECT", "encoding", "a", "b"}),
            Err("ERR wrong number of arguments for 'object|encoding' command"));
  EXPECT_EQ(h.Run({"OBJECT", "HELP", "x"}),
            Err("ERR wrong number of arguments for 'object|help' command"));
  EXPECT_EQ(h.Run({"OBJECT", "foo"}), Err("ERR unknown subcommand 'foo'. Try OBJECT HELP."));
  h.session.protocol = 3;
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "nokey"}), "_\r\n");
}

TEST(MemoryTest, UsageIsTheKeysShareOfTheLayout) {
  Harness h;
  EXPECT_EQ(h.Run({"MEMORY", "USAGE", "nokey"}), kNil);
  // The benchmark's key shape: a 64-byte heap chunk, plus the only key's 4 bucket pointers.
  EXPECT_EQ(h.Run({"SET", "key:000000000001", "abc"}), kOK);
  EXPECT_EQ(h.Run({"MEMORY", "USAGE", "key:000000000001"}), Int(64 + 32));
  EXPECT_EQ(h.Run({"MEMORY", "USAGE", "key:000000000001", "SAMPLES", "0"}), Int(64 + 32));
  // With an expiry: plus its slot in the TTL index (8 bytes; now 2 keys share the 4 buckets).
  EXPECT_EQ(h.Run({"SET", "key:000000000002", "abc", "EX", "100"}), kOK);
  EXPECT_EQ(h.Run({"MEMORY", "USAGE", "key:000000000002"}), Int(64 + 16 + 8));
  // A 1000-byte value: 36-byte header + 16-byte key + 1000 + malloc's 8-byte chunk header, in a
  // chunk rounded up to 16 bytes: 1072.
  EXPECT_EQ(h.Run({"SET", "key:000000000001", std::string(1000, 'x')}), kOK);
  EXPECT_EQ(h.Run({"MEMORY", "USAGE", "key:000000000001"}), Int(1072 + 16));
  // A new bitmap holds exactly its bytes (a 12501-byte value: a 12560-byte chunk).
  EXPECT_EQ(h.Run({"SETBIT", "bitmap", "100000", "1"}), Int(0));
  EXPECT_EQ(h.Run({"MEMORY", "USAGE", "bitmap"}), Int(12560 + 11));
  h.session.protocol = 3;
  EXPECT_EQ(h.Run({"MEMORY", "USAGE", "nokey"}), "_\r\n");
}

TEST(MemoryTest, UsageErrors) {
  Harness h;
  EXPECT_EQ(h.Run({"SET", "k", "v"}), kOK);
  EXPECT_EQ(h.Run({"MEMORY", "USAGE", "k", "SAMPLES"}), testing::kSyntax);
  EXPECT_EQ(h.Run({"MEMORY", "USAGE", "k", "SAMPLES", "-1"}), testing::kSyntax);
  EXPECT_EQ(h.Run({"MEMORY", "USAGE", "k", "FOO", "1"}), testing::kSyntax);
  EXPECT_EQ(h.Run({"MEMORY", "USAGE", "nokey", "SAMPLES", "x"}),
            Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(h.Run({"MEMORY", "USAGE"}),
            Err("ERR wrong number of arguments for 'memory|usage' command"));
  EXPECT_EQ(h.Run({"MEMORY"}), Err("ERR wrong number of arguments for 'memory' command"));
  EXPECT_EQ(h.Run({"MEMORY", "foo"}), Err("ERR unknown subcommand 'foo'. Try MEMORY HELP."));
  EXPECT_EQ(h.Run({"MEMORY", "STATS"}), Err("ERR unknown subcommand 'STATS'. Try MEMORY HELP."));
}

TEST(MemoryTest, HelpMallocStatsPurge) {
  Harness h;
  const std::string help = h.Run({"MEMORY", "HELP"});
  EXPECT_EQ(help.substr(0, help.find('\n') + 1), "*10\r\n");
  EXPECT_NE(help.find("+USAGE <key> [SAMPLES <count>]\r\n"), std::string::npos);
  const std::string stats = h.Run({"MEMORY", "MALLOC-STATS"});
  EXPECT_EQ(stats[0], '$');
  EXPECT_NE(stats.find("<malloc version="), std::string::npos);
  EXPECT_EQ(h.Run({"MEMORY", "PURGE"}), kOK);
  EXPECT_EQ(h.Run({"MEMORY", "PURGE", "x"}),
            Err("ERR wrong number of arguments for 'memory|purge' command"));
}

}  // namespace
}  // namespace kv::server
