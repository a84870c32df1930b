// Generic key commands: DEL/UNLINK/EXISTS/TYPE/RENAME, KEYS/SCAN/RANDOMKEY and the expiry family.
// Redis 7 semantics and error texts (checked against redis-server 7.0.15).
#include <cerrno>
#include <cstdlib>
#include <vector>

#include "server/commands/commands.h"
#include "server/commands/scan_args.h"
#include "server/engine/command_context.h"
#include "server/engine/text_util.h"

namespace kv::server {
namespace {

void DelCommand(CommandContext& ctx) {
  int64_t deleted = 0;
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    if (ctx.store().Delete(ctx.db(), ctx.args[i])) ++deleted;
  }
  ctx.reply.Integer(deleted);
}

void ExistsCommand(CommandContext& ctx) {
  int64_t count = 0;
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    if (ctx.LookupRead(ctx.args[i]) != nullptr) ++count;
  }
  ctx.reply.Integer(count);
}

void TouchCommand(CommandContext& ctx) {
  int64_t count = 0;
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    if (ctx.store().Find(ctx.db(), ctx.args[i]) != nullptr) ++count;
  }
  ctx.reply.Integer(count);
}

void TypeCommand(CommandContext& ctx) {
  const Entry* e = ctx.LookupRead(ctx.args[1]);
  ctx.reply.Simple(e == nullptr ? std::string_view("none") : TypeName(e->type()));
}

void RenameGeneric(CommandContext& ctx, bool nx) {
  const std::string_view src = ctx.args[1];
  const std::string_view dst = ctx.args[2];
  if (ctx.store().Find(ctx.db(), src) == nullptr) {
    ctx.reply.Error(kErrNoSuchKey);
    return;
  }
  if (src == dst) {
    ctx.reply.Raw(nx ? resp::kZero : resp::kOk);
    return;
  }
  if (nx && ctx.store().Find(ctx.db(), dst) != nullptr) {
    ctx.reply.Raw(resp::kZero);
    return;
  }
  ctx.store().Rename(ctx.db(), src, ctx.db(), dst);
  ctx.reply.Raw(nx ? resp::kOne : resp::kOk);
}
void RenameCommand(CommandContext& ctx) { RenameGeneric(ctx, false); }
void RenameNxCommand(CommandContext& ctx) { RenameGeneric(ctx, true); }

bool IsLive(const CommandContext& ctx, const Entry* e) {
  return e->expire_ms == 0 || e->expire_ms >= ctx.now_ms();
}

void KeysCommand(CommandContext& ctx) {
  const std::string_view pattern = ctx.args[1];
  const bool all = pattern == "*";
  std::vector<std::string_view> keys;
  uint64_t cursor = 0;
  do {
    cursor = ctx.store().Scan(ctx.db(), cursor, [&](const Entry* e) {
      if (IsLive(ctx, e) && (all || GlobMatch(pattern, e->key()))) keys.push_back(e->key());
    });
  } while (cursor != 0);
  ctx.reply.ArrayHeader(keys.size());
  for (std::string_view k : keys) ctx.reply.Bulk(k);
}

// Redis parseScanCursorOrReply: strtoull over the whole argument.
void ScanCommand(CommandContext& ctx) {
  ScanArgs args;
  if (!ParseScanCursorArg(ctx, 1, &args.cursor)) return;
  if (!ParseScanOptions(ctx, 2, /*allow_type=*/true, &args)) return;
  uint64_t cursor = args.cursor;
  ValueType wanted = ValueType::kString;
  // An unknown type name matches nothing.
  const bool type_known = args.use_type && ParseTypeName(args.type, &wanted);
  std::vector<std::string> keys;
  int64_t max_iterations = args.count * 10;
  do {
    cursor =
        ctx.store().Scan(ctx.db(), cursor, [&](const Entry* e) { keys.emplace_back(e->key()); });
  } while (cursor != 0 && max_iterations-- > 0 && static_cast<int64_t>(keys.size()) < args.count);
  // Filter after the scan step (the dict must not change during it); expired keys are deleted.
  size_t kept = 0;
  for (std::string& key : keys) {
    if (args.use_pattern && !GlobMatch(args.pattern, key)) continue;
    const Entry* e = ctx.store().Find(ctx.db(), key);
    if (e == nullptr) continue;
    if (args.use_type && (!type_known || e->type() != wanted)) continue;
    if (kept != static_cast<size_t>(&key - keys.data())) keys[kept] = std::move(key);
    ++kept;
  }
  ctx.reply.ArrayHeader(2);
  ReplyScanCursor(ctx, cursor);
  ctx.reply.ArrayHeader(kept);
  for (size_t i = 0; i < kept; ++i) ctx.reply.Bulk(keys[i]);
}

