// Sorted set commands by member: ZADD (NX, XX, GT, LT, CH, INCR), ZINCRBY, ZREM, ZSCORE,
// ZMSCORE, ZCARD, ZRANK, ZREVRANK, the pops (ZPOPMIN, ZPOPMAX, ZMPOP), ZRANDMEMBER and ZSCAN.
// Range commands are in zsets_range.cc, set algebra in zsets_algebra.cc. Redis 7.0 semantics
// and error texts (checked against redis-server 7.0.15); the encodings are ZSetObject's.
#include <cmath>
#include <iterator>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "server/commands/collection_util.h"
#include "server/commands/commands.h"
#include "server/commands/scan_args.h"
#include "server/commands/zset_args.h"

namespace kv::server {

void ZPopAndReply(CommandContext& ctx, Entry* e, bool min, size_t count, bool pairs) {
  ZSetObject* z = ZSetOf(e);
  const size_t len = z->Length();
  const size_t n = count < len ? count : len;
  const size_t from = min ? 0 : len - n;
  ctx.reply.ArrayHeader(pairs ? n : 2 * n);
  z->ForRanks(from, from + n, !min,
              [&](std::string_view m, double s) { ReplyMemberScore(ctx, m, s, pairs); });
  z->RemoveRanks(from, from + n);
  ctx.store().ObjectWritten(ctx.db(), e);
}

bool ZMPopFirst(CommandContext& ctx, const MultiPopArgs& a) {
  for (size_t i = a.first_key; i < a.end_key; ++i) {
    TypedLookup l = LookupZSet(ctx, ctx.args[i], false);
    if (l.wrong_type) return true;
    if (l.entry == nullptr) continue;
    ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk(ctx.args[i]);
    ZPopAndReply(ctx, l.entry, a.first_word, static_cast<size_t>(a.count), true);
    return true;
  }
  return false;
}

namespace {

// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]
void ZAddGeneric(CommandContext& ctx, bool incr) {
  bool nx = false;
  bool xx = false;
  bool gt = false;
  bool lt = false;
  bool ch = false;
  size_t at = 2;
  for (; at < ctx.args.size(); ++at) {
    const std::string_view opt = ctx.args[at];
    if (EqualsIgnoreCase(opt, "nx")) {
      nx = true;
    } else if (EqualsIgnoreCase(opt, "xx")) {
      xx = true;
    } else if (EqualsIgnoreCase(opt, "ch")) {
      ch = true;
    } else if (EqualsIgnoreCase(opt, "incr")) {
      incr = true;
    } else if (EqualsIgnoreCase(opt, "gt")) {
      gt = true;
    } else if (EqualsIgnoreCase(opt, "lt")) {
      lt = true;
    } else {
      break;
    }
  }
  const size_t rest = ctx.args.size() - at;
  if (rest == 0 || rest % 2 != 0) {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  if (nx && xx) {
    ctx.reply.Error("ERR XX and NX options at the same time are not compatible");
    return;
  }
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    ctx.reply.Error("ERR GT, LT, and/or NX options at the same time are not compatible");
    return;
  }
  if (incr && rest > 2) {
    ctx.reply.Error("ERR INCR option supports a single increment-element pair");
    return;
  }
  // The scores, all parsed before the key is looked up (a bad one changes nothing): on the stack
  // for up to 16 pairs (redis-benchmark's ZADD has one), so the common ZADD allocates nothing.
  const size_t pairs = rest / 2;
  double inline_scores[16];
  std::vector<double> many_scores;
  double* scores = inline_scores;
  if (pairs > std::size(inline_scores)) {
    many_scores.resize(pairs);
    scores = many_scores.data();
  }
  for (size_t i = 0; i < pairs; ++i) {
    if (!ParseScore(ctx.args[at + 2 * i], &scores[i])) {
      ctx.reply.Error(kErrNotFloat);
      return;
    }
  }
  ZSetWrite w;
  if (!OpenZSetWrite(ctx, ctx.args[1], &w)) return;
  int64_t added = 0;
  int64_t updated = 0;
  bool processed = false;
  double result = 0;
  if (w.entry != nullptr || !xx) {
    const PackLimits limits = ZSetLimits(ctx);
    for (size_t i = 0; i < pairs; ++i) {
      const std::string_view member = ctx.args[at + 2 * i + 1];
      double score = scores[i];
      double current;
      if (!w.zset->Score(member, &current)) {
        if (xx) continue;
        w.zset->Insert(member, score, limits);
        ++added;
        processed = true;
        result = score;
        continue;
      }
      if (nx) continue;
      if (incr) {
        score += current;
        if (std::isnan(score)) {
          CommitZSetWrite(ctx, ctx.args[1], &w, added + updated > 0);
          ctx.reply.Error(kErrScoreNaN);
          return;
        }
      }
      if ((lt && score >= current) || (gt && score <= current)) continue;
      processed = true;
      result = score;
      if (score != current) {
        w.zset->UpdateScore(member, score);
        ++updated;
      }
    }
  }
  CommitZSetWrite(ctx, ctx.args[1], &w, added + updated > 0);
  if (!incr) {
    ctx.reply.Integer(ch ? added + updated : added);
  } else if (processed) {
    ctx.reply.Double(result);
  } else {
    ctx.reply.NullBulk();
  }
}
void ZAddCommand(CommandContext& ctx) { ZAddGeneric(ctx, false); }

// ZINCRBY key increment member: ZADD key INCR increment member, through ZADD's option parser
// as in Redis (so "ZINCRBY key nx member" is a syntax error there too).
void ZIncrByCommand(CommandContext& ctx) { ZAddGeneric(ctx, true); }

void ZRemCommand(CommandContext& ctx) {
  RemoveItemsAndReplyCount<ZSetObject>(
      ctx, ValueType::kZSet, [](ZSetObject& z, std::string_view m) { return z.Remove(m); });
}

void ZScoreCommand(CommandContext& ctx) {
  TypedLookup l = LookupZSet(ctx, ctx.args[1], true);
  if (l.wrong_type) return;
  double score;
  if (l.entry != nullptr && ZSetOf(l.entry)->Score(ctx.args[2], &score)) {
    ctx.reply.Double(score);
  } else {
    ctx.reply.NullBulk();
  }
}

void ZMScoreCommand(CommandContext& ctx) {
  TypedLookup l = LookupZSet(ctx, ctx.args[1], true);
  if (l.wrong_type) return;
  ctx.reply.ArrayHeader(ctx.args.size() - 2);
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    double score;
    if (l.entry != nullptr && ZSetOf(l.entry)->Score(ctx.args[i], &score)) {
      ctx.reply.Double(score);
    } else {
      ctx.reply.NullBulk();
    }
  }
}

void ZCardCommand(CommandContext& ctx) {
  TypedLookup l = LookupZSet(ctx, ctx.args[1], true);
  if (l.wrong_type) return;
  ctx.reply.Integer(l.entry == nullptr ? 0 : static_cast<int64_t>(ZSetOf(l.entry)->Length()));
}

// ZRANK / ZREVRANK key member.
void RankGeneric(CommandContext& ctx, bool reverse) {
  TypedLookup l = LookupZSet(ctx, ctx.args[1], true);
  if (l.wrong_type) return;
  size_t rank;
  if (l.entry == nullptr || !ZSetOf(l.entry)->Rank(ctx.args[2], &rank)) {
    ctx.reply.NullBulk();
    return;
  }
  const size_t len = ZSetOf(l.entry)->Length();
  ctx.reply.Integer(static_cast<int64_t>(reverse ? len - 1 - rank : rank));
}
void ZRankCommand(CommandContext& ctx) { RankGeneric(ctx, false); }
void ZRevRankCommand(CommandContext& ctx) { RankGeneric(ctx, true); }

// ZPOPMIN / ZPOPMAX key [count]. Without count, one [member, score] (flat in RESP3 too).
void PopGeneric(CommandContext& ctx, bool min) {
  if (ctx.args.size() > 3) {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  int64_t count = 1;
  const bool has_count = ctx.args.size() == 3;
  if (has_count &&
      !ParseAtLeast(ctx, ctx.args[2], 0, "value is out of range, must be positive", &count)) {
    return;
  }
  TypedLookup l = LookupZSet(ctx, ctx.args[1], false);
  if (l.wrong_type) return;
  if (l.entry == nullptr || count == 0) {
    ctx.reply.Raw(resp::kEmptyArray);
    return;
  }
  ZPopAndReply(ctx, l.entry, min, static_cast<size_t>(count), has_count && ctx.reply.resp3());
}
void ZPopMinCommand(CommandContext& ctx) { PopGeneric(ctx, true); }
void ZPopMaxCommand(CommandContext& ctx) { PopGeneric(ctx, false); }

// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]: pops from the first non-empty set; replies
// [key, [[member, score], ...]] or a null array.
void ZMPopCommand(CommandContext& ctx) {
  MultiPopArgs a;
  if (!ParseMultiPopArgs(ctx, 1, "min", "max", &a)) return;
  if (!ZMPopFirst(ctx, a)) ctx.reply.NullArray();
}

// ZRANDMEMBER key [count [WITHSCORES]]: count >= 0 distinct members (at most all), < 0 -count
// members that may repeat. RESP3 WITHSCORES replies [member, score] pairs.
void ZRandMemberCommand(CommandContext& ctx) {
  const size_t argc = ctx.args.size();
  if (argc == 2) {
    TypedLookup l = LookupZSet(ctx, ctx.args[1], true);
    if (l.wrong_type) return;
    if (l.entry == nullptr) {
      ctx.reply.NullBulk();
      return;
    }
    ZSetObject* z = ZSetOf(l.entry);
    const size_t r = ctx.store().rng()() % z->Length();
    z->ForRanks(r, r + 1, false, [&](std::string_view m, double) { ctx.reply.Bulk(m); });
    return;
  }
  bool with_scores = false;
  int64_t count;
  if (!ParseRandomCountArgs(ctx, "withscores", &count, &with_scores)) return;
  TypedLookup l = LookupZSet(ctx, ctx.args[1], true);
  if (l.wrong_type) return;
  if (l.entry == nullptr || count == 0) {
    ctx.reply.Raw(resp::kEmptyArray);
    return;
  }
  const ZSetObject* z = ZSetOf(l.entry);
  const bool pairs = with_scores && ctx.reply.resp3();
  auto emit = [&](std::string_view m, double s) {
    if (pairs) ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk(m);
    if (with_scores) ctx.reply.Double(s);
  };
  auto header = [&](size_t n) { ctx.reply.ArrayHeader(with_scores && !pairs ? 2 * n : n); };
  const size_t len = z->Length();
  SampleRng& rng = ctx.store().rng();
  if (count < 0) {
    if (!RandomPicksFit(ctx, count)) return;
    const auto n = static_cast<size_t>(-count);
    header(n);
    for (size_t i = 0; i < n; ++i) {
      const size_t r = rng() % len;
      z->ForRanks(r, r + 1, false, emit);
    }
    return;
  }
  if (static_cast<uint64_t>(count) >= len) {
    header(len);
    z->ForEach(emit);
    return;
  }
  // Distinct members: a partial shuffle of the ranks when many are wanted, else random ranks
  // until enough distinct ones came (Redis's two cases).
  const auto n = static_cast<size_t>(count);
  header(n);
  if (n * 3 > len) {
    std::vector<size_t> ranks(len);
    for (size_t i = 0; i < len; ++i) ranks[i] = i;
    for (size_t i = 0; i < n; ++i) {
      std::swap(ranks[i], ranks[i + rng() % (len - i)]);
      z->ForRanks(ranks[i], ranks[i] + 1, false, emit);
    }
    return;
  }
  std::unordered_set<size_t> picked;
  while (picked.size() < n) {
    const size_t r = rng() % len;
    if (picked.insert(r).second) z->ForRanks(r, r + 1, false, emit);
  }
}

// ZSCAN key cursor [MATCH pattern] [COUNT count]: member, score text, ...
void ZScanCommand(CommandContext& ctx) {
  ScanArgs args;
  if (!ParseScanCursorArg(ctx, 2, &args.cursor)) return;
  TypedLookup l = LookupZSet(ctx, ctx.args[1], true);
  if (l.wrong_type) return;
  if (l.entry == nullptr) {
    ReplyEmptyScan(ctx);
    return;
  }
  if (!ParseScanOptions(ctx, 3, /*allow_type=*/false, &args)) return;
  uint64_t cursor = args.cursor;
  std::vector<std::pair<std::string, double>> found;
  const ZSetObject* z = ZSetOf(l.entry);
  int64_t max_iterations = args.count * 10;
  auto collect = [&](std::string_view m, double s) {
    if (!args.use_pattern || GlobMatch(args.pattern, m)) found.emplace_back(m, s);
  };
  do {
    cursor = z->Scan(cursor, collect);
  } while (cursor != 0 && max_iterations-- > 0 && static_cast<int64_t>(found.size()) < args.count);
  ctx.reply.ArrayHeader(2);
  ReplyScanCursor(ctx, cursor);
  ctx.reply.ArrayHeader(2 * found.size());
  for (const auto& [m, s] : found) {
    ctx.reply.Bulk(m);
    ctx.reply.Bulk(ScoreText(s));
  }
}

}  // namespace

void RegisterZSetCommands(CommandTable& t) {
  constexpr uint32_t kWF = kCmdWrite | kCmdDenyOom | kCmdFast;
  constexpr uint32_t kWFast = kCmdWrite | kCmdFast;
  constexpr uint32_t kW = kCmdWrite;
  constexpr uint32_t kRF = kCmdReadOnly | kCmdFast;
  constexpr uint32_t kR = kCmdReadOnly;
  constexpr std::string_view kG = "sorted-set";
  t.Register({"zadd", ZAddCommand, -4, kWF, 1, 1, 1, "@write @sortedset @fast", kG});
  t.Register({"zincrby", ZIncrByCommand, 4, kWF, 1, 1, 1, "@write @sortedset @fast", kG});
  t.Register({"zrem", ZRemCommand, -3, kWFast, 1, 1, 1, "@write @sortedset @fast", kG});
  t.Register({"zscore", ZScoreCommand, 3, kRF, 1, 1, 1, "@read @sortedset @fast", kG});
  t.Register({"zmscore", ZMScoreCommand, -3, kRF, 1, 1, 1, "@read @sortedset @fast", kG});
  t.Register({"zcard", ZCardCommand, 2, kRF, 1, 1, 1, "@read @sortedset @fast", kG});
  t.Register({"zrank", ZRankCommand, 3, kRF, 1, 1, 1, "@read @sortedset @fast", kG});
  t.Register({"zrevrank", ZRevRankCommand, 3, kRF, 1, 1, 1, "@read @sortedset @fast", kG});
  t.Register({"zpopmin", ZPopMinCommand, -2, kWFast, 1, 1, 1, "@write @sortedset @fast", kG});
  t.Register({"zpopmax", ZPopMaxCommand, -2, kWFast, 1, 1, 1, "@write @sortedset @fast", kG});
  t.Register({"zmpop", ZMPopCommand, -4, kW, 0, 0, 0, "@write @sortedset @slow", kG});
  t.Register({"zrandmember", ZRandMemberCommand, -2, kR, 1, 1, 1, "@read @sortedset @slow", kG});
  t.Register({"zscan", ZScanCommand, -3, kR, 1, 1, 1, "@read @sortedset @slow", kG});
}

}  // namespace kv::server
