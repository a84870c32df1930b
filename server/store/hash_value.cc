// Writing a key's hash in either encoding (see hash_value.h).
#include "server/store/hash_value.h"

namespace kv::server {

HashWriter::HashWriter(Store& store, int db, std::string_view key, Entry** link, PackLimits limits,
                       size_t reserve)
    : store_(store), db_(db), key_(key), link_(link), limits_(limits) {
  if (link_ != nullptr) {
    if (!(*link_)->packed()) table_ = static_cast<HashObject*>((*link_)->object());
    return;
  }
  // More than a packed hash holds: the reserve is no use.
  if (reserve > PackedPairs::kMostBytes) reserve = 0;
  fresh_.reserve(PackedPairs::kHeader + reserve);
  fresh_.assign(PackedPairs::kHeader, '\0');
}

std::string_view HashWriter::Bytes() const {
  return link_ != nullptr ? (*link_)->value() : std::string_view(fresh_);
}

char* HashWriter::Data() { return link_ != nullptr ? (*link_)->val_data() : fresh_.data(); }

size_t HashWriter::Length() const {
  return table_ != nullptr ? table_->Length() : PackedPairs::Count(Bytes().data());
}

bool HashWriter::Get(std::string_view field, std::string_view* value) const {
  return table_ != nullptr ? table_->Get(field, value) : PackedPairs::Get(Bytes(), field, value);
}

char* HashWriter::Splice(size_t pos, size_t old_len, size_t new_len) {
  if (link_ == nullptr) {
    if (new_len > old_len) {
      fresh_.insert(pos + old_len, new_len - old_len, '\0');
    } else {
      fresh_.erase(pos + new_len, old_len - new_len);
    }
    return fresh_.data() + pos;
  }
  Entry* e = *link_;
  const size_t size = e->val_len;
  const size_t total = size - old_len + new_len;
  if (total > e->val_cap) e = store_.ResizeValue(db_, link_, total);
  const size_t tail = size - pos - old_len;
  if (tail > 0 && new_len != old_len) {
    std::memmove(e->val_data() + pos + new_len, e->val_data() + pos + old_len, tail);
  }
  e->val_len = static_cast<uint32_t>(total);
  return e->val_data() + pos;
}

void HashWriter::Convert() {
  std::unique_ptr<HashObject> table = HashObject::FromPacked(Bytes());
  table_ = table.get();
  if (link_ != nullptr) {
    store_.ReplaceWithObject(db_, link_, std::move(table));
  } else {
    fresh_table_ = std::move(table);
    fresh_.clear();
  }
}

bool HashWriter::Set(std::string_view field, std::string_view value) {
  if (table_ == nullptr) {
    const std::string_view bytes = Bytes();
    const size_t used = bytes.size() - PackedPairs::kHeader;
    const size_t pos = PackedPairs::Find(bytes, field);
    if (value.size() <= limits_.value) {
      if (pos != bytes.size()) {
        const size_t value_pos = PackedList::NextAt(bytes.data(), pos);
        const size_t old_len = PackedList::NextAt(bytes.data(), value_pos) - value_pos;
        const size_t new_len = PackedList::EncodedSize(value.size());
        if (used - old_len + new_len <= PackedPairs::kMostBytes) {
          PackedList::EncodeAt(Splice(value_pos, old_len, new_len), value);
          return false;
        }
      } else {
        const size_t pairs = PackedPairs::Count(bytes.data());
        const size_t pair_bytes = PackedPairs::PairBytes(field, value);
        if (field.size() <= limits_.value && pairs < limits_.entries &&
            used + pair_bytes <= PackedPairs::kMostBytes) {
          char* at = Splice(bytes.size(), 0, pair_bytes);
          PackedList::EncodeAt(at, field);
          PackedList::EncodeAt(at + PackedList::EncodedSize(field.size()), value);
          PackedPairs::SetCount(Data(), pairs + 1);  // (the splice may have moved the bytes)
          return true;
        }
      }
    }
    Convert();
  }
  return table_->Set(field, value);
}

bool HashWriter::Delete(std::string_view field) {
  if (table_ != nullptr) return table_->Delete(field);
  const std::string_view bytes = Bytes();
  const size_t pos = PackedPairs::Find(bytes, field);
  if (pos == bytes.size()) return false;
  const size_t pairs = PackedPairs::Count(bytes.data());
  const size_t stop = PackedList::NextAt(bytes.data(), PackedList::NextAt(bytes.data(), pos));
  Splice(pos, stop - pos, 0);
  PackedPairs::SetCount(Data(), pairs - 1);
  return true;
}

void HashWriter::Commit() {
  if (link_ == nullptr) {
    if (table_ != nullptr) {
      if (table_->Length() > 0) store_.AddObject(db_, key_, std::move(fresh_table_), 0);
    } else if (PackedPairs::Count(fresh_.data()) > 0) {
      store_.AddPacked(db_, key_, ValueType::kHash, fresh_, 0);
    }
    return;
  }
  if (table_ != nullptr) {
    store_.ObjectWritten(db_, *link_);
    return;
  }
  Entry* e = *link_;
  const bool empty = PackedPairs::Count(e->val_data()) == 0;
  // After deletions: give back whole malloc steps.
  if (!empty && Entry::AllocSizeFor(e->key_len, e->val_len) < e->AllocSize()) {
    store_.ResizeValue(db_, link_, e->val_len);
  }
  store_.PackedWritten(db_, link_, empty);
}

}  // namespace kv::server
