// Target specs: what --kv_target=NAME=COMMAND and --kv_target=NAME@HOST:PORT define, the built-in
// kv and redis targets, and the selection (--kv_targets) and reference (--kv_reference) among them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace kv::bench {

enum class TargetSource {
  kBuiltinKv,     // kv-server (--kv_server_path)
  kBuiltinRedis,  // redis-server (--kv_redis_path)
  kCommand,       // NAME=COMMAND: kv_bench starts COMMAND with {port} and {dir} filled in
  kExternal,  // NAME@HOST:PORT: a server that already runs; kv_bench neither starts nor stops it
};

struct TargetSpec {
  std::string name;
  TargetSource source = TargetSource::kCommand;
  std::vector<std::string> command;  // kCommand: the words of COMMAND, placeholders kept
  std::string host;                  // kExternal
  int port = 0;                      // kExternal

  // The spec as given ("valkey=valkey-server --port {port}", "r@10.0.0.2:6379"; built-ins: "kv").
  std::string Describe() const;
};

inline constexpr std::string_view kKvTargetName = "kv";
inline constexpr std::string_view kRedisTargetName = "redis";
inline constexpr std::string_view kDefaultReference = "redis";

// A target name becomes the first component of every case name and part of log file names:
// 1 to 32 characters of [A-Za-z0-9_.-], starting with a letter or digit.
Status CheckTargetName(std::string_view name);

// Splits a command line into words as a POSIX shell would without expanding anything: blanks
// separate words; '...' keeps everything literally; "..." keeps everything but \", \\ and \$
// (backslash-escaped); a backslash outside quotes keeps the next character; '' and "" give an
// empty word. Errors: an unterminated quote, a trailing backslash, no word at all.
Result<std::vector<std::string>> SplitCommandLine(std::string_view text);

// Parses the value of --kv_target: NAME=COMMAND (COMMAND must contain {port}) or NAME@HOST:PORT
// (HOST a name, an IPv4 address or a bracketed IPv6 address; PORT 1..65535).
Result<TargetSpec> ParseTargetSpec(std::string_view text);

// Every defined target: the built-ins kv and redis, then `custom` in order. Errors: a custom name
// that repeats another or a built-in one.
Result<std::vector<TargetSpec>> DefineTargets(const std::vector<TargetSpec>& custom);

// Checks a --kv_targets selection (empty: every defined target, in definition order) and the
// --kv_reference name against the defined targets; returns the selection. Errors name the unknown
// or repeated name and list the defined ones.
Result<std::vector<std::string>> SelectTargets(const std::vector<TargetSpec>& defined,
                                               const std::vector<std::string>& selection,
                                               const std::string& reference);

}  // namespace kv::bench
