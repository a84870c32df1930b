// Set commands: SADD/SREM, membership (SISMEMBER, SMISMEMBER, SCARD), SMEMBERS (a RESP3 set),
// random picks (SPOP, SRANDMEMBER with count), SMOVE, the algebra (SINTER, SINTERCARD, SUNION,
// SDIFF and their STORE forms) and SSCAN. Redis 7.0 semantics and error texts (checked against
// redis-server 7.0.15); the encodings are SetObject's (server/store/set_object.h).
#include <algorithm>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "server/commands/collection_util.h"
#include "server/commands/commands.h"
#include "server/commands/scan_args.h"
#include "server/store/set_object.h"

namespace kv::server {
namespace {

TypedLookup LookupSet(CommandContext& ctx, std::string_view key, bool read) {
  return LookupTyped(ctx, key, ValueType::kSet, read);
}

SetObject* SetOf(Entry* e) { return ObjectOf<SetObject>(e); }

// A whole set as a reply: a RESP3 set (an array in RESP2) of its members.
void ReplySet(CommandContext& ctx, const SetObject* s) {
  ctx.reply.SetHeader(s == nullptr ? 0 : s->Length());
  if (s != nullptr) s->ForEach([&ctx](std::string_view m) { ctx.reply.Bulk(m); });
}

// Replaces key with result (Redis setKey: any old value and its expiry go), or deletes key when
// result is empty. Replies the result's size.
void StoreResult(CommandContext& ctx, std::string_view key, std::unique_ptr<SetObject> result) {
  const size_t n = result->Length();
  ctx.store().Delete(ctx.db(), key);
  if (n > 0) ctx.store().AddObject(ctx.db(), key, std::move(result), 0);
  ctx.reply.Integer(static_cast<int64_t>(n));
}

// The sets at keys for an algebra command (missing keys are nullptr). False after WRONGTYPE,
// which every key is checked for, as Redis does before it computes anything.
bool LookupSets(CommandContext& ctx, std::span<const std::string_view> keys,
                std::vector<SetObject*>* sets) {
  sets->reserve(keys.size());
  for (const std::string_view key : keys) {
    TypedLookup l = LookupSet(ctx, key, true);
    if (l.wrong_type) return false;
    sets->push_back(l.entry == nullptr ? nullptr : SetOf(l.entry));
  }
  return true;
}

void SAddCommand(CommandContext& ctx) {
  TypedLookup l = LookupSet(ctx, ctx.args[1], false);
  if (l.wrong_type) return;
  std::unique_ptr<SetObject> fresh;
  SetObject* set;
  if (l.entry != nullptr) {
    set = SetOf(l.entry);
  } else {
    fresh = SetObject::CreateFor(ctx.args[2]);
    set = fresh.get();
  }
  int64_t added = 0;
  const size_t max_intset = IntSetLimit(ctx);
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    if (set->Add(ctx.args[i], max_intset)) ++added;
  }
  if (fresh) {
    ctx.store().AddObject(ctx.db(), ctx.args[1], std::move(fresh), 0);
  } else if (added > 0) {
    ctx.store().ObjectWritten(ctx.db(), l.entry);
  }
  ctx.reply.Integer(added);
}

void SRemCommand(CommandContext& ctx) {
  RemoveItemsAndReplyCount<SetObject>(
      ctx, ValueType::kSet, [](SetObject& s, std::string_view m) { return s.Remove(m); });
}

void SMembersCommand(CommandContext& ctx) {
  TypedLookup l = LookupSet(ctx, ctx.args[1], true);
  if (l.wrong_type) return;
  ReplySet(ctx, l.entry == nullptr ? nullptr : SetOf(l.entry));
}

void SIsMemberCommand(CommandContext& ctx) {
  TypedLookup l = LookupSet(ctx, ctx.args[1], true);
  if (l.wrong_type) return;
  const bool found = l.entry != nullptr && SetOf(l.entry)->Contains(ctx.args[2]);
  ctx.reply.Raw(found ? resp::kOne : resp::kZero);
}

void SMIsMemberCommand(CommandContext& ctx) {
  TypedLookup l = LookupSet(ctx, ctx.args[1], true);
  if (l.wrong_type) return;
  ctx.reply.ArrayHeader(ctx.args.size() - 2);
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    const bool found = l.entry != nullptr && SetOf(l.entry)->Contains(ctx.args[i]);
    ctx.reply.Raw(found ? resp::kOne : resp::kZero);
  }
}

