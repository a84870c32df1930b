// A node of a large set or hash (their BasicDict's nodes): the bucket chain link, then the
// member or field and its value, each a varint length and its bytes (PackedList's codec), in one
// allocation. A set member has an empty value. "member:123456" takes a 32-byte malloc chunk (the
// keyspace's Entry: 64; Redis: a 24-byte dict entry and an sds, 64 bytes in jemalloc's classes).
#pragma once

#include <cstddef>
#include <string_view>

#include "server/store/dict.h"
#include "server/store/object.h"
#include "server/store/packed_list.h"

namespace kv::server {

struct FieldNode {
  FieldNode* next;  // chain in the dict bucket

  std::string_view key() const {
    std::string_view k;
    PackedList::ReadAt(data(), 0, &k);
    return k;
  }
  bool KeyEquals(std::string_view k) const { return key() == k; }
  std::string_view value() const {
    std::string_view v;
    PackedList::ReadAt(data(), PackedList::NextAt(data(), 0), &v);
    return v;
  }

  // A node of key and value (the whole malloc chunk is requested: AllocSize()).
  static FieldNode* Create(std::string_view key, std::string_view value);
  static void Destroy(FieldNode* n);
  // Writes value over the current one when the node's chunk holds it; false (nothing changed)
  // when a new node is needed.
  bool ReplaceValue(std::string_view value);
  // Bytes requested from malloc, and the malloc chunk they take.
  size_t AllocSize() const { return AllocSizeFor(key().size(), value().size()); }
  size_t HeapSize() const { return MallocChunk(AllocSize()); }

 private:
  static size_t AllocSizeFor(size_t key_len, size_t value_len) {
    return MallocChunkRequest(sizeof(FieldNode) + PackedList::EncodedSize(key_len) +
                              PackedList::EncodedSize(value_len));
  }
  char* data() { return reinterpret_cast<char*>(this + 1); }
  const char* data() const { return reinterpret_cast<const char*>(this + 1); }
};

// The table of a large set or hash.
using FieldDict = BasicDict<FieldNode>;

}  // namespace kv::server
