// A large hash ("hashtable"): each field and its value in one FieldNode, in the keyspace's own
// table with incremental rehash. A small hash is not an object: its pairs are packed in its key's
// Entry (hash_value.h, which converts it to a HashObject for good when it outgrows the limits).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "server/store/field_node.h"
#include "server/store/object.h"
#include "server/store/store.h"

namespace kv::server {

class HashObject final : public Object {
 public:
  HashObject() : Object(ValueType::kHash) {}
  // A table holding the pairs of a packed hash (PackedPairs bytes).
  static std::unique_ptr<HashObject> FromPacked(std::string_view packed);

  size_t Length() const override { return dict_.size(); }
  std::string_view Encoding() const override { return "hashtable"; }
  size_t MemoryUsage() const override;
  std::unique_ptr<Object> Clone() const override;
  size_t FreeEffort() const override { return dict_.size(); }
  bool ReleaseSome(size_t budget) override;

  // The value of field; the view is valid until the hash changes.
  bool Get(std::string_view field, std::string_view* value) const;
  // Sets field to value; true when the field is new.
  bool Set(std::string_view field, std::string_view value);
  // Removes field; true when it was there.
  bool Delete(std::string_view field);
  // Calls fn(field, value) for every pair.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    dict_.ForEach([&fn](const FieldNode* e) { fn(e->key(), e->value()); });
  }
  // A random pair (the hash must not be empty).
  void Random(SampleRng& rng, std::string_view* field, std::string_view* value);
  // One HSCAN step: fn(field, value) for the pairs at cursor; returns the next cursor.
  template <typename Fn>
  uint64_t Scan(uint64_t cursor, Fn&& fn) {
    return dict_.Scan(cursor, [&fn](const FieldNode* e) { fn(e->key(), e->value()); });
  }

 private:
  FieldDict dict_;
  size_t node_bytes_ = 0;  // HeapSize total of the nodes
};

}  // namespace kv::server
