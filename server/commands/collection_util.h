// Helpers shared by the collection command families (lists.cc, hashes.cc, ...): typed lookups
// with Redis's WRONGTYPE rule and the integer arguments they take.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "server/engine/command_context.h"
#include "server/engine/text_util.h"

namespace kv::server {

// The outcome of a typed lookup: the entry (nullptr when missing) or WRONGTYPE already replied.
struct TypedLookup {
  Entry* entry = nullptr;
  bool wrong_type = false;
};

// Redis lookupKeyRead / lookupKeyWrite + checkType. read: counts keyspace hits and misses.
inline TypedLookup LookupTyped(CommandContext& ctx, std::string_view key, ValueType type,
                               bool read) {
  TypedLookup r;
  r.entry = read ? ctx.LookupRead(key) : ctx.store().Find(ctx.db(), key);
  r.wrong_type = WrongType(ctx.reply, r.entry, type);
  return r;
}

// The collection object of a found entry of the expected type.
template <typename T>
T* ObjectOf(Entry* e) {
  return static_cast<T*>(e->object());
}

// An integer argument, else Redis's "value is not an integer or out of range" error.
inline bool ParseIntArg(CommandContext& ctx, std::string_view text, int64_t* out) {
  if (ParseInt64(text, out)) return true;
  ctx.reply.Error(kErrNotInteger);
  return false;
}

// Redis getPositiveLongFromObjectOrReply / getRangeLongFromObjectOrReply with a message: an
// integer in [min, INT64_MAX], else "ERR <msg>" (also for a text that is no integer).
inline bool ParseAtLeast(CommandContext& ctx, std::string_view text, int64_t min,
                         std::string_view msg, int64_t* out) {
  if (ParseInt64(text, out) && *out >= min) return true;
  std::string err = "ERR ";
  err.append(msg);
  ctx.reply.Error(err);
  return false;
}

}  // namespace kv::server
