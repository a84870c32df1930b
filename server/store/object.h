// A collection value (list, hash, set, sorted set): the object a key's Entry owns instead of
// string bytes. Each type is a subclass in its own file; the store only uses this interface (the
// per-type hooks: length, encoding, memory, copy and incremental release for lazy free).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace kv::server {

// A key's value type, numbered as Redis's OBJ_* constants. Stored in the Entry's access word.
enum class ValueType : uint8_t {
  kString = 0,
  kList = 1,
  kSet = 2,
  kZSet = 3,
  kHash = 4,
};

// glibc malloc (ptmalloc) hands out chunks in 16-byte steps with an 8-byte size header: the heap
// bytes a malloc(n) takes, and the largest request that fills the same chunk as a request of n.
// The objects' MemoryUsage counts with these (Redis counts jemalloc's size classes).
constexpr size_t MallocChunk(size_t n) { return (n + 8 + 15) & ~size_t{15}; }
constexpr size_t MallocChunkRequest(size_t n) { return MallocChunk(n) - 8; }

// TYPE's reply: "string", "list", "set", "zset", "hash".
std::string_view TypeName(ValueType type);
// SCAN ... TYPE <name>: the type named name (any case), false when name is no type.
bool ParseTypeName(std::string_view name, ValueType* type);

class Object {
 public:
  explicit Object(ValueType type) : accounted_(0), type_(static_cast<uint64_t>(type)) {}
  virtual ~Object() = default;
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;

  ValueType type() const { return static_cast<ValueType>(type_); }
  // Elements (list entries, hash fields, set members). A collection that reaches 0 is deleted
  // with its key (Store::ObjectWritten).
  virtual size_t Length() const = 0;
  // OBJECT ENCODING: Redis's name for the current representation ("listpack", "quicklist",
  // "hashtable", "intset", "skiplist").
  virtual std::string_view Encoding() const = 0;
  // Heap bytes the object holds, itself included. Kept up to date by the object (O(1)): the
  // store reads it after every write for its memory accounting.
  virtual size_t MemoryUsage() const = 0;
  // A deep copy (COPY).
  virtual std::unique_ptr<Object> Clone() const = 0;
  // Redis lazyfreeGetFreeEffort: roughly the allocations freeing the object costs. Above
  // Store::kLazyFreeThreshold the store frees it in slices (ReleaseSome) instead of at once.
  virtual size_t FreeEffort() const = 0;
  // Frees up to budget elements' memory; true when the object holds no more than itself (it is
  // then deleted in O(1)). The object is unreachable from the keyspace when this is called.
  virtual bool ReleaseSome(size_t budget) = 0;

 private:
  friend class Store;
  // One word with the vtable pointer before it.
  uint64_t accounted_ : 56;  // MemoryUsage() as the store last counted it
  uint64_t type_ : 8;        // the ValueType
};

}  // namespace kv::server
