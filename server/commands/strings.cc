// String commands: SET/GET family, counters, ranges, MGET/MSET and DELIFEQ. Redis 7 semantics and
// error texts (checked against redis-server 7.0.15).
#include <cmath>
#include <cstring>

#include "server/commands/commands.h"
#include "server/engine/command_context.h"
#include "server/engine/text_util.h"

namespace kv::server {
namespace {

// SET / GETEX option flags (Redis OBJ_SET_*).
enum SetFlag : unsigned {
  kNx = 1,
  kXx = 2,
  kGet = 4,
  kKeepTtl = 8,
  kPersist = 16,
  kEx = 32,
  kPx = 64,
  kExAt = 128,
  kPxAt = 256,
};
constexpr unsigned kAnyExpire = kEx | kPx | kExAt | kPxAt;

void ReplyExpireError(CommandContext& ctx) {
  std::string msg = "ERR invalid expire time in '";
  msg.append(ctx.spec.name);
  msg.append("' command");
  ctx.reply.Error(msg);
}

// Redis parseExtendedStringArgumentsOrReply. for_set: SET options, else GETEX options. On success
// *expire_arg is the expiry argument (empty when none).
bool ParseSetOptions(CommandContext& ctx, size_t first, bool for_set, unsigned* flags,
                     std::string_view* expire_arg) {
  const auto& args = ctx.args;
  for (size_t j = first; j < args.size(); ++j) {
    const std::string_view opt = args[j];
    const bool has_next = j + 1 < args.size();
    unsigned f = *flags;
    auto is = [&opt](std::string_view name) { return EqualsIgnoreCase(opt, name); };
    if (is("nx") && !(f & kXx) && for_set) {
      f |= kNx;
    } else if (is("xx") && !(f & kNx) && for_set) {
      f |= kXx;
    } else if (is("get") && for_set) {
      f |= kGet;
    } else if (is("keepttl") && !(f & (kPersist | kAnyExpire)) && for_set) {
      f |= kKeepTtl;
    } else if (is("persist") && !for_set && !(f & (kAnyExpire | kKeepTtl))) {
      f |= kPersist;
    } else if (is("ex") && !(f & (kKeepTtl | kPersist | kExAt | kPx | kPxAt)) && has_next) {
      f |= kEx;
      *expire_arg = args[++j];
    } else if (is("px") && !(f & (kKeepTtl | kPersist | kEx | kExAt | kPxAt)) && has_next) {
      f |= kPx;
      *expire_arg = args[++j];
    } else if (is("exat") && !(f & (kKeepTtl | kPersist | kEx | kPx | kPxAt)) && has_next) {
      f |= kExAt;
      *expire_arg = args[++j];
    } else if (is("pxat") && !(f & (kKeepTtl | kPersist | kEx | kExAt | kPx)) && has_next) {
      f |= kPxAt;
      *expire_arg = args[++j];
    } else {
      ctx.reply.Error(kErrSyntax);
      return false;
    }
    *flags = f;
  }
  return true;
}

// Redis getExpireMillisecondsOrReply: absolute expiry in ms from an EX/PX/EXAT/PXAT argument.
bool ExpireMillis(CommandContext& ctx, std::string_view arg, unsigned flags, int64_t* out) {
  int64_t v;
  if (!ParseInt64(arg, &v)) {
    ctx.reply.Error(kErrNotInteger);
    return false;
  }
  const bool seconds = (flags & (kEx | kExAt)) != 0;
  if (v <= 0 || (seconds && v > INT64_MAX / 1000)) {
    ReplyExpireError(ctx);
    return false;
  }
  if (seconds) v *= 1000;
  if (flags & (kEx | kPx)) {
    if (v > INT64_MAX - ctx.now_ms()) {
      ReplyExpireError(ctx);
      return false;
    }
    v += ctx.now_ms();
  }
  *out = v;
  return true;
}

void ReplyValue(CommandContext& ctx, const Entry* e) {
  if (e == nullptr) {
    ctx.reply.NullBulk();
  } else {
    ctx.reply.Bulk(e->value());
  }
}

// Shared by SET, SETNX, SETEX, PSETEX. expire_ms: absolute, 0 for none. SETNX replies 1/0, the
// others OK / a null (nil bulk in RESP2, "_" in RESP3).
enum class SetReply { kOkOrNull, kOneOrZero };
void SetGeneric(CommandContext& ctx, std::string_view key, std::string_view value, unsigned flags,
                int64_t expire_ms, SetReply reply) {
  Store& store = ctx.store();
  Entry** link = store.FindLink(ctx.db(), key);
  if (flags & kGet) {
    // SET ... GET of a collection fails without setting (Redis getGenericCommand).
    if (WrongType(ctx.reply, link, ValueType::kString)) return;
    ReplyValue(ctx, link == nullptr ? nullptr : *link);
  }
  const bool found = link != nullptr;
  if (((flags & kNx) && found) || ((flags & kXx) && !found)) {
    if (flags & kGet) return;
    if (reply == SetReply::kOneOrZero) {
      ctx.reply.Raw(resp::kZero);
    } else {
      ctx.reply.NullBulk();
    }
    return;
  }
  if (found) {
    Entry* e = store.Overwrite(ctx.db(), link, value);
    if (!(flags & kKeepTtl)) store.SetExpire(ctx.db(), e, expire_ms);
  } else {
    store.Add(ctx.db(), key, value, expire_ms);
  }
  if (!(flags & kGet)) ctx.reply.Raw(reply == SetReply::kOneOrZero ? resp::kOne : resp::kOk);
}

void SetCommand(CommandContext& ctx) {
  unsigned flags = 0;
  std::string_view expire_arg;
  if (!ParseSetOptions(ctx, 3, true, &flags, &expire_arg)) return;
  int64_t expire_ms = 0;
  if (!expire_arg.empty() || (flags & kAnyExpire)) {
    if (!ExpireMillis(ctx, expire_arg, flags, &expire_ms)) return;
  }
  SetGeneric(ctx, ctx.args[1], ctx.args[2], flags, expire_ms, SetReply::kOkOrNull);
}

void SetNxCommand(CommandContext& ctx) {
  SetGeneric(ctx, ctx.args[1], ctx.args[2], kNx, 0, SetReply::kOneOrZero);
}

void SetExGeneric(CommandContext& ctx, unsigned unit_flag) {
  int64_t expire_ms;
  if (!ExpireMillis(ctx, ctx.args[2], unit_flag, &expire_ms)) return;
  SetGeneric(ctx, ctx.args[1], ctx.args[3], unit_flag, expire_ms, SetReply::kOkOrNull);
}
void SetExCommand(CommandContext& ctx) { SetExGeneric(ctx, kEx); }
void PSetExCommand(CommandContext& ctx) { SetExGeneric(ctx, kPx); }

void GetCommand(CommandContext& ctx) {
  const Entry* e = ctx.LookupRead(ctx.args[1]);
  if (WrongType(ctx.reply, e, ValueType::kString)) return;
  ReplyValue(ctx, e);
}

void GetSetCommand(CommandContext& ctx) {
  SetGeneric(ctx, ctx.args[1], ctx.args[2], kGet, 0, SetReply::kOkOrNull);
}

void GetDelCommand(CommandContext& ctx) {
  Entry* e = ctx.LookupRead(ctx.args[1]);
  if (WrongType(ctx.reply, e, ValueType::kString)) return;
  ReplyValue(ctx, e);
  if (e != nullptr) ctx.store().Delete(ctx.db(), ctx.args[1]);
}

void GetExCommand(CommandContext& ctx) {
  unsigned flags = 0;
  std::string_view expire_arg;
  if (!ParseSetOptions(ctx, 2, false, &flags, &expire_arg)) return;
  Entry* e = ctx.LookupRead(ctx.args[1]);
  if (e == nullptr) {
    ctx.reply.NullBulk();
    return;
  }
  if (WrongType(ctx.reply, e, ValueType::kString)) return;
  int64_t expire_ms = 0;
  if ((flags & kAnyExpire) && !ExpireMillis(ctx, expire_arg, flags, &expire_ms)) return;
  ctx.reply.Bulk(e->value());
  if (flags & kAnyExpire) {
    if (expire_ms <= ctx.now_ms()) {
      ctx.store().Delete(ctx.db(), ctx.args[1]);  // already in the past (EXAT/PXAT)
    } else {
      ctx.store().SetExpire(ctx.db(), e, expire_ms);
    }
  } else if (flags & kPersist) {
    ctx.store().SetExpire(ctx.db(), e, 0);
  }
}

void MGetCommand(CommandContext& ctx) {
  ctx.reply.ArrayHeader(ctx.args.size() - 1);
  // A key of another type reads as missing (Redis mgetCommand).
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    const Entry* e = ctx.LookupRead(ctx.args[i]);
    ReplyValue(ctx, e != nullptr && e->type() == ValueType::kString ? e : nullptr);
  }
}

void MSetCommand(CommandContext& ctx) {
  if (ctx.args.size() % 2 == 0) {
    ReplyArityError(ctx.reply, ctx.spec.name);
    return;
  }
  for (size_t i = 1; i < ctx.args.size(); i += 2) {
    ctx.store().Set(ctx.db(), ctx.args[i], ctx.args[i + 1], 0, false);
  }
  ctx.reply.Raw(resp::kOk);
}

void MSetNxCommand(CommandContext& ctx) {
  if (ctx.args.size() % 2 == 0) {
    ReplyArityError(ctx.reply, ctx.spec.name);
    return;
  }
  for (size_t i = 1; i < ctx.args.size(); i += 2) {
    if (ctx.store().Find(ctx.db(), ctx.args[i]) != nullptr) {
      ctx.reply.Raw(resp::kZero);
      return;
    }
  }
  for (size_t i = 1; i < ctx.args.size(); i += 2) {
    ctx.store().Set(ctx.db(), ctx.args[i], ctx.args[i + 1], 0, false);
  }
  ctx.reply.Raw(resp::kOne);
}

// Redis checkStringLength: size + append must fit proto-max-bulk-len (and not overflow).
bool CheckStringLength(CommandContext& ctx, int64_t size, int64_t append) {
  const auto total =
      static_cast<int64_t>(static_cast<uint64_t>(size) + static_cast<uint64_t>(append));
  if (total > ctx.server.config->proto_max_bulk_len || total < size || total < append) {
    ctx.reply.Error("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
    return false;
  }
  return true;
}

void AppendCommand(CommandContext& ctx) {
  const std::string_view add = ctx.args[2];
  Entry** link = ctx.store().FindLink(ctx.db(), ctx.args[1]);
  if (link == nullptr) {
    ctx.store().Add(ctx.db(), ctx.args[1], add, 0);
    ctx.reply.Integer(static_cast<int64_t>(add.size()));
    return;
  }
  if (WrongType(ctx.reply, link, ValueType::kString)) return;
  const size_t total = (*link)->val_len + add.size();
  if (!CheckStringLength(ctx, (*link)->val_len, static_cast<int64_t>(add.size()))) return;
  Entry* e = ctx.store().Reserve(ctx.db(), link, total);
  if (!add.empty()) std::memcpy(e->val_data() + e->val_len, add.data(), add.size());
  e->val_len = static_cast<uint32_t>(total);
  ctx.reply.Integer(static_cast<int64_t>(total));
}

void StrLenCommand(CommandContext& ctx) {
  const Entry* e = ctx.LookupRead(ctx.args[1]);
  if (WrongType(ctx.reply, e, ValueType::kString)) return;
  ctx.reply.Integer(e == nullptr ? 0 : e->val_len);
}

void GetRangeCommand(CommandContext& ctx) {
  int64_t start;
  int64_t end;
  if (!ParseInt64(ctx.args[2], &start) || !ParseInt64(ctx.args[3], &end)) {
    ctx.reply.Error(kErrNotInteger);
    return;
  }
  const Entry* e = ctx.LookupRead(ctx.args[1]);
  if (e == nullptr) {
    ctx.reply.Raw(resp::kEmptyBulk);
    return;
  }
  if (WrongType(ctx.reply, e, ValueType::kString)) return;
  const auto len = static_cast<int64_t>(e->val_len);
  if (start < 0 && end < 0 && start > end) {
    ctx.reply.Raw(resp::kEmptyBulk);
    return;
  }
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len == 0) {
    ctx.reply.Raw(resp::kEmptyBulk);
    return;
  }
  ctx.reply.Bulk(
      e->value().substr(static_cast<size_t>(start), static_cast<size_t>(end - start + 1)));
}

void SetRangeCommand(CommandContext& ctx) {
  int64_t offset;
  if (!ParseInt64(ctx.args[2], &offset)) {
    ctx.reply.Error(kErrNotInteger);
    return;
  }
  if (offset < 0) {
    ctx.reply.Error("ERR offset is out of range");
    return;
  }
  const std::string_view value = ctx.args[3];
  Entry** link = ctx.store().FindLink(ctx.db(), ctx.args[1]);
  if (WrongType(ctx.reply, link, ValueType::kString)) return;
  const int64_t cur_len = link == nullptr ? 0 : (*link)->val_len;
  if (value.empty()) {
    ctx.reply.Integer(cur_len);
    return;
  }
  if (!CheckStringLength(ctx, offset, static_cast<int64_t>(value.size()))) return;
  const auto needed = static_cast<size_t>(offset) + value.size();
  Entry* e;
  if (link == nullptr) {
    e = ctx.store().Add(ctx.db(), ctx.args[1], std::string_view(), 0);
    link = ctx.store().FindLink(ctx.db(), ctx.args[1]);
  }
  e = ctx.store().Reserve(ctx.db(), link, needed);
  if (needed > e->val_len) {
    std::memset(e->val_data() + e->val_len, 0, needed - e->val_len);
    e->val_len = static_cast<uint32_t>(needed);
  }
  std::memcpy(e->val_data() + offset, value.data(), value.size());
  ctx.reply.Integer(e->val_len);
}

void IncrGeneric(CommandContext& ctx, int64_t incr) {
  Entry** link = ctx.store().FindLink(ctx.db(), ctx.args[1]);
  if (WrongType(ctx.reply, link, ValueType::kString)) return;
  int64_t old = 0;
  if (link != nullptr && !ParseInt64((*link)->value(), &old)) {
    ctx.reply.Error(kErrNotInteger);
    return;
  }
  if ((incr < 0 && old < 0 && incr < (INT64_MIN - old)) ||
      (incr > 0 && old > 0 && incr > (INT64_MAX - old))) {
    ctx.reply.Error(kErrOverflow);
    return;
  }
  const int64_t value = old + incr;
  char buf[24];
  const size_t n = resp::FormatInt64(value, buf);
  if (link == nullptr) {
    ctx.store().Add(ctx.db(), ctx.args[1], std::string_view(buf, n), 0);
  } else {
    ctx.store().Overwrite(ctx.db(), link, std::string_view(buf, n));
  }
  ctx.reply.Integer(value);
}

bool ParseIncrement(CommandContext& ctx, int64_t* incr) {
  if (!ParseInt64(ctx.args[2], incr)) {
    ctx.reply.Error(kErrNotInteger);
    return false;
  }
  return true;
}

void IncrCommand(CommandContext& ctx) { IncrGeneric(ctx, 1); }
void DecrCommand(CommandContext& ctx) { IncrGeneric(ctx, -1); }
void IncrByCommand(CommandContext& ctx) {
  int64_t incr;
  if (ParseIncrement(ctx, &incr)) IncrGeneric(ctx, incr);
}
void DecrByCommand(CommandContext& ctx) {
  int64_t incr;
  if (!ParseIncrement(ctx, &incr)) return;
  if (incr == INT64_MIN) {
    ctx.reply.Error("ERR decrement would overflow");
    return;
  }
  IncrGeneric(ctx, -incr);
}

void IncrByFloatCommand(CommandContext& ctx) {
  Entry** link = ctx.store().FindLink(ctx.db(), ctx.args[1]);
  if (WrongType(ctx.reply, link, ValueType::kString)) return;
  long double value = 0;
  long double incr;
  if ((link != nullptr && !ParseLongDouble((*link)->value(), &value)) ||
      !ParseLongDouble(ctx.args[2], &incr)) {
    ctx.reply.Error(kErrNotFloat);
    return;
  }
  value += incr;
  if (std::isnan(value) || std::isinf(value)) {
    ctx.reply.Error("ERR increment would produce NaN or Infinity");
    return;
  }
  char buf[kLongDoubleBufSize];
  const size_t n = FormatLongDoubleHuman(value, buf);
  const std::string_view text(buf, n);
  if (link == nullptr) {
    ctx.store().Add(ctx.db(), ctx.args[1], text, 0);
  } else {
    ctx.store().Overwrite(ctx.db(), link, text);
  }
  ctx.reply.Bulk(text);
}

// DELIFEQ key value (Valkey 9): delete key only if it holds exactly value; WRONGTYPE for a
// collection, as Valkey.
void DelIfEqCommand(CommandContext& ctx) {
  Entry** link = ctx.store().FindLink(ctx.db(), ctx.args[1]);
  if (WrongType(ctx.reply, link, ValueType::kString)) return;
  if (link == nullptr || (*link)->value() != ctx.args[2]) {
    ctx.reply.Raw(resp::kZero);
    return;
  }
  ctx.store().DeleteAt(ctx.db(), link);
  ctx.reply.Raw(resp::kOne);
}

}  // namespace

