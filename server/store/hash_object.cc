// Hash values (see hash_object.h).
#include "server/store/hash_object.h"

#include <algorithm>
#include <new>

namespace kv::server {

static_assert(sizeof(HashObject) == 24, "a 16-byte Object and 8 bytes of sizes");

HashObject* HashObject::New(size_t room) {
  // The room fills the malloc chunk: free headroom for the next writes.
  room = MallocChunkRequest(sizeof(HashObject) + std::max(room, kMinRoom)) - sizeof(HashObject);
  room = std::min<size_t>(room, UINT16_MAX);
  void* mem = std::malloc(sizeof(HashObject) + room);
  if (mem == nullptr) throw std::bad_alloc();
  return ::new (mem) HashObject(room);
}

std::unique_ptr<HashObject> HashObject::Create(size_t reserve, PackLimits limits) {
  // More than a listpack holds: the hash will be a table.
  const size_t most = 2 * std::min<size_t>(limits.entries, kMaxPackedBytes) *
                      (std::min<size_t>(limits.value, kMaxPackedBytes) + 1);
  if (reserve > std::min(most, kMaxPackedBytes)) reserve = 0;
  std::unique_ptr<HashObject> h(New(reserve));
  if (reserve > 0) h->RequestCompact();  // the reserve may turn out larger than needed
  return h;
}

HashObject::~HashObject() { Reset(); }

void HashObject::Reset() {
  if (mode_ == Mode::kMoved) delete Word<HashObject*>(0);
  if (mode_ == Mode::kTable) delete Word<FieldDict*>(0);
  mode_ = Mode::kInline;
  size_ = 0;
  pairs_ = 0;
}

size_t HashObject::MemoryUsage() const {
  const size_t bytes = MallocChunk(sizeof(HashObject) + room_);
  switch (mode_) {
    case Mode::kInline:
      return bytes;
    case Mode::kMoved:
      return bytes + Small()->MemoryUsage();
    case Mode::kTable:
      break;
  }
  return bytes + MallocChunk(sizeof(FieldDict)) +
         Word<FieldDict*>(0)->bucket_count() * sizeof(FieldNode*) + table_bytes();
}

void HashObject::AdoptTableOf(const HashObject& from) {
  auto* dict = new FieldDict();
  size_t bytes = 0;
  from.ForEach([dict, &bytes](std::string_view f, std::string_view v) {
    FieldNode* e = FieldNode::Create(f, v);
    bytes += e->HeapSize();
    dict->Insert(e);
  });
  Reset();
  mode_ = Mode::kTable;
  SetWord(0, dict);
  set_table_bytes(bytes);
}

std::unique_ptr<Object> HashObject::Clone() const {
  if (table() != nullptr) {
    std::unique_ptr<HashObject> copy(New(0));
    copy->AdoptTableOf(*this);
    return copy;
  }
  const HashObject* s = Small();
  // Sized for its contents (New, not Create: nothing to compact).
  std::unique_ptr<HashObject> copy(New(s->size_));
  if (s->size_ > 0) std::memcpy(copy->bytes(), s->bytes(), s->size_);
  copy->size_ = s->size_;
  copy->pairs_ = s->pairs_;
  return copy;
}

std::unique_ptr<Object> HashObject::Compact() {
  switch (mode_) {
    case Mode::kMoved: {
      // The moved-to object was sized for its contents when it was made.
      std::unique_ptr<Object> moved(Word<HashObject*>(0));
      mode_ = Mode::kInline;
      size_ = 0;
      pairs_ = 0;
      return moved;
    }
    case Mode::kTable: {
      if (room_ <= kMinRoom) return nullptr;
      std::unique_ptr<HashObject> small = Create();
      std::memcpy(small->bytes(), bytes(), kMinRoom);
      small->mode_ = Mode::kTable;
      mode_ = Mode::kInline;  // (size_ and pairs_ are 0 in a table)
      return small;
    }
    case Mode::kInline:
      break;
  }
  // After deletions: give back whole malloc steps.
  if (MallocChunk(sizeof(HashObject) + std::max<size_t>(size_, kMinRoom)) >=
      MallocChunk(sizeof(HashObject) + room_)) {
    return nullptr;
  }
  std::unique_ptr<Object> copy = Clone();
  Reset();
  return copy;
}

bool HashObject::ReleaseSome(size_t budget) {
  FieldDict* t = table();
  if (t == nullptr) {
    Reset();
    return true;
  }
  size_t freed = 0;
  const bool done = t->ReleaseSome(budget, &freed);
  set_table_bytes(table_bytes() - freed);
  if (!done) return false;
  Reset();
  return true;
}

size_t HashObject::FindPacked(std::string_view field) const {
  const HashObject* s = Small();
  std::string_view f;
  for (size_t pos = 0; pos != s->size_;) {
    const size_t value_pos = PackedList::ReadAt(s->bytes(), pos, &f);
    if (f == field) return pos;
    pos = PackedList::NextAt(s->bytes(), value_pos);
  }
  return s->size_;
}

bool HashObject::Get(std::string_view field, std::string_view* value) const {
  if (const FieldDict* t = table()) {
    const FieldNode* e = t->Peek(field);
    if (e == nullptr) return false;
    *value = e->value();
    return true;
  }
  const HashObject* s = Small();
  const size_t pos = FindPacked(field);
  if (pos == s->size_) return false;
  PackedList::ReadAt(s->bytes(), PackedList::NextAt(s->bytes(), pos), value);
  return true;
}

char* HashObject::Splice(size_t pos, size_t old_len, size_t new_len) {
  HashObject* s = Small();
  const size_t tail = s->size_ - pos - old_len;
  const size_t total = s->size_ - old_len + new_len;
  if (total <= s->room_) {
    if (tail > 0 && new_len != old_len) {
      std::memmove(s->bytes() + pos + new_len, s->bytes() + pos + old_len, tail);
    }
    s->size_ = static_cast<uint16_t>(total);
    return s->bytes() + pos;
  }
  HashObject* grown = New(total);
  std::memcpy(grown->bytes(), s->bytes(), pos);
  std::memcpy(grown->bytes() + pos + new_len, s->bytes() + pos + old_len, tail);
  grown->size_ = static_cast<uint16_t>(total);
  grown->pairs_ = s->pairs_;
  if (s != this) delete s;
  mode_ = Mode::kMoved;
  SetWord(0, grown);
  RequestCompact();
  return grown->bytes() + pos;
}

void HashObject::Convert() {
  AdoptTableOf(*this);
  if (room_ > kMinRoom) RequestCompact();
}

bool HashObject::Set(std::string_view field, std::string_view value, PackLimits limits) {
  if (mode_ != Mode::kTable) {
    const HashObject* s = Small();
    const size_t pos = FindPacked(field);
    if (value.size() <= limits.value) {
      if (pos != s->size_) {
        const size_t value_pos = PackedList::NextAt(s->bytes(), pos);
        const size_t old_len = PackedList::NextAt(s->bytes(), value_pos) - value_pos;
        const size_t new_len = PackedList::EncodedSize(value.size());
        if (s->size_ - old_len + new_len <= kMaxPackedBytes) {
          PackedList::EncodeAt(Splice(value_pos, old_len, new_len), value);
          return false;
        }
      } else if (field.size() <= limits.value && s->pairs_ < limits.entries &&
                 s->size_ + PairBytes(field, value) <= kMaxPackedBytes) {
        const size_t field_len = PackedList::EncodedSize(field.size());
        char* at = Splice(s->size_, 0, PairBytes(field, value));
        PackedList::EncodeAt(at, field);
        PackedList::EncodeAt(at + field_len, value);
        ++Small()->pairs_;
        return true;
      }
    }
    Convert();
  }
  FieldDict* t = table();
  FieldNode** link = t->FindLink(field);
  if (link == nullptr) {
    FieldNode* e = FieldNode::Create(field, value);
    set_table_bytes(table_bytes() + e->HeapSize());
    t->Insert(e);
    return true;
  }
  FieldNode* old = *link;
  if (old->ReplaceValue(value)) return false;
  FieldNode* fresh = FieldNode::Create(field, value);
  set_table_bytes(table_bytes() + fresh->HeapSize() - old->HeapSize());
  t->ReplaceAt(link, fresh);
  FieldNode::Destroy(old);
  return false;
}

bool HashObject::Delete(std::string_view field) {
  if (FieldDict* t = table()) {
    FieldNode* e = t->Unlink(field);
    if (e == nullptr) return false;
    set_table_bytes(table_bytes() - e->HeapSize());
    FieldNode::Destroy(e);
    return true;
  }
  const size_t pos = FindPacked(field);
  HashObject* s = Small();
  if (pos == s->size_) return false;
  const size_t stop = PackedList::NextAt(s->bytes(), PackedList::NextAt(s->bytes(), pos));
  Splice(pos, stop - pos, 0);
  --Small()->pairs_;
  RequestCompact();  // whole malloc steps may have come free
  return true;
}

void HashObject::Random(SampleRng& rng, std::string_view* field, std::string_view* value) {
  if (FieldDict* t = table()) {
    const FieldNode* e = t->RandomEntry(rng);
    *field = e->key();
    *value = e->value();
    return;
  }
  const HashObject* s = Small();
  size_t pos = 0;
  for (size_t skip = 2 * (rng() % s->pairs_); skip > 0; --skip) {
    pos = PackedList::NextAt(s->bytes(), pos);
  }
  PackedList::ReadAt(s->bytes(), PackedList::ReadAt(s->bytes(), pos, field), value);
}

}  // namespace kv::server
