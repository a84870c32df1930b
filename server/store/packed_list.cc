// The compact small-collection encoding (see packed_list.h).
#include "server/store/packed_list.h"

#include <cstring>
#include <new>

#include "server/store/object.h"

namespace kv::server {

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
    const size_t cap = MallocChunkRequest(total);
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

size_t PackedList::EncodeLongLength(size_t len, char* out) {
  size_t n = 0;
  while (len >= 0x80) {
    out[n++] = static_cast<char>((len & 0x7f) | 0x80);
    len >>= 7;
  }
  out[n++] = static_cast<char>(len);
  return n;
}

size_t PackedList::Read(size_t pos, std::string_view* out) const { return ReadAt(data_, pos, out); }

size_t PackedList::Next(size_t pos) const { return NextAt(data_, pos); }

size_t PackedList::At(size_t index) const {
  size_t pos = 0;
  while (index-- > 0) pos = Next(pos);
  return pos;
}

void PackedList::InsertAt(size_t pos, std::string_view v) {
  EncodeAt(Splice(pos, 0, EncodedSize(v.size())), v);
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
  EncodeAt(Splice(pos, Next(pos) - pos, EncodedSize(v.size())), v);
}

size_t PackedList::HeapBytes() const { return data_ == nullptr ? 0 : MallocChunk(cap_); }

}  // namespace kv::server