void RandomKeyCommand(CommandContext& ctx) {
  const Entry* e = ctx.store().RandomKey(ctx.db());
  if (e == nullptr) {
    ctx.reply.NullBulk();
  } else {
    ctx.reply.Bulk(e->key());
  }
}

enum ExpireFlag : unsigned { kNx = 1, kXx = 2, kGt = 4, kLt = 8 };

// Redis expireGenericCommand. base_ms: now for relative forms, 0 for *AT; seconds: unit.
void ExpireGeneric(CommandContext& ctx, int64_t base_ms, bool seconds) {
  unsigned flags = 0;
  for (size_t j = 3; j < ctx.args.size(); ++j) {
    const std::string_view opt = ctx.args[j];
    if (EqualsIgnoreCase(opt, "nx")) {
      flags |= kNx;
    } else if (EqualsIgnoreCase(opt, "xx")) {
      flags |= kXx;
    } else if (EqualsIgnoreCase(opt, "gt")) {
      flags |= kGt;
    } else if (EqualsIgnoreCase(opt, "lt")) {
      flags |= kLt;
    } else {
      std::string msg = "ERR Unsupported option ";
      msg.append(opt);
      ctx.reply.Error(msg);
      return;
    }
  }
  if ((flags & kNx) && (flags & (kXx | kGt | kLt))) {
    ctx.reply.Error("ERR NX and XX, GT or LT options at the same time are not compatible");
    return;
  }
  if ((flags & kGt) && (flags & kLt)) {
    ctx.reply.Error("ERR GT and LT options at the same time are not compatible");
    return;
  }
  int64_t when;
  if (!ParseInt64(ctx.args[2], &when)) {
    ctx.reply.Error(kErrNotInteger);
    return;
  }
  auto expire_error = [&ctx] {
    std::string msg = "ERR invalid expire time in '";
    msg.append(ctx.spec.name);
    msg.append("' command");
    ctx.reply.Error(msg);
  };
  if (seconds) {
    if (when > INT64_MAX / 1000 || when < INT64_MIN / 1000) return expire_error();
    when *= 1000;
  }
  if (when > INT64_MAX - base_ms) return expire_error();
  when += base_ms;

  Entry* e = ctx.store().Find(ctx.db(), ctx.args[1]);
  if (e == nullptr) {
    ctx.reply.Raw(resp::kZero);
    return;
  }
  const int64_t current = e->expire_ms == 0 ? -1 : e->expire_ms;
  if (((flags & kNx) && current != -1) || ((flags & kXx) && current == -1) ||
      ((flags & kGt) && (when <= current || current == -1)) ||
      ((flags & kLt) && current != -1 && when >= current)) {
    ctx.reply.Raw(resp::kZero);
    return;
  }
  if (when <= ctx.now_ms()) {
    ctx.store().Delete(ctx.db(), ctx.args[1]);
  } else {
    // Expiry 0 means "none" in an Entry; a time at the epoch is in the past and deleted above.
    ctx.store().SetExpire(ctx.db(), e, when);
  }
  ctx.reply.Raw(resp::kOne);
}
void ExpireCommand(CommandContext& ctx) { ExpireGeneric(ctx, ctx.now_ms(), true); }
void PExpireCommand(CommandContext& ctx) { ExpireGeneric(ctx, ctx.now_ms(), false); }
void ExpireAtCommand(CommandContext& ctx) { ExpireGeneric(ctx, 0, true); }
void PExpireAtCommand(CommandContext& ctx) { ExpireGeneric(ctx, 0, false); }

