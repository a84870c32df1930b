// The keyspace hash table (see dict.h): entries, hashing, lookup, insertion and incremental rehash;
// the table is instantiated for the keyspace's Entry and for collections' FieldNode.
#include "server/store/dict.h"

#include <cstdlib>
#include <new>
#include <random>
#include <utility>

#include "server/store/field_node.h"
#include "server/store/table_memory.h"

namespace kv::server {
namespace {

constexpr size_t kInitialSize = 4;
constexpr int kEmptyVisitsPerStep = 10;

inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

__extension__ typedef unsigned __int128 U128;  // GCC/Clang builtin; __extension__: -Wpedantic

inline uint64_t Mix(uint64_t a, uint64_t b) {
  const U128 r = static_cast<U128>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

size_t NextPowerOfTwo(size_t n) {
  size_t s = kInitialSize;
  while (s < n) s <<= 1;
  return s;
}

// glibc malloc (ptmalloc) hands out chunks in 16-byte steps, each with an 8-byte size header, so
// a chunk of 16*k bytes serves requests up to 16*k - 8. Asking for exactly that much (and using
// the slack as value capacity) saves a whole step per entry: a 16-byte key with a 3-byte value
// needs 51 bytes, which rounded to 64 costs an 80-byte chunk but rounded to 56 costs 64.
constexpr size_t kChunkStep = 16;
constexpr size_t kChunkHeader = 8;

}  // namespace

uint64_t HashKey(std::string_view key, uint64_t seed) {
  // A multiply-fold hash over 8-byte words; the seed keys it per table.
  constexpr uint64_t kM1 = 0xa0761d6478bd642fULL;
  constexpr uint64_t kM2 = 0xe7037ed1a0b428dbULL;
  const char* p = key.data();
  size_t n = key.size();
  uint64_t h = seed ^ (n * kM1);
  while (n >= 16) {
    h = Mix(Load64(p) ^ kM1 ^ h, Load64(p + 8) ^ kM2);
    p += 16;
    n -= 16;
  }
  uint64_t a = 0;
  uint64_t b = 0;
  if (n >= 8) {
    a = Load64(p);
    b = Load64(p + n - 8);
  } else if (n >= 4) {
    uint32_t x;
    uint32_t y;
    std::memcpy(&x, p, 4);
    std::memcpy(&y, p + n - 4, 4);
    a = x;
    b = y;
  } else if (n > 0) {
    a = (static_cast<uint64_t>(static_cast<unsigned char>(p[0])) << 16) |
        (static_cast<uint64_t>(static_cast<unsigned char>(p[n >> 1])) << 8) |
        static_cast<unsigned char>(p[n - 1]);
  }
  return Mix(Mix(a ^ kM1, b ^ h ^ kM2), n ^ kM1);
}

size_t Entry::AllocSizeFor(size_t key_len, size_t val_cap) {
  // The largest request that fits the same malloc chunk (see kChunkStep), so the estimate tracks
  // real heap use and no byte of the chunk is wasted.
  static_assert(sizeof(Entry) == 32, "the access word follows a 32-byte header");
  const size_t raw = Entry::kHeaderSize + key_len + val_cap;
  return ((raw + kChunkHeader + kChunkStep - 1) & ~(kChunkStep - 1)) - kChunkHeader;
}

size_t Entry::HeapSize() const { return AllocSize() + kChunkHeader; }

Entry* Entry::Create(std::string_view key, std::string_view value, size_t val_cap) {
  if (val_cap < value.size()) val_cap = value.size();
  // Use the allocator's rounding slack as value capacity (free headroom for APPEND/SETRANGE).
  const size_t alloc = AllocSizeFor(key.size(), val_cap);
  void* mem = std::malloc(alloc);
  if (mem == nullptr) throw std::bad_alloc();
  Entry* e = new (mem) Entry;
  e->next = nullptr;
  e->expire_ms = 0;
  e->key_len = static_cast<uint32_t>(key.size());
  e->val_len = static_cast<uint32_t>(value.size());
  e->val_cap = static_cast<uint32_t>(alloc - kHeaderSize - key.size());
  e->ttl_slot = 0;
  e->set_access_word(0);
  if (!key.empty()) std::memcpy(e->key_data(), key.data(), key.size());
  if (!value.empty()) std::memcpy(e->val_data(), value.data(), value.size());
  return e;
}

Entry* Entry::CreateObject(std::string_view key, Object* obj) {
  Entry* e =
      Create(key, std::string_view(reinterpret_cast<const char*>(&obj), sizeof(obj)), sizeof(obj));
  e->set_access_word(static_cast<uint32_t>(obj->type()) << kTypeShift);
  return e;
}

void Entry::Destroy(Entry* e) {
  if (e->is_object()) [[unlikely]]
    delete e->object();
  e->~Entry();
  std::free(e);
}

template <typename Node>
BasicDict<Node>::BasicDict()
    : seed_((static_cast<uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}()) {}

template <typename Node>
BasicDict<Node>::~BasicDict() {
  Clear();
}

template <typename Node>
size_t BasicDict<Node>::Clear() {
  size_t freed = 0;
  for (int t = 0; t < 2; ++t) {
    for (size_t i = 0; i < size_[t]; ++i) {
      Node* e = table_[t][i];
      while (e != nullptr) {
        Node* next = e->next;
        freed += e->AllocSize();
        Node::Destroy(e);
        e = next;
      }
    }
    FreeTable(table_[t], size_[t] * sizeof(Node*));
    table_[t] = nullptr;
    size_[t] = 0;
    used_[t] = 0;
  }
  rehash_idx_ = -1;
  released_ = 0;
  return freed;
}

template <typename Node>
bool BasicDict<Node>::ReleaseSome(size_t budget, size_t* freed) {
  for (int t = 1; t >= 0 && budget > 0; --t) {
    // From the last bucket down; released_ counts the buckets of table t already emptied.
    while (released_ < size_[t] && budget > 0) {
      Node** bucket = &table_[t][size_[t] - 1 - released_++];
      Node* e = *bucket;
      *bucket = nullptr;
      while (e != nullptr) {
        Node* next = e->next;
        *freed += e->HeapSize();
        Node::Destroy(e);
        --used_[t];
        if (budget > 0) --budget;
        e = next;
      }
      if (budget > 0) --budget;  // an empty bucket costs a visit too
    }
    if (table_[t] != nullptr && released_ == size_[t]) {
      FreeTable(table_[t], size_[t] * sizeof(Node*));
      table_[t] = nullptr;
      size_[t] = 0;
      released_ = 0;
    }
  }
  return size() == 0;
}

template <typename Node>
void BasicDict<Node>::StartResize(size_t new_size) {
  auto** table = static_cast<Node**>(AllocTable(new_size * sizeof(Node*)));
  if (table_[0] == nullptr) {
    table_[0] = table;
    size_[0] = new_size;
    return;
  }
  table_[1] = table;
  size_[1] = new_size;
  rehash_idx_ = 0;
}

template <typename Node>
void BasicDict<Node>::MaybeExpand() {
  if (rehashing()) return;
  if (table_[0] == nullptr) {
    StartResize(kInitialSize);
  } else if (used_[0] >= size_[0]) {
    StartResize(NextPowerOfTwo(used_[0] + 1));
  }
}

template <typename Node>
void BasicDict<Node>::MaybeShrink() {
  // Shrink below 1/8 load (Redis: 10%); keeps RandomEntry's empty-bucket probing cheap.
  if (rehashing() || size_[0] <= kInitialSize || used_[0] * 8 >= size_[0]) return;
  StartResize(NextPowerOfTwo(used_[0]));
}

template <typename Node>
bool BasicDict<Node>::RehashStep(int n) {
  if (!rehashing()) return false;
  int empty_visits = n * kEmptyVisitsPerStep;
  while (n-- > 0 && used_[0] != 0) {
    while (table_[0][rehash_idx_] == nullptr) {
      ++rehash_idx_;
      if (--empty_visits == 0) return true;
    }
    Node* e = table_[0][rehash_idx_];
    while (e != nullptr) {
      Node* next = e->next;
      const size_t idx = BucketIndex(HashKey(e->key(), seed_), 1);
      e->next = table_[1][idx];
      table_[1][idx] = e;
      --used_[0];
      ++used_[1];
      e = next;
    }
    table_[0][rehash_idx_] = nullptr;
    ++rehash_idx_;
  }
  if (used_[0] == 0) {
    FreeTable(table_[0], size_[0] * sizeof(Node*));
    table_[0] = table_[1];
    size_[0] = size_[1];
    used_[0] = used_[1];
    table_[1] = nullptr;
    size_[1] = 0;
    used_[1] = 0;
    rehash_idx_ = -1;
    return false;
  }
  return true;
}

template <typename Node>
Node** BasicDict<Node>::FindLinkHashed(std::string_view key, uint64_t hash) {
  for (int t = 0; t < 2; ++t) {
    if (size_[t] == 0) break;
    Node** link = &table_[t][BucketIndex(hash, t)];
    while (*link != nullptr) {
      const Node* e = *link;
      if (e->KeyEquals(key)) {
        return link;
      }
      link = &(*link)->next;
    }
    if (!rehashing()) break;
  }
  return nullptr;
}

template <typename Node>
Node** BasicDict<Node>::FindLink(std::string_view key) {
  if (size() == 0) return nullptr;
  if (rehashing()) RehashStep(1);
  return FindLinkHashed(key, HashKey(key, seed_));
}

template <typename Node>
void BasicDict<Node>::Prefetch(std::span<const std::string_view> keys) const {
  if (size() == 0) return;
  Node* const* buckets[2 * kMaxPrefetch];
  size_t n = 0;
  const int tables = rehashing() ? 2 : 1;
  for (size_t i = 0; i < keys.size() && i < kMaxPrefetch; ++i) {
    const uint64_t hash = HashKey(keys[i], seed_);
    for (int t = 0; t < tables; ++t) {
      buckets[n] = &table_[t][BucketIndex(hash, t)];
      __builtin_prefetch(buckets[n]);
      ++n;
    }
  }
  // The bucket loads now overlap; each head's entry (header, key, usually the value) likewise.
  for (size_t i = 0; i < n; ++i) {
    if (const Node* e = *buckets[i]) {
      __builtin_prefetch(e);
      __builtin_prefetch(reinterpret_cast<const char*>(e) + 63);
    }
  }
}

template <typename Node>
Node* BasicDict<Node>::Find(std::string_view key) {
  Node** link = FindLink(key);
  return link == nullptr ? nullptr : *link;
}

template <typename Node>
const Node* BasicDict<Node>::Peek(std::string_view key) const {
  if (size() == 0) return nullptr;
  // FindLinkHashed only reads; it is not const because it hands out a mutable link.
  Node** link = const_cast<BasicDict*>(this)->FindLinkHashed(key, HashKey(key, seed_));
  return link == nullptr ? nullptr : *link;
}

template <typename Node>
void BasicDict<Node>::Swap(BasicDict& other) noexcept {
  std::swap(table_, other.table_);
  std::swap(size_, other.size_);
  std::swap(used_, other.used_);
  std::swap(rehash_idx_, other.rehash_idx_);
  std::swap(released_, other.released_);
  std::swap(seed_, other.seed_);
}

template <typename Node>
void BasicDict<Node>::Insert(Node* e) {
  if (rehashing()) RehashStep(1);
  MaybeExpand();
  const int t = rehashing() ? 1 : 0;
  const size_t idx = BucketIndex(HashKey(e->key(), seed_), t);
  e->next = table_[t][idx];
  table_[t][idx] = e;
  ++used_[t];
}

template <typename Node>
Node* BasicDict<Node>::ReplaceAt(Node** link, Node* replacement) {
  Node* old = *link;
  replacement->next = old->next;
  *link = replacement;
  return old;
}

template <typename Node>
Node* BasicDict<Node>::Unlink(std::string_view key) {
  if (size() == 0) return nullptr;
  if (rehashing()) RehashStep(1);
  const uint64_t hash = HashKey(key, seed_);
  for (int t = 0; t < 2; ++t) {
    if (size_[t] == 0) break;
    Node** link = &table_[t][BucketIndex(hash, t)];
    while (*link != nullptr) {
      Node* e = *link;
      if (e->KeyEquals(key)) {
        *link = e->next;
        e->next = nullptr;
        --used_[t];
        MaybeShrink();
        return e;
      }
      link = &e->next;
    }
    if (!rehashing()) break;
  }
  return nullptr;
}

template class BasicDict<Entry>;
template class BasicDict<FieldNode>;

}  // namespace kv::server
