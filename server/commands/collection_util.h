// Helpers shared by the collection command families (lists.cc, hashes.cc, ...): typed lookups
// with Redis's WRONGTYPE rule and the integer arguments they take.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "server/engine/blocking_serve.h"
#include "server/engine/command_context.h"
#include "server/engine/text_util.h"
#include "server/store/packed_list.h"

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

// The compact-encoding limits of the config (hash-max-listpack-*, zset-max-listpack-*,
// set-max-intset-entries), for the object writes.
inline PackLimits HashLimits(const CommandContext& ctx) {
  const Config& c = *ctx.server.config;
  return {static_cast<size_t>(c.hash_max_listpack_entries),
          static_cast<size_t>(c.hash_max_listpack_value)};
}
inline PackLimits ZSetLimits(const CommandContext& ctx) {
  const Config& c = *ctx.server.config;
  return {static_cast<size_t>(c.zset_max_listpack_entries),
          static_cast<size_t>(c.zset_max_listpack_value)};
}
inline size_t IntSetLimit(const CommandContext& ctx) {
  return static_cast<size_t>(ctx.server.config->set_max_intset_entries);
}

// The collection object of a found entry of the expected type.
template <typename T>
T* ObjectOf(Entry* e) {
  return static_cast<T*>(e->object());
}

// SREM / HDEL / ZREM key item [item ...]: removes the items from the collection of `type` at
// args[1] with remove(object, item) -> bool, reports the write once and deletes the key when it
// empties (ObjectWritten); replies how many were removed (0 for a missing key).
template <typename T, typename Remove>
void RemoveItemsAndReplyCount(CommandContext& ctx, ValueType type, Remove remove) {
  TypedLookup l = LookupTyped(ctx, ctx.args[1], type, false);
  if (l.wrong_type) return;
  int64_t removed = 0;
  if (l.entry != nullptr) {
    T* object = ObjectOf<T>(l.entry);
    for (size_t i = 2; i < ctx.args.size() && object->Length() > 0; ++i) {
      if (remove(*object, ctx.args[i])) ++removed;
    }
    if (removed > 0) ctx.store().ObjectWritten(ctx.db(), l.entry);
  }
  ctx.reply.Integer(removed);
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

// LMPOP / BLMPOP / ZMPOP / BZMPOP: numkeys key [key ...] WHERE [COUNT count] from
// args[numkeys_at], WHERE being one of two words (LEFT | RIGHT, MIN | MAX, any case). Redis's
// errors: "numkeys should be greater than 0", a syntax error for too few arguments, another WHERE
// or anything but one COUNT, "count should be greater than 0".
struct MultiPopArgs {
  size_t first_key = 0;  // args[first_key, end_key) are the keys
  size_t end_key = 0;
  bool first_word = true;  // WHERE was the first word (LEFT, MIN)
  int64_t count = 1;
  std::span<const std::string_view> keys(const CommandContext& ctx) const {
    return ctx.args.subspan(first_key, end_key - first_key);
  }
};
// While a blocked BLMPOP / BZMPOP is served: a with its keys narrowed to the one that became
// ready (blocking_serve.h KeysToServe); otherwise a as it is.
inline MultiPopArgs KeysToServe(CommandContext& ctx, const MultiPopArgs& a) {
  const std::span<const std::string_view> serve = KeysToServe(ctx, a.keys(ctx));
  MultiPopArgs narrowed = a;
  narrowed.first_key = static_cast<size_t>(serve.data() - ctx.args.data());
  narrowed.end_key = narrowed.first_key + serve.size();
  return narrowed;
}
inline bool ParseMultiPopArgs(CommandContext& ctx, size_t numkeys_at, std::string_view first_word,
                              std::string_view second_word, MultiPopArgs* out) {
  int64_t numkeys;
  if (!ParseAtLeast(ctx, ctx.args[numkeys_at], 1, "numkeys should be greater than 0", &numkeys)) {
    return false;
  }
  // The keys, then WHERE, then maybe COUNT count.
  if (numkeys > static_cast<int64_t>(ctx.args.size() - numkeys_at) - 2) {
    ctx.reply.Error(kErrSyntax);
    return false;
  }
  out->first_key = numkeys_at + 1;
  out->end_key = out->first_key + static_cast<size_t>(numkeys);
  const size_t where_at = out->end_key;
  if (EqualsIgnoreCase(ctx.args[where_at], first_word)) {
    out->first_word = true;
  } else if (EqualsIgnoreCase(ctx.args[where_at], second_word)) {
    out->first_word = false;
  } else {
    ctx.reply.Error(kErrSyntax);
    return false;
  }
  out->count = 1;
  for (size_t j = where_at + 1; j < ctx.args.size(); j += 2) {
    // COUNT once only, with a value.
    if (!EqualsIgnoreCase(ctx.args[j], "count") || j + 1 >= ctx.args.size() || j != where_at + 1) {
      ctx.reply.Error(kErrSyntax);
      return false;
    }
    if (!ParseAtLeast(ctx, ctx.args[j + 1], 1, "count should be greater than 0", &out->count)) {
      return false;
    }
  }
  return true;
}

// HRANDFIELD / ZRANDMEMBER key count [WITH...]: args[2] as the count and args[3], if given, as
// `with_word` (WITHVALUES, WITHSCORES), with Redis 7.0's errors: a syntax error for anything else,
// the not-an-integer error, the range error for INT64_MIN, and "value is out of range" for a
// count below -INT64_MAX / 2 with the option (its reply would count twice as many items).
inline bool ParseRandomCountArgs(CommandContext& ctx, std::string_view with_word, int64_t* count,
                                 bool* with) {
  *with = false;
  if (ctx.args.size() == 4 && EqualsIgnoreCase(ctx.args[3], with_word)) {
    *with = true;
  } else if (ctx.args.size() >= 4) {
    ctx.reply.Error(kErrSyntax);
    return false;
  }
  if (!ParseIntArg(ctx, ctx.args[2], count)) return false;
  if (*count == INT64_MIN) {
    ctx.reply.Error(
        "ERR value is out of range, value must between -9223372036854775807 and "
        "9223372036854775807");
    return false;
  }
  if (*with && *count < -INT64_MAX / 2) {
    ctx.reply.Error("ERR value is out of range");
    return false;
  }
  return true;
}

// SRANDMEMBER / HRANDFIELD / ZRANDMEMBER with a negative count reply -count picks that may
// repeat, and the reply is built whole before it is sent. redis-server 7.0 lets any count through
// (SRANDMEMBER s -9200000000000000000 exhausts its memory); kv-server refuses more picks than
// this with "ERR value is out of range" (a client can never make the server grow without bound).
inline constexpr int64_t kMaxRandomPicks = int64_t{1} << 20;
inline bool RandomPicksFit(CommandContext& ctx, int64_t count) {
  if (count >= -kMaxRandomPicks) return true;
  ctx.reply.Error("ERR value is out of range");
  return false;
}

}  // namespace kv::server
