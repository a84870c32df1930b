// The arguments every SCAN-family command takes (SCAN, HSCAN; SSCAN and ZSCAN when they come):
// the cursor, [MATCH pattern] [COUNT count], and for SCAN alone [TYPE type]; and the cursor reply.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "server/engine/command_context.h"

namespace kv::server {

struct ScanArgs {
  uint64_t cursor = 0;
  int64_t count = 10;
  std::string_view pattern;  // only when use_pattern ("*" matches everything: not used)
  bool use_pattern = false;
  std::string_view type;  // SCAN's TYPE, only when use_type
  bool use_type = false;
};

// ctx.args[index] as a cursor (Redis parseScanCursorOrReply), else "ERR invalid cursor" replied.
bool ParseScanCursorArg(CommandContext& ctx, size_t index, uint64_t* cursor);

// The options from ctx.args[first] on, as Redis's scanGenericCommand parses them: a COUNT that is
// no integer (not an integer), below 1, or an unknown or incomplete option (syntax error); TYPE
// only when allow_type. Replies the error and returns false. (HSCAN and the other per-key scans
// parse them only after the key was found: a missing key answers an empty scan whatever follows.)
bool ParseScanOptions(CommandContext& ctx, size_t first, bool allow_type, ScanArgs* out);

// The first element of a SCAN-family reply: the next cursor as an unsigned 64-bit bulk string.
void ReplyScanCursor(CommandContext& ctx, uint64_t cursor);

// The whole reply of a per-key scan (HSCAN, ...) of a missing key: cursor 0, no elements.
void ReplyEmptyScan(CommandContext& ctx);

}  // namespace kv::server
