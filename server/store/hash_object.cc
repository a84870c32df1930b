// Hash values (see hash_object.h).
#include "server/store/hash_object.h"

namespace kv::server {
namespace {

size_t Chunk(size_t n) { return (n + 8 + 15) & ~size_t{15}; }  // glibc malloc chunk

// The position of field's pair in a packed hash, or end().
size_t FindPacked(const PackedList& p, std::string_view field) {
  std::string_view f;
  for (size_t pos = p.begin(); pos != p.end();) {
    const size_t value_pos = p.Read(pos, &f);
    if (f == field) return pos;
    pos = p.Next(value_pos);
  }
  return p.end();
}

}  // namespace

size_t HashObject::MemoryUsage() const {
  size_t bytes = Chunk(sizeof(HashObject));
  if (!table_) return bytes + small_.HeapBytes();
  return bytes + Chunk(sizeof(Dict)) + table_->bucket_count() * sizeof(Entry*) + table_bytes_;
}

std::unique_ptr<Object> HashObject::Clone() const {
  auto copy = std::make_unique<HashObject>();
  if (!table_) {
    copy->small_ = small_;
    return copy;
  }
  copy->table_ = std::make_unique<Dict>();
  table_->ForEach([&copy](const Entry* e) {
    Entry* c = Entry::Create(e->key(), e->value(), e->val_len);
    copy->table_bytes_ += c->HeapSize();
    copy->table_->Insert(c);
  });
  return copy;
}

bool HashObject::ReleaseSome(size_t budget) {
  if (!table_) {
    small_.Clear();
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

bool HashObject::Get(std::string_view field, std::string_view* value) const {
  if (table_) {
    const Entry* e = table_->Peek(field);
    if (e == nullptr) return false;
    *value = e->value();
    return true;
  }
  const size_t pos = FindPacked(small_, field);
  if (pos == small_.end()) return false;
  small_.Read(small_.Next(pos), value);
  return true;
}

void HashObject::Convert() {
  table_ = std::make_unique<Dict>();
  std::string_view f;
  std::string_view v;
  for (size_t pos = small_.begin(); pos != small_.end();) {
    pos = small_.Read(pos, &f);
    pos = small_.Read(pos, &v);
    Entry* e = Entry::Create(f, v, v.size());
    table_bytes_ += e->HeapSize();
    table_->Insert(e);
  }
  small_.Clear();
}

bool HashObject::Set(std::string_view field, std::string_view value) {
  if (!table_) {
    const size_t pos = FindPacked(small_, field);
    if (pos != small_.end() && value.size() <= kPackedMaxValue) {
      small_.ReplaceAt(small_.Next(pos), value);
      return false;
    }
    const bool fits = field.size() <= kPackedMaxValue && value.size() <= kPackedMaxValue &&
                      (pos != small_.end() || small_.size() / 2 < kPackedMaxEntries);
    if (fits) {
      small_.PushBack(field);
      small_.PushBack(value);
      return true;
    }
    Convert();
  }
  Entry** link = table_->FindLink(field);
  if (link == nullptr) {
    Entry* e = Entry::Create(field, value, value.size());
    table_bytes_ += e->HeapSize();
    table_->Insert(e);
    return true;
  }
  Entry* old = *link;
  if (value.size() <= old->val_cap && value.size() * 2 + 64 >= old->val_cap) {
    if (!value.empty()) std::memmove(old->val_data(), value.data(), value.size());
    old->val_len = static_cast<uint32_t>(value.size());
    return false;
  }
  Entry* fresh = Entry::Create(field, value, value.size());
  table_bytes_ += fresh->HeapSize();
  table_bytes_ -= old->HeapSize();
  table_->ReplaceAt(link, fresh);
  Entry::Destroy(old);
  return false;
}

bool HashObject::Delete(std::string_view field) {
  if (table_) {
    Entry* e = table_->Unlink(field);
    if (e == nullptr) return false;
    table_bytes_ -= e->HeapSize();
    Entry::Destroy(e);
    return true;
  }
  const size_t pos = FindPacked(small_, field);
  if (pos == small_.end()) return false;
  small_.EraseRange(pos, 2);
  return true;
}

void HashObject::Random(SampleRng& rng, std::string_view* field, std::string_view* value) {
  if (table_) {
    const Entry* e = table_->RandomEntry(rng);
    *field = e->key();
    *value = e->value();
    return;
  }
  const size_t pos = small_.At(2 * (rng() % (small_.size() / 2)));
  small_.Read(small_.Read(pos, field), value);
}

}  // namespace kv::server
