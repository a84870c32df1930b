// A sorted set value (ZADD, ZRANGE...): members with double scores, ordered by (score, member).
// Small sets are a PackedList of member, score, member, score... in that order ("listpack":
// within the PackLimits a write passes, zset-max-listpack-entries / -value; a score is its 8 raw
// bytes),
// converted for good to a ZSkipList ("skiplist": skiplist with spans + member index) when they
// outgrow that. Every query is by rank, so the commands need no per-encoding code: score and lex
// ranges become rank ranges through CountWhile.
#pragma once

#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "server/store/object.h"
#include "server/store/packed_list.h"
#include "server/store/zset_skiplist.h"

namespace kv::server {

class ZSetObject final : public Object {
 public:
  ZSetObject() : Object(ValueType::kZSet) {}
  // Redis zsetTypeCreate: an empty set that starts as a skiplist when size_hint members or one
  // of max_member_len bytes would not fit the listpack. (The encodings differ in one visible
  // way, as Redis's: a listpack stores -0 as 0, a skiplist keeps it.)
  static std::unique_ptr<ZSetObject> CreateSized(size_t size_hint, size_t max_member_len,
                                                 PackLimits limits = {});

  size_t Length() const override { return list_ ? list_->size() : small_.size() / 2; }
  std::string_view Encoding() const override { return list_ ? "skiplist" : "listpack"; }
  size_t MemoryUsage() const override;
  std::unique_ptr<Object> Clone() const override;
  size_t FreeEffort() const override { return list_ ? list_->size() : 1; }
  bool ReleaseSome(size_t budget) override;

  // The score of member; false when missing.
  bool Score(std::string_view member, double* score) const;
  // Adds member (must be missing) with score (not NaN); converts to a skiplist when the set
  // would no longer fit limits.
  void Insert(std::string_view member, double score, PackLimits limits = {});
  // Gives the (present) member a new score (not NaN).
  void UpdateScore(std::string_view member, double score);
  // Removes member; false when missing.
  bool Remove(std::string_view member);
  // The 0-based rank of member in ascending order; false when missing.
  bool Rank(std::string_view member, size_t* rank) const;

  // The number of leading elements (ascending order) for which pred(score, member) holds; pred
  // must hold for a prefix of the order.
  template <typename Pred>
  size_t CountWhile(Pred&& pred) const;
  // fn(member, score) for ranks [from, to) in ascending order, or descending when reverse. The
  // views are valid until the set changes.
  template <typename Fn>
  void ForRanks(size_t from, size_t to, bool reverse, Fn&& fn) const;
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    ForRanks(0, Length(), false, fn);
  }
  // Removes ranks [from, to).
  void RemoveRanks(size_t from, size_t to);
  // One ZSCAN step: fn(member, score) for the members at cursor; returns the next cursor. A
  // listpack is visited whole (cursor 0 back), as Redis does.
  template <typename Fn>
  uint64_t Scan(uint64_t cursor, Fn&& fn) const;

 private:
  static double ReadScore(std::string_view bytes) {
    double d;
    std::memcpy(&d, bytes.data(), sizeof d);
    return d;
  }
  // Positions of the members of the packed encoding, in order.
  std::vector<size_t> PackedPositions() const;
  // The position of member's pair in the packed encoding, or end().
  size_t FindPacked(std::string_view member) const;
  void InsertPacked(std::string_view member, double score);
  void Convert();

  PackedList small_;                 // member, score, member, score... while list_ is null
  std::unique_ptr<ZSkipList> list_;  // the large encoding
};

template <typename Pred>
size_t ZSetObject::CountWhile(Pred&& pred) const {
  if (list_) return list_->CountWhile(pred);
  size_t n = 0;
  std::string_view m;
  std::string_view s;
  for (size_t pos = small_.begin(); pos != small_.end(); ++n) {
    pos = small_.Read(pos, &m);
    pos = small_.Read(pos, &s);
    if (!pred(ReadScore(s), m)) break;
  }
  return n;
}

template <typename Fn>
void ZSetObject::ForRanks(size_t from, size_t to, bool reverse, Fn&& fn) const {
  if (list_) {
    list_->ForRanks(from, to, reverse, fn);
    return;
  }
  if (from >= to) return;
  std::string_view m;
  std::string_view s;
  if (!reverse) {
    size_t pos = small_.At(2 * from);
    for (size_t i = from; i < to; ++i) {
      pos = small_.Read(pos, &m);
      pos = small_.Read(pos, &s);
      fn(m, ReadScore(s));
    }
    return;
  }
  const std::vector<size_t> at = PackedPositions();
  for (size_t i = to; i-- > from;) {
    small_.Read(small_.Read(at[i], &m), &s);
    fn(m, ReadScore(s));
  }
}

template <typename Fn>
uint64_t ZSetObject::Scan(uint64_t cursor, Fn&& fn) const {
  if (list_) return list_->Scan(cursor, fn);
  ForEach(fn);
  return 0;
}

}  // namespace kv::server
