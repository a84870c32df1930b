// The sorted set's skiplist with spans and its member index (see zset_skiplist.h). The list
// algorithms are Redis's t_zset.c ones (zslInsert, zslDeleteNode, zslGetElementByRank,
// zslDeleteRangeByRank), with nodes that carry their member inline.
#include "server/store/zset_skiplist.h"

#include <cstdlib>
#include <cstring>
#include <new>
#include <random>

#include "server/store/table_memory.h"

namespace kv::server {
namespace {

constexpr size_t kMinSlots = 16;
constexpr size_t kMigrateStep = 128;     // old-table slots moved per index write while resizing
constexpr size_t kMigrateAtOnce = 1024;  // smaller old tables are moved at once

}  // namespace

ZSkipList::ZSkipList() {
  std::random_device rd;
  rng_ = (static_cast<uint64_t>(rd()) << 32) ^ rd() ^ 0x9E3779B97F4A7C15ULL;
  seed_ = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  header_ = NewNode(kMaxLevel, 0, {});
  for (int i = 0; i < kMaxLevel; ++i) header_->levels()[i] = {nullptr, 0, 0};
}

ZSkipList::~ZSkipList() {
  Node* x = header_->levels()[0].forward;
  while (x != nullptr) {
    Node* next = x->levels()[0].forward;
    std::free(x);
    x = next;
  }
  std::free(header_);
  FreeTable(slots_, (mask_ + 1) * sizeof(uint64_t));
  FreeTable(old_, (old_mask_ + 1) * sizeof(uint64_t));
}

ZSkipList::Node* ZSkipList::NewNode(int height, double score, std::string_view member) {
  const size_t bytes = sizeof(Node) + height * sizeof(Level) + member.size();
  void* mem = std::malloc(bytes);
  if (mem == nullptr) throw std::bad_alloc();
  Node* n = new (mem) Node;
  n->score = score;
  n->backward = nullptr;
  n->len = static_cast<uint32_t>(member.size());
  n->height = static_cast<uint8_t>(height);
  if (!member.empty()) std::memcpy(n->levels() + height, member.data(), member.size());
  return n;
}

size_t ZSkipList::NodeBytes(const Node* n) {
  return MallocChunk(sizeof(Node) + n->height * sizeof(Level) + n->len);
}

size_t ZSkipList::HeapBytes() const {
  return NodeBytes(header_) + node_bytes_ + (slots_ == nullptr ? 0 : MallocChunk((mask_ + 1) * 8)) +
         (old_ == nullptr ? 0 : MallocChunk((old_mask_ + 1) * 8));
}

// Redis zslRandomLevel: each further level with probability 1/4.
int ZSkipList::RandomHeight() {
  int height = 1;
  for (;;) {
    rng_ ^= rng_ << 13;
    rng_ ^= rng_ >> 7;
    rng_ ^= rng_ << 17;
    uint64_t bits = rng_;
    for (int i = 0; i < 32; ++i, bits >>= 2) {
      if ((bits & 3) != 0 || height == kMaxLevel) return height;
      ++height;
    }
  }
}

void ZSkipList::FindUpdate(double score, std::string_view member, Node** update) const {
  Node* x = header_;
  const uint32_t key = ScoreKey(score);
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->levels()[i].forward != nullptr && LinkBefore(x->levels()[i], score, key, member)) {
      x = x->levels()[i].forward;
    }
    update[i] = x;
  }
}

void ZSkipList::Link(Node* x) {
  Node* update[kMaxLevel];
  size_t rank[kMaxLevel];
  Node* at = header_;
  const std::string_view member = x->member();
  const uint32_t key = ScoreKey(x->score);
  for (int i = level_ - 1; i >= 0; --i) {
    rank[i] = i == level_ - 1 ? 0 : rank[i + 1];
    while (at->levels()[i].forward != nullptr &&
           LinkBefore(at->levels()[i], x->score, key, member)) {
      rank[i] += at->levels()[i].span;
      at = at->levels()[i].forward;
    }
    update[i] = at;
  }
  const int height = x->height;
  if (height > level_) {
    for (int i = level_; i < height; ++i) {
      rank[i] = 0;
      update[i] = header_;
      header_->levels()[i].span = static_cast<uint32_t>(length_);
    }
    level_ = height;
  }
  for (int i = 0; i < height; ++i) {
    Level& up = update[i]->levels()[i];
    x->levels()[i] = {up.forward, static_cast<uint32_t>(up.span - (rank[0] - rank[i])), up.key};
    up.forward = x;
    up.span = static_cast<uint32_t>(rank[0] - rank[i] + 1);
    up.key = key;
  }
  for (int i = height; i < level_; ++i) ++update[i]->levels()[i].span;
  x->backward = update[0] == header_ ? nullptr : update[0];
  if (x->levels()[0].forward != nullptr) {
    x->levels()[0].forward->backward = x;
  } else {
    tail_ = x;
  }
  ++length_;
}

