// kv-server configuration: one table of settings drives the command line, CONFIG SET and CONFIG
// GET, so a flag and the CONFIG setting of the same name can never disagree.
#include "server/config/config.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>
#include <optional>
#include <span>

#include "base/ascii.h"
#include "base/numbers.h"

namespace kv::server {
namespace {

enum class Kind {
  kInt,
  kInt64,
  kMemory,
  kBool,
  kString,
  kEnum,
  kBind,
  kCommandName,
  kFixed,
  kOutputLimits,  // client-output-buffer-limit (Config::client_output_buffer_limit)
};

inline constexpr std::string_view kLogLevels[] = {"debug", "verbose", "notice", "warning",
                                                  "nothing"};
inline constexpr std::string_view kIoBackends[] = {"auto", "epoll", "uring"};
inline constexpr std::string_view kHugePages[] = {"auto", "no"};
inline constexpr int64_t kMb = 1024 * 1024;
inline constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
inline constexpr int64_t kIntMax = std::numeric_limits<int>::max();

// One setting. Exactly one field pointer is set, matching kind (none for kFixed).
struct Setting {
  std::string_view name;
  Kind kind;
  std::string_view alias = {};  // Redis's other name for it (CONFIG GET lists both)
  bool immutable = false;  // settable only at start-up (command line)
  int64_t min = 0;
  int64_t max = 0;
  std::span<const std::string_view> choices = {};
  int Config::*int_field = nullptr;
  int64_t Config::*int64_field = nullptr;
  bool Config::*bool_field = nullptr;
  std::string Config::*string_field = nullptr;
  std::string_view fixed_value = {};  // kFixed: compatibility entry with one accepted value
};

// CONFIG GET order. Ranges follow Redis 7 where Redis has the setting.
const Setting kSettings[] = {
    {.name = "port",
     .kind = Kind::kInt,
     .immutable = true,
     .min = 0,
     .max = 65535,
     .int_field = &Config::port},
    {.name = "bind", .kind = Kind::kBind, .immutable = true, .string_field = &Config::bind},
    {.name = "threads",
     .kind = Kind::kInt,
     .immutable = true,
     .min = 1,
     .max = 128,
     .int_field = &Config::threads},
    {.name = "maxclients",
     .kind = Kind::kInt,
     .min = 1,
     .max = kIntMax,
     .int_field = &Config::maxclients},
    {.name = "maxmemory",
     .kind = Kind::kMemory,
     .min = 0,
     .max = kInt64Max,
     .int64_field = &Config::maxmemory},
    {.name = "maxmemory-policy", .kind = Kind::kFixed, .fixed_value = "noeviction"},
    {.name = "requirepass", .kind = Kind::kString, .string_field = &Config::requirepass},
    {.name = "timeout",
     .kind = Kind::kInt64,
     .min = 0,
     .max = kIntMax,
     .int64_field = &Config::timeout},
    {.name = "proto-max-bulk-len",
     .kind = Kind::kMemory,
     .min = kMb,
     .max = kInt64Max,
     .int64_field = &Config::proto_max_bulk_len},
    {.name = "client-query-buffer-limit",
     .kind = Kind::kMemory,
     .min = kMb,
     .max = kInt64Max,
     .int64_field = &Config::client_query_buffer_limit},
    {.name = "client-output-buffer-limit", .kind = Kind::kOutputLimits},
    {.name = "enable-debug-command",
     .kind = Kind::kBool,
     .immutable = true,
     .bool_field = &Config::enable_debug_command},
    {.name = "loglevel",
     .kind = Kind::kEnum,
     .choices = kLogLevels,
     .string_field = &Config::loglevel},
    {.name = "logfile", .kind = Kind::kString, .immutable = true, .string_field = &Config::logfile},
    {.name = "io",
     .kind = Kind::kEnum,
     .immutable = true,
     .choices = kIoBackends,
     .string_field = &Config::io},
    {.name = "io-batch-usec",
     .kind = Kind::kInt64,
     .immutable = true,
     .min = 0,
     .max = 10'000,
     .int64_field = &Config::io_batch_usec},
    {.name = "busy-reply-threshold",
     .kind = Kind::kInt64,
     .min = 0,
     .max = kInt64Max,
     .int64_field = &Config::busy_reply_threshold_ms},
    {.name = "lua-time-limit",  // Redis 7's alias of busy-reply-threshold
     .kind = Kind::kInt64,
     .min = 0,
     .max = kInt64Max,
     .int64_field = &Config::busy_reply_threshold_ms},
    {.name = "hugepages",
     .kind = Kind::kEnum,
     .immutable = true,
     .choices = kHugePages,
     .string_field = &Config::hugepages},
    // Redis 7's size_t configs: 0..LONG_MAX; the -value ones take memory units ("1kb").
    {.name = "hash-max-listpack-entries",
     .kind = Kind::kInt64,
     .alias = "hash-max-ziplist-entries",
     .min = 0,
     .max = kInt64Max,
     .int64_field = &Config::hash_max_listpack_entries},
    {.name = "hash-max-listpack-value",
     .kind = Kind::kMemory,
     .alias = "hash-max-ziplist-value",
     .min = 0,
     .max = kInt64Max,
     .int64_field = &Config::hash_max_listpack_value},
    {.name = "zset-max-listpack-entries",
     .kind = Kind::kInt64,
     .alias = "zset-max-ziplist-entries",
     .min = 0,
     .max = kInt64Max,
     .int64_field = &Config::zset_max_listpack_entries},
    {.name = "zset-max-listpack-value",
     .kind = Kind::kMemory,
     .alias = "zset-max-ziplist-value",
     .min = 0,
     .max = kInt64Max,
     .int64_field = &Config::zset_max_listpack_value},
    {.name = "set-max-intset-entries",
     .kind = Kind::kInt64,
     .min = 0,
     .max = kInt64Max,
     .int64_field = &Config::set_max_intset_entries},
    {.name = "debug-command-delay-us",
     .kind = Kind::kInt64,
     .min = 0,
     .max = 10'000'000,
     .int64_field = &Config::debug_command_delay_us},
    {.name = "debug-slowdown-pct",
     .kind = Kind::kInt64,
     .min = 0,
     .max = 1000,
     .int64_field = &Config::debug_slowdown_pct},
    {.name = "debug-slowdown-command",
     .kind = Kind::kCommandName,
     .string_field = &Config::debug_slowdown_command},
    {.name = "debug-extra-work",
     .kind = Kind::kInt64,
     .min = 0,
     .max = 100'000'000,
     .int64_field = &Config::debug_extra_work},
    {.name = "save", .kind = Kind::kFixed, .fixed_value = ""},
    {.name = "appendonly", .kind = Kind::kFixed, .fixed_value = "no"},
    {.name = "databases", .kind = Kind::kFixed, .immutable = true, .fixed_value = "16"},
};

// 'text' (built by appending: GCC 12's -Wrestrict misfires on "'" + std::string(...)).
std::string Quoted(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '\'';
  out.append(text);
  out += '\'';
  return out;
}

const Setting* FindSetting(std::string_view name) {
  for (const Setting& s : kSettings) {
    if (EqualsIgnoreCase(s.name, name) || (!s.alias.empty() && EqualsIgnoreCase(s.alias, name))) {
      return &s;
    }
  }
  return nullptr;
}

std::string JoinChoices(std::span<const std::string_view> choices) {
  std::string out;
  for (std::string_view c : choices) {
    if (!out.empty()) out += ", ";
    out += c;
  }
  return out;
}

// Accepts "127.0.0.1", "::1", "*" (all IPv4), "::*" (all IPv6); a leading '-' marks an address
// that may be unavailable (skipped instead of failing start-up), as in redis.conf.
bool IsValidBindAddress(std::string_view addr) {
  if (!addr.empty() && addr[0] == '-') addr.remove_prefix(1);
  if (addr == "*" || addr == "::*") return true;
  if (addr.empty() || addr.size() >= INET6_ADDRSTRLEN) return false;
  char buf[INET6_ADDRSTRLEN];
  std::memcpy(buf, addr.data(), addr.size());
  buf[addr.size()] = '\0';
  unsigned char sink[sizeof(struct in6_addr)];
  return inet_pton(AF_INET, buf, sink) == 1 || inet_pton(AF_INET6, buf, sink) == 1;
}

// Validates and normalises a space-separated address list.
Result<std::string> ParseBindList(std::string_view text) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t start = text.find_first_not_of(' ', pos);
    if (start == std::string_view::npos) break;
    size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view addr = text.substr(start, end - start);
    if (!IsValidBindAddress(addr)) {
      return Error{Quoted(addr) + " is not an IPv4 or IPv6 address"};
    }
    if (!out.empty()) out += ' ';
    out += addr;
    pos = end;
  }
  if (out.empty()) return Error{"at least one address is needed"};
  return out;
}

