// Key slots against values redis-server 7.0.15 printed for CLUSTER KEYSLOT.
#include "resp/key_slot.h"

#include <gtest/gtest.h>

#include <string>

namespace kv::resp {
namespace {

TEST(KeySlotTest, Crc16XmodemCheckValue) {
  EXPECT_EQ(Crc16("123456789"), 0x31C3);  // the CRC catalogue's check value for XMODEM
  EXPECT_EQ(Crc16(""), 0);
}

TEST(KeySlotTest, MatchesRedisClusterKeyslot) {
  struct SlotCase {
    std::string key;
    int slot;
  };
  const SlotCase cases[] = {
      {"foo", 12182},    {"bar", 5061},
      {"", 0},           {"123456789", 12739},
      {"{}abc", 5980},   {"a{}b", 13694},
      {"{a}{b}", 15495}, {"x{", 3596},
      {"x}{y}", 12222},  {"key:000000000042", 7803},
  };
  for (const SlotCase& c : cases) EXPECT_EQ(KeySlot(c.key), c.slot) << '"' << c.key << '"';
}

TEST(KeySlotTest, HashTagsShareASlot) {
  EXPECT_EQ(KeySlot("{user1000}.following"), 3443);
  EXPECT_EQ(KeySlot("{user1000}.followers"), 3443);
  EXPECT_EQ(KeySlot("{key:000000000042}"), KeySlot("key:000000000042"));
  EXPECT_EQ(KeySlot("{a}{b}"), KeySlot("a"));
  EXPECT_EQ(KeySlot("x}{y}"), KeySlot("y"));
}

TEST(KeySlotTest, HashTagRules) {
  EXPECT_EQ(HashTag("{user}.x"), "user");
  EXPECT_EQ(HashTag("plain"), "plain");
  EXPECT_EQ(HashTag("{}abc"), "{}abc");  // empty tag: the whole key
  EXPECT_EQ(HashTag("a{b"), "a{b");      // no closing brace
  EXPECT_EQ(HashTag("a{b}{c}"), "b");    // the first tag only
  EXPECT_EQ(HashTag("a}b{c}"), "c");     // a '}' before the first '{' is ordinary
}

TEST(KeySlotTest, SlotsAreInRangeForBinaryKeys) {
  std::string key;
  for (int i = 0; i < 256; ++i) {
    key.push_back(static_cast<char>(i));
    const int slot = KeySlot(key);
    EXPECT_GE(slot, 0);
    EXPECT_LT(slot, kClusterSlots);
  }
}

}  // namespace
}  // namespace kv::resp
