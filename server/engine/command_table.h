// The data-driven command table: one CommandSpec per command (name, handler, arity, flags, key
// positions), families registered explicitly, and a lookup that needs no case-folded copy.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kv::server {

struct CommandContext;
using CommandHandler = void (*)(CommandContext& ctx);
// For a command whose keys depend on its arguments (Redis's getkeys_proc; COMMAND INFO flags it
// "movablekeys"): appends the positions in args (args[0] the command's name) of its keys.
using KeysFinder = void (*)(std::span<const std::string_view> args, std::vector<int>* keys);

// Command flags (Redis 7 names in comments, as COMMAND reports them).
enum CommandFlag : uint32_t {
  kCmdWrite = 1u << 0,        // write
  kCmdReadOnly = 1u << 1,     // readonly
  kCmdDenyOom = 1u << 2,      // denyoom: rejected while used memory > maxmemory
  kCmdAdmin = 1u << 3,        // admin
  kCmdNoAuth = 1u << 4,       // no_auth: allowed before AUTH
  kCmdFast = 1u << 5,         // fast
  kCmdLoading = 1u << 6,      // loading
  kCmdStale = 1u << 7,        // stale
  kCmdNoScript = 1u << 8,     // noscript
  kCmdSkipSlowlog = 1u << 9,  // skip_slowlog
  kCmdNoMulti = 1u << 10,     // no_multi: refused inside MULTI ("Command not allowed inside...")
  kCmdBlocking = 1u << 11,    // blocking: may block the client (BLPOP...)
};

struct CommandSpec {
  std::string_view name;  // lower case, as Redis 7 prints it in errors
  CommandHandler handler = nullptr;
  int arity = 0;  // argument count including the name; negative: at least -arity
  uint32_t flags = 0;
  int first_key = 0;  // 0: no keys
  int last_key = 0;   // -1: the last argument
  int step = 0;
  std::string_view acl_categories;  // space-separated, e.g. "@write @string @slow"
  std::string_view group;           // COMMAND DOCS group: string, generic, server, connection
  // Set for movable keys (SORT ... STORE dst): COMMAND GETKEYS asks it instead of first_key,
  // last_key and step, which then describe only the keys that are always there.
  KeysFinder find_keys = nullptr;
  uint16_t index = 0;  // set by CommandTable::Register: the position in commands() (statistics)
};

class CommandTable {
 public:
  // Adds spec; a second spec with the same name replaces the first.
  void Register(const CommandSpec& spec);
  // Case-insensitive lookup without allocation: commands are bucketed by (length, first letter),
  // so a request compares against one or two candidates. nullptr when unknown.
  const CommandSpec* Find(std::string_view name) const;
  const std::vector<CommandSpec>& commands() const { return commands_; }
  size_t size() const { return commands_.size(); }

 private:
  static constexpr size_t kMaxLen = 32;
  static size_t Bucket(size_t len, char first) {
    return len * 32 + ((static_cast<unsigned char>(first) | 0x20) & 31);
  }
  void Rebuild();

  std::vector<CommandSpec> commands_;
  // Per bucket: indexes into commands_ ([begin, end) into bucket_items_).
  std::vector<uint16_t> bucket_begin_ = std::vector<uint16_t>(kMaxLen * 32 + 1, 0);
  std::vector<uint16_t> bucket_items_;
  // Per command (as commands_): its name in upper case. A request's name matches when each byte
  // equals the lower- or the upper-case name's byte: case-insensitive without folding.
  std::vector<std::string> upper_names_;
};

// Fills a table with a command set (the families live in server/commands/).
using CommandRegistrar = void (*)(CommandTable& table);

}  // namespace kv::server