// "<class> <hard> <soft> <soft seconds>" groups, as Redis's CONFIG SET client-output-buffer-limit:
// classes normal, slave (replica), pubsub; sizes with memory units; the other classes unchanged.
std::optional<std::string> ParseOutputLimits(std::string_view text, OutputBufferLimits* limits) {
  std::vector<std::string_view> words;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t start = text.find_first_not_of(' ', pos);
    if (start == std::string_view::npos) break;
    size_t end = std::min(text.find(' ', start), text.size());
    words.push_back(text.substr(start, end - start));
    pos = end;
  }
  if (words.size() % 4 != 0) return "Wrong number of arguments in buffer limit configuration.";
  OutputBufferLimits parsed = *limits;
  for (size_t i = 0; i < words.size(); i += 4) {
    OutputBufferLimit* limit = nullptr;
    if (EqualsIgnoreCase(words[i], "normal")) {
      limit = &parsed.normal;
    } else if (EqualsIgnoreCase(words[i], "slave") || EqualsIgnoreCase(words[i], "replica")) {
      limit = &parsed.slave;
    } else if (EqualsIgnoreCase(words[i], "pubsub")) {
      limit = &parsed.pubsub;
    } else {
      return "Invalid client class specified in buffer limit configuration.";
    }
    Result<int64_t> hard = ParseMemorySize(words[i + 1]);
    Result<int64_t> soft = ParseMemorySize(words[i + 2]);
    std::optional<int64_t> seconds = ParseNumber<int64_t>(words[i + 3]);
    if (!hard || !soft || !seconds || *seconds < 0) {
      return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
    }
    *limit = OutputBufferLimit{*hard, *soft, *seconds};
  }
  *limits = parsed;
  return std::nullopt;
}

