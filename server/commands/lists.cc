// List commands: pushes and pops (with count), ranges, indexes, LREM/LTRIM/LINSERT/LPOS and the
// moves between lists (LMOVE, RPOPLPUSH, LMPOP). Redis 7 semantics and error texts (checked
// against redis-server 7.0.15); the encodings are ListObject's (server/store/list_object.h).
#include <memory>
#include <string>
#include <vector>

#include "server/commands/collection_util.h"
#include "server/commands/commands.h"
#include "server/commands/list_ops.h"
#include "server/store/list_object.h"

namespace kv::server {
namespace {

constexpr std::string_view kErrOutOfRange = "ERR index out of range";

ListObject* ListOf(Entry* e) { return ObjectOf<ListObject>(e); }

}  // namespace

TypedLookup LookupList(CommandContext& ctx, std::string_view key, bool read) {
  return LookupTyped(ctx, key, ValueType::kList, read);
}

void PopAndReply(CommandContext& ctx, Entry* e, bool front, int64_t count) {
  ListObject* list = ListOf(e);
  const size_t n = std::min<uint64_t>(static_cast<uint64_t>(count), list->Length());
  ctx.reply.ArrayHeader(n);
  for (size_t i = 0; i < n; ++i) ctx.reply.Bulk(list->Pop(front));
  if (n > 0) ctx.store().ObjectWritten(ctx.db(), e);  // LPOP key 0 changes nothing
}

std::string PopOne(CommandContext& ctx, Entry* e, bool front) {
  std::string value = ListOf(e)->Pop(front);
  ctx.store().ObjectWritten(ctx.db(), e);
  return value;
}

bool ParseWhere(CommandContext& ctx, std::string_view arg, bool* left) {
  if (EqualsIgnoreCase(arg, "left")) {
    *left = true;
  } else if (EqualsIgnoreCase(arg, "right")) {
    *left = false;
  } else {
    ctx.reply.Error(kErrSyntax);
    return false;
  }
  return true;
}

void MoveFromList(CommandContext& ctx, Entry* src, std::string_view dst, bool from_left,
                  bool to_left) {
  TypedLookup d = LookupList(ctx, dst, false);
  if (d.wrong_type) return;
  const std::string value = ListOf(src)->Pop(from_left);
  if (d.entry == src) {  // same list: a rotation
    ListOf(src)->Push(value, to_left);
    ctx.store().ObjectWritten(ctx.db(), src);
    ctx.reply.Bulk(value);
    return;
  }
  if (d.entry == nullptr) {
    auto list = std::make_unique<ListObject>();
    list->Push(value, to_left);
    ctx.store().AddObject(ctx.db(), dst, std::move(list), 0);
  } else {
    ListOf(d.entry)->Push(value, to_left);
    ctx.store().ObjectWritten(ctx.db(), d.entry);
  }
  ctx.store().ObjectWritten(ctx.db(), src);  // entries never move: src is still valid
  ctx.reply.Bulk(value);
}

bool MPopFirst(CommandContext& ctx, const MultiPopArgs& a) {
  for (size_t i = a.first_key; i < a.end_key; ++i) {
    TypedLookup l = LookupList(ctx, ctx.args[i], false);
    if (l.wrong_type) return true;
    if (l.entry == nullptr) continue;
    ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk(ctx.args[i]);
    PopAndReply(ctx, l.entry, a.first_word, a.count);
    return true;
  }
  return false;
}

namespace {

// Pushes args[first..] at the head or tail of key, creating the list unless only_existing.
// Replies the new length (0 for a missing key with only_existing).
void PushGeneric(CommandContext& ctx, bool front, bool only_existing) {
  const std::string_view key = ctx.args[1];
  TypedLookup l = LookupList(ctx, key, false);
  if (l.wrong_type) return;
  if (l.entry == nullptr) {
    if (only_existing) {
      ctx.reply.Raw(resp::kZero);
      return;
    }
    auto list = std::make_unique<ListObject>();
    for (size_t i = 2; i < ctx.args.size(); ++i) list->Push(ctx.args[i], front);
    const size_t len = list->Length();
    ctx.store().AddObject(ctx.db(), key, std::move(list), 0);
    ctx.reply.Integer(static_cast<int64_t>(len));
    return;
  }
  ListObject* list = ListOf(l.entry);
  for (size_t i = 2; i < ctx.args.size(); ++i) list->Push(ctx.args[i], front);
  const size_t len = list->Length();
  ctx.store().ObjectWritten(ctx.db(), l.entry);
  ctx.reply.Integer(static_cast<int64_t>(len));
}
void LPushCommand(CommandContext& ctx) { PushGeneric(ctx, true, false); }
void RPushCommand(CommandContext& ctx) { PushGeneric(ctx, false, false); }
void LPushXCommand(CommandContext& ctx) { PushGeneric(ctx, true, true); }
void RPushXCommand(CommandContext& ctx) { PushGeneric(ctx, false, true); }

// LPOP / RPOP key [count].
void PopGeneric(CommandContext& ctx, bool front) {
  if (ctx.args.size() > 3) {
    ReplyArityError(ctx.reply, ctx.spec.name);
    return;
  }
  const bool has_count = ctx.args.size() == 3;
  int64_t count = 0;
  if (has_count &&
      !ParseAtLeast(ctx, ctx.args[2], 0, "value is out of range, must be positive", &count)) {
    return;
  }
  TypedLookup l = LookupList(ctx, ctx.args[1], false);
  if (l.wrong_type) return;
  if (l.entry == nullptr) {
    if (has_count) {
      ctx.reply.NullArray();
    } else {
      ctx.reply.NullBulk();
    }
    return;
  }
  if (has_count) {
    PopAndReply(ctx, l.entry, front, count);
    return;
  }
  ctx.reply.Bulk(ListOf(l.entry)->Pop(front));
  ctx.store().ObjectWritten(ctx.db(), l.entry);
}
void LPopCommand(CommandContext& ctx) { PopGeneric(ctx, true); }
void RPopCommand(CommandContext& ctx) { PopGeneric(ctx, false); }

void LLenCommand(CommandContext& ctx) {
  TypedLookup l = LookupList(ctx, ctx.args[1], true);
  if (l.wrong_type) return;
  ctx.reply.Integer(l.entry == nullptr ? 0 : static_cast<int64_t>(ListOf(l.entry)->Length()));
}

// Redis's range rule (LRANGE, LTRIM): negative indexes count from the tail; the range is clamped
// to the list. False when it is empty.
bool ResolveRange(int64_t start, int64_t end, int64_t len, size_t* first, size_t* last) {
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (start > end || start >= len) return false;
  if (end >= len) end = len - 1;
  *first = static_cast<size_t>(start);
  *last = static_cast<size_t>(end);
  return true;
}

void LRangeCommand(CommandContext& ctx) {
  int64_t start;
  int64_t end;
  if (!ParseIntArg(ctx, ctx.args[2], &start) || !ParseIntArg(ctx, ctx.args[3], &end)) return;
  TypedLookup l = LookupList(ctx, ctx.args[1], true);
  if (l.wrong_type) return;
  if (l.entry == nullptr) {
    ctx.reply.Raw(resp::kEmptyArray);
    return;
  }
  const ListObject* list = ListOf(l.entry);
  size_t first;
  size_t last;
  if (!ResolveRange(start, end, static_cast<int64_t>(list->Length()), &first, &last)) {
    ctx.reply.Raw(resp::kEmptyArray);
    return;
  }
  ctx.reply.ArrayHeader(last - first + 1);
  list->ForRange(first, last, [&ctx](std::string_view v) { ctx.reply.Bulk(v); });
}

// A list index (negative: from the tail) resolved against len; false when out of range.
bool ResolveIndex(int64_t index, size_t len, size_t* out) {
  if (index < 0) index += static_cast<int64_t>(len);
  if (index < 0 || index >= static_cast<int64_t>(len)) return false;
  *out = static_cast<size_t>(index);
  return true;
}

void LIndexCommand(CommandContext& ctx) {
  TypedLookup l = LookupList(ctx, ctx.args[1], true);
  if (l.wrong_type) return;
  if (l.entry == nullptr) {
    ctx.reply.NullBulk();
    return;
  }
  int64_t index;
  if (!ParseIntArg(ctx, ctx.args[2], &index)) return;
  const ListObject* list = ListOf(l.entry);
  size_t at;
  if (!ResolveIndex(index, list->Length(), &at)) {
    ctx.reply.NullBulk();
    return;
  }
  ctx.reply.Bulk(list->Get(at));
}

void LSetCommand(CommandContext& ctx) {
  TypedLookup l = LookupList(ctx, ctx.args[1], false);
  if (l.wrong_type) return;
  if (l.entry == nullptr) {
    ctx.reply.Error(kErrNoSuchKey);
    return;
  }
  int64_t index;
  if (!ParseIntArg(ctx, ctx.args[2], &index)) return;
  ListObject* list = ListOf(l.entry);
  size_t at;
  if (!ResolveIndex(index, list->Length(), &at)) {
    ctx.reply.Error(kErrOutOfRange);
    return;
  }
  list->Set(at, ctx.args[3]);
  ctx.store().ObjectWritten(ctx.db(), l.entry);
  ctx.reply.Raw(resp::kOk);
}

// LREM key count element: count > 0 from the head, < 0 from the tail, 0 all.
void LRemCommand(CommandContext& ctx) {
  int64_t count;
  if (!ParseIntArg(ctx, ctx.args[2], &count)) return;
  TypedLookup l = LookupList(ctx, ctx.args[1], false);
  if (l.wrong_type) return;
  if (l.entry == nullptr) {
    ctx.reply.Raw(resp::kZero);
    return;
  }
  const uint64_t max = count < 0 ? 0 - static_cast<uint64_t>(count) : static_cast<uint64_t>(count);
  const size_t removed = ListOf(l.entry)->RemoveMatching(ctx.args[3], max, count < 0);
  if (removed > 0) ctx.store().ObjectWritten(ctx.db(), l.entry);
  ctx.reply.Integer(static_cast<int64_t>(removed));
}

void LTrimCommand(CommandContext& ctx) {
  int64_t start;
  int64_t end;
  if (!ParseIntArg(ctx, ctx.args[2], &start) || !ParseIntArg(ctx, ctx.args[3], &end)) return;
  TypedLookup l = LookupList(ctx, ctx.args[1], false);
  if (l.wrong_type) return;
  if (l.entry != nullptr) {
    ListObject* list = ListOf(l.entry);
    size_t first;
    size_t last;
    if (ResolveRange(start, end, static_cast<int64_t>(list->Length()), &first, &last)) {
      list->Trim(first, last - first + 1);
    } else {
      list->Trim(0, 0);
    }
    ctx.store().ObjectWritten(ctx.db(), l.entry);
  }
  ctx.reply.Raw(resp::kOk);
}

// LINSERT key BEFORE|AFTER pivot element: the new length, -1 without the pivot, 0 without key.
void LInsertCommand(CommandContext& ctx) {
  bool after;
  if (EqualsIgnoreCase(ctx.args[2], "after")) {
    after = true;
  } else if (EqualsIgnoreCase(ctx.args[2], "before")) {
    after = false;
  } else {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  TypedLookup l = LookupList(ctx, ctx.args[1], false);
  if (l.wrong_type) return;
  if (l.entry == nullptr) {
    ctx.reply.Raw(resp::kZero);
    return;
  }
  ListObject* list = ListOf(l.entry);
  const std::string_view pivot = ctx.args[3];
  size_t found = SIZE_MAX;
  list->ForEach(false, [&](size_t index, std::string_view v) {
    if (v != pivot) return true;
    found = index;
    return false;
  });
  if (found == SIZE_MAX) {
    ctx.reply.Raw(resp::kMinusOne);
    return;
  }
  list->Insert(after ? found + 1 : found, ctx.args[4]);
  const size_t len = list->Length();
  ctx.store().ObjectWritten(ctx.db(), l.entry);
  ctx.reply.Integer(static_cast<int64_t>(len));
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len].
void LPosCommand(CommandContext& ctx) {
  int64_t rank = 1;
  int64_t count = -1;  // -1: no COUNT (a single reply)
  int64_t maxlen = 0;
  for (size_t j = 3; j < ctx.args.size(); j += 2) {
    const std::string_view opt = ctx.args[j];
    if (j + 1 >= ctx.args.size()) {
      ctx.reply.Error(kErrSyntax);
      return;
    }
    if (EqualsIgnoreCase(opt, "rank")) {
      if (!ParseIntArg(ctx, ctx.args[j + 1], &rank)) return;
      if (rank == 0) {
        ctx.reply.Error(
            "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
            "or use negative to start from the end of the list");
        return;
      }
    } else if (EqualsIgnoreCase(opt, "count")) {
      if (!ParseIntArg(ctx, ctx.args[j + 1], &count)) return;
      if (count < 0) {
        ctx.reply.Error("ERR COUNT can't be negative");
        return;
      }
    } else if (EqualsIgnoreCase(opt, "maxlen")) {
      if (!ParseIntArg(ctx, ctx.args[j + 1], &maxlen)) return;
      if (maxlen < 0) {
        ctx.reply.Error("ERR MAXLEN can't be negative");
        return;
      }
    } else {
      ctx.reply.Error(kErrSyntax);
      return;
    }
  }
  TypedLookup l = LookupList(ctx, ctx.args[1], true);
  if (l.wrong_type) return;
  if (l.entry == nullptr) {
    if (count >= 0) {
      ctx.reply.Raw(resp::kEmptyArray);
    } else {
      ctx.reply.NullBulk();
    }
    return;
  }
  const std::string_view element = ctx.args[2];
  // Matches to skip before replying (rank 2: the second match). The most negative rank acts as
  // -1 in Redis 7.0 (its negation overflows back to a negative rank every match satisfies).
  uint64_t skip = rank == INT64_MIN ? 0 : static_cast<uint64_t>(rank < 0 ? -rank : rank) - 1;
  const uint64_t want = count < 0 ? 1 : (count == 0 ? UINT64_MAX : static_cast<uint64_t>(count));
  std::vector<int64_t> hits;
  uint64_t seen = 0;
  ListOf(l.entry)->ForEach(rank < 0, [&](size_t index, std::string_view v) {
    if (maxlen != 0 && seen++ >= static_cast<uint64_t>(maxlen)) return false;
    if (v != element) return true;
    if (skip > 0) {
      --skip;
      return true;
    }
    hits.push_back(static_cast<int64_t>(index));
    return hits.size() < want;
  });
  if (count < 0) {
    if (hits.empty()) {
      ctx.reply.NullBulk();
    } else {
      ctx.reply.Integer(hits[0]);
    }
    return;
  }
  ctx.reply.ArrayHeader(hits.size());
  for (int64_t h : hits) ctx.reply.Integer(h);
}

// LMOVE / RPOPLPUSH: replies nil when src is missing.
void MoveGeneric(CommandContext& ctx, std::string_view src, std::string_view dst, bool from_left,
                 bool to_left) {
  TypedLookup s = LookupList(ctx, src, false);
  if (s.wrong_type) return;
  if (s.entry == nullptr) {
    ctx.reply.NullBulk();
    return;
  }
  MoveFromList(ctx, s.entry, dst, from_left, to_left);
}

void LMoveCommand(CommandContext& ctx) {
  bool from_left;
  bool to_left;
  if (!ParseWhere(ctx, ctx.args[3], &from_left) || !ParseWhere(ctx, ctx.args[4], &to_left)) return;
  MoveGeneric(ctx, ctx.args[1], ctx.args[2], from_left, to_left);
}

void RPopLPushCommand(CommandContext& ctx) {
  MoveGeneric(ctx, ctx.args[1], ctx.args[2], false, true);
}

// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]: pops from the first non-empty list;
// replies [key, [elements]] or a null array.
void LMPopCommand(CommandContext& ctx) {
  MultiPopArgs a;
  if (!ParseMultiPopArgs(ctx, 1, "left", "right", &a)) return;
  if (!MPopFirst(ctx, a)) ctx.reply.NullArray();
}

}  // namespace

void RegisterListCommands(CommandTable& t) {
  constexpr uint32_t kWF = kCmdWrite | kCmdDenyOom | kCmdFast;
  constexpr uint32_t kW = kCmdWrite;
  constexpr uint32_t kWFast = kCmdWrite | kCmdFast;
  constexpr uint32_t kR = kCmdReadOnly;
  constexpr uint32_t kWD = kCmdWrite | kCmdDenyOom;
  constexpr std::string_view kG = "list";
  t.Register({"lpush", LPushCommand, -3, kWF, 1, 1, 1, "@write @list @fast", kG});
  t.Register({"rpush", RPushCommand, -3, kWF, 1, 1, 1, "@write @list @fast", kG});
  t.Register({"lpushx", LPushXCommand, -3, kWF, 1, 1, 1, "@write @list @fast", kG});
  t.Register({"rpushx", RPushXCommand, -3, kWF, 1, 1, 1, "@write @list @fast", kG});
  t.Register({"lpop", LPopCommand, -2, kWFast, 1, 1, 1, "@write @list @fast", kG});
  t.Register({"rpop", RPopCommand, -2, kWFast, 1, 1, 1, "@write @list @fast", kG});
  t.Register({"llen", LLenCommand, 2, kR | kCmdFast, 1, 1, 1, "@read @list @fast", kG});
  t.Register({"lrange", LRangeCommand, 4, kR, 1, 1, 1, "@read @list @slow", kG});
  t.Register({"lindex", LIndexCommand, 3, kR, 1, 1, 1, "@read @list @slow", kG});
  t.Register({"lset", LSetCommand, 4, kWD, 1, 1, 1, "@write @list @slow", kG});
  t.Register({"lrem", LRemCommand, 4, kW, 1, 1, 1, "@write @list @slow", kG});
  t.Register({"ltrim", LTrimCommand, 4, kW, 1, 1, 1, "@write @list @slow", kG});
  t.Register({"linsert", LInsertCommand, 5, kWD, 1, 1, 1, "@write @list @slow", kG});
  t.Register({"lpos", LPosCommand, -3, kR, 1, 1, 1, "@read @list @slow", kG});
  t.Register({"lmove", LMoveCommand, 5, kWD, 1, 2, 1, "@write @list @slow", kG});
  t.Register({"rpoplpush", RPopLPushCommand, 3, kWD, 1, 2, 1, "@write @list @slow", kG});
  t.Register({"lmpop", LMPopCommand, -4, kW, 0, 0, 0, "@write @list @slow", kG});
}

}  // namespace kv::server
