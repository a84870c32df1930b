// Makes JSON text written by tools that print non-finite doubles (Google Benchmark writes bare
// NaN / Infinity / -Infinity) acceptable to a strict JSON parser.
#pragma once

#include <string>
#include <string_view>

namespace kv::compare {

// Returns `text` with every bare NaN, -NaN, Infinity, +Infinity and -Infinity token outside string
// literals replaced by `null`. Tokens inside strings ("name": "NaN/x") and identifiers that merely
// contain these words are left alone. Anything that is not valid JSON stays invalid.
std::string ReplaceNonFiniteTokens(std::string_view text);

}  // namespace kv::compare