std::string FormatOutputLimits(const OutputBufferLimits& limits) {
  std::string out;
  auto add = [&out](std::string_view name, const OutputBufferLimit& l) {
    if (!out.empty()) out += ' ';
    out += name;
    for (int64_t v : {l.hard_bytes, l.soft_bytes, l.soft_seconds}) {
      out += ' ';
      out += std::to_string(v);
    }
  };
  add("normal", limits.normal);
  add("slave", limits.slave);
  add("pubsub", limits.pubsub);
  return out;
}

// Why a setting was refused; the two front ends word it differently.
enum class Refusal { kUnknown, kImmutable, kInvalid };
struct Refused {
  Refusal why;
  std::string reason;
};

// Applies one setting. Returns nullopt-like empty optional on success.
std::optional<Refused> Apply(Config& config, std::string_view name, std::string_view value,
                             bool at_startup) {
  const Setting* s = FindSetting(name);
  if (s == nullptr) return Refused{Refusal::kUnknown, ""};
  if (s->immutable && !at_startup)
    return Refused{Refusal::kImmutable, "can't set immutable config"};
  auto invalid = [](std::string reason) { return Refused{Refusal::kInvalid, std::move(reason)}; };
  auto range_error = [&] {
    return invalid("argument must be between " + std::to_string(s->min) + " and " +
                   std::to_string(s->max) + " inclusive");
  };
  switch (s->kind) {
    case Kind::kInt:
    case Kind::kInt64: {
      std::optional<int64_t> parsed = ParseNumber<int64_t>(value);
      if (!parsed) return invalid("argument couldn't be parsed into an integer");
      int64_t v = *parsed;
      if (v < s->min || v > s->max) return range_error();
      if (s->kind == Kind::kInt) {
        config.*(s->int_field) = static_cast<int>(v);
      } else {
        config.*(s->int64_field) = v;
      }
      return std::nullopt;
    }
    case Kind::kMemory: {
      Result<int64_t> v = ParseMemorySize(value);
      if (!v) return invalid("argument must be a memory value");
      if (*v < s->min || *v > s->max) return range_error();
      config.*(s->int64_field) = *v;
      return std::nullopt;
    }
    case Kind::kBool:
      if (EqualsIgnoreCase(value, "yes")) {
        config.*(s->bool_field) = true;
      } else if (EqualsIgnoreCase(value, "no")) {
        config.*(s->bool_field) = false;
      } else {
        return invalid("argument must be 'yes' or 'no'");
      }
      return std::nullopt;
    case Kind::kString:
      config.*(s->string_field) = std::string(value);
      return std::nullopt;
    case Kind::kEnum:
      for (std::string_view choice : s->choices) {
        if (EqualsIgnoreCase(choice, value)) {
          config.*(s->string_field) = std::string(choice);
          return std::nullopt;
        }
      }
      return invalid("argument(s) must be one of the following: " + JoinChoices(s->choices));
    case Kind::kBind: {
      Result<std::string> list = ParseBindList(value);
      if (!list) return invalid(list.error());
      config.*(s->string_field) = std::move(*list);
      return std::nullopt;
    }
    case Kind::kCommandName: {
      // Empty, or a command name as clients send it: letters, digits, '_' and '-' (stored lower).
      constexpr size_t kMaxName = 64;
      bool ok = value.size() <= kMaxName;
      for (char c : value) {
        ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-');
      }
      if (!ok) return invalid("argument must be empty or a command name (letters, digits, _ -)");
      config.*(s->string_field) = ToLower(value);
      return std::nullopt;
    }
    case Kind::kOutputLimits:
      if (auto error = ParseOutputLimits(value, &config.client_output_buffer_limit)) {
        return invalid(*error);
      }
      return std::nullopt;
    case Kind::kFixed:
      // Compatibility entries: tools set them to what they already are (CONFIG SET save "").
      if (EqualsIgnoreCase(value, s->fixed_value)) return std::nullopt;
      if (s->immutable) return Refused{Refusal::kImmutable, "can't set immutable config"};
      return invalid("kv-server only supports " + Quoted(s->fixed_value));
  }
  return invalid("unsupported setting");
}