void RegisterStringCommands(CommandTable& t) {
  constexpr uint32_t kW = kCmdWrite | kCmdDenyOom;
  constexpr uint32_t kWF = kCmdWrite | kCmdDenyOom | kCmdFast;
  constexpr uint32_t kRF = kCmdReadOnly | kCmdFast;
  constexpr std::string_view kWs = "@write @string @slow";
  constexpr std::string_view kWsf = "@write @string @fast";
  constexpr std::string_view kRsf = "@read @string @fast";
  constexpr std::string_view kStr = "string";
  t.Register({"get", GetCommand, 2, kRF, 1, 1, 1, kRsf, kStr});
  t.Register({"set", SetCommand, -3, kW, 1, 1, 1, kWs, kStr});
  t.Register({"setnx", SetNxCommand, 3, kWF, 1, 1, 1, kWsf, kStr});
  t.Register({"setex", SetExCommand, 4, kW, 1, 1, 1, kWs, kStr});
  t.Register({"psetex", PSetExCommand, 4, kW, 1, 1, 1, kWs, kStr});
  t.Register({"getset", GetSetCommand, 3, kWF, 1, 1, 1, kWsf, kStr});
  t.Register({"getdel", GetDelCommand, 2, kCmdWrite | kCmdFast, 1, 1, 1, kWsf, kStr});
  t.Register({"getex", GetExCommand, -2, kCmdWrite | kCmdFast, 1, 1, 1, kWsf, kStr});
  t.Register({"mget", MGetCommand, -2, kRF, 1, -1, 1, kRsf, kStr});
  t.Register({"mset", MSetCommand, -3, kW, 1, -1, 2, kWs, kStr});
  t.Register({"msetnx", MSetNxCommand, -3, kW, 1, -1, 2, kWs, kStr});
  t.Register({"append", AppendCommand, 3, kWF, 1, 1, 1, kWsf, kStr});
  t.Register({"strlen", StrLenCommand, 2, kRF, 1, 1, 1, kRsf, kStr});
  t.Register({"getrange", GetRangeCommand, 4, kCmdReadOnly, 1, 1, 1, "@read @string @slow", kStr});
  t.Register({"substr", GetRangeCommand, 4, kCmdReadOnly, 1, 1, 1, "@read @string @slow", kStr});
  t.Register({"setrange", SetRangeCommand, 4, kW, 1, 1, 1, kWs, kStr});
  t.Register({"incr", IncrCommand, 2, kWF, 1, 1, 1, kWsf, kStr});
  t.Register({"decr", DecrCommand, 2, kWF, 1, 1, 1, kWsf, kStr});
  t.Register({"incrby", IncrByCommand, 3, kWF, 1, 1, 1, kWsf, kStr});
  t.Register({"decrby", DecrByCommand, 3, kWF, 1, 1, 1, kWsf, kStr});
  t.Register({"incrbyfloat", IncrByFloatCommand, 3, kWF, 1, 1, 1, kWsf, kStr});
  t.Register({"delifeq", DelIfEqCommand, 3, kCmdWrite | kCmdFast, 1, 1, 1, kWsf, kStr});
}

}  // namespace kv::server
