// List values (see list_object.h).
#include "server/store/list_object.h"

#include <algorithm>
#include <utility>

namespace kv::server {
namespace {

constexpr size_t kDequeBlock = 512;                              // libstdc++ node size
constexpr size_t kPerBlock = kDequeBlock / sizeof(std::string);  // strings per node

}  // namespace

size_t ListObject::StringHeap(const std::string& s) {
  return s.capacity() > 15 ? MallocChunk(s.capacity() + 1) : 0;
}

size_t ListObject::MemoryUsage() const {
  size_t bytes = MallocChunk(sizeof(ListObject));
  if (packed_) return bytes + small_.HeapBytes();
  // The deque: its nodes, its map (about one pointer per node, at least 8), the strings' heap.
  const size_t nodes = large_->size() / kPerBlock + 1;
  bytes += MallocChunk(sizeof(std::deque<std::string>)) + nodes * MallocChunk(kDequeBlock) +
           MallocChunk((nodes < 8 ? 8 : nodes + 2) * sizeof(void*));
  return bytes + string_heap_;
}

std::unique_ptr<Object> ListObject::Clone() const {
  auto copy = std::make_unique<ListObject>();
  copy->packed_ = packed_;
  copy->small_ = small_;
  if (!packed_) copy->large_ = std::make_unique<std::deque<std::string>>(*large_);
  copy->string_heap_ = string_heap_;
  return copy;
}

bool ListObject::ReleaseSome(size_t budget) {
  if (packed_) {
    small_.Clear();
    return true;
  }
  while (budget-- > 0 && !large_->empty()) {
    string_heap_ -= StringHeap(large_->back());
    large_->pop_back();
  }
  if (!large_->empty()) return false;
  large_.reset();
  packed_ = true;
  return true;
}

void ListObject::Grow(std::string_view v) {
  if (!packed_ || (small_.size() < kPackedMaxEntries && v.size() <= kPackedMaxValue)) return;
  large_ = std::make_unique<std::deque<std::string>>();
  std::string_view e;
  for (size_t pos = small_.begin(); pos != small_.end();) {
    pos = small_.Read(pos, &e);
    large_->emplace_back(e);
    string_heap_ += StringHeap(large_->back());
  }
  small_.Clear();
  packed_ = false;
}

void ListObject::Push(std::string_view v, bool front) {
  Grow(v);
  if (packed_) {
    if (front) {
      small_.PushFront(v);
    } else {
      small_.PushBack(v);
    }
    return;
  }
  std::string& s = front ? large_->emplace_front(v) : large_->emplace_back(v);
  string_heap_ += StringHeap(s);
}

std::string ListObject::Pop(bool front) {
  if (packed_) {
    const size_t pos = front ? small_.begin() : small_.At(small_.size() - 1);
    std::string_view v;
    small_.Read(pos, &v);
    std::string out(v);
    small_.EraseAt(pos);
    return out;
  }
  std::string& s = front ? large_->front() : large_->back();
  string_heap_ -= StringHeap(s);
  std::string out = std::move(s);
  if (front) {
    large_->pop_front();
  } else {
    large_->pop_back();
  }
  return out;
}

std::string_view ListObject::Get(size_t index) const {
  if (!packed_) return (*large_)[index];
  std::string_view v;
  small_.Read(small_.At(index), &v);
  return v;
}

void ListObject::Set(size_t index, std::string_view v) {
  if (packed_ && v.size() > kPackedMaxValue) {
    // Redis: an element too long for a listpack converts the list.
    Grow(v);
  }
  if (packed_) {
    small_.ReplaceAt(small_.At(index), v);
    return;
  }
  std::string& s = (*large_)[index];
  string_heap_ -= StringHeap(s);
  s.assign(v);
  string_heap_ += StringHeap(s);
}

void ListObject::Insert(size_t index, std::string_view v) {
  Grow(v);
  if (packed_) {
    small_.InsertAt(index == small_.size() ? small_.end() : small_.At(index), v);
    return;
  }
  auto it = large_->emplace(large_->begin() + static_cast<std::ptrdiff_t>(index), v);
  string_heap_ += StringHeap(*it);
}

void ListObject::Trim(size_t start, size_t count) {
  const size_t n = Length();
  if (packed_) {
    const size_t tail = n - start - count;
    if (tail > 0) small_.EraseRange(small_.At(start + count), tail);
    if (start > 0) small_.EraseRange(small_.begin(), start);
    return;
  }
  for (size_t i = 0; i < start; ++i) {
    string_heap_ -= StringHeap(large_->front());
    large_->pop_front();
  }
  while (large_->size() > count) {
    string_heap_ -= StringHeap(large_->back());
    large_->pop_back();
  }
}

size_t ListObject::RemoveMatching(std::string_view v, size_t max, bool from_tail) {
  std::vector<size_t> hits;
  ForEach(from_tail, [&](size_t index, std::string_view e) {
    if (e == v) hits.push_back(index);
    return max == 0 || hits.size() < max;
  });
  if (hits.empty()) return 0;
  std::sort(hits.begin(), hits.end());
  if (packed_) {
    for (size_t i = hits.size(); i-- > 0;) small_.EraseAt(small_.At(hits[i]));
    return hits.size();
  }
  // One compaction pass (O(n) whatever the number of hits).
  size_t write = hits[0];
  size_t h = 0;
  for (size_t read = hits[0]; read < large_->size(); ++read) {
    if (h < hits.size() && hits[h] == read) {
      string_heap_ -= StringHeap((*large_)[read]);
      ++h;
      continue;
    }
    (*large_)[write++] = std::move((*large_)[read]);
  }
  large_->resize(write);
  return hits.size();
}

}  // namespace kv::server
