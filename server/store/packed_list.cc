// The compact small-collection encoding (see packed_list.h).
#include "server/store/packed_list.h"

#include <cstring>
#include <new>

namespace kv::server {
namespace {

// LEB128: 7 bits a byte, high bit set on all but the last.
size_t EncodeLength(size_t len, char* out) {
  size_t n = 0;
  while (len >= 0x80) {
    out[n++] = static_cast<char>((len & 0x7f) | 0x80);
    len >>= 7;
  }
  out[n++] = static_cast<char>(len);
  return n;
}

size_t DecodeLength(const char* p, size_t* len) {
  size_t v = 0;
  size_t n = 0;
  int shift = 0;
  unsigned char c;
  do {
    c = static_cast<unsigned char>(p[n++]);
    v |= static_cast<size_t>(c & 0x7f) << shift;
    shift += 7;
  } while (c & 0x80);
  *len = v;
  return n;
}

// A malloc request of at least n bytes that fills its glibc chunk (16-byte steps, 8-byte header).
size_t ChunkRequest(size_t n) { return ((n + 8 + 15) & ~size_t{15}) - 8; }

}  // namespace

PackedList::PackedList(const PackedList& other) { *this = other; }

PackedList& PackedList::operator=(const PackedList& other) {
  if (this == &other) return *this;
  Clear();
  if (other.size_ > 0) {
    std::memcpy(Splice(0, 0, other.size_), other.data_, other.size_);
    count_ = other.count_;
  }
  return *this;
}

PackedList::PackedList(PackedList&& other) noexcept
    : data_(other.data_), size_(other.size_), cap_(other.cap_), count_(other.count_) {
  other.data_ = nullptr;
  other.size_ = other.cap_ = other.count_ = 0;
}

PackedList& PackedList::operator=(PackedList&& other) noexcept {
  if (this != &other) {
    std::free(data_);
    data_ = other.data_;
    size_ = other.size_;
    cap_ = other.cap_;
    count_ = other.count_;
    other.data_ = nullptr;
    other.size_ = other.cap_ = other.count_ = 0;
  }
  return *this;
}

void PackedList::Clear() {
  std::free(data_);
  data_ = nullptr;
  size_ = cap_ = count_ = 0;
}

char* PackedList::Splice(size_t pos, size_t old_len, size_t new_len) {
  const size_t tail = size_ - pos - old_len;
  const size_t total = size_ - old_len + new_len;
  if (total > cap_ || (cap_ > 64 && total < cap_ / 2)) {
    const size_t cap = ChunkRequest(total);
    if (total < size_) {
      // Shrinking: move the tail first, then give the memory back.
      std::memmove(data_ + pos + new_len, data_ + pos + old_len, tail);
      data_ = static_cast<char*>(std::realloc(data_, cap));
      if (data_ == nullptr) throw std::bad_alloc();
      cap_ = static_cast<uint32_t>(cap);
      size_ = static_cast<uint32_t>(total);
      return data_ + pos;
    }
    char* grown = static_cast<char*>(std::realloc(data_, cap));
    if (grown == nullptr) throw std::bad_alloc();
    data_ = grown;
    cap_ = static_cast<uint32_t>(cap);
  }
  if (tail > 0 && new_len != old_len) {
    std::memmove(data_ + pos + new_len, data_ + pos + old_len, tail);
  }
  size_ = static_cast<uint32_t>(total);
  return data_ + pos;
}

size_t PackedList::Read(size_t pos, std::string_view* out) const {
  size_t len;
  const size_t h = DecodeLength(data_ + pos, &len);
  *out = std::string_view(data_ + pos + h, len);
  return pos + h + len;
}

size_t PackedList::Next(size_t pos) const {
  size_t len;
  const size_t h = DecodeLength(data_ + pos, &len);
  return pos + h + len;
}

size_t PackedList::At(size_t index) const {
  size_t pos = 0;
  while (index-- > 0) pos = Next(pos);
  return pos;
}

void PackedList::InsertAt(size_t pos, std::string_view v) {
  char head[10];
  const size_t h = EncodeLength(v.size(), head);
  char* at = Splice(pos, 0, h + v.size());
  std::memcpy(at, head, h);
  if (!v.empty()) std::memcpy(at + h, v.data(), v.size());
  ++count_;
}

void PackedList::EraseAt(size_t pos) {
  Splice(pos, Next(pos) - pos, 0);
  --count_;
}

void PackedList::EraseRange(size_t pos, size_t n) {
  size_t stop = pos;
  for (size_t i = 0; i < n; ++i) stop = Next(stop);
  Splice(pos, stop - pos, 0);
  count_ -= static_cast<uint32_t>(n);
}

void PackedList::ReplaceAt(size_t pos, std::string_view v) {
  char head[10];
  const size_t h = EncodeLength(v.size(), head);
  char* at = Splice(pos, Next(pos) - pos, h + v.size());
  std::memcpy(at, head, h);
  if (!v.empty()) std::memcpy(at + h, v.data(), v.size());
}

size_t PackedList::HeapBytes() const { return data_ == nullptr ? 0 : cap_ + 8; }

}  // namespace kv::server