void ZSkipList::Unlink(Node* x, Node** update) {
  for (int i = 0; i < level_; ++i) {
    Level& up = update[i]->levels()[i];
    if (up.forward == x) {
      up.span += x->levels()[i].span - 1;
      up.forward = x->levels()[i].forward;
      up.key = x->levels()[i].key;
    } else {
      --up.span;
    }
  }
  if (x->levels()[0].forward != nullptr) {
    x->levels()[0].forward->backward = x->backward;
  } else {
    tail_ = x->backward;
  }
  while (level_ > 1 && header_->levels()[level_ - 1].forward == nullptr) --level_;
  --length_;
}

void ZSkipList::Insert(std::string_view member, double score) {
  Node* x = NewNode(RandomHeight(), score, member);
  node_bytes_ += NodeBytes(x);
  Link(x);
  IndexAdd(x, Hash(member));
}

bool ZSkipList::Score(std::string_view member, double* score) const {
  const Node* n = Find(member);
  if (n == nullptr) return false;
  *score = n->score;
  return true;
}

void ZSkipList::UpdateScore(std::string_view member, double score) {
  Node* x = Find(member);
  if (x == nullptr) return;  // not a member: nothing to update
  // Still between its neighbours: the score changes in place (Redis zslUpdateScore), unless the
  // links to it must learn a new ScoreKey.
  const Node* next = x->levels()[0].forward;
  if (ScoreKey(score) == ScoreKey(x->score) &&
      (x->backward == nullptr || Before(x->backward, score, x->member())) &&
      (next == nullptr || !Before(next, score, x->member()))) {
    x->score = score;
    return;
  }
  Node* update[kMaxLevel];
  FindUpdate(x->score, x->member(), update);
  Unlink(x, update);
  x->score = score;
  Link(x);
}

bool ZSkipList::Remove(std::string_view member) {
  Node* x = Find(member);
  if (x == nullptr) return false;
  Node* update[kMaxLevel];
  FindUpdate(x->score, x->member(), update);
  Unlink(x, update);
  IndexRemove(x);
  node_bytes_ -= NodeBytes(x);
  std::free(x);
  return true;
}

const ZSkipList::Node* ZSkipList::NodeAt(size_t rank) const {
  const Node* x = header_;
  size_t traversed = 0;
  const size_t target = rank + 1;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->levels()[i].forward != nullptr && traversed + x->levels()[i].span <= target) {
      traversed += x->levels()[i].span;
      x = x->levels()[i].forward;
    }
    if (traversed == target) return x;
  }
  return x;
}

void ZSkipList::RemoveRanks(size_t from, size_t to) {
  if (from >= to) return;
  Node* update[kMaxLevel];
  Node* x = header_;
  size_t traversed = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->levels()[i].forward != nullptr && traversed + x->levels()[i].span <= from) {
      traversed += x->levels()[i].span;
      x = x->levels()[i].forward;
    }
    update[i] = x;
  }
  x = x->levels()[0].forward;
  for (size_t n = to - from; n > 0 && x != nullptr; --n) {
    Node* next = x->levels()[0].forward;
    Unlink(x, update);
    IndexRemove(x);
    node_bytes_ -= NodeBytes(x);
    std::free(x);
    x = next;
  }
}

bool ZSkipList::ReleaseSome(size_t budget) {
  FreeTable(slots_, (mask_ + 1) * sizeof(uint64_t));
  FreeTable(old_, (old_mask_ + 1) * sizeof(uint64_t));
  slots_ = old_ = nullptr;
  mask_ = old_mask_ = 0;
  Node* x = header_->levels()[0].forward;
  for (; x != nullptr && budget > 0; --budget) {
    Node* next = x->levels()[0].forward;
    node_bytes_ -= NodeBytes(x);
    --length_;
    std::free(x);
    x = next;
  }
  header_->levels()[0].forward = x;
  return x == nullptr;
}

