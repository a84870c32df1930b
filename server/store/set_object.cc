// Set values (see set_object.h).
#include "server/store/set_object.h"

#include <algorithm>
#include <charconv>

#include "base/numbers.h"

namespace kv::server {

std::string_view SetObject::FormatInt(int64_t v, char (&buf)[24]) {
  const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  (void)ec;  // 24 bytes hold any int64_t
  return {buf, static_cast<size_t>(end - buf)};
}

std::unique_ptr<SetObject> SetObject::CreateFor(std::string_view first_member) {
  auto set = std::make_unique<SetObject>();
  int64_t v;
  if (!ParseInt64(first_member, &v)) set->table_ = std::make_unique<FieldDict>();
  return set;
}

size_t SetObject::MemoryUsage() const {
  size_t bytes = MallocChunk(sizeof(SetObject));
  if (!table_) {
    return bytes + (ints_.capacity() == 0 ? 0 : MallocChunk(ints_.capacity() * sizeof(int64_t)));
  }
  return bytes + MallocChunk(sizeof(FieldDict)) + table_->bucket_count() * sizeof(FieldNode*) +
         table_bytes_;
}

std::unique_ptr<Object> SetObject::Clone() const {
  auto copy = std::make_unique<SetObject>();
  if (!table_) {
    copy->ints_ = ints_;
    return copy;
  }
  copy->table_ = std::make_unique<FieldDict>();
  table_->ForEach([&copy](const FieldNode* e) {
    FieldNode* c = FieldNode::Create(e->key(), {});
    copy->table_bytes_ += c->HeapSize();
    copy->table_->Insert(c);
  });
  return copy;
}

bool SetObject::ReleaseSome(size_t budget) {
  if (!table_) {
    std::vector<int64_t>().swap(ints_);
    return true;
  }
  size_t freed = 0;
  const bool done = table_->ReleaseSome(budget, &freed);
  table_bytes_ -= freed;
  if (!done) return false;
  table_.reset();
  table_bytes_ = 0;
  return true;
}

void SetObject::Convert() {
  table_ = std::make_unique<FieldDict>();
  char buf[24];
  for (const int64_t v : ints_) {
    FieldNode* e = FieldNode::Create(FormatInt(v, buf), {});
    table_bytes_ += e->HeapSize();
    table_->Insert(e);
  }
  std::vector<int64_t>().swap(ints_);
}

bool SetObject::Add(std::string_view member, size_t max_intset) {
  if (!table_) {
    int64_t v;
    if (ParseInt64(member, &v)) {
      const auto it = std::lower_bound(ints_.begin(), ints_.end(), v);
      if (it != ints_.end() && *it == v) return false;
      if (ints_.size() < std::min(max_intset, kIntSetMostEntries)) {
        // Grow one element at a time, as Redis's intset (a small set stays small).
        if (ints_.size() == ints_.capacity()) {
          std::vector<int64_t> grown;
          grown.reserve(ints_.size() + 1);
          grown.assign(ints_.begin(), it);
          grown.push_back(v);
          grown.insert(grown.end(), it, ints_.end());
          ints_.swap(grown);
        } else {
          ints_.insert(it, v);
        }
        return true;
      }
    }
    Convert();
  }
  if (table_->FindLink(member) != nullptr) return false;
  FieldNode* e = FieldNode::Create(member, {});
  table_bytes_ += e->HeapSize();
  table_->Insert(e);
  return true;
}

bool SetObject::Remove(std::string_view member) {
  if (table_) {
    FieldNode* e = table_->Unlink(member);
    if (e == nullptr) return false;
    table_bytes_ -= e->HeapSize();
    FieldNode::Destroy(e);
    return true;
  }
  int64_t v;
  if (!ParseInt64(member, &v)) return false;
  const auto it = std::lower_bound(ints_.begin(), ints_.end(), v);
  if (it == ints_.end() || *it != v) return false;
  ints_.erase(it);
  if (ints_.capacity() > 2 * ints_.size() + 8) ints_.shrink_to_fit();
  return true;
}

bool SetObject::Contains(std::string_view member) const {
  if (table_) return table_->Peek(member) != nullptr;
  int64_t v;
  return ParseInt64(member, &v) && std::binary_search(ints_.begin(), ints_.end(), v);
}

std::string SetObject::Random(SampleRng& rng) {
  if (table_) return std::string(table_->RandomEntry(rng)->key());
  char buf[24];
  return std::string(FormatInt(ints_[rng() % ints_.size()], buf));
}

std::string SetObject::PopRandom(SampleRng& rng) {
  if (table_) {
    const FieldNode* e = table_->RandomEntry(rng);
    std::string member(e->key());
    Remove(member);
    return member;
  }
  const size_t i = rng() % ints_.size();
  char buf[24];
  std::string member(FormatInt(ints_[i], buf));
  ints_.erase(ints_.begin() + static_cast<std::ptrdiff_t>(i));
  if (ints_.capacity() > 2 * ints_.size() + 8) ints_.shrink_to_fit();
  return member;
}

}  // namespace kv::server