void SCardCommand(CommandContext& ctx) {
  TypedLookup l = LookupSet(ctx, ctx.args[1], true);
  if (l.wrong_type) return;
  ctx.reply.Integer(l.entry == nullptr ? 0 : static_cast<int64_t>(SetOf(l.entry)->Length()));
}

// SPOP key count: a RESP3 set of min(count, size) distinct members, removed.
void SPopCountCommand(CommandContext& ctx) {
  int64_t count;
  if (!ParseAtLeast(ctx, ctx.args[2], 0, "value is out of range, must be positive", &count)) {
    return;
  }
  TypedLookup l = LookupSet(ctx, ctx.args[1], false);
  if (l.wrong_type) return;
  if (l.entry == nullptr || count == 0) {
    ctx.reply.SetHeader(0);
    return;
  }
  SetObject* set = SetOf(l.entry);
  if (static_cast<uint64_t>(count) >= set->Length()) {
    ReplySet(ctx, set);
    ctx.store().Delete(ctx.db(), ctx.args[1]);
    return;
  }
  ctx.reply.SetHeader(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) ctx.reply.Bulk(set->PopRandom(ctx.store().rng()));
  ctx.store().ObjectWritten(ctx.db(), l.entry);
}

void SPopCommand(CommandContext& ctx) {
  if (ctx.args.size() == 3) {
    SPopCountCommand(ctx);
    return;
  }
  if (ctx.args.size() > 3) {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  TypedLookup l = LookupSet(ctx, ctx.args[1], false);
  if (l.wrong_type) return;
  if (l.entry == nullptr) {
    ctx.reply.NullBulk();
    return;
  }
  ctx.reply.Bulk(SetOf(l.entry)->PopRandom(ctx.store().rng()));
  ctx.store().ObjectWritten(ctx.db(), l.entry);
}

// SRANDMEMBER key count: count >= 0 distinct members (at most all), < 0 -count members that may
// repeat; an array, as Redis 7.0 (not a set).
void SRandMemberCountCommand(CommandContext& ctx) {
  int64_t count;
  if (!ParseIntArg(ctx, ctx.args[2], &count)) return;
  if (count == INT64_MIN) {
    ctx.reply.Error(
        "ERR value is out of range, value must between -9223372036854775807 and "
        "9223372036854775807");
    return;
  }
  TypedLookup l = LookupSet(ctx, ctx.args[1], true);
  if (l.wrong_type) return;
  if (l.entry == nullptr || count == 0) {
    ctx.reply.Raw(resp::kEmptyArray);
    return;
  }
  SetObject* set = SetOf(l.entry);
  SampleRng& rng = ctx.store().rng();
  if (count < 0 || count == 1) {
    if (!RandomPicksFit(ctx, count)) return;
    const auto n = static_cast<size_t>(count < 0 ? -count : count);
    ctx.reply.ArrayHeader(n);
    for (size_t i = 0; i < n; ++i) ctx.reply.Bulk(set->Random(rng));
    return;
  }
  const size_t len = set->Length();
  if (static_cast<uint64_t>(count) >= len) {
    ctx.reply.ArrayHeader(len);
    set->ForEach([&ctx](std::string_view m) { ctx.reply.Bulk(m); });
    return;
  }
  // Distinct members: a partial shuffle of all when many are wanted, else random draws until
  // enough distinct ones came (Redis's two cases).
  const auto n = static_cast<size_t>(count);
  ctx.reply.ArrayHeader(n);
  if (n * 3 > len) {
    std::vector<std::string> all;
    all.reserve(len);
    set->ForEach([&all](std::string_view m) { all.emplace_back(m); });
    for (size_t i = 0; i < n; ++i) {
      std::swap(all[i], all[i + rng() % (len - i)]);
      ctx.reply.Bulk(all[i]);
    }
    return;
  }
  std::unordered_set<std::string> picked;
  while (picked.size() < n) {
    std::string m = set->Random(rng);
    if (picked.insert(m).second) ctx.reply.Bulk(m);
  }
}

void SRandMemberCommand(CommandContext& ctx) {
  if (ctx.args.size() == 3) {
    SRandMemberCountCommand(ctx);
    return;
  }
  if (ctx.args.size() > 3) {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  TypedLookup l = LookupSet(ctx, ctx.args[1], true);
  if (l.wrong_type) return;
  if (l.entry == nullptr) {
    ctx.reply.NullBulk();
    return;
  }
  ctx.reply.Bulk(SetOf(l.entry)->Random(ctx.store().rng()));
}

// SMOVE source destination member, in Redis's order of checks: a missing source answers 0 before
// either type is checked.
void SMoveCommand(CommandContext& ctx) {
  const std::string_view src_key = ctx.args[1];
  const std::string_view dst_key = ctx.args[2];
  const std::string_view member = ctx.args[3];
  Entry* src = ctx.store().Find(ctx.db(), src_key);
  if (src == nullptr) {
    ctx.reply.Raw(resp::kZero);
    return;
  }
  Entry* dst = ctx.store().Find(ctx.db(), dst_key);
  if (WrongType(ctx.reply, src, ValueType::kSet) || WrongType(ctx.reply, dst, ValueType::kSet)) {
    return;
  }
  if (src == dst) {
    ctx.reply.Raw(SetOf(src)->Contains(member) ? resp::kOne : resp::kZero);
    return;
  }
  if (!SetOf(src)->Remove(member)) {
    ctx.reply.Raw(resp::kZero);
    return;
  }
  ctx.store().ObjectWritten(ctx.db(), src);  // deletes an emptied source
  if (dst == nullptr) {
    auto fresh = SetObject::CreateFor(member);
    fresh->Add(member, IntSetLimit(ctx));
    ctx.store().AddObject(ctx.db(), dst_key, std::move(fresh), 0);
  } else if (SetOf(dst)->Add(member, IntSetLimit(ctx))) {
    ctx.store().ObjectWritten(ctx.db(), dst);
  }
  ctx.reply.Raw(resp::kOne);
}

// SINTER, SINTERSTORE (dst_key non-empty) and SINTERCARD (card_only, limit 0: none). The smallest
// set is walked and each member looked up in the others.
void InterGeneric(CommandContext& ctx, std::span<const std::string_view> keys,
                  std::string_view dst_key, bool card_only, int64_t limit) {
  std::vector<SetObject*> sets;
  if (!LookupSets(ctx, keys, &sets)) return;
  const bool store = !dst_key.empty();
  if (std::find(sets.begin(), sets.end(), nullptr) != sets.end()) {
    if (store) {
      ctx.store().Delete(ctx.db(), dst_key);
      ctx.reply.Raw(resp::kZero);
    } else if (card_only) {
      ctx.reply.Raw(resp::kZero);
    } else {
      ctx.reply.SetHeader(0);
    }
    return;
  }
  std::stable_sort(sets.begin(), sets.end(), [](const SetObject* a, const SetObject* b) {
    return a->Length() < b->Length();
  });
  auto in_all = [&sets](std::string_view m) {
    for (size_t j = 1; j < sets.size(); ++j) {
      if (sets[j] != sets[0] && !sets[j]->Contains(m)) return false;
    }
    return true;
  };
  if (card_only) {
    int64_t card = 0;
    sets[0]->ForEachUntil([&](std::string_view m) {
      if (in_all(m)) ++card;
      return limit == 0 || card < limit;
    });
    ctx.reply.Integer(card);
    return;
  }
  auto result = std::make_unique<SetObject>();
  const size_t max_intset = IntSetLimit(ctx);
  sets[0]->ForEach([&](std::string_view m) {
    if (in_all(m)) result->Add(m, max_intset);
  });
  if (store) {
    StoreResult(ctx, dst_key, std::move(result));
  } else {
    ReplySet(ctx, result.get());
  }
}

void SInterCommand(CommandContext& ctx) { InterGeneric(ctx, ctx.args.subspan(1), {}, false, 0); }
void SInterStoreCommand(CommandContext& ctx) {
  InterGeneric(ctx, ctx.args.subspan(2), ctx.args[1], false, 0);
}

// SINTERCARD numkeys key [key ...] [LIMIT limit]
void SInterCardCommand(CommandContext& ctx) {
  int64_t numkeys;
  if (!ParseAtLeast(ctx, ctx.args[1], 1, "numkeys should be greater than 0", &numkeys)) return;
  if (static_cast<uint64_t>(numkeys) > ctx.args.size() - 2) {
    ctx.reply.Error("ERR Number of keys can't be greater than number of args");
    return;
  }
  int64_t limit = 0;
  for (size_t i = 2 + static_cast<size_t>(numkeys); i < ctx.args.size(); ++i) {
    if (EqualsIgnoreCase(ctx.args[i], "limit") && i + 1 < ctx.args.size()) {
      ++i;
      if (!ParseAtLeast(ctx, ctx.args[i], 0, "LIMIT can't be negative", &limit)) return;
    } else {
      ctx.reply.Error(kErrSyntax);
      return;
    }
  }
  InterGeneric(ctx, ctx.args.subspan(2, static_cast<size_t>(numkeys)), {}, true, limit);
}

// SUNION, SDIFF and their STORE forms (dst_key non-empty). The result starts as an intset, as
// Redis's does, so it reports the encoding its members call for.
void UnionDiffGeneric(CommandContext& ctx, std::span<const std::string_view> keys,
                      std::string_view dst_key, bool diff) {
  std::vector<SetObject*> sets;
  if (!LookupSets(ctx, keys, &sets)) return;
  auto result = std::make_unique<SetObject>();
  const size_t max_intset = IntSetLimit(ctx);
  if (!diff) {
    for (const SetObject* s : sets) {
      if (s != nullptr) s->ForEach([&](std::string_view m) { result->Add(m, max_intset); });
    }
  } else if (sets[0] != nullptr) {
    sets[0]->ForEach([&](std::string_view m) {
      for (size_t j = 1; j < sets.size(); ++j) {
        if (sets[j] != nullptr && (sets[j] == sets[0] || sets[j]->Contains(m))) return;
      }
      result->Add(m, max_intset);
    });
  }
  if (!dst_key.empty()) {
    StoreResult(ctx, dst_key, std::move(result));
  } else {
    ReplySet(ctx, result.get());
  }
}

void SUnionCommand(CommandContext& ctx) { UnionDiffGeneric(ctx, ctx.args.subspan(1), {}, false); }
void SUnionStoreCommand(CommandContext& ctx) {
  UnionDiffGeneric(ctx, ctx.args.subspan(2), ctx.args[1], false);
}
void SDiffCommand(CommandContext& ctx) { UnionDiffGeneric(ctx, ctx.args.subspan(1), {}, true); }
void SDiffStoreCommand(CommandContext& ctx) {
  UnionDiffGeneric(ctx, ctx.args.subspan(2), ctx.args[1], true);
}

// SSCAN key cursor [MATCH pattern] [COUNT count].
void SScanCommand(CommandContext& ctx) {
  ScanArgs args;
  if (!ParseScanCursorArg(ctx, 2, &args.cursor)) return;
  TypedLookup l = LookupSet(ctx, ctx.args[1], true);
  if (l.wrong_type) return;
  if (l.entry == nullptr) {
    ReplyEmptyScan(ctx);
    return;
  }
  if (!ParseScanOptions(ctx, 3, /*allow_type=*/false, &args)) return;
  uint64_t cursor = args.cursor;
  std::vector<std::string> found;
  SetObject* set = SetOf(l.entry);
  int64_t max_iterations = args.count * 10;
  auto collect = [&](std::string_view m) {
    if (!args.use_pattern || GlobMatch(args.pattern, m)) found.emplace_back(m);
  };
  do {
    cursor = set->Scan(cursor, collect);
  } while (cursor != 0 && max_iterations-- > 0 && static_cast<int64_t>(found.size()) < args.count);
  ctx.reply.ArrayHeader(2);
  ReplyScanCursor(ctx, cursor);
  ctx.reply.ArrayHeader(found.size());
  for (const std::string& m : found) ctx.reply.Bulk(m);
}

}  // namespace

void RegisterSetCommands(CommandTable& t) {
  constexpr uint32_t kWF = kCmdWrite | kCmdDenyOom | kCmdFast;
  constexpr uint32_t kWFast = kCmdWrite | kCmdFast;
  constexpr uint32_t kWD = kCmdWrite | kCmdDenyOom;
  constexpr uint32_t kRF = kCmdReadOnly | kCmdFast;
  constexpr uint32_t kR = kCmdReadOnly;
  constexpr std::string_view kG = "set";
  t.Register({"sadd", SAddCommand, -3, kWF, 1, 1, 1, "@write @set @fast", kG});
  t.Register({"srem", SRemCommand, -3, kWFast, 1, 1, 1, "@write @set @fast", kG});
  t.Register({"smembers", SMembersCommand, 2, kR, 1, 1, 1, "@read @set @slow", kG});
  t.Register({"sismember", SIsMemberCommand, 3, kRF, 1, 1, 1, "@read @set @fast", kG});
  t.Register({"smismember", SMIsMemberCommand, -3, kRF, 1, 1, 1, "@read @set @fast", kG});
  t.Register({"scard", SCardCommand, 2, kRF, 1, 1, 1, "@read @set @fast", kG});
  t.Register({"spop", SPopCommand, -2, kWFast, 1, 1, 1, "@write @set @fast", kG});
  t.Register({"srandmember", SRandMemberCommand, -2, kR, 1, 1, 1, "@read @set @slow", kG});
  t.Register({"smove", SMoveCommand, 4, kWFast, 1, 2, 1, "@write @set @fast", kG});
  t.Register({"sinter", SInterCommand, -2, kR, 1, -1, 1, "@read @set @slow", kG});
  t.Register({"sintercard", SInterCardCommand, -3, kR, 0, 0, 0, "@read @set @slow", kG});
  t.Register({"sunion", SUnionCommand, -2, kR, 1, -1, 1, "@read @set @slow", kG});
  t.Register({"sdiff", SDiffCommand, -2, kR, 1, -1, 1, "@read @set @slow", kG});
  t.Register({"sinterstore", SInterStoreCommand, -3, kWD, 1, -1, 1, "@write @set @slow", kG});
  t.Register({"sunionstore", SUnionStoreCommand, -3, kWD, 1, -1, 1, "@write @set @slow", kG});
  t.Register({"sdiffstore", SDiffStoreCommand, -3, kWD, 1, -1, 1, "@write @set @slow", kG});
  t.Register({"sscan", SScanCommand, -3, kR, 1, 1, 1, "@read @set @slow", kG});
}

}  // namespace kv::server