std::string SettingValue(const Config& config, const Setting& s) {
  switch (s.kind) {
    case Kind::kInt:
      return std::to_string(config.*(s.int_field));
    case Kind::kInt64:
    case Kind::kMemory:
      return std::to_string(config.*(s.int64_field));
    case Kind::kBool:
      return config.*(s.bool_field) ? "yes" : "no";
    case Kind::kString:
    case Kind::kEnum:
    case Kind::kBind:
    case Kind::kCommandName:
      return config.*(s.string_field);
    case Kind::kOutputLimits:
      return FormatOutputLimits(config.client_output_buffer_limit);
    case Kind::kFixed:
      return std::string(s.fixed_value);
  }
  return "";
}

bool IsFlag(std::string_view arg) { return arg.size() > 2 && arg.substr(0, 2) == "--"; }

}  // namespace

Result<int64_t> ParseMemorySize(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0) return Error{Quoted(text) + " is not a memory size"};
  std::string_view unit = text.substr(digits);
  int64_t mul = 0;
  struct Unit {
    std::string_view name;
    int64_t mul;
  };
  static constexpr Unit kUnits[] = {
      {"", 1},           {"b", 1},
      {"k", 1000},       {"kb", 1024},
      {"m", 1000000},    {"mb", 1024 * 1024},
      {"g", 1000000000}, {"gb", 1024LL * 1024 * 1024},
  };
  for (const Unit& u : kUnits) {
    if (EqualsIgnoreCase(u.name, unit)) mul = u.mul;
  }
  if (mul == 0) return Error{Quoted(text) + " has an unknown unit"};
  std::optional<int64_t> n = ParseNumber<int64_t>(text.substr(0, digits));
  if (!n || *n > kInt64Max / mul) return Error{Quoted(text) + " is too large"};
  return *n * mul;
}

Status SetConfigValue(Config& config, std::string_view name, std::string_view value,
                      bool at_startup) {
  std::optional<Refused> refused = Apply(config, name, value, at_startup);
  if (!refused) return {};
  if (refused->why == Refusal::kUnknown) {
    return Error{"ERR Unknown option or number of arguments for CONFIG SET - " + Quoted(name)};
  }
  return Error{"ERR CONFIG SET failed (possibly related to argument '" + std::string(name) +
               "') - " + refused->reason};
}

std::vector<std::pair<std::string, std::string>> ConfigPairs(const Config& config) {
  std::vector<std::pair<std::string, std::string>> pairs;
  pairs.reserve(std::size(kSettings));
  for (const Setting& s : kSettings) {
    pairs.emplace_back(s.name, SettingValue(config, s));
    if (!s.alias.empty()) pairs.emplace_back(s.alias, SettingValue(config, s));
  }
  return pairs;
}

