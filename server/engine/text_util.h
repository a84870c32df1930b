// Text helpers for commands, with Redis's exact rules: long double parsing, INCRBYFLOAT's number
// format and glob matching (stringmatchlen). Integer parsing and case folding are lib/base's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/ascii.h"    // EqualsIgnoreCase, ToLower
#include "base/numbers.h"  // ParseInt64 (Redis string2ll)

namespace kv::server {

// Redis string2ld: strtold over the whole text; rejects empty, leading space, trailing garbage,
// NaN, overflow, and texts of 5120+ characters.
bool ParseLongDouble(std::string_view s, long double* value);

// Redis ld2string(LD_STR_HUMAN): "%.17Lf" with trailing zeros (and a bare '.') removed, "-0" as
// "0", "inf"/"-inf" for infinities. buf needs kLongDoubleBufSize bytes. Returns the length.
inline constexpr size_t kLongDoubleBufSize = 5 * 1024;
size_t FormatLongDoubleHuman(long double value, char* buf);

// Redis parseScanCursorOrReply's rule: an unsigned 64-bit decimal (strtoull: a leading '+' or
// '-' is taken, whitespace first is not), nothing after it.
bool ParseScanCursor(std::string_view text, uint64_t* cursor);

// Redis stringmatchlen: '*', '?', '[abc]', '[^a]', '[a-z]', '\x' escapes. An empty string matches
// only an empty pattern (as in Redis). nocase folds ASCII letters.
bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase = false);

}  // namespace kv::server
