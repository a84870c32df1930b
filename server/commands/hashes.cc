// Hash commands: HSET/HGET family, HGETALL (a RESP3 map), counters (HINCRBY, HINCRBYFLOAT),
// HRANDFIELD and HSCAN. Redis 7 semantics and error texts (checked against redis-server
// 7.0.15); the encodings are HashView's and HashWriter's (server/store/hash_value.h).
#include <cmath>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

#include "server/commands/collection_util.h"
#include "server/commands/commands.h"
#include "server/commands/scan_args.h"
#include "server/store/hash_value.h"

namespace kv::server {
namespace {

TypedLookup LookupHash(CommandContext& ctx, std::string_view key, bool read) {
  return LookupTyped(ctx, key, ValueType::kHash, read);
}

// The hash at key for a write: an existing one, or a new one (with room for the field/value
// arguments `pairs`) that Commit adds unless it stays empty. False after WRONGTYPE.
bool OpenHashWrite(CommandContext& ctx, std::string_view key, std::optional<HashWriter>* w,
                   std::span<const std::string_view> pairs = {}) {
  Entry** link = ctx.store().FindLink(ctx.db(), key);
  if (WrongType(ctx.reply, link != nullptr ? *link : nullptr, ValueType::kHash)) return false;
  size_t reserve = 0;
  if (link == nullptr) {
    for (size_t i = 0; i + 1 < pairs.size(); i += 2) {
      reserve += PackedPairs::PairBytes(pairs[i], pairs[i + 1]);
    }
  }
  w->emplace(ctx.store(), ctx.db(), key, link, HashLimits(ctx), reserve);
  return true;
}

// HSET key field value [field value ...] (replies the new fields) and HMSET (replies OK).
void SetGeneric(CommandContext& ctx, bool reply_ok) {
  if (ctx.args.size() % 2 != 0) {
    ReplyArityError(ctx.reply, ctx.spec.name);
    return;
  }
  std::optional<HashWriter> w;
  if (!OpenHashWrite(ctx, ctx.args[1], &w, ctx.args.subspan(2))) return;
  int64_t created = 0;
  for (size_t i = 2; i < ctx.args.size(); i += 2) {
    if (w->Set(ctx.args[i], ctx.args[i + 1])) ++created;
  }
  w->Commit();
  if (reply_ok) {
    ctx.reply.Raw(resp::kOk);
  } else {
    ctx.reply.Integer(created);
  }
}
void HSetCommand(CommandContext& ctx) { SetGeneric(ctx, false); }
void HMSetCommand(CommandContext& ctx) { SetGeneric(ctx, true); }

void HSetNxCommand(CommandContext& ctx) {
  std::optional<HashWriter> w;
  if (!OpenHashWrite(ctx, ctx.args[1], &w)) return;
  std::string_view old;
  if (w->Get(ctx.args[2], &old)) {
    ctx.reply.Raw(resp::kZero);
    return;
  }
  w->Set(ctx.args[2], ctx.args[3]);
  w->Commit();
  ctx.reply.Raw(resp::kOne);
}

void HGetCommand(CommandContext& ctx) {
  TypedLookup l = LookupHash(ctx, ctx.args[1], true);
  if (l.wrong_type) return;
  std::string_view v;
  if (l.entry != nullptr && HashView(l.entry).Get(ctx.args[2], &v)) {
    ctx.reply.Bulk(v);
  } else {
    ctx.reply.NullBulk();
  }
}

void HMGetCommand(CommandContext& ctx) {
  TypedLookup l = LookupHash(ctx, ctx.args[1], true);
  if (l.wrong_type) return;
  ctx.reply.ArrayHeader(ctx.args.size() - 2);
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    std::string_view v;
    if (l.entry != nullptr && HashView(l.entry).Get(ctx.args[i], &v)) {
      ctx.reply.Bulk(v);
    } else {
      ctx.reply.NullBulk();
    }
  }
}

void HDelCommand(CommandContext& ctx) {
  std::optional<HashWriter> w;
  if (!OpenHashWrite(ctx, ctx.args[1], &w)) return;
  int64_t removed = 0;  // a missing key is an empty hash: nothing removed, nothing committed
  for (size_t i = 2; i < ctx.args.size() && w->Length() > 0; ++i) {
    if (w->Delete(ctx.args[i])) ++removed;
  }
  if (removed > 0) w->Commit();
  ctx.reply.Integer(removed);
}

void HExistsCommand(CommandContext& ctx) {
  TypedLookup l = LookupHash(ctx, ctx.args[1], true);
  if (l.wrong_type) return;
  std::string_view v;
  ctx.reply.Raw(l.entry != nullptr && HashView(l.entry).Get(ctx.args[2], &v) ? resp::kOne
                                                                             : resp::kZero);
}

void HLenCommand(CommandContext& ctx) {
  TypedLookup l = LookupHash(ctx, ctx.args[1], true);
  if (l.wrong_type) return;
  ctx.reply.Integer(l.entry == nullptr ? 0 : static_cast<int64_t>(HashView(l.entry).Length()));
}

void HStrLenCommand(CommandContext& ctx) {
  TypedLookup l = LookupHash(ctx, ctx.args[1], true);
  if (l.wrong_type) return;
  std::string_view v;
  const bool found = l.entry != nullptr && HashView(l.entry).Get(ctx.args[2], &v);
  ctx.reply.Integer(found ? static_cast<int64_t>(v.size()) : 0);
}

// HGETALL (fields and values: a map in RESP3), HKEYS, HVALS.
void GetAllGeneric(CommandContext& ctx, bool fields, bool values) {
  TypedLookup l = LookupHash(ctx, ctx.args[1], true);
  if (l.wrong_type) return;
  const size_t n = l.entry == nullptr ? 0 : HashView(l.entry).Length();
  if (fields && values) {
    if (ctx.reply.resp3()) {
      ctx.reply.MapHeader(n);
    } else {
      ctx.reply.ArrayHeader(2 * n);
    }
  } else {
    ctx.reply.ArrayHeader(n);
  }
  if (n == 0) return;
  HashView(l.entry).ForEach([&](std::string_view f, std::string_view v) {
    if (fields) ctx.reply.Bulk(f);
    if (values) ctx.reply.Bulk(v);
  });
}
void HGetAllCommand(CommandContext& ctx) { GetAllGeneric(ctx, true, true); }
void HKeysCommand(CommandContext& ctx) { GetAllGeneric(ctx, true, false); }
void HValsCommand(CommandContext& ctx) { GetAllGeneric(ctx, false, true); }

void HIncrByCommand(CommandContext& ctx) {
  int64_t incr;
  if (!ParseIntArg(ctx, ctx.args[3], &incr)) return;
  std::optional<HashWriter> w;
  if (!OpenHashWrite(ctx, ctx.args[1], &w)) return;
  int64_t value = 0;
  std::string_view old;
  if (w->Get(ctx.args[2], &old) && !ParseInt64(old, &value)) {
    ctx.reply.Error("ERR hash value is not an integer");
    return;
  }
  if ((incr < 0 && value < 0 && incr < INT64_MIN - value) ||
      (incr > 0 && value > 0 && incr > INT64_MAX - value)) {
    ctx.reply.Error(kErrOverflow);
    return;
  }
  value += incr;
  char buf[24];
  w->Set(ctx.args[2], std::string_view(buf, resp::FormatInt64(value, buf)));
  w->Commit();
  ctx.reply.Integer(value);
}

void HIncrByFloatCommand(CommandContext& ctx) {
  long double incr;
  if (!ParseLongDouble(ctx.args[3], &incr)) {
    ctx.reply.Error(kErrNotFloat);
    return;
  }
  if (std::isnan(incr) || std::isinf(incr)) {
    ctx.reply.Error("ERR value is NaN or Infinity");
    return;
  }
  std::optional<HashWriter> w;
  if (!OpenHashWrite(ctx, ctx.args[1], &w)) return;
  long double value = 0;
  std::string_view old;
  if (w->Get(ctx.args[2], &old) && !ParseLongDouble(old, &value)) {
    ctx.reply.Error("ERR hash value is not a float");
    return;
  }
  value += incr;
  if (std::isnan(value) || std::isinf(value)) {
    ctx.reply.Error("ERR increment would produce NaN or Infinity");
    return;
  }
  std::string buf(kLongDoubleBufSize, '\0');
  buf.resize(FormatLongDoubleHuman(value, buf.data()));
  w->Set(ctx.args[2], buf);
  w->Commit();
  ctx.reply.Bulk(buf);
}

// HRANDFIELD key [count [WITHVALUES]]: count >= 0 distinct fields (at most all), < 0 -count
// fields that may repeat. RESP3 WITHVALUES replies [field, value] pairs.
void HRandFieldCommand(CommandContext& ctx) {
  const size_t argc = ctx.args.size();
  if (argc == 2) {
    TypedLookup l = LookupHash(ctx, ctx.args[1], true);
    if (l.wrong_type) return;
    if (l.entry == nullptr) {
      ctx.reply.NullBulk();
      return;
    }
    std::string_view f;
    std::string_view v;
    HashView(l.entry).Random(ctx.store().rng(), &f, &v);
    ctx.reply.Bulk(f);
    return;
  }
  bool with_values = false;
  int64_t count;
  if (!ParseRandomCountArgs(ctx, "withvalues", &count, &with_values)) return;
  TypedLookup l = LookupHash(ctx, ctx.args[1], true);
  if (l.wrong_type) return;
  if (l.entry == nullptr || count == 0) {
    ctx.reply.Raw(resp::kEmptyArray);
    return;
  }
  const HashView h(l.entry);
  const bool pairs = with_values && ctx.reply.resp3();
  auto emit = [&](std::string_view f, std::string_view v) {
    if (pairs) ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk(f);
    if (with_values) ctx.reply.Bulk(v);
  };
  auto header = [&](size_t n) { ctx.reply.ArrayHeader(with_values && !pairs ? 2 * n : n); };
  std::string_view f;
  std::string_view v;
  if (count < 0) {
    if (!RandomPicksFit(ctx, count)) return;
    const auto n = static_cast<size_t>(-count);
    header(n);
    for (size_t i = 0; i < n; ++i) {
      h.Random(ctx.store().rng(), &f, &v);
      emit(f, v);
    }
    return;
  }
  const size_t len = h.Length();
  if (static_cast<uint64_t>(count) >= len) {
    header(len);
    h.ForEach(emit);
    return;
  }
  // Distinct fields: a partial shuffle of all pairs when many are wanted, else random draws
  // until enough distinct ones came (Redis's two cases).
  const auto n = static_cast<size_t>(count);
  header(n);
  if (n * 3 > len) {
    std::vector<std::pair<std::string_view, std::string_view>> all;
    all.reserve(len);
    h.ForEach([&all](std::string_view a, std::string_view b) { all.emplace_back(a, b); });
    for (size_t i = 0; i < n; ++i) {
      std::swap(all[i], all[i + ctx.store().rng()() % (len - i)]);
      emit(all[i].first, all[i].second);
    }
    return;
  }
  std::unordered_set<std::string_view> picked;
  while (picked.size() < n) {
    h.Random(ctx.store().rng(), &f, &v);
    if (picked.insert(f).second) emit(f, v);
  }
}

// HSCAN key cursor [MATCH pattern] [COUNT count].
void HScanCommand(CommandContext& ctx) {
  ScanArgs args;
  if (!ParseScanCursorArg(ctx, 2, &args.cursor)) return;
  TypedLookup l = LookupHash(ctx, ctx.args[1], true);
  if (l.wrong_type) return;
  if (l.entry == nullptr) {
    ReplyEmptyScan(ctx);
    return;
  }
  if (!ParseScanOptions(ctx, 3, /*allow_type=*/false, &args)) return;
  uint64_t cursor = args.cursor;
  std::vector<std::pair<std::string, std::string>> found;
  const HashView h(l.entry);
  int64_t max_iterations = args.count * 10;
  auto collect = [&](std::string_view f, std::string_view v) {
    if (!args.use_pattern || GlobMatch(args.pattern, f)) found.emplace_back(f, v);
  };
  do {
    cursor = h.Scan(cursor, collect);
  } while (cursor != 0 && max_iterations-- > 0 && static_cast<int64_t>(found.size()) < args.count);
  ctx.reply.ArrayHeader(2);
  ReplyScanCursor(ctx, cursor);
  ctx.reply.ArrayHeader(2 * found.size());
  for (const auto& [f, v] : found) {
    ctx.reply.Bulk(f);
    ctx.reply.Bulk(v);
  }
}

}  // namespace

