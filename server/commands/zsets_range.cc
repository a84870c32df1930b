// Sorted set commands by range: ZRANGE (by rank, BYSCORE, BYLEX, REV, LIMIT, WITHSCORES) and its
// older forms (ZREVRANGE, ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX),
// ZRANGESTORE, ZCOUNT, ZLEXCOUNT and ZREMRANGEBYRANK / SCORE / LEX. Every range becomes a range
// of ranks (zset_args.h), so one path serves all. Redis 7.0's zrangeGenericCommand argument
// rules and error texts (checked against redis-server 7.0.15).
#include <memory>

#include "server/commands/collection_util.h"
#include "server/commands/commands.h"
#include "server/commands/zset_args.h"

namespace kv::server {
namespace {

enum class RangeType { kAuto, kRank, kScore, kLex };
enum class Direction { kAuto, kForward, kReverse };

// Redis's rank range rule (ZRANGE, ZREMRANGEBYRANK): negative indexes count from the end; the
// ascending ranks [*from, *to), empty when out of range.
void ClampRanks(int64_t start, int64_t end, size_t len, size_t* from, size_t* to) {
  const auto n = static_cast<int64_t>(len);
  if (start < 0) start += n;
  if (end < 0) end += n;
  if (start < 0) start = 0;
  if (start > end || start >= n) {
    *from = *to = 0;
    return;
  }
  if (end >= n) end = n - 1;
  *from = static_cast<size_t>(start);
  *to = static_cast<size_t>(end) + 1;
}

// ZRANGE and its forms: key at args[first], then min, max, then the options. store: ZRANGESTORE
// (destination args[1]).
void RangeGeneric(CommandContext& ctx, size_t first, bool store, RangeType type, Direction dir) {
  bool with_scores = false;
  int64_t offset = 0;
  int64_t limit = -1;
  for (size_t j = first + 3; j < ctx.args.size(); ++j) {
    const std::string_view opt = ctx.args[j];
    const size_t left = ctx.args.size() - j - 1;
    if (!store && EqualsIgnoreCase(opt, "withscores")) {
      with_scores = true;
    } else if (EqualsIgnoreCase(opt, "limit") && left >= 2) {
      if (!ParseIntArg(ctx, ctx.args[j + 1], &offset) ||
          !ParseIntArg(ctx, ctx.args[j + 2], &limit)) {
        return;
      }
      j += 2;
    } else if (dir == Direction::kAuto && EqualsIgnoreCase(opt, "rev")) {
      dir = Direction::kReverse;
    } else if (type == RangeType::kAuto && EqualsIgnoreCase(opt, "bylex")) {
      type = RangeType::kLex;
    } else if (type == RangeType::kAuto && EqualsIgnoreCase(opt, "byscore")) {
      type = RangeType::kScore;
    } else {
      ctx.reply.Error(kErrSyntax);
      return;
    }
  }
  if (type == RangeType::kAuto) type = RangeType::kRank;
  const bool reverse = dir == Direction::kReverse;
  if (limit != -1 && type == RangeType::kRank) {
    ctx.reply.Error(
        "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
    return;
  }
  if (with_scores && type == RangeType::kLex) {
    ctx.reply.Error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
    return;
  }
  // BYSCORE and BYLEX take the range as max, min when reversed.
  std::string_view lo = ctx.args[first + 1];
  std::string_view hi = ctx.args[first + 2];
  if (reverse && type != RangeType::kRank) std::swap(lo, hi);
  int64_t start = 0;
  int64_t end = 0;
  ScoreRange scores;
  LexRange lex;
  if (type == RangeType::kRank) {
    if (!ParseIntArg(ctx, lo, &start) || !ParseIntArg(ctx, hi, &end)) return;
  } else if (type == RangeType::kScore) {
    if (!ParseScoreRange(lo, hi, &scores)) {
      ctx.reply.Error(kErrScoreRange);
      return;
    }
  } else if (!ParseLexRange(lo, hi, &lex)) {
    ctx.reply.Error(kErrLexRange);
    return;
  }
  TypedLookup l = LookupZSet(ctx, ctx.args[first], true);
  if (l.wrong_type) return;
  if (l.entry == nullptr) {
    if (store) {
      StoreZSet(ctx, ctx.args[1], std::make_unique<ZSetObject>());
      ctx.reply.Integer(0);
    } else {
      ctx.reply.Raw(resp::kEmptyArray);
    }
    return;
  }
  const ZSetObject* z = ZSetOf(l.entry);
  // The ascending ranks [from, to) in range, then the rank slice LIMIT picks.
  size_t from;
  size_t to;
  if (type == RangeType::kRank) {
    // Z[REV]RANGE start stop: indexes from the high end when reversed.
    ClampRanks(start, end, z->Length(), &from, &to);
    if (reverse && from < to) {
      const size_t len = z->Length();
      const size_t f = len - to;
      to = len - from;
      from = f;
    }
  } else {
    if (type == RangeType::kScore) {
      RanksInScoreRange(*z, scores, &from, &to);
    } else {
      RanksInLexRange(*z, lex, &from, &to);
    }
    // LIMIT: a negative offset selects nothing, a negative count everything after the offset.
    const size_t n = to - from;
    const size_t skip = offset < 0 ? n : (static_cast<uint64_t>(offset) < n ? offset : n);
    const size_t left = n - skip;
    const size_t take = limit < 0 || static_cast<uint64_t>(limit) > left ? left : limit;
    if (reverse) {
      to -= skip;
      from = to - take;
    } else {
      from += skip;
      to = from + take;
    }
  }
  if (store) {
    // Redis sizes the result by the rank range's length (score and lex ranges: unknown, 0).
    const PackLimits limits = ZSetLimits(ctx);
    auto result = ZSetObject::CreateSized(type == RangeType::kRank ? to - from : 0, 0, limits);
    z->ForRanks(from, to, false,
                [&](std::string_view m, double s) { result->Insert(m, s, limits); });
    const auto stored = static_cast<int64_t>(result->Length());
    StoreZSet(ctx, ctx.args[1], std::move(result));
    ctx.reply.Integer(stored);
    return;
  }
  const bool pairs = with_scores && ctx.reply.resp3();
  ctx.reply.ArrayHeader(with_scores && !pairs ? 2 * (to - from) : to - from);
  z->ForRanks(from, to, reverse, [&](std::string_view m, double s) {
    if (with_scores) {
      ReplyMemberScore(ctx, m, s, pairs);
    } else {
      ctx.reply.Bulk(m);
    }
  });
}

void ZRangeCommand(CommandContext& ctx) {
  RangeGeneric(ctx, 1, false, RangeType::kAuto, Direction::kAuto);
}
void ZRangeStoreCommand(CommandContext& ctx) {
  RangeGeneric(ctx, 2, true, RangeType::kAuto, Direction::kAuto);
}
void ZRevRangeCommand(CommandContext& ctx) {
  RangeGeneric(ctx, 1, false, RangeType::kRank, Direction::kReverse);
}
void ZRangeByScoreCommand(CommandContext& ctx) {
  RangeGeneric(ctx, 1, false, RangeType::kScore, Direction::kForward);
}
void ZRevRangeByScoreCommand(CommandContext& ctx) {
  RangeGeneric(ctx, 1, false, RangeType::kScore, Direction::kReverse);
}
void ZRangeByLexCommand(CommandContext& ctx) {
  RangeGeneric(ctx, 1, false, RangeType::kLex, Direction::kForward);
}
void ZRevRangeByLexCommand(CommandContext& ctx) {
  RangeGeneric(ctx, 1, false, RangeType::kLex, Direction::kReverse);
}

// ZCOUNT key min max (scores) and ZLEXCOUNT key min max (members).
void CountGeneric(CommandContext& ctx, bool lex) {
  ScoreRange scores;
  LexRange lexes;
  if (lex ? !ParseLexRange(ctx.args[2], ctx.args[3], &lexes)
          : !ParseScoreRange(ctx.args[2], ctx.args[3], &scores)) {
    ctx.reply.Error(lex ? kErrLexRange : kErrScoreRange);
    return;
  }
  TypedLookup l = LookupZSet(ctx, ctx.args[1], true);
  if (l.wrong_type) return;
  size_t from = 0;
  size_t to = 0;
  if (l.entry != nullptr) {
    if (lex) {
      RanksInLexRange(*ZSetOf(l.entry), lexes, &from, &to);
    } else {
      RanksInScoreRange(*ZSetOf(l.entry), scores, &from, &to);
    }
  }
  ctx.reply.Integer(static_cast<int64_t>(to - from));
}
void ZCountCommand(CommandContext& ctx) { CountGeneric(ctx, false); }
void ZLexCountCommand(CommandContext& ctx) { CountGeneric(ctx, true); }

// ZREMRANGEBYRANK / BYSCORE / BYLEX key min max: replies the number removed.
void RemRangeGeneric(CommandContext& ctx, RangeType type) {
  int64_t start = 0;
  int64_t end = 0;
  ScoreRange scores;
  LexRange lex;
  if (type == RangeType::kRank) {
    if (!ParseIntArg(ctx, ctx.args[2], &start) || !ParseIntArg(ctx, ctx.args[3], &end)) return;
  } else if (type == RangeType::kScore) {
    if (!ParseScoreRange(ctx.args[2], ctx.args[3], &scores)) {
      ctx.reply.Error(kErrScoreRange);
      return;
    }
  } else if (!ParseLexRange(ctx.args[2], ctx.args[3], &lex)) {
    ctx.reply.Error(kErrLexRange);
    return;
  }
  TypedLookup l = LookupZSet(ctx, ctx.args[1], false);
  if (l.wrong_type) return;
  if (l.entry == nullptr) {
    ctx.reply.Raw(resp::kZero);
    return;
  }
  ZSetObject* z = ZSetOf(l.entry);
  size_t from;
  size_t to;
  if (type == RangeType::kRank) {
    ClampRanks(start, end, z->Length(), &from, &to);
  } else if (type == RangeType::kScore) {
    RanksInScoreRange(*z, scores, &from, &to);
  } else {
    RanksInLexRange(*z, lex, &from, &to);
  }
  if (to > from) {
    z->RemoveRanks(from, to);
    ctx.store().ObjectWritten(ctx.db(), l.entry);
  }
  ctx.reply.Integer(static_cast<int64_t>(to - from));
}
void ZRemRangeByRankCommand(CommandContext& ctx) { RemRangeGeneric(ctx, RangeType::kRank); }
void ZRemRangeByScoreCommand(CommandContext& ctx) { RemRangeGeneric(ctx, RangeType::kScore); }
void ZRemRangeByLexCommand(CommandContext& ctx) { RemRangeGeneric(ctx, RangeType::kLex); }

}  // namespace

void RegisterZSetRangeCommands(CommandTable& t) {
  constexpr uint32_t kW = kCmdWrite;
  constexpr uint32_t kWD = kCmdWrite | kCmdDenyOom;
  constexpr uint32_t kR = kCmdReadOnly;
  constexpr uint32_t kRF = kCmdReadOnly | kCmdFast;
  constexpr std::string_view kG = "sorted-set";
  constexpr std::string_view kRead = "@read @sortedset @slow";
  t.Register({"zrange", ZRangeCommand, -4, kR, 1, 1, 1, kRead, kG});
  t.Register({"zrangestore", ZRangeStoreCommand, -5, kWD, 1, 2, 1, "@write @sortedset @slow", kG});
  t.Register({"zrevrange", ZRevRangeCommand, -4, kR, 1, 1, 1, kRead, kG});
  t.Register({"zrangebyscore", ZRangeByScoreCommand, -4, kR, 1, 1, 1, kRead, kG});
  t.Register({"zrevrangebyscore", ZRevRangeByScoreCommand, -4, kR, 1, 1, 1, kRead, kG});
  t.Register({"zrangebylex", ZRangeByLexCommand, -4, kR, 1, 1, 1, kRead, kG});
  t.Register({"zrevrangebylex", ZRevRangeByLexCommand, -4, kR, 1, 1, 1, kRead, kG});
  t.Register({"zcount", ZCountCommand, 4, kRF, 1, 1, 1, "@read @sortedset @fast", kG});
  t.Register({"zlexcount", ZLexCountCommand, 4, kRF, 1, 1, 1, "@read @sortedset @fast", kG});
  t.Register(
      {"zremrangebyrank", ZRemRangeByRankCommand, 4, kW, 1, 1, 1, "@write @sortedset @slow", kG});
  t.Register(
      {"zremrangebyscore", ZRemRangeByScoreCommand, 4, kW, 1, 1, 1, "@write @sortedset @slow", kG});
  t.Register(
      {"zremrangebylex", ZRemRangeByLexCommand, 4, kW, 1, 1, 1, "@write @sortedset @slow", kG});
}

}  // namespace kv::server
