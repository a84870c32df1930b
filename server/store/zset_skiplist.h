// The large encoding of a sorted set ("skiplist"), as Redis's: a skiplist ordered by (score,
// member) whose links carry spans (the elements they skip), so rank lookups and rank ranges are
// O(log n), plus an index member -> node for O(1) ZSCORE and removal by member.
//
// Layout, chosen for memory: a node is one allocation holding its score, backward link, height,
// levels and the member bytes (Redis: a node plus a separate sds plus a dict entry). The index is
// an open-addressing table (linear probing, backward-shift deletion) of node pointers tagged
// with 16 bits of the member's hash in the unused top bits, so a probe rarely touches a node
// that is not the one sought; it costs 8 bytes a slot at a load of 0.4..0.8. It grows and
// shrinks incrementally, as Redis's dict rehashes: the old table stays beside the new one and
// every write moves a few of its slots (a whole pass over a million members would stall the
// server for hundreds of milliseconds).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "server/store/dict.h"  // HashKey, ReverseBits

namespace kv::server {

class ZSkipList {
 public:
  ZSkipList();
  ~ZSkipList();
  ZSkipList(const ZSkipList&) = delete;
  ZSkipList& operator=(const ZSkipList&) = delete;

  size_t size() const { return length_; }
  // Heap bytes: the list's header node, every node, the index table (not this object itself).
  size_t HeapBytes() const;

  // Adds member (must be missing).
  void Insert(std::string_view member, double score);
  // The score of member; false when missing.
  bool Score(std::string_view member, double* score) const;
  // Gives the (present) member a new score, moving it when its position changes.
  void UpdateScore(std::string_view member, double score);
  // Removes member; false when missing.
  bool Remove(std::string_view member);

  // The number of leading elements (ascending (score, member) order) for which
  // pred(score, member) holds; pred must hold for a prefix of the order. O(log n).
  template <typename Pred>
  size_t CountWhile(Pred&& pred) const;
  // fn(member, score) for the ranks [from, to) (0-based, ascending order), visited from the
  // lowest rank up, or from the highest down when reverse.
  template <typename Fn>
  void ForRanks(size_t from, size_t to, bool reverse, Fn&& fn) const;
  // Removes the ranks [from, to).
  void RemoveRanks(size_t from, size_t to);
  // One ZSCAN step over the index: fn(member, score) for the members whose home slot is cursor;
  // returns the next cursor (Redis's reverse-binary order: every member present for a whole
  // scan is returned at least once, across table growth too). 0 when done.
  template <typename Fn>
  uint64_t Scan(uint64_t cursor, Fn&& fn) const;

  // Frees up to budget nodes (lazy free); true when nothing but the empty header is left. The
  // list is then only fit to be destroyed.
  bool ReleaseSome(size_t budget);

 private:
  static constexpr int kMaxLevel = 32;
  struct Node;
  // A link: 16 bytes, as two words were. The span is 32 bits: a sorted set holds fewer than 2^32
  // members (a node takes at least 48 bytes: 200 GB). The key is ScoreKey(forward->score), so a
  // search passes most links without loading the node they lead to (one cache miss fewer per
  // level: ZADD of a new score walks the list twice, to unlink and to link).
  struct Level {
    Node* forward;
    uint32_t span;
    uint32_t key;
  };
  struct Node {
    double score;
    Node* backward;
    uint32_t len;
    uint8_t height;
    Level* levels() { return reinterpret_cast<Level*>(this + 1); }
    const Level* levels() const { return reinterpret_cast<const Level*>(this + 1); }
    std::string_view member() const {
      return {reinterpret_cast<const char*>(levels() + height), len};
    }
  };

  static Node* NewNode(int height, double score, std::string_view member);
  static size_t NodeBytes(const Node* n);
  static bool Before(const Node* n, double score, std::string_view member) {
    return n->score < score || (n->score == score && n->member() < member);
  }
  // The top 32 bits of an order-preserving image of score (-0 taken as 0): a < b when
  // ScoreKey(a) < ScoreKey(b), a > b when greater; equal keys tell nothing.
  static uint32_t ScoreKey(double score) {
    score += 0.0;  // -0 becomes 0
    uint64_t bits;
    std::memcpy(&bits, &score, sizeof(bits));
    bits = (bits >> 63) != 0 ? ~bits : bits | (uint64_t{1} << 63);
    return static_cast<uint32_t>(bits >> 32);
  }
  // Before(l.forward, score, member), where key = ScoreKey(score): from the link's key when it
  // tells, else from the node.
  static bool LinkBefore(const Level& l, double score, uint32_t key, std::string_view member) {
    if (l.key != key) return l.key < key;
    return Before(l.forward, score, member);
  }
  int RandomHeight();
  // The node at 0-based rank (< size()).
  const Node* NodeAt(size_t rank) const;
  // Links x (not in the list) at its place by (score, member).
  void Link(Node* x);
  // Unlinks x, given update[i]: the last node before x at each level.
  void Unlink(Node* x, Node** update);
  // Fills update with the last nodes before (score, member) at each level.
  void FindUpdate(double score, std::string_view member, Node** update) const;

