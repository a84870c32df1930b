// A small hash's encoding ("listpack"): a 2-byte count of pairs, then each field and its value
// as PackedList elements (a varint length and the bytes), back to back. These bytes are the
// value bytes of the hash's key Entry (hash_value.h), so a small hash costs no allocation of its
// own. Reads are scans: meant for at most hash-max-listpack-entries short pairs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "server/store/packed_list.h"

namespace kv::server {

struct PackedPairs {
  // The count's bytes before the first pair.
  static constexpr size_t kHeader = sizeof(uint16_t);
  // The pairs' bytes stay below 64 KiB whatever the limits (so the count fits 16 bits); with the
  // default limits a packed hash holds at most 2 x 128 x 65 = 16,640 bytes.
  static constexpr size_t kMostBytes = UINT16_MAX;

  // The room a field/value pair takes.
  static size_t PairBytes(std::string_view field, std::string_view value) {
    return PackedList::EncodedSize(field.size()) + PackedList::EncodedSize(value.size());
  }
  static size_t Count(const char* bytes) {
    uint16_t n;
    std::memcpy(&n, bytes, sizeof(n));
    return n;
  }
  static void SetCount(char* bytes, size_t n) {
    const auto v = static_cast<uint16_t>(n);
    std::memcpy(bytes, &v, sizeof(v));
  }
  // The position of field's pair (its field element) in bytes, or bytes.size() when missing.
  static size_t Find(std::string_view bytes, std::string_view field) {
    std::string_view f;
    for (size_t pos = kHeader; pos != bytes.size();) {
      const size_t value_pos = PackedList::ReadAt(bytes.data(), pos, &f);
      if (f == field) return pos;
      pos = PackedList::NextAt(bytes.data(), value_pos);
    }
    return bytes.size();
  }
  // The value of field (a view of bytes), false when missing.
  static bool Get(std::string_view bytes, std::string_view field, std::string_view* value) {
    const size_t pos = Find(bytes, field);
    if (pos == bytes.size()) return false;
    PackedList::ReadAt(bytes.data(), PackedList::NextAt(bytes.data(), pos), value);
    return true;
  }
  // Calls fn(field, value) for every pair, in order.
  template <typename Fn>
  static void ForEach(std::string_view bytes, Fn&& fn) {
    std::string_view f;
    std::string_view v;
    for (size_t pos = kHeader; pos != bytes.size();) {
      pos = PackedList::ReadAt(bytes.data(), pos, &f);
      pos = PackedList::ReadAt(bytes.data(), pos, &v);
      fn(f, v);
    }
  }
  // The pair with index i (< Count).
  static void PairAt(std::string_view bytes, size_t i, std::string_view* field,
                     std::string_view* value) {
    size_t pos = kHeader;
    for (size_t skip = 2 * i; skip > 0; --skip) pos = PackedList::NextAt(bytes.data(), pos);
    PackedList::ReadAt(bytes.data(), PackedList::ReadAt(bytes.data(), pos, field), value);
  }
};

}  // namespace kv::server