// TTL, PTTL, EXPIRETIME, PEXPIRETIME: -2 missing, -1 no expiry.
void TtlGeneric(CommandContext& ctx, bool millis, bool absolute) {
  const Entry* e = ctx.LookupRead(ctx.args[1]);
  if (e == nullptr) {
    ctx.reply.Raw(resp::kMinusTwo);
    return;
  }
  if (e->expire_ms == 0) {
    ctx.reply.Raw(resp::kMinusOne);
    return;
  }
  int64_t v = e->expire_ms;
  if (!absolute) {
    v -= ctx.now_ms();
    if (v < 0) v = 0;
  }
  ctx.reply.Integer(millis ? v : (v + 500) / 1000);
}
void TtlCommand(CommandContext& ctx) { TtlGeneric(ctx, false, false); }
void PTtlCommand(CommandContext& ctx) { TtlGeneric(ctx, true, false); }
void ExpireTimeCommand(CommandContext& ctx) { TtlGeneric(ctx, false, true); }
void PExpireTimeCommand(CommandContext& ctx) { TtlGeneric(ctx, true, true); }

void PersistCommand(CommandContext& ctx) {
  Entry* e = ctx.store().Find(ctx.db(), ctx.args[1]);
  if (e == nullptr || e->expire_ms == 0) {
    ctx.reply.Raw(resp::kZero);
    return;
  }
  ctx.store().SetExpire(ctx.db(), e, 0);
  ctx.reply.Raw(resp::kOne);
}

constexpr std::string_view kErrDbRange = "ERR DB index is out of range";
constexpr std::string_view kErrSameObject = "ERR source and destination objects are the same";

// A database index argument: an int (else ParseInt32's errors), then 0..15.
bool ParseDbIndex(CommandContext& ctx, std::string_view text, int* db) {
  if (!ParseInt32(ctx, text, db)) return false;
  if (*db < 0 || *db >= kNumDatabases) {
    ctx.reply.Error(kErrDbRange);
    return false;
  }
  return true;
}

// COPY source destination [DB db] [REPLACE]: value and expiry, into this or another db.
void CopyCommand(CommandContext& ctx) {
  int dst_db = ctx.db();
  bool replace = false;
  for (size_t j = 3; j < ctx.args.size(); ++j) {
    if (EqualsIgnoreCase(ctx.args[j], "replace")) {
      replace = true;
    } else if (EqualsIgnoreCase(ctx.args[j], "db") && j + 1 < ctx.args.size()) {
      if (!ParseDbIndex(ctx, ctx.args[++j], &dst_db)) return;
    } else {
      ctx.reply.Error(kErrSyntax);
      return;
    }
  }
  const std::string_view src_key = ctx.args[1];
  const std::string_view dst_key = ctx.args[2];
  if (dst_db == ctx.db() && src_key == dst_key) {
    ctx.reply.Error(kErrSameObject);
    return;
  }
  const Entry* src = ctx.LookupRead(src_key);
  if (src == nullptr) {
    ctx.reply.Raw(resp::kZero);
    return;
  }
  if (ctx.store().Find(dst_db, dst_key) != nullptr) {
    if (!replace) {
      ctx.reply.Raw(resp::kZero);
      return;
    }
    ctx.store().Delete(dst_db, dst_key);
  }
  ctx.store().Copy(src, dst_db, dst_key);  // entries stay put until removed: src is valid
  ctx.reply.Raw(resp::kOne);
}

// MOVE key db: only when key is missing in db (else 0); keeps the expiry.
void MoveCommand(CommandContext& ctx) {
  int dst_db;
  if (!ParseDbIndex(ctx, ctx.args[2], &dst_db)) return;
  if (dst_db == ctx.db()) {
    ctx.reply.Error(kErrSameObject);
    return;
  }
  const std::string_view key = ctx.args[1];
  if (ctx.store().Find(ctx.db(), key) == nullptr || ctx.store().Find(dst_db, key) != nullptr) {
    ctx.reply.Raw(resp::kZero);
    return;
  }
  ctx.store().Rename(ctx.db(), key, dst_db, key);
  ctx.reply.Raw(resp::kOne);
}

