// Command-line parsing for kv-load: redis-benchmark's flags with its defaults and clamping rules,
// plus kv-load's extensions. Errors are values; only main prints and exits.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "base/result.h"
#include "tools/load/options.h"

namespace kv::load {

inline constexpr std::string_view kVersion = "0.1.0";

// Parses argv[1..] (args excludes the program name). An unknown option or a missing or malformed
// argument is an Error whose message names the option, e.g.
//   Invalid option "-z" or option argument missing
//   -c: 'abc' is not a number
// --help and --version only set the corresponding flag.
Result<Options> ParseArgs(std::span<const std::string_view> args);

// The --help text (ends with a newline).
std::string HelpText();

}  // namespace kv::load
