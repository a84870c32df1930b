// Nodes of large sets and hashes: their bytes, chunk sizes and in-place value writes, and the
// hash table holding them (the keyspace's BasicDict, instantiated for FieldNode).
#include "server/store/field_node.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "server/store/object.h"

namespace kv::server {
namespace {

TEST(FieldNodeTest, HoldsKeyAndValueInOneChunk) {
  FieldNode* member = FieldNode::Create("member:123456", "");
  EXPECT_EQ(member->key(), "member:123456");
  EXPECT_EQ(member->value(), "");
  EXPECT_EQ(member->HeapSize(), 32u);  // 8-byte link, 1 + 13 + 1 bytes: a 32-byte chunk
  FieldNode* pair = FieldNode::Create("field:123456", "value:123456");
  EXPECT_EQ(pair->key(), "field:123456");
  EXPECT_EQ(pair->value(), "value:123456");
  EXPECT_EQ(pair->HeapSize(), 48u);
  // Lengths of 128 bytes and more take longer varints.
  const std::string long_key(300, 'k');
  const std::string long_value(20000, 'v');
  FieldNode* big = FieldNode::Create(long_key, long_value);
  EXPECT_EQ(big->key(), long_key);
  EXPECT_EQ(big->value(), long_value);
  EXPECT_EQ(big->HeapSize(), MallocChunk(8 + 2 + 300 + 3 + 20000));
  EXPECT_TRUE(big->KeyEquals(long_key));
  EXPECT_FALSE(big->KeyEquals(std::string(299, 'k')));
  EXPECT_FALSE(big->KeyEquals("k"));
  EXPECT_TRUE(member->KeyEquals("member:123456"));
  EXPECT_FALSE(member->KeyEquals("member:123457"));
  EXPECT_FALSE(member->KeyEquals("member:12345"));
  EXPECT_FALSE(member->KeyEquals(long_key));
  for (FieldNode* n : {member, pair, big}) FieldNode::Destroy(n);
}

TEST(FieldNodeTest, ReplaceValueOnlyWithinTheChunk) {
  FieldNode* n = FieldNode::Create("f", "abc");  // 8 + 2 + 4 = 14 of a 24-byte request
  const size_t heap = n->HeapSize();
  EXPECT_TRUE(n->ReplaceValue("0123456789"));
  EXPECT_EQ(n->value(), "0123456789");
  EXPECT_EQ(n->key(), "f");
  EXPECT_EQ(n->HeapSize(), heap);
  EXPECT_TRUE(n->ReplaceValue(""));
  EXPECT_EQ(n->value(), "");
  EXPECT_FALSE(n->ReplaceValue(std::string(40, 'x')));  // needs a larger chunk
  EXPECT_EQ(n->value(), "");
  FieldNode::Destroy(n);
}

TEST(FieldNodeTest, TheDictFindsUnlinksScansAndReleasesNodes) {
  FieldDict d;
  size_t heap = 0;
  for (int i = 0; i < 5000; ++i) {
    FieldNode* n = FieldNode::Create("m" + std::to_string(i), std::to_string(i));
    heap += n->HeapSize();
    d.Insert(n);
  }
  ASSERT_NE(d.Find("m4999"), nullptr);
  EXPECT_EQ(d.Find("m4999")->value(), "4999");
  EXPECT_EQ(d.Find("m5000"), nullptr);
  FieldNode* gone = d.Unlink("m7");
  ASSERT_NE(gone, nullptr);
  heap -= gone->HeapSize();
  FieldNode::Destroy(gone);
  std::set<std::string> scanned;
  uint64_t cursor = 0;
  do {
    cursor = d.Scan(cursor, [&](const FieldNode* n) { scanned.emplace(n->key()); });
  } while (cursor != 0);
  EXPECT_EQ(scanned.size(), 4999u);
  EXPECT_EQ(scanned.count("m7"), 0u);
  size_t freed = 0;
  while (!d.ReleaseSome(100, &freed)) {
  }
  EXPECT_EQ(freed, heap);
  EXPECT_EQ(d.size(), 0u);
}

}  // namespace
}  // namespace kv::server
