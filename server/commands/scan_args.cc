// SCAN-family arguments (see scan_args.h).
#include "server/commands/scan_args.h"

#include <charconv>

#include "server/engine/text_util.h"

namespace kv::server {

bool ParseScanCursorArg(CommandContext& ctx, size_t index, uint64_t* cursor) {
  if (ParseScanCursor(ctx.args[index], cursor)) return true;
  ctx.reply.Error("ERR invalid cursor");
  return false;
}

bool ParseScanOptions(CommandContext& ctx, size_t first, bool allow_type, ScanArgs* out) {
  for (size_t i = first; i < ctx.args.size(); i += 2) {
    const std::string_view opt = ctx.args[i];
    const bool has_value = i + 1 < ctx.args.size();
    if (EqualsIgnoreCase(opt, "count") && has_value) {
      if (!ParseInt64(ctx.args[i + 1], &out->count)) {
        ctx.reply.Error(kErrNotInteger);
        return false;
      }
      if (out->count < 1) {
        ctx.reply.Error(kErrSyntax);
        return false;
      }
    } else if (EqualsIgnoreCase(opt, "match") && has_value) {
      out->pattern = ctx.args[i + 1];
      out->use_pattern = out->pattern != "*";
    } else if (allow_type && EqualsIgnoreCase(opt, "type") && has_value) {
      out->type = ctx.args[i + 1];
      out->use_type = true;
    } else {
      ctx.reply.Error(kErrSyntax);
      return false;
    }
  }
  return true;
}

void ReplyScanCursor(CommandContext& ctx, uint64_t cursor) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), cursor);
  (void)ec;  // 24 bytes hold any uint64_t
  ctx.reply.Bulk(std::string_view(buf, static_cast<size_t>(end - buf)));
}

void ReplyEmptyScan(CommandContext& ctx) {
  ctx.reply.ArrayHeader(2);
  ReplyScanCursor(ctx, 0);
  ctx.reply.ArrayHeader(0);
}

}  // namespace kv::server