void RegisterHashCommands(CommandTable& t) {
  constexpr uint32_t kWF = kCmdWrite | kCmdDenyOom | kCmdFast;
  constexpr uint32_t kWFast = kCmdWrite | kCmdFast;
  constexpr uint32_t kRF = kCmdReadOnly | kCmdFast;
  constexpr uint32_t kR = kCmdReadOnly;
  constexpr std::string_view kG = "hash";
  t.Register({"hset", HSetCommand, -4, kWF, 1, 1, 1, "@write @hash @fast", kG});
  t.Register({"hmset", HMSetCommand, -4, kWF, 1, 1, 1, "@write @hash @fast", kG});
  t.Register({"hsetnx", HSetNxCommand, 4, kWF, 1, 1, 1, "@write @hash @fast", kG});
  t.Register({"hget", HGetCommand, 3, kRF, 1, 1, 1, "@read @hash @fast", kG});
  t.Register({"hmget", HMGetCommand, -3, kRF, 1, 1, 1, "@read @hash @fast", kG});
  t.Register({"hdel", HDelCommand, -3, kWFast, 1, 1, 1, "@write @hash @fast", kG});
  t.Register({"hexists", HExistsCommand, 3, kRF, 1, 1, 1, "@read @hash @fast", kG});
  t.Register({"hlen", HLenCommand, 2, kRF, 1, 1, 1, "@read @hash @fast", kG});
  t.Register({"hstrlen", HStrLenCommand, 3, kRF, 1, 1, 1, "@read @hash @fast", kG});
  t.Register({"hgetall", HGetAllCommand, 2, kR, 1, 1, 1, "@read @hash @slow", kG});
  t.Register({"hkeys", HKeysCommand, 2, kR, 1, 1, 1, "@read @hash @slow", kG});
  t.Register({"hvals", HValsCommand, 2, kR, 1, 1, 1, "@read @hash @slow", kG});
  t.Register({"hincrby", HIncrByCommand, 4, kWF, 1, 1, 1, "@write @hash @fast", kG});
  t.Register({"hincrbyfloat", HIncrByFloatCommand, 4, kWF, 1, 1, 1, "@write @hash @fast", kG});
  t.Register({"hrandfield", HRandFieldCommand, -2, kR, 1, 1, 1, "@read @hash @slow", kG});
  t.Register({"hscan", HScanCommand, -3, kR, 1, 1, 1, "@read @hash @slow", kG});
}

}  // namespace kv::server
