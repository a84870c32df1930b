// A list value (LPUSH, LRANGE...): a PackedList while small ("listpack": at most
// kPackedMaxEntries elements of at most kPackedMaxValue bytes), converted for good to a deque of
// strings ("quicklist" in OBJECT ENCODING, Redis's name for its large list encoding) when it
// outgrows that. Indexes are 0-based from the head; callers check bounds.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/store/object.h"
#include "server/store/packed_list.h"

namespace kv::server {

class ListObject final : public Object {
 public:
  ListObject() : Object(ValueType::kList) {}

  size_t Length() const override { return packed_ ? small_.size() : large_->size(); }
  std::string_view Encoding() const override { return packed_ ? "listpack" : "quicklist"; }
  size_t MemoryUsage() const override;
  std::unique_ptr<Object> Clone() const override;
  size_t FreeEffort() const override { return packed_ ? 1 : large_->size(); }
  bool ReleaseSome(size_t budget) override;
  bool packed() const { return packed_; }

  void Push(std::string_view v, bool front);
  // Removes and returns the head (front) or tail element; the list must not be empty.
  std::string Pop(bool front);
  // The element at index; the view is valid until the list changes.
  std::string_view Get(size_t index) const;
  void Set(size_t index, std::string_view v);
  // Inserts v before the element at index (index == Length(): appends).
  void Insert(size_t index, std::string_view v);
  // Keeps only the count elements from start.
  void Trim(size_t start, size_t count);
  // Removes up to max (0: all) elements equal to v, scanning from the tail when from_tail.
  // Returns how many were removed.
  size_t RemoveMatching(std::string_view v, size_t max, bool from_tail);
  // Calls fn(index, element) from the head (or the tail when reverse) until it returns false.
  template <typename Fn>
  void ForEach(bool reverse, Fn&& fn) const;
  // Calls fn(element) for indexes first..last (inclusive, in bounds), in order.
  template <typename Fn>
  void ForRange(size_t first, size_t last, Fn&& fn) const;

 private:
  // Converts to the large encoding when the list would hold more than kPackedMaxEntries
  // elements or an element of more than kPackedMaxValue bytes (after adding v).
  void Grow(std::string_view v);
  static size_t StringHeap(const std::string& s);

  bool packed_ = true;
  PackedList small_;
  std::unique_ptr<std::deque<std::string>> large_;  // the large encoding (!packed_)
  size_t string_heap_ = 0;                          // StringHeap total of large_
};

template <typename Fn>
void ListObject::ForEach(bool reverse, Fn&& fn) const {
  const size_t n = Length();
  if (!packed_) {
    for (size_t i = 0; i < n; ++i) {
      const size_t idx = reverse ? n - 1 - i : i;
      if (!fn(idx, std::string_view((*large_)[idx]))) return;
    }
    return;
  }
  if (!reverse) {
    std::string_view v;
    size_t idx = 0;
    for (size_t pos = small_.begin(); pos != small_.end(); ++idx) {
      pos = small_.Read(pos, &v);
      if (!fn(idx, v)) return;
    }
    return;
  }
  std::vector<size_t> offsets;
  offsets.reserve(n);
  for (size_t pos = small_.begin(); pos != small_.end(); pos = small_.Next(pos)) {
    offsets.push_back(pos);
  }
  for (size_t i = n; i-- > 0;) {
    std::string_view v;
    small_.Read(offsets[i], &v);
    if (!fn(i, v)) return;
  }
}

template <typename Fn>
void ListObject::ForRange(size_t first, size_t last, Fn&& fn) const {
  if (!packed_) {
    for (size_t i = first; i <= last; ++i) fn(std::string_view((*large_)[i]));
    return;
  }
  std::string_view v;
  size_t pos = small_.At(first);
  for (size_t i = first; i <= last; ++i) {
    pos = small_.Read(pos, &v);
    fn(v);
  }
}

}  // namespace kv::server