// ---- the index ----

uint64_t ZSkipList::Hash(std::string_view member) const { return HashKey(member, seed_); }

ZSkipList::Node* ZSkipList::FindIn(const uint64_t* table, size_t mask, std::string_view member,
                                   uint64_t hash) {
  const uint64_t tag = Tag(hash);
  for (size_t i = hash & mask; table[i] != 0; i = (i + 1) & mask) {
    if (table[i] == kGone || (table[i] >> 48) != tag) continue;
    Node* n = SlotNode(table[i]);
    if (n->member() == member) return n;
  }
  return nullptr;
}

ZSkipList::Node* ZSkipList::Find(std::string_view member) const {
  if (slots_ == nullptr) return nullptr;
  const uint64_t h = Hash(member);
  Node* n = FindIn(slots_, mask_, member, h);
  if (n == nullptr && old_ != nullptr) n = FindIn(old_, old_mask_, member, h);
  return n;
}

void ZSkipList::Place(uint64_t* table, size_t mask, uint64_t slot, uint64_t hash) {
  size_t i = hash & mask;
  while (table[i] != 0) i = (i + 1) & mask;
  table[i] = slot;
}

void ZSkipList::IndexAdd(Node* n, uint64_t hash) {
  if (old_ != nullptr) MigrateSome(kMigrateStep);
  if (slots_ == nullptr) {
    StartResize(kMinSlots);
  } else if (length_ * 5 > (mask_ + 1) * 4) {
    // length_ already counts n (and the members still in old_): grow past a load of 0.8.
    StartResize((mask_ + 1) * 2);
  }
  Place(slots_, mask_, reinterpret_cast<uint64_t>(n) | (Tag(hash) << 48), hash);
}

void ZSkipList::IndexRemove(const Node* n) {
  const uint64_t h = Hash(n->member());
  size_t i = h & mask_;
  for (; slots_[i] != 0; i = (i + 1) & mask_) {
    if (SlotNode(slots_[i]) == n) break;
  }
  if (slots_[i] == 0) {
    // In the old table: its slot becomes kGone (lookups of others probe on past it).
    for (size_t j = h & old_mask_;; j = (j + 1) & old_mask_) {
      if (old_[j] > kGone && SlotNode(old_[j]) == n) {
        old_[j] = kGone;
        break;
      }
    }
  } else {
    // Backward-shift deletion: pull later members of the run into the hole when their home
    // slot allows it, so no run gets an empty slot between a member's home and its place.
    size_t hole = i;
    for (size_t j = (i + 1) & mask_; slots_[j] != 0; j = (j + 1) & mask_) {
      const size_t home = Hash(SlotNode(slots_[j])->member()) & mask_;
      // j's member may move to hole when its home is not in (hole, j] (cyclically).
      const bool home_between = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
      if (!home_between) {
        slots_[hole] = slots_[j];
        hole = j;
      }
    }
    slots_[hole] = 0;
  }
  if (old_ != nullptr) {
    MigrateSome(kMigrateStep);
  } else if (length_ * 10 < mask_ + 1 && mask_ + 1 > kMinSlots) {
    StartResize((mask_ + 1) / 2);  // below a load of 0.1
  }
}

void ZSkipList::StartResize(size_t slots) {
  if (old_ != nullptr) MigrateSome(old_mask_ + 1);
  auto* fresh = static_cast<uint64_t*>(AllocTable(slots * sizeof(uint64_t)));
  old_ = slots_;
  old_mask_ = mask_;
  migrated_ = 0;
  slots_ = fresh;
  mask_ = slots - 1;
  if (old_ == nullptr) return;
  if (old_mask_ < kMigrateAtOnce) MigrateSome(old_mask_ + 1);
}

void ZSkipList::MigrateSome(size_t slots) {
  const size_t end = migrated_ + slots < old_mask_ + 1 ? migrated_ + slots : old_mask_ + 1;
  for (; migrated_ < end; ++migrated_) {
    const uint64_t v = old_[migrated_];
    if (v <= kGone) continue;
    Place(slots_, mask_, v, Hash(SlotNode(v)->member()));
    old_[migrated_] = kGone;
  }
  if (migrated_ > old_mask_) {
    FreeTable(old_, (old_mask_ + 1) * sizeof(uint64_t));
    old_ = nullptr;
    old_mask_ = 0;
    migrated_ = 0;
  }
}

}  // namespace kv::server