// SWAPDB index1 index2: the two databases exchange contents (sessions keep their db number).
void SwapDbCommand(CommandContext& ctx) {
  int ids[2];
  for (int i = 0; i < 2; ++i) {
    int64_t v;
    if (!ParseInt64(ctx.args[1 + i], &v) || v < INT32_MIN || v > INT32_MAX) {
      ctx.reply.Error(i == 0 ? "ERR invalid first DB index" : "ERR invalid second DB index");
      return;
    }
    ids[i] = static_cast<int>(v);
  }
  if (ids[0] < 0 || ids[0] >= kNumDatabases || ids[1] < 0 || ids[1] >= kNumDatabases) {
    ctx.reply.Error(kErrDbRange);
    return;
  }
  ctx.store().SwapDb(ids[0], ids[1]);
  ctx.reply.Raw(resp::kOk);
}

}  // namespace

void RegisterKeyCommands(CommandTable& t) {
  constexpr std::string_view kG = "generic";
  constexpr uint32_t kWF = kCmdWrite | kCmdFast;
  constexpr uint32_t kRF = kCmdReadOnly | kCmdFast;
  constexpr std::string_view kWkf = "@keyspace @write @fast";
  constexpr std::string_view kRkf = "@keyspace @read @fast";
  t.Register({"del", DelCommand, -2, kCmdWrite, 1, -1, 1, "@keyspace @write @slow", kG});
  t.Register({"unlink", DelCommand, -2, kWF, 1, -1, 1, kWkf, kG});
  t.Register({"exists", ExistsCommand, -2, kRF, 1, -1, 1, kRkf, kG});
  t.Register({"touch", TouchCommand, -2, kRF, 1, -1, 1, kRkf, kG});
  t.Register({"type", TypeCommand, 2, kRF, 1, 1, 1, kRkf, kG});
  t.Register({"rename", RenameCommand, 3, kCmdWrite, 1, 2, 1, "@keyspace @write @slow", kG});
  t.Register({"renamenx", RenameNxCommand, 3, kWF, 1, 2, 1, kWkf, kG});
  t.Register(
      {"keys", KeysCommand, 2, kCmdReadOnly, 0, 0, 0, "@keyspace @read @slow @dangerous", kG});
  t.Register({"scan", ScanCommand, -2, kCmdReadOnly, 0, 0, 0, "@keyspace @read @slow", kG});
  t.Register(
      {"randomkey", RandomKeyCommand, 1, kCmdReadOnly, 0, 0, 0, "@keyspace @read @slow", kG});
  t.Register({"expire", ExpireCommand, -3, kWF, 1, 1, 1, kWkf, kG});
  t.Register({"pexpire", PExpireCommand, -3, kWF, 1, 1, 1, kWkf, kG});
  t.Register({"expireat", ExpireAtCommand, -3, kWF, 1, 1, 1, kWkf, kG});
  t.Register({"pexpireat", PExpireAtCommand, -3, kWF, 1, 1, 1, kWkf, kG});
  t.Register({"ttl", TtlCommand, 2, kRF, 1, 1, 1, kRkf, kG});
  t.Register({"pttl", PTtlCommand, 2, kRF, 1, 1, 1, kRkf, kG});
  t.Register({"expiretime", ExpireTimeCommand, 2, kRF, 1, 1, 1, kRkf, kG});
  t.Register({"pexpiretime", PExpireTimeCommand, 2, kRF, 1, 1, 1, kRkf, kG});
  t.Register({"persist", PersistCommand, 2, kWF, 1, 1, 1, kWkf, kG});
  t.Register(
      {"copy", CopyCommand, -3, kCmdWrite | kCmdDenyOom, 1, 2, 1, "@keyspace @write @slow", kG});
  t.Register({"move", MoveCommand, 3, kWF, 1, 1, 1, kWkf, kG});
  t.Register(
      {"swapdb", SwapDbCommand, 3, kWF, 0, 0, 0, "@keyspace @write @fast @dangerous", "server"});
}

}  // namespace kv::server
