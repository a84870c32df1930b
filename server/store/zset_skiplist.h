// The large encoding of a sorted set ("skiplist"), as Redis's: a skiplist ordered by (score,
// member) whose links carry spans (the elements they skip), so rank lookups and rank ranges are
// O(log n), plus an index member -> node for O(1) ZSCORE and removal by member.
//
// Layout, chosen for memory: a node is one allocation holding its score, backward link, height,
// levels and the member bytes (Redis: a node plus a separate sds plus a dict entry). The index is
// an open-addressing table (linear probing, backward-shift deletion) of node pointers tagged
// with 16 bits of the member's hash in the unused top bits, so a probe rarely touches a node
// that is not the one sought; it costs 8 bytes a slot at a load of 0.4..0.8.
#pragma once

#include <cstddef>
#include <cstdint>
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
  struct Level {
    Node* forward;
    size_t span;
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
  void IndexAdd(Node* n, uint64_t hash);
  void IndexRemove(const Node* n);
  void Resize(size_t slots);
  static Node* SlotNode(uint64_t slot) {
    return reinterpret_cast<Node*>(slot & ((uint64_t{1} << 48) - 1));
  }
  static uint64_t Tag(uint64_t hash) { return hash >> 48; }

  Node* header_;
  Node* tail_ = nullptr;
  size_t length_ = 0;
  int level_ = 1;
  uint64_t rng_;               // xorshift state for node heights
  uint64_t seed_;              // the index's hash seed
  uint64_t* slots_ = nullptr;  // 0: empty; else node pointer | tag << 48
  size_t mask_ = 0;            // slots - 1 (0 with no table)
  size_t node_bytes_ = 0;      // malloc chunks of the nodes
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
  if (slots_ == nullptr) return 0;
  const size_t home = cursor & mask_;
  // Members whose home slot is `home` sit in the run of full slots from it (linear probing).
  for (size_t i = home; slots_[i] != 0; i = (i + 1) & mask_) {
    const Node* n = SlotNode(slots_[i]);
    if ((Hash(n->member()) & mask_) == home) fn(n->member(), n->score);
  }
  // Redis's reverse-binary increment of the cursor's masked bits.
  uint64_t v = cursor | ~static_cast<uint64_t>(mask_);
  v = dict_internal::ReverseBits(v);
  ++v;
  return dict_internal::ReverseBits(v);
}

}  // namespace kv::server
