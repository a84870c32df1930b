// InputBuffer: a connection's query buffer. Reads append at the end, the parser consumes from the
// front; bytes are never zero-filled and data moves only to reclaim consumed space.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace kv::server {

class InputBuffer {
 public:
  std::string_view view() const { return {data_.get() + begin_, end_ - begin_}; }
  size_t size() const { return end_ - begin_; }
  bool empty() const { return begin_ == end_; }
  size_t capacity() const { return capacity_; }

  // Drops n bytes from the front (n <= size()). Views from view() stay valid until the next
  // Prepare/Release.
  void Consume(size_t n) {
    begin_ += n;
    if (begin_ == end_) begin_ = end_ = 0;
  }
  void Clear() { begin_ = end_ = 0; }

  // Returns space for at least n more bytes at the end; call Commit with how many were written.
  char* Prepare(size_t n) {
    if (capacity_ - end_ < n) {
      size_t used = size();
      if (capacity_ - used >= n && begin_ >= used) {
        // Enough room once the consumed prefix is reclaimed (and the move is cheap relative to it).
        std::memmove(data_.get(), data_.get() + begin_, used);
      } else {
        size_t new_capacity = used + n;
        if (new_capacity < 2 * capacity_) new_capacity = 2 * capacity_;
        auto grown = std::make_unique_for_overwrite<char[]>(new_capacity);
        if (used > 0) std::memcpy(grown.get(), data_.get() + begin_, used);
        data_ = std::move(grown);
        capacity_ = new_capacity;
      }
      begin_ = 0;
      end_ = used;
    }
    return data_.get() + end_;
  }
  void Commit(size_t n) { end_ += n; }

  // Frees the memory when empty (after a large request, so idle clients stay small).
  void ReleaseIfEmpty() {
    if (!empty()) return;
    data_.reset();
    capacity_ = 0;
    begin_ = end_ = 0;
  }

 private:
  std::unique_ptr<char[]> data_;
  size_t capacity_ = 0;
  size_t begin_ = 0;
  size_t end_ = 0;
};

}  // namespace kv::server
