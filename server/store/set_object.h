// A set value (SADD, SMEMBERS...), Redis 7.0's two encodings: while every member is an integer
// (Redis's string2ll form: ParseInt64) and there are at most set-max-intset-entries of them (the
// limit each Add is given; kIntSetMaxEntries by default), a sorted
// array of int64 ("intset"); otherwise, for good, a FieldDict of member-only nodes ("hashtable":
// the keyspace's own table with incremental rehash, SCAN cursor and random entry).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/store/field_node.h"
#include "server/store/object.h"
#include "server/store/store.h"

namespace kv::server {

// Redis's set-max-intset-entries (default 512): a larger intset converts to a hashtable.
inline constexpr size_t kIntSetMaxEntries = 512;
// Redis caps the setting there (its intset's internals).
inline constexpr size_t kIntSetMostEntries = size_t{1} << 30;

class SetObject final : public Object {
 public:
  // An empty set in the intset encoding (Redis createIntsetObject).
  SetObject() : Object(ValueType::kSet) {}
  // An empty set in the encoding Redis's setTypeCreate picks for its first member: intset for an
  // integer, hashtable otherwise.
  static std::unique_ptr<SetObject> CreateFor(std::string_view first_member);

  size_t Length() const override { return table_ ? table_->size() : ints_.size(); }
  std::string_view Encoding() const override { return table_ ? "hashtable" : "intset"; }
  size_t MemoryUsage() const override;
  std::unique_ptr<Object> Clone() const override;
  size_t FreeEffort() const override { return table_ ? table_->size() : 1; }
  bool ReleaseSome(size_t budget) override;

  // True when member was added (not there before). An intset of max_intset members (capped at
  // kIntSetMostEntries), or a member that is not an integer, makes the set a hashtable.
  bool Add(std::string_view member, size_t max_intset = kIntSetMaxEntries);
  // True when member was there (and is now removed).
  bool Remove(std::string_view member);
  bool Contains(std::string_view member) const;
  // A random member (the set must not be empty), as text.
  std::string Random(SampleRng& rng);
  // Removes and returns a random member (the set must not be empty).
  std::string PopRandom(SampleRng& rng);
  // Calls fn(std::string_view member) for every member: an intset in ascending order. fn must
  // not change the set. The views stay valid after the call only when views_outlive_calls(): an
  // intset formats each integer into a scratch buffer.
  template <typename Fn>
  void ForEach(Fn&& fn) const;
  bool views_outlive_calls() const { return table_ != nullptr; }
  // Calls fn(std::string_view member) -> bool for the members until it returns false (SINTERCARD's
  // LIMIT). Each member once, in no set order; fn must not change the set.
  template <typename Fn>
  void ForEachUntil(Fn&& fn) const;
  // One SSCAN step: fn(member) for the members at cursor; returns the next cursor. An intset is
  // visited whole (cursor 0 back), as Redis does.
  template <typename Fn>
  uint64_t Scan(uint64_t cursor, Fn&& fn);

 private:
  void Convert();
  static std::string_view FormatInt(int64_t v, char (&buf)[24]);

  std::vector<int64_t> ints_;         // sorted, while table_ is null
  std::unique_ptr<FieldDict> table_;  // the large encoding: nodes with empty values
  size_t table_bytes_ = 0;            // FieldNode::HeapSize total of table_'s nodes
};

template <typename Fn>
void SetObject::ForEach(Fn&& fn) const {
  if (table_) {
    table_->ForEach([&fn](const FieldNode* e) { fn(e->key()); });
    return;
  }
  char buf[24];
  for (const int64_t v : ints_) fn(FormatInt(v, buf));
}

template <typename Fn>
void SetObject::ForEachUntil(Fn&& fn) const {
  if (table_) {
    // Every bucket chain once; a FieldDict that does not change (no insert, no rehash step) between
    // the scan steps yields each entry exactly once, even mid-rehash.
    bool more = true;
    uint64_t cursor = 0;
    do {
      cursor = table_->Scan(cursor, [&](const FieldNode* e) {
        if (more) more = fn(e->key());
      });
    } while (cursor != 0 && more);
    return;
  }
  char buf[24];
  for (const int64_t v : ints_) {
    if (!fn(FormatInt(v, buf))) return;
  }
}

template <typename Fn>
uint64_t SetObject::Scan(uint64_t cursor, Fn&& fn) {
  if (!table_) {
    ForEach(fn);
    return 0;
  }
  return table_->Scan(cursor, [&fn](const FieldNode* e) { fn(e->key()); });
}

}  // namespace kv::server