Result<CommandLine> ParseCommandLine(int argc, const char* const* argv) {
  CommandLine cl;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (!IsFlag(arg)) {
      return Error{"unexpected argument '" + std::string(arg) + "' (flags look like --port 6379)"};
    }
    std::string_view name = arg.substr(2);
    std::string value;
    bool has_value = false;
    if (size_t eq = name.find('='); eq != std::string_view::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    if (name == "help" || name == "version") {
      if (has_value) return Error{"--" + std::string(name) + " takes no value"};
      (name == "help" ? cl.show_help : cl.show_version) = true;
      continue;
    }
    const Setting* setting = FindSetting(name);
    if (setting == nullptr || setting->kind == Kind::kFixed) {
      return Error{"unknown flag --" + std::string(name) + " (see --help)"};
    }
    if (!has_value && setting->kind == Kind::kBool) {
      // A bare boolean flag means yes; an explicit yes/no may follow.
      value = "yes";
      if (i + 1 < argc &&
          (EqualsIgnoreCase(argv[i + 1], "yes") || EqualsIgnoreCase(argv[i + 1], "no"))) {
        value = argv[++i];
      }
      has_value = true;
    }
    if (!has_value) {
      if (i + 1 >= argc || IsFlag(argv[i + 1])) {
        return Error{"--" + std::string(name) + " needs a value"};
      }
      value = argv[++i];
      // --bind takes several addresses, as in `--bind 127.0.0.1 ::1`.
      while (setting->kind == Kind::kBind && i + 1 < argc && !IsFlag(argv[i + 1])) {
        value += ' ';
        value += argv[++i];
      }
    }
    std::optional<Refused> refused = Apply(cl.config, setting->name, value, true);
    if (refused) {
      return Error{"invalid value '" + value + "' for --" + std::string(name) + ": " +
                   refused->reason};
    }
  }
  return cl;
}

std::string HelpText() {
  return R"(Usage: kv-server [--flag value]...
A Redis-7-compatible in-memory key-value server (RESP2).

  --port N                     TCP port (default 6379; 0 = any free port, see the ready line)
  --bind ADDR...               addresses to listen on (default 127.0.0.1; e.g. 127.0.0.1 ::1;
                               a leading '-' marks an address that may be unavailable)
  --threads N                  event-loop threads (default 1)
  --maxclients N               connected clients limit (default 10000, capped by the fd limit)
  --maxmemory SIZE             memory limit for writes, 0 = unlimited (policy: noeviction)
  --requirepass PASS           require AUTH PASS before other commands
  --timeout SECONDS            close clients idle this long (default 0 = never)
  --proto-max-bulk-len SIZE    largest bulk argument (default 512mb)
  --client-query-buffer-limit SIZE
                               largest pending request data per client (default 1gb)
  --client-output-buffer-limit "CLASS HARD SOFT SECONDS"...
                               disconnect a client whose unsent output reaches HARD, or stays
                               above SOFT for SECONDS (Redis's format; classes normal: every
                               client but subscribers and MONITOR, default 0 0 0 = no limit;
                               pubsub, default 32mb 8mb 60; slave: stored only)
  --enable-debug-command [yes|no]
                               allow DEBUG (default no)
  --loglevel LEVEL             debug | verbose | notice | warning | nothing (default notice)
  --logfile PATH               log to PATH instead of stderr
  --io auto|epoll|uring        I/O backend (default auto)
  --io-batch-usec N            io_uring under load: wait up to N us for as many requests as the
                               last wait brought (less CPU per request, more latency; Linux
                               6.12+; default 0 = off, at most 10000)
  --busy-reply-threshold MS    a script running longer answers other clients -BUSY until it
                               ends or SCRIPT KILL (default 5000; alias --lua-time-limit)
  --hugepages auto|no          back the heap with transparent huge pages when the kernel
                               allows (default auto; re-executes with GLIBC_TUNABLES)
  --hash-max-listpack-entries N, --hash-max-listpack-value SIZE,
  --zset-max-listpack-entries N, --zset-max-listpack-value SIZE, --set-max-intset-entries N
                               the compact encodings' limits, as Redis (defaults 128, 64, 128,
                               64, 512; aliases *-max-ziplist-*)
  --debug-command-delay-us N   testing only: busy-wait N us per command
  --debug-slowdown-pct P       testing only: make each command take P % longer than the
                               server's recent time per command (proves the CI gate)
  --debug-slowdown-command NAME
                               testing only: apply --debug-slowdown-pct to NAME only (e.g.
                               incr; case-insensitive; default empty = every command)
  --debug-extra-work N         testing only: run a loop of N iterations per command (about
                               3 instructions each; proves the instruction gate)
  --version                    print the version and exit
  --help                       print this help and exit

SIZE accepts Redis units: 100 (bytes), 1k = 1000, 1kb = 1024, m/mb, g/gb.
When listening, prints one line to stdout: kv-server ready port=<N> pid=<P>
)";
}

}  // namespace kv::server