  // The index (member -> node).
  uint64_t Hash(std::string_view member) const;
  Node* Find(std::string_view member) const;
  static Node* FindIn(const uint64_t* table, size_t mask, std::string_view member, uint64_t hash);
  void IndexAdd(Node* n, uint64_t hash);
  void IndexRemove(const Node* n);
  // Starts moving the index to a table of `slots` slots (finishing a move under way first).
  void StartResize(size_t slots);
  // Moves up to `slots` slots of the old table to the new one; frees it when all are moved.
  void MigrateSome(size_t slots);
  static void Place(uint64_t* table, size_t mask, uint64_t slot, uint64_t hash);
  static Node* SlotNode(uint64_t slot) {
    return reinterpret_cast<Node*>(slot & ((uint64_t{1} << 48) - 1));
  }
  static uint64_t Tag(uint64_t hash) { return hash >> 48; }
  static constexpr uint64_t kGone = 1;  // an old-table slot whose member moved or was removed

  Node* header_;
  Node* tail_ = nullptr;
  size_t length_ = 0;
  int level_ = 1;
  uint64_t rng_;               // xorshift state for node heights
  uint64_t seed_;              // the index's hash seed
  uint64_t* slots_ = nullptr;  // 0: empty; else node pointer | tag << 48
  size_t mask_ = 0;            // slots - 1 (0 with no table)
  uint64_t* old_ = nullptr;    // while resizing: the table being emptied into slots_
  size_t old_mask_ = 0;
  size_t migrated_ = 0;    // old_ slots below this one are moved
  size_t node_bytes_ = 0;  // malloc chunks of the nodes
};

template <typename Pred>
size_t ZSkipList::CountWhile(Pred&& pred) const {
  const Node* x = header_;
  size_t rank = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->levels()[i].forward != nullptr &&
           pred(x->levels()[i].forward->score, x->levels()[i].forward->member())) {
      rank += x->levels()[i].span;
      x = x->levels()[i].forward;
    }
  }
  return rank;
}

template <typename Fn>
void ZSkipList::ForRanks(size_t from, size_t to, bool reverse, Fn&& fn) const {
  if (from >= to) return;
  size_t n = to - from;
  const Node* x = NodeAt(reverse ? to - 1 : from);
  while (n-- > 0) {
    fn(x->member(), x->score);
    x = reverse ? x->backward : x->levels()[0].forward;
  }
}

template <typename Fn>
uint64_t ZSkipList::Scan(uint64_t cursor, Fn&& fn) const {
  using dict_internal::ReverseBits;
  if (slots_ == nullptr) return 0;
  // The members whose home slot is `home` sit in the run of used slots from it (linear probing;
  // kGone slots of the old table were used).
  auto visit = [this, &fn](const uint64_t* table, size_t mask, size_t home) {
    for (size_t i = home; table[i] != 0; i = (i + 1) & mask) {
      if (table[i] == kGone) continue;
      const Node* n = SlotNode(table[i]);
      if ((Hash(n->member()) & mask) == home) fn(n->member(), n->score);
    }
  };
  // Redis's dictScan: the cursor's masked bits are incremented from the top down; while two
  // tables exist, every slot of the larger one that expands the smaller one's slot is visited.
  uint64_t v = cursor;
  if (old_ == nullptr) {
    visit(slots_, mask_, v & mask_);
    v |= ~static_cast<uint64_t>(mask_);
    return ReverseBits(ReverseBits(v) + 1);
  }
  const bool old_small = old_mask_ < mask_;
  const uint64_t* small = old_small ? old_ : slots_;
  const uint64_t* large = old_small ? slots_ : old_;
  const uint64_t m0 = old_small ? old_mask_ : mask_;
  const uint64_t m1 = old_small ? mask_ : old_mask_;
  visit(small, m0, v & m0);
  do {
    visit(large, m1, v & m1);
    v |= ~m1;
    v = ReverseBits(ReverseBits(v) + 1);
  } while ((v & (m0 ^ m1)) != 0);
  return v;
}

}  // namespace kv::server
