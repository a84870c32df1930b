// Bit commands: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO. Redis 7 semantics
// and error texts (checked against redis-server 7.0.15). Every key is a string today, so Redis's
// WRONGTYPE branches cannot trigger yet.
#include <algorithm>
#include <bit>
#include <cstring>
#include <string>
#include <vector>

#include "server/commands/commands.h"
#include "server/engine/command_context.h"
#include "server/engine/text_util.h"

namespace kv::server {
namespace {

uint64_t Load64(const unsigned char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

int BitAt(const unsigned char* p, int64_t bit) { return (p[bit >> 3] >> (7 - (bit & 7))) & 1; }

// The set bits of value in the inclusive bit range [first, last] (bit 0 is byte 0's MSB).
uint64_t CountBits(std::string_view value, int64_t first, int64_t last) {
  if (first > last) return 0;
  const auto* p = reinterpret_cast<const unsigned char*>(value.data());
  const int64_t first_byte = first >> 3;
  const int64_t last_byte = last >> 3;
  uint64_t count = 0;
  int64_t i = first_byte;
  for (; i + 8 <= last_byte + 1; i += 8) count += std::popcount(Load64(p + i));
  for (; i <= last_byte; ++i) count += std::popcount(static_cast<unsigned>(p[i]));
  // Take away the bits of the edge bytes outside the range (bit 0 is a byte's MSB).
  const unsigned before = ~(0xFFu >> (first & 7)) & 0xFFu;
  const unsigned after = 0xFFu >> ((last & 7) + 1);
  count -= std::popcount(p[first_byte] & before);
  count -= std::popcount(p[last_byte] & after);
  return count;
}

// The first bit equal to `bit` in [first, last], or -1.
int64_t FindBit(std::string_view value, int64_t first, int64_t last, int bit) {
  const auto* p = reinterpret_cast<const unsigned char*>(value.data());
  int64_t i = first;
  for (; i <= last && (i & 7) != 0; ++i) {
    if (BitAt(p, i) == bit) return i;
  }
  const uint64_t skip_word = bit ? 0 : ~uint64_t{0};
  const unsigned skip_byte = bit ? 0 : 0xFFu;
  while (i + 7 <= last) {
    if (i + 63 <= last && Load64(p + (i >> 3)) == skip_word) {
      i += 64;
      continue;
    }
    const unsigned byte = p[i >> 3];
    if (byte != skip_byte) {
      const auto wanted = static_cast<uint8_t>(bit ? byte : ~byte);
      return i + std::countl_zero(wanted);
    }
    i += 8;
  }
  for (; i <= last; ++i) {
    if (BitAt(p, i) == bit) return i;
  }
  return -1;
}

// An inclusive range of bit indexes; empty when first > last.
struct BitRange {
  int64_t first;
  int64_t last;
};

// BITCOUNT/BITPOS's start and end as Redis resolves them: negative indexes count from the end,
// then both are clamped to the string; in bytes unless bit_units.
BitRange ResolveBitRange(int64_t start, int64_t end, int64_t len, bool bit_units) {
  const int64_t total = bit_units ? len * 8 : len;
  if (start < 0) start += total;
  if (end < 0) end += total;
  start = std::clamp<int64_t>(start, 0, total);  // beyond the end: empty either way
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  if (bit_units) return {start, end};
  return {start * 8, end * 8 + 7};
}

constexpr std::string_view kErrBitOffset = "ERR bit offset is not an integer or out of range";
constexpr std::string_view kErrBitValue = "ERR bit is not an integer or out of range";
constexpr std::string_view kErrBitfieldType =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 "
    "is.";

// Redis getBitOffsetFromArgument. hash_bits > 0 (BITFIELD) allows "#n", meaning n * hash_bits. The
// string a bit may reach is bounded by proto-max-bulk-len (and by the 4 GB an Entry can hold).
bool ParseBitOffset(CommandContext& ctx, std::string_view arg, int hash_bits, uint64_t* offset) {
  const bool use_hash = hash_bits > 0 && !arg.empty() && arg[0] == '#';
  const int64_t max_len = std::min<int64_t>(ctx.server.config->proto_max_bulk_len, UINT32_MAX);
  int64_t v;
  if (!ParseInt64(use_hash ? arg.substr(1) : arg, &v) ||
      (use_hash && __builtin_mul_overflow(v, hash_bits, &v)) || v < 0 || (v >> 3) >= max_len) {
    ctx.reply.Error(kErrBitOffset);
    return false;
  }
  *offset = static_cast<uint64_t>(v);
  return true;
}

// Redis lookupStringForBitCommand: key's entry, created or zero-extended so that bit max_bit
// exists, and marked raw (it is about to be written in place). A collection: WRONGTYPE replied,
// nullptr.
Entry* GrowForBits(CommandContext& ctx, uint64_t max_bit) {
  const std::string_view key = ctx.args[1];
  const size_t len = max_bit / 8 + 1;
  Store& store = ctx.store();
  Entry** link = store.FindLink(ctx.db(), key);
  if (WrongType(ctx.reply, link, ValueType::kString)) return nullptr;
  if (link == nullptr) {  // exactly len zero bytes (Reserve would leave room to grow)
    Entry* e = store.Add(ctx.db(), key, std::string(len, '\0'), 0);
    e->MarkRaw();
    return e;
  }
  Entry* e = store.Reserve(ctx.db(), link, len);
  if (len > e->val_len) {
    std::memset(e->val_data() + e->val_len, 0, len - e->val_len);
    e->val_len = static_cast<uint32_t>(len);
  }
  return e;
}

unsigned char* Bytes(Entry* e) { return reinterpret_cast<unsigned char*>(e->val_data()); }

void SetBitCommand(CommandContext& ctx) {
  uint64_t offset;
  if (!ParseBitOffset(ctx, ctx.args[2], 0, &offset)) return;
  int64_t on;
  if (!ParseInt64(ctx.args[3], &on) || (on & ~int64_t{1}) != 0) {
    ctx.reply.Error(kErrBitValue);
    return;
  }
  Entry* e = GrowForBits(ctx, offset);
  if (e == nullptr) return;
  unsigned char& byte = Bytes(e)[offset >> 3];
  const unsigned shift = 7 - (offset & 7);
  const int64_t old = (byte >> shift) & 1;
  byte = static_cast<unsigned char>((byte & ~(1u << shift)) | (static_cast<unsigned>(on) << shift));
  ctx.reply.Integer(old);
}

void GetBitCommand(CommandContext& ctx) {
  uint64_t offset;
  if (!ParseBitOffset(ctx, ctx.args[2], 0, &offset)) return;
  const Entry* e = ctx.LookupRead(ctx.args[1]);
  if (WrongType(ctx.reply, e, ValueType::kString)) return;
  if (e == nullptr || (offset >> 3) >= e->val_len) {
    ctx.reply.Raw(resp::kZero);
    return;
  }
  ctx.reply.Integer(
      BitAt(reinterpret_cast<const unsigned char*>(e->val_data()), static_cast<int64_t>(offset)));
}

// Parses BYTE|BIT into *bit_units; syntax error otherwise.
bool ParseUnit(CommandContext& ctx, std::string_view arg, bool* bit_units) {
  if (EqualsIgnoreCase(arg, "bit")) {
    *bit_units = true;
  } else if (EqualsIgnoreCase(arg, "byte")) {
    *bit_units = false;
  } else {
    ctx.reply.Error(kErrSyntax);
    return false;
  }
  return true;
}

bool ParseIndex(CommandContext& ctx, std::string_view arg, int64_t* v) {
  if (ParseInt64(arg, v)) return true;
  ctx.reply.Error(kErrNotInteger);
  return false;
}

// BITCOUNT key [start end [BYTE|BIT]]. A missing key is 0 before any argument is checked.
void BitCountCommand(CommandContext& ctx) {
  const Entry* e = ctx.LookupRead(ctx.args[1]);
  if (WrongType(ctx.reply, e, ValueType::kString)) return;
  if (e == nullptr) {
    ctx.reply.Raw(resp::kZero);
    return;
  }
  const size_t argc = ctx.args.size();
  const auto len = static_cast<int64_t>(e->val_len);
  BitRange range{0, len * 8 - 1};
  if (argc == 4 || argc == 5) {
    int64_t start;
    int64_t end;
    if (!ParseIndex(ctx, ctx.args[2], &start) || !ParseIndex(ctx, ctx.args[3], &end)) return;
    if (start < 0 && end < 0 && start > end) {
      ctx.reply.Raw(resp::kZero);
      return;
    }
    bool bit_units = false;
    if (argc == 5 && !ParseUnit(ctx, ctx.args[4], &bit_units)) return;
    range = ResolveBitRange(start, end, len, bit_units);
  } else if (argc != 2) {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  ctx.reply.Integer(static_cast<int64_t>(CountBits(e->value(), range.first, range.last)));
}

// BITPOS key bit [start [end [BYTE|BIT]]]. Without an explicit end, a search for 0 that finds none
// answers the first bit past the string (it is seen as padded with zeros).
void BitPosCommand(CommandContext& ctx) {
  int64_t bit;
  if (!ParseIndex(ctx, ctx.args[2], &bit)) return;
  if (bit != 0 && bit != 1) {
    ctx.reply.Error("ERR The bit argument must be 1 or 0.");
    return;
  }
  const Entry* e = ctx.LookupRead(ctx.args[1]);
  if (WrongType(ctx.reply, e, ValueType::kString)) return;
  if (e == nullptr) {
    ctx.reply.Integer(bit ? -1 : 0);
    return;
  }
  const size_t argc = ctx.args.size();
  const auto len = static_cast<int64_t>(e->val_len);
  BitRange range{0, len * 8 - 1};
  bool end_given = false;
  if (argc >= 4 && argc <= 6) {
    int64_t start;
    if (!ParseIndex(ctx, ctx.args[3], &start)) return;
    bool bit_units = false;
    if (argc == 6 && !ParseUnit(ctx, ctx.args[5], &bit_units)) return;
    int64_t end = -1;
    if (argc >= 5) {
      if (!ParseIndex(ctx, ctx.args[4], &end)) return;
      end_given = true;
    }
    range = ResolveBitRange(start, end, len, bit_units);
  } else if (argc != 3) {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  if (range.first > range.last) {
    ctx.reply.Raw(resp::kMinusOne);
    return;
  }
  int64_t pos = FindBit(e->value(), range.first, range.last, static_cast<int>(bit));
  if (pos < 0 && bit == 0 && !end_given) pos = range.last + 1;
  ctx.reply.Integer(pos);
}

// BITOP AND|OR|XOR|NOT destkey key [key ...]: missing keys are empty strings, shorter ones are
// padded with zeros; an empty result deletes destkey. Replies the result's length.
void BitOpCommand(CommandContext& ctx) {
  const std::string_view op = ctx.args[1];
  const bool is_and = EqualsIgnoreCase(op, "and");
  const bool is_or = EqualsIgnoreCase(op, "or");
  const bool is_xor = EqualsIgnoreCase(op, "xor");
  const bool is_not = EqualsIgnoreCase(op, "not");
  if (!is_and && !is_or && !is_xor && !is_not) {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  if (is_not && ctx.args.size() != 4) {
    ctx.reply.Error("ERR BITOP NOT must be called with a single source key.");
    return;
  }
  // Entries are never moved by lookups, so the views stay valid until the result is stored.
  std::vector<std::string_view> sources;
  size_t max_len = 0;
  for (size_t i = 3; i < ctx.args.size(); ++i) {
    const Entry* e = ctx.LookupRead(ctx.args[i]);
    if (WrongType(ctx.reply, e, ValueType::kString)) return;
    sources.push_back(e == nullptr ? std::string_view() : e->value());
    max_len = std::max(max_len, sources.back().size());
  }
  const std::string_view dest = ctx.args[2];
  if (max_len == 0) {
    ctx.store().Delete(ctx.db(), dest);
    ctx.reply.Raw(resp::kZero);
    return;
  }
  std::string result(max_len, '\0');
  const std::string_view first = sources[0];
  if (!first.empty()) std::memcpy(result.data(), first.data(), first.size());
  if (is_not) {
    for (char& c : result) c = static_cast<char>(~c);
  }
  for (size_t s = 1; s < sources.size(); ++s) {
    const std::string_view src = sources[s];
    if (is_and) {
      for (size_t j = 0; j < max_len; ++j) result[j] &= j < src.size() ? src[j] : '\0';
    } else if (is_or) {
      for (size_t j = 0; j < src.size(); ++j) result[j] |= src[j];
    } else {
      for (size_t j = 0; j < src.size(); ++j) result[j] ^= src[j];
    }
  }
  ctx.store().Set(ctx.db(), dest, result, 0, false)->MarkRaw();
  ctx.reply.Integer(static_cast<int64_t>(max_len));
}

// ---- BITFIELD ----

enum class Overflow { kWrap, kSat, kFail };

struct FieldOp {
  enum Code { kGet, kSet, kIncrBy } code;
  bool is_signed;
  int bits;
  uint64_t offset;
  int64_t value;  // SET value or INCRBY increment
  Overflow overflow;
};

// Redis getBitfieldTypeFromArgument: i1..i64, u1..u63 (lower case).
bool ParseFieldType(CommandContext& ctx, std::string_view arg, bool* is_signed, int* bits) {
  int64_t n;
  if (arg.empty() || (arg[0] != 'i' && arg[0] != 'u') || !ParseInt64(arg.substr(1), &n) || n < 1 ||
      n > (arg[0] == 'i' ? 64 : 63)) {
    ctx.reply.Error(kErrBitfieldType);
    return false;
  }
  *is_signed = arg[0] == 'i';
  *bits = static_cast<int>(n);
  return true;
}

// The unsigned field of `bits` bits at bit offset, reading zeros past the end of value.
uint64_t ReadField(std::string_view value, uint64_t offset, int bits) {
  const auto* p = reinterpret_cast<const unsigned char*>(value.data());
  uint64_t v = 0;
  for (int i = 0; i < bits; ++i) {
    const uint64_t b = offset + static_cast<uint64_t>(i);
    const unsigned byte = (b >> 3) < value.size() ? p[b >> 3] : 0;
    v = (v << 1) | ((byte >> (7 - (b & 7))) & 1);
  }
  return v;
}

void WriteField(unsigned char* p, uint64_t offset, int bits, uint64_t v) {
  for (int i = 0; i < bits; ++i) {
    const uint64_t b = offset + static_cast<uint64_t>(i);
    const unsigned mask = 1u << (7 - (b & 7));
    if ((v >> (bits - 1 - i)) & 1) {
      p[b >> 3] = static_cast<unsigned char>(p[b >> 3] | mask);
    } else {
      p[b >> 3] = static_cast<unsigned char>(p[b >> 3] & ~mask);
    }
  }
}

// The field's value as a number: sign-extended for signed types.
int64_t FieldValue(uint64_t raw, bool is_signed, int bits) {
  if (is_signed && bits < 64 && ((raw >> (bits - 1)) & 1)) raw |= ~uint64_t{0} << bits;
  return static_cast<int64_t>(raw);
}

// Behaves as Redis's checkSignedBitfieldOverflow, quirk included: the bound checks use maxincr =
// max - value, which wraps for a value within max of INT64_MIN, so SET of such a value counts as an
// overflow above max (OVERFLOW SAT stores max). Returns 0, 1 (above max) or -1 (below min); on an
// overflow *limit is what WRAP or SAT store.
int SignedOverflow(int64_t value, int64_t incr, int bits, Overflow overflow, int64_t* limit) {
  const int64_t max = bits == 64 ? INT64_MAX : (int64_t{1} << (bits - 1)) - 1;
  const int64_t min = -max - 1;
  const auto uv = static_cast<uint64_t>(value);
  const auto max_incr = static_cast<int64_t>(static_cast<uint64_t>(max) - uv);
  const auto min_incr = static_cast<int64_t>(static_cast<uint64_t>(min) - uv);
  int result = 0;
  if (value > max || (bits != 64 && incr > max_incr) ||
      (value >= 0 && incr > 0 && incr > max_incr)) {
    result = 1;
  } else if (value < min || (bits != 64 && incr < min_incr) ||
             (value < 0 && incr < 0 && incr < min_incr)) {
    result = -1;
  } else {
    return 0;
  }
  if (overflow == Overflow::kWrap) {
    *limit =
        FieldValue((uv + static_cast<uint64_t>(incr)) & (~uint64_t{0} >> (64 - bits)), true, bits);
  } else if (overflow == Overflow::kSat) {
    *limit = result > 0 ? max : min;
  }
  return result;
}

// Behaves as Redis's checkUnsignedBitfieldOverflow (bits <= 63); same contract as SignedOverflow.
int UnsignedOverflow(uint64_t value, int64_t incr, int bits, Overflow overflow, uint64_t* limit) {
  const uint64_t max = (uint64_t{1} << bits) - 1;
  const auto max_incr = static_cast<int64_t>(max - value);
  const auto min_incr = static_cast<int64_t>(uint64_t{0} - value);
  int result = 0;
  if (value > max || (incr > 0 && incr > max_incr)) {
    result = 1;
  } else if (incr < 0 && incr < min_incr) {
    result = -1;
  } else {
    return 0;
  }
  if (overflow == Overflow::kWrap) {
    *limit = (value + static_cast<uint64_t>(incr)) & max;
  } else if (overflow == Overflow::kSat) {
    *limit = result > 0 ? max : 0;
  }
  return result;
}

// Parses BITFIELD's operations (Redis bitfieldGeneric's first loop). False after an error reply.
bool ParseFieldOps(CommandContext& ctx, std::vector<FieldOp>* ops) {
  const auto& args = ctx.args;
  Overflow overflow = Overflow::kWrap;
  for (size_t j = 2; j < args.size(); ++j) {
    const size_t rest = args.size() - j - 1;
    const std::string_view sub = args[j];
    FieldOp op{};
    if (EqualsIgnoreCase(sub, "get") && rest >= 2) {
      op.code = FieldOp::kGet;
    } else if (EqualsIgnoreCase(sub, "set") && rest >= 3) {
      op.code = FieldOp::kSet;
    } else if (EqualsIgnoreCase(sub, "incrby") && rest >= 3) {
      op.code = FieldOp::kIncrBy;
    } else if (EqualsIgnoreCase(sub, "overflow") && rest >= 1) {
      const std::string_view kind = args[++j];
      if (EqualsIgnoreCase(kind, "wrap")) {
        overflow = Overflow::kWrap;
      } else if (EqualsIgnoreCase(kind, "sat")) {
        overflow = Overflow::kSat;
      } else if (EqualsIgnoreCase(kind, "fail")) {
        overflow = Overflow::kFail;
      } else {
        ctx.reply.Error("ERR Invalid OVERFLOW type specified");
        return false;
      }
      continue;
    } else {
      ctx.reply.Error(kErrSyntax);
      return false;
    }
    if (!ParseFieldType(ctx, args[j + 1], &op.is_signed, &op.bits) ||
        !ParseBitOffset(ctx, args[j + 2], op.bits, &op.offset)) {
      return false;
    }
    if (op.code != FieldOp::kGet && !ParseIndex(ctx, args[j + 3], &op.value)) return false;
    op.overflow = overflow;
    ops->push_back(op);
    j += op.code == FieldOp::kGet ? 2 : 3;
  }
  return true;
}

// One SET or INCRBY on e's value (already long enough): replies the old (SET) or new (INCRBY)
// value, or nil when OVERFLOW FAIL refuses the write.
void RunFieldWrite(CommandContext& ctx, Entry* e, const FieldOp& op) {
  const bool incr = op.code == FieldOp::kIncrBy;
  const uint64_t old_raw = ReadField(e->value(), op.offset, op.bits);
  int64_t reply;
  uint64_t store;
  int overflow;
  if (op.is_signed) {
    const int64_t old = FieldValue(old_raw, true, op.bits);
    const int64_t base = incr ? old : op.value;
    int64_t wrapped = 0;
    overflow = SignedOverflow(base, incr ? op.value : 0, op.bits, op.overflow, &wrapped);
    const int64_t next =
        overflow != 0 ? wrapped
        : incr ? static_cast<int64_t>(static_cast<uint64_t>(old) + static_cast<uint64_t>(op.value))
               : op.value;
    reply = incr ? next : old;
    store = static_cast<uint64_t>(next);
  } else {
    // A negative SET value is a huge unsigned one (Redis casts it).
    const uint64_t base = incr ? old_raw : static_cast<uint64_t>(op.value);
    uint64_t wrapped = 0;
    overflow = UnsignedOverflow(base, incr ? op.value : 0, op.bits, op.overflow, &wrapped);
    const uint64_t next = overflow != 0 ? wrapped : base + (incr ? op.value : 0);
    reply = static_cast<int64_t>(incr ? next : old_raw);
    store = next;
  }
  if (overflow != 0 && op.overflow == Overflow::kFail) {
    ctx.reply.NullBulk();
    return;
  }
  WriteField(Bytes(e), op.offset, op.bits, store);
  ctx.reply.Integer(reply);
}

void BitFieldGeneric(CommandContext& ctx, bool read_only_command) {
  std::vector<FieldOp> ops;
  if (!ParseFieldOps(ctx, &ops)) return;
  uint64_t max_bit = 0;
  bool writes = false;
  for (const FieldOp& op : ops) {
    if (op.code == FieldOp::kGet) continue;
    writes = true;
    max_bit = std::max(max_bit, op.offset + static_cast<uint64_t>(op.bits) - 1);
  }
  Entry* e;
  if (!writes) {
    e = ctx.LookupRead(ctx.args[1]);
    if (WrongType(ctx.reply, e, ValueType::kString)) return;
  } else if (read_only_command) {
    ctx.reply.Error("ERR BITFIELD_RO only supports the GET subcommand");
    return;
  } else {
    e = GrowForBits(ctx, max_bit);  // even when every write then fails (as Redis)
    if (e == nullptr) return;
  }
  ctx.reply.ArrayHeader(ops.size());
  for (const FieldOp& op : ops) {
    if (op.code != FieldOp::kGet) {
      RunFieldWrite(ctx, e, op);
      continue;
    }
    const std::string_view value = e == nullptr ? std::string_view() : e->value();
    ctx.reply.Integer(FieldValue(ReadField(value, op.offset, op.bits), op.is_signed, op.bits));
  }
}

void BitFieldCommand(CommandContext& ctx) { BitFieldGeneric(ctx, false); }
void BitFieldRoCommand(CommandContext& ctx) { BitFieldGeneric(ctx, true); }

}  // namespace

void RegisterBitCommands(CommandTable& t) {
  constexpr uint32_t kW = kCmdWrite | kCmdDenyOom;
  constexpr std::string_view kWb = "@write @bitmap @slow";
  constexpr std::string_view kRb = "@read @bitmap @slow";
  constexpr std::string_view kRbf = "@read @bitmap @fast";
  constexpr std::string_view kBitmap = "bitmap";
  t.Register({"setbit", SetBitCommand, 4, kW, 1, 1, 1, kWb, kBitmap});
  t.Register({"getbit", GetBitCommand, 3, kCmdReadOnly | kCmdFast, 1, 1, 1, kRbf, kBitmap});
  t.Register({"bitcount", BitCountCommand, -2, kCmdReadOnly, 1, 1, 1, kRb, kBitmap});
  t.Register({"bitpos", BitPosCommand, -3, kCmdReadOnly, 1, 1, 1, kRb, kBitmap});
  t.Register({"bitop", BitOpCommand, -4, kW, 2, -1, 1, kWb, kBitmap});
  t.Register({"bitfield", BitFieldCommand, -2, kW, 1, 1, 1, kWb, kBitmap});
  t.Register(
      {"bitfield_ro", BitFieldRoCommand, -2, kCmdReadOnly | kCmdFast, 1, 1, 1, kRbf, kBitmap});
}

}  // namespace kv::server
