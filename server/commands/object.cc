// OBJECT (ENCODING, REFCOUNT, IDLETIME, FREQ, HELP) and MEMORY (USAGE, MALLOC-STATS, PURGE, HELP):
// what redis-cli --memkeys/--bigkeys, monitoring tools and client libraries ask about keys.
// Redis 7 texts (checked against redis-server 7.0.15); sizes are kv-server's own layout.
#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>

#include "server/commands/commands.h"
#include "server/engine/command_context.h"
#include "server/engine/text_util.h"
#include "server/store/collection_info.h"

namespace kv::server {
namespace {

// Redis OBJ_SHARED_INTEGERS: 0..9999 are shared objects (no maxmemory LRU/LFU policy here).
constexpr int64_t kSharedIntegers = 10000;
constexpr int64_t kSharedRefcount = 2147483647;  // Redis OBJ_SHARED_REFCOUNT (INT_MAX)
constexpr size_t kEmbstrLimit = 44;              // Redis OBJ_ENCODING_EMBSTR_SIZE_LIMIT

// Redis objectCommandLookup: a read lookup that leaves the access clock alone (LOOKUP_NOTOUCH)
// but counts keyspace hits and misses. Replies nil and returns nullptr for a missing key.
const Entry* LookupNoTouch(CommandContext& ctx) {
  const Entry* e = ctx.store().Peek(ctx.db(), ctx.args[2]);
  if (e == nullptr) {
    ++ctx.server.stats.keyspace_misses;
    ctx.reply.NullBulk();
  } else {
    ++ctx.server.stats.keyspace_hits;
  }
  return e;
}

// Redis's string encodings: a value written in place (APPEND, SETRANGE, SETBIT...) is "raw";
// otherwise as tryObjectEncoding decides: "int" for an integer of at most 20 characters in Redis's
// canonical form, "embstr" up to 44 bytes, "raw" beyond.
bool IsIntEncoded(const Entry* e, int64_t* value) {
  return e->type() == ValueType::kString && !e->raw() && e->val_len <= 20 &&
         ParseInt64(e->value(), value);
}
std::string_view Encoding(const Entry* e) {
  if (e->type() != ValueType::kString) return CollectionEncoding(e);
  int64_t v;
  if (IsIntEncoded(e, &v)) return "int";
  return !e->raw() && e->val_len <= kEmbstrLimit ? "embstr" : "raw";
}

void ObjectEncoding(CommandContext& ctx) {
  if (const Entry* e = LookupNoTouch(ctx)) ctx.reply.Bulk(Encoding(e));
}

void ObjectRefcount(CommandContext& ctx) {
  const Entry* e = LookupNoTouch(ctx);
  if (e == nullptr) return;
  int64_t v;
  const bool shared = IsIntEncoded(e, &v) && v >= 0 && v < kSharedIntegers;
  ctx.reply.Integer(shared ? kSharedRefcount : 1);
}

void ObjectIdletime(CommandContext& ctx) {
  if (const Entry* e = LookupNoTouch(ctx)) ctx.reply.Integer(ctx.store().IdleSeconds(e));
}

// kv-server's maxmemory-policy is always noeviction: no LFU counters, as Redis without LFU.
void ObjectFreq(CommandContext& ctx) {
  if (LookupNoTouch(ctx) == nullptr) return;
  ctx.reply.Error(
      "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
      "that when switching between policies at runtime LRU and LFU data will take some time to "
      "adjust.");
}

constexpr std::string_view kObjectHelp[] = {
    "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "ENCODING <key>",
    "    Return the kind of internal representation used in order to store the value",
    "    associated with a <key>.",
    "FREQ <key>",
    "    Return the access frequency index of the <key>. The returned integer is",
    "    proportional to the logarithm of the recent access frequency of the key.",
    "IDLETIME <key>",
    "    Return the idle time of the <key>, that is the approximated number of",
    "    seconds elapsed since the last access to the key.",
    "REFCOUNT <key>",
    "    Return the number of references of the value associated with the specified",
    "    <key>.",
    "HELP",
    "    Prints this help.",
};
void ObjectHelp(CommandContext& ctx) { ReplyHelp(ctx.reply, kObjectHelp); }

constexpr Subcommand kObjectSubcommands[] = {
    {"encoding", 3, ObjectEncoding}, {"refcount", 3, ObjectRefcount},
    {"idletime", 3, ObjectIdletime}, {"freq", 3, ObjectFreq},
    {"help", 2, ObjectHelp},
};

void ObjectCommand(CommandContext& ctx) { DispatchSubcommand(ctx, kObjectSubcommands); }

// MEMORY USAGE key [SAMPLES count]: SAMPLES is checked as Redis does and otherwise moot (a
// collection keeps its exact size, Object::MemoryUsage: nothing is sampled). The figure is
// Store::KeyMemoryUsage (see store.h).
void MemoryUsage(CommandContext& ctx) {
  for (size_t j = 3; j < ctx.args.size(); ++j) {
    int64_t samples;
    if (!EqualsIgnoreCase(ctx.args[j], "samples") || j + 1 >= ctx.args.size()) {
      ctx.reply.Error(kErrSyntax);
      return;
    }
    if (!ParseInt64(ctx.args[++j], &samples)) {
      ctx.reply.Error(kErrNotInteger);
      return;
    }
    if (samples < 0) {
      ctx.reply.Error(kErrSyntax);
      return;
    }
  }
  const Entry* e = ctx.store().Peek(ctx.db(), ctx.args[2]);
  if (e == nullptr) {
    ctx.reply.NullBulk();
    return;
  }
  ctx.reply.Integer(static_cast<int64_t>(ctx.store().KeyMemoryUsage(ctx.db(), e)));
}

// glibc's malloc_info report (XML), as Redis replies jemalloc's stats text.
void MemoryMallocStats(CommandContext& ctx) {
  char* buf = nullptr;
  size_t len = 0;
  FILE* f = open_memstream(&buf, &len);
  if (f == nullptr) {
    ctx.reply.Verbatim("Stats not supported for the current allocator");
    return;
  }
  malloc_info(0, f);
  std::fclose(f);
  ctx.reply.Verbatim(std::string_view(buf, len));
  std::free(buf);
}

// Returns free heap memory to the system (glibc malloc_trim), as Redis's jemalloc purge.
void MemoryPurge(CommandContext& ctx) {
  malloc_trim(0);
  ctx.reply.Raw(resp::kOk);
}

constexpr std::string_view kMemoryHelp[] = {
    "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "MALLOC-STATS",
    "    Return internal statistics report from the memory allocator.",
    "PURGE",
    "    Attempt to purge dirty pages for reclamation by the allocator.",
    "USAGE <key> [SAMPLES <count>]",
    "    Return memory in bytes used by <key> and its value. Nested values are",
    "    sampled up to <count> times (default: 5, 0 means sample all).",
    "HELP",
    "    Prints this help.",
};
void MemoryHelp(CommandContext& ctx) { ReplyHelp(ctx.reply, kMemoryHelp); }

constexpr Subcommand kMemorySubcommands[] = {
    {"usage", -3, MemoryUsage},
    {"malloc-stats", 2, MemoryMallocStats},
    {"purge", 2, MemoryPurge},
    {"help", 2, MemoryHelp},
};

void MemoryCommand(CommandContext& ctx) { DispatchSubcommand(ctx, kMemorySubcommands); }

}  // namespace

void RegisterObjectCommands(CommandTable& t) {
  t.Register(
      {"object", ObjectCommand, -2, kCmdReadOnly, 0, 0, 0, "@keyspace @read @slow", "generic"});
  t.Register({"memory", MemoryCommand, -2, kCmdReadOnly, 0, 0, 0, "@read @slow", "server"});
}

}  // namespace kv::server
