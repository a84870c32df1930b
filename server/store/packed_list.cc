// The compact small-collection encoding (see packed_list.h).
#include "server/store/packed_list.h"

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

// The encoded form of v: its varint header and bytes.
std::string Encode(std::string_view v) {
  char head[10];
  const size_t h = EncodeLength(v.size(), head);
  std::string out;
  out.reserve(h + v.size());
  out.append(head, h);
  out.append(v);
  return out;
}

}  // namespace

size_t PackedList::Read(size_t pos, std::string_view* out) const {
  size_t len;
  const size_t h = DecodeLength(buf_.data() + pos, &len);
  *out = std::string_view(buf_.data() + pos + h, len);
  return pos + h + len;
}

size_t PackedList::Next(size_t pos) const {
  size_t len;
  const size_t h = DecodeLength(buf_.data() + pos, &len);
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
  if (pos == buf_.size()) {
    buf_.append(head, h);
    buf_.append(v);
  } else {
    buf_.insert(pos, Encode(v));
  }
  ++count_;
}

void PackedList::EraseAt(size_t pos) {
  buf_.erase(pos, Next(pos) - pos);
  --count_;
}

void PackedList::EraseRange(size_t pos, size_t n) {
  size_t stop = pos;
  for (size_t i = 0; i < n; ++i) stop = Next(stop);
  buf_.erase(pos, stop - pos);
  count_ -= static_cast<uint32_t>(n);
}

void PackedList::ReplaceAt(size_t pos, std::string_view v) {
  buf_.replace(pos, Next(pos) - pos, Encode(v));
}

size_t PackedList::HeapBytes() const {
  constexpr size_t kInline = 15;  // libstdc++'s short-string capacity
  if (buf_.capacity() <= kInline) return 0;
  // The allocator's chunk: the request plus its 8-byte header, in 16-byte steps.
  return (buf_.capacity() + 1 + 8 + 15) & ~size_t{15};
}

}  // namespace kv::server
