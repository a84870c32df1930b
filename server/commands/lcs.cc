// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]: the longest common subsequence of two
// strings by Redis's dynamic programme, with its reply layout (IDX is a RESP3 map), its bound on
// the table (proto-max-bulk-len) and error texts (checked against redis-server 7.0.15).
#include <algorithm>
#include <cstdint>
#include <memory>
#include <new>
#include <string>

#include "server/commands/commands.h"
#include "server/engine/command_context.h"
#include "server/engine/text_util.h"

namespace kv::server {
namespace {

struct LcsOptions {
  bool len = false;
  bool idx = false;
  bool with_match_len = false;
  int64_t min_match_len = 0;
};

bool ParseLcsOptions(CommandContext& ctx, LcsOptions* o) {
  const auto& args = ctx.args;
  for (size_t j = 3; j < args.size(); ++j) {
    const std::string_view opt = args[j];
    if (EqualsIgnoreCase(opt, "idx")) {
      o->idx = true;
    } else if (EqualsIgnoreCase(opt, "len")) {
      o->len = true;
    } else if (EqualsIgnoreCase(opt, "withmatchlen")) {
      o->with_match_len = true;
    } else if (EqualsIgnoreCase(opt, "minmatchlen") && j + 1 < args.size()) {
      if (!ParseInt64(args[++j], &o->min_match_len)) {
        ctx.reply.Error(kErrNotInteger);
        return false;
      }
      if (o->min_match_len < 0) o->min_match_len = 0;
    } else {
      ctx.reply.Error(kErrSyntax);
      return false;
    }
  }
  if (o->idx && o->len) {
    ctx.reply.Error("ERR If you want both the length and indexes, please just use IDX.");
    return false;
  }
  return true;
}

// One IDX match: [[a_start, a_end], [b_start, b_end]] plus the length WITHMATCHLEN.
void ReplyMatch(resp::ReplyWriter& r, uint32_t a_start, uint32_t a_end, uint32_t b_start,
                uint32_t b_end, bool with_len) {
  r.ArrayHeader(with_len ? 3 : 2);
  r.ArrayHeader(2);
  r.Integer(a_start);
  r.Integer(a_end);
  r.ArrayHeader(2);
  r.Integer(b_start);
  r.Integer(b_end);
  if (with_len) r.Integer(a_end - a_start + 1);
}

void LcsCommand(CommandContext& ctx) {
  // Missing keys are empty strings. Nothing is written, so the views stay valid.
  const Entry* ea = ctx.LookupRead(ctx.args[1]);
  const Entry* eb = ctx.LookupRead(ctx.args[2]);
  if ((ea != nullptr && ea->type() != ValueType::kString) ||
      (eb != nullptr && eb->type() != ValueType::kString)) {
    ctx.reply.Error("ERR The specified keys must contain string values");
    return;
  }
  const std::string_view a = ea == nullptr ? std::string_view() : ea->value();
  const std::string_view b = eb == nullptr ? std::string_view() : eb->value();
  LcsOptions opt;
  if (!ParseLcsOptions(ctx, &opt)) return;
  if (a.size() >= UINT32_MAX - 1 || b.size() >= UINT32_MAX - 1) {
    ctx.reply.Error("ERR String too long for LCS");
    return;
  }
  const auto alen = static_cast<uint32_t>(a.size());
  const auto blen = static_cast<uint32_t>(b.size());
  const uint64_t cells = (uint64_t{alen} + 1) * (uint64_t{blen} + 1);
  if (cells * sizeof(uint32_t) > static_cast<uint64_t>(ctx.server.config->proto_max_bulk_len)) {
    ctx.reply.Error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
    return;
  }
  std::unique_ptr<uint32_t[]> table(new (std::nothrow) uint32_t[cells]);
  if (table == nullptr) {
    ctx.reply.Error("ERR Insufficient memory, failed allocating transient memory for LCS");
    return;
  }
  // lcs(i, j): the LCS length of a[0, i) and b[0, j).
  auto lcs = [&](uint32_t i, uint32_t j) -> uint32_t& {
    return table[j + static_cast<uint64_t>(i) * (blen + 1)];
  };
  for (uint32_t i = 0; i <= alen; ++i) {
    for (uint32_t j = 0; j <= blen; ++j) {
      if (i == 0 || j == 0) {
        lcs(i, j) = 0;
      } else if (a[i - 1] == b[j - 1]) {
        lcs(i, j) = lcs(i - 1, j - 1) + 1;
      } else {
        lcs(i, j) = std::max(lcs(i - 1, j), lcs(i, j - 1));
      }
    }
  }
  const uint32_t total = lcs(alen, blen);
  if (opt.len) {
    ctx.reply.Integer(total);
    return;
  }
  // Walk back from the end: the LCS text, and (IDX) the maximal runs of matches, last first. The
  // matches array's length is known only at the end: write it to a side buffer.
  std::string result(total, '\0');
  std::string matches;
  resp::ReplyWriter mw(&matches, ctx.reply.protocol());
  size_t match_count = 0;
  uint32_t idx = total;
  uint32_t i = alen;
  uint32_t j = blen;
  bool in_range = false;
  uint32_t a_start = 0;
  uint32_t a_end = 0;
  uint32_t b_start = 0;
  uint32_t b_end = 0;
  while (i > 0 && j > 0) {
    bool emit = false;
    if (a[i - 1] == b[j - 1]) {
      result[--idx] = a[i - 1];
      if (!in_range) {
        in_range = true;
        a_start = a_end = i - 1;
        b_start = b_end = j - 1;
      } else if (a_start == i && b_start == j) {
        --a_start;  // contiguous with the range: extend it backwards
        --b_start;
      } else {
        emit = true;
      }
      if (a_start == 0 || b_start == 0) emit = true;  // the walk ends here
      --i;
      --j;
    } else {
      if (lcs(i - 1, j) > lcs(i, j - 1)) {
        --i;
      } else {
        --j;
      }
      emit = in_range;
    }
    if (emit) {
      if (opt.idx && a_end - a_start + 1 >= opt.min_match_len) {
        ReplyMatch(mw, a_start, a_end, b_start, b_end, opt.with_match_len);
        ++match_count;
      }
      in_range = false;
    }
  }
  if (!opt.idx) {
    ctx.reply.Bulk(result);
    return;
  }
  ctx.reply.MapHeader(2);
  ctx.reply.Bulk("matches");
  ctx.reply.ArrayHeader(match_count);
  ctx.reply.Raw(matches);
  ctx.reply.Bulk("len");
  ctx.reply.Integer(total);
}

}  // namespace

void RegisterLcsCommand(CommandTable& t) {
  t.Register({"lcs", LcsCommand, -3, kCmdReadOnly, 1, 2, 1, "@read @string @slow", "string"});
}

}  // namespace kv::server
