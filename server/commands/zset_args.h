// The arguments and replies of the sorted set commands, with Redis 7.0's exact rules: scores
// (getDoubleFromObject), score ranges (zslParseRange: "(" exclusive, "inf"), lex ranges
// (zslParseLexRange: "[" / "(" / "-" / "+"), the score text of ZSCAN (d2string), and the typed
// lookup / write of a sorted set key shared by zsets*.cc.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "server/commands/collection_util.h"
#include "server/store/zset_object.h"

namespace kv::server {

inline constexpr std::string_view kErrScoreRange = "ERR min or max is not a float";
inline constexpr std::string_view kErrLexRange = "ERR min or max not valid string range item";
inline constexpr std::string_view kErrScoreNaN = "ERR resulting score is not a number (NaN)";

// Redis getDoubleFromObject: strtod over the whole text; rejects empty, leading space, trailing
// garbage, NaN and overflow / underflow ("inf", "-inf" are scores).
bool ParseScore(std::string_view text, double* score);

// A score interval: min, max, each inclusive or not.
struct ScoreRange {
  double min = 0;
  double max = 0;
  bool min_ex = false;
  bool max_ex = false;
};
// Redis zslParseRange (strtod without the empty / space checks; "(" makes a bound exclusive).
bool ParseScoreRange(std::string_view min, std::string_view max, ScoreRange* range);

// A member interval bound: "-" (below every member), "+" (above every member), "[x" (x
// included) or "(x" (excluded).
struct LexBound {
  enum Kind { kMinus, kPlus, kValue } kind = kMinus;
  std::string_view value;  // a view of the argument, for kValue
  bool ex = false;
};
struct LexRange {
  LexBound min;
  LexBound max;
};
bool ParseLexRange(std::string_view min, std::string_view max, LexRange* range);

// The ascending ranks [*from, *to) of the members of z in range (from == to: none).
void RanksInScoreRange(const ZSetObject& z, const ScoreRange& r, size_t* from, size_t* to);
void RanksInLexRange(const ZSetObject& z, const LexRange& r, size_t* from, size_t* to);

// Redis d2string: the score text ZSCAN replies ("inf", "-inf", an integer when the score is one
// below 2^52, else %.17g).
std::string ScoreText(double score);

// The sorted set at key (nullptr entry when missing) or WRONGTYPE replied.
inline TypedLookup LookupZSet(CommandContext& ctx, std::string_view key, bool read) {
  return LookupTyped(ctx, key, ValueType::kZSet, read);
}
inline ZSetObject* ZSetOf(Entry* e) { return ObjectOf<ZSetObject>(e); }

// The sorted set at key for a write, created (empty, not yet in the keyspace) when missing:
// commit it with CommitZSetWrite. Open returns false after WRONGTYPE.
struct ZSetWrite {
  Entry* entry = nullptr;             // the existing key
  std::unique_ptr<ZSetObject> fresh;  // a new set, when the key was missing
  ZSetObject* zset = nullptr;
};
bool OpenZSetWrite(CommandContext& ctx, std::string_view key, ZSetWrite* w);
// Adds a new set to the keyspace (unless still empty) or reports the write of an existing one
// (changed: false when nothing changed, so nothing is reported).
void CommitZSetWrite(CommandContext& ctx, std::string_view key, ZSetWrite* w, bool changed);

// Replaces dst (of any type) with z, or deletes dst when z is empty (the STORE commands).
void StoreZSet(CommandContext& ctx, std::string_view dst, std::unique_ptr<ZSetObject> z);

// One member of a reply with scores: RESP2 member then score; RESP3 a [member, score] pair when
// pairs (the nested replies of ZRANGE WITHSCORES, ZPOPMIN with count, ZMPOP...).
inline void ReplyMemberScore(CommandContext& ctx, std::string_view member, double score,
                             bool pairs) {
  if (pairs) ctx.reply.ArrayHeader(2);
  ctx.reply.Bulk(member);
  ctx.reply.Double(score);
}

// The pops, shared by ZPOPMIN / ZPOPMAX / ZMPOP (zsets.cc) and their blocking forms
// (zsets_blocking.cc). Pops up to count members from the low (min) or high end of the set at e and
// replies them: member, score, ... flat, or [member, score] pairs when pairs.
void ZPopAndReply(CommandContext& ctx, Entry* e, bool min, size_t count, bool pairs);
// Pops from the first existing sorted set among a's keys and replies [key, [[member, score],
// ...]] (or WRONGTYPE). False, with nothing replied, when every key is missing.
bool ZMPopFirst(CommandContext& ctx, const MultiPopArgs& a);  // WHERE: MIN | MAX

}  // namespace kv::server
