// The compact encoding of small collections (Redis's listpack, simplified): string elements back
// to back in one buffer, each a varint length and its bytes. Every operation is a scan or a
// memmove of the buffer: meant for collections of at most kPackedMaxEntries short elements, where
// that beats pointers (one allocation, no per-element headers, cache friendly).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace kv::server {

// redis.conf's hash-max-listpack-entries / zset-max-listpack-entries 128 and *-value 64: a
// collection larger than this, or with a longer element, converts to its large encoding. Lists
// always use these; hashes and sorted sets take their limits from the config (PackLimits).
inline constexpr size_t kPackedMaxEntries = 128;
inline constexpr size_t kPackedMaxValue = 64;

// The limits a hash or sorted set keeps its packed encoding within (Redis's
// *-max-listpack-entries and *-max-listpack-value, which CONFIG SET changes): a write that would
// pass one converts it for good, as in Redis.
struct PackLimits {
  size_t entries = kPackedMaxEntries;
  size_t value = kPackedMaxValue;
};
// Whatever the limits, a packed collection stays below 1 GiB (Redis's listpack safety size; the
// positions here are 32 bits).
inline constexpr size_t kPackedMostBytes = size_t{1} << 30;

class PackedList {
 public:
  PackedList() = default;
  ~PackedList() { std::free(data_); }
  PackedList(const PackedList& other);
  PackedList& operator=(const PackedList& other);
  PackedList(PackedList&& other) noexcept;
  PackedList& operator=(PackedList&& other) noexcept;

  // Positions are byte offsets of elements: begin() is the first, end() is one past the last.
  size_t begin() const { return 0; }
  size_t end() const { return size_; }
  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  // Reads the element at pos into *out and returns the position of the next one.
  size_t Read(size_t pos, std::string_view* out) const;
  // The position after the element at pos.
  size_t Next(size_t pos) const;
  // The position of element index (0-based, < size()).
  size_t At(size_t index) const;

  void PushBack(std::string_view v) { InsertAt(end(), v); }
  void PushFront(std::string_view v) { InsertAt(begin(), v); }
  // Inserts v before the element at pos (end(): appends).
  void InsertAt(size_t pos, std::string_view v);
  // Removes the element at pos; the next element is then at pos.
  void EraseAt(size_t pos);
  // Removes n elements from pos.
  void EraseRange(size_t pos, size_t n);
  // Replaces the element at pos with v.
  void ReplaceAt(size_t pos, std::string_view v);
  void Clear();

  // Heap bytes of the buffer (its malloc chunk).
  size_t HeapBytes() const;

  // The element codec on a buffer held elsewhere (HashObject keeps a small hash's elements in its
  // own allocation). ReadAt/NextAt as Read/Next; EncodedSize: the bytes an element of len bytes
  // takes; EncodeAt writes v's EncodedSize(v.size()) bytes at `at`.
  static size_t ReadAt(const char* data, size_t pos, std::string_view* out);
  static size_t NextAt(const char* data, size_t pos);
  static size_t EncodedSize(size_t len) {
    size_t h = 1;
    for (size_t rest = len; rest >= 0x80; rest >>= 7) ++h;
    return h + len;
  }
  static void EncodeAt(char* at, std::string_view v) {
    size_t h = 1;
    if (v.size() < 0x80) [[likely]] {
      *at = static_cast<char>(v.size());
    } else {
      h = EncodeLongLength(v.size(), at);
    }
    if (!v.empty()) std::memcpy(at + h, v.data(), v.size());
  }

 private:
  // Writes a length of 128 or more; returns its bytes.
  static size_t EncodeLongLength(size_t len, char* out);
  // Replaces the bytes [pos, pos + old_len) with new_len bytes (uninitialised) and returns where
  // they go. The buffer is sized to the malloc chunk that holds it (like Redis's listpack: no
  // doubling), shrinking when much is free.
  char* Splice(size_t pos, size_t old_len, size_t new_len);

  char* data_ = nullptr;
  uint32_t size_ = 0;
  uint32_t cap_ = 0;
  uint32_t count_ = 0;
};

// LEB128 lengths: 7 bits a byte, high bit set on all but the last.
inline size_t PackedList::ReadAt(const char* data, size_t pos, std::string_view* out) {
  const auto first = static_cast<unsigned char>(data[pos]);
  if (first < 0x80) [[likely]] {  // up to 127 bytes: a one-byte length
    *out = std::string_view(data + pos + 1, first);
    return pos + 1 + first;
  }
  size_t len = 0;
  int shift = 0;
  unsigned char c;
  do {
    c = static_cast<unsigned char>(data[pos++]);
    len |= static_cast<size_t>(c & 0x7f) << shift;
    shift += 7;
  } while (c & 0x80);
  *out = std::string_view(data + pos, len);
  return pos + len;
}

inline size_t PackedList::NextAt(const char* data, size_t pos) {
  std::string_view skipped;
  return ReadAt(data, pos, &skipped);
}

}  // namespace kv::server
