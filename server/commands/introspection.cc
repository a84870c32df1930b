// INFO and COMMAND (COUNT, INFO, DOCS, LIST, GETKEYS, HELP): what redis-cli, redis-benchmark and
// client libraries ask a server about itself. INFO layout follows redis-server 7.0.15.
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "server/commands/command_docs.h"
#include "server/commands/commands.h"
#include "server/engine/command_context.h"
#include "server/engine/text_util.h"

namespace kv::server {
namespace {

// Redis bytesToHuman.
std::string BytesToHuman(uint64_t n) {
  char buf[64];
  const double d = static_cast<double>(n);
  if (n < 1024) {
    std::snprintf(buf, sizeof(buf), "%lluB", static_cast<unsigned long long>(n));
  } else if (n < 1024ULL * 1024) {
    std::snprintf(buf, sizeof(buf), "%.2fK", d / 1024);
  } else if (n < 1024ULL * 1024 * 1024) {
    std::snprintf(buf, sizeof(buf), "%.2fM", d / (1024.0 * 1024));
  } else if (n < 1024ULL * 1024 * 1024 * 1024) {
    std::snprintf(buf, sizeof(buf), "%.2fG", d / (1024.0 * 1024 * 1024));
  } else {
    std::snprintf(buf, sizeof(buf), "%.2fT", d / (1024.0 * 1024 * 1024 * 1024));
  }
  return buf;
}

class InfoBuilder {
 public:
  void Section(std::string_view title) {
    if (!text_.empty()) text_.append("\r\n");
    text_.append("# ");
    text_.append(title);
    text_.append("\r\n");
  }
  void Field(std::string_view name, std::string_view value) {
    text_.append(name);
    text_.push_back(':');
    text_.append(value);
    text_.append("\r\n");
  }
  void Field(std::string_view name, int64_t value) { Field(name, std::to_string(value)); }
  void FieldU(std::string_view name, uint64_t value) { Field(name, std::to_string(value)); }
  std::string& text() { return text_; }

 private:
  std::string text_;
};

// 40 random hex digits, as Redis's run_id and master_replid.
std::string RandomHex40() {
  std::random_device rd;
  std::string out;
  static constexpr char kHex[] = "0123456789abcdef";
  while (out.size() < 40) {
    uint32_t v = rd();
    for (int i = 0; i < 8 && out.size() < 40; ++i, v >>= 4) out.push_back(kHex[v & 15]);
  }
  return out;
}

std::string Seconds(const timeval& tv) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%ld.%06ld", static_cast<long>(tv.tv_sec),
                static_cast<long>(tv.tv_usec));
  return buf;
}

std::string Fixed2(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2f", v);
  return buf;
}

uint64_t ResidentBytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long long size = 0;
  unsigned long long resident = 0;
  const int n = std::fscanf(f, "%llu %llu", &size, &resident);
  std::fclose(f);
  return n == 2 ? resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE)) : 0;
}

void ServerSection(CommandContext& ctx, const ServerInfo& info, InfoBuilder& b) {
  b.Section("Server");
  b.Field("redis_version", kRedisCompatVersion);
  b.Field("redis_git_sha1", "00000000");
  b.Field("redis_git_dirty", 0);
  b.Field("kv_version", kKvVersion);
  b.Field("redis_mode", "standalone");
  utsname name{};
  if (uname(&name) == 0) {
    std::string os = name.sysname;
    os.append(" ").append(name.release).append(" ").append(name.machine);
    b.Field("os", os);
  }
  b.Field("arch_bits", static_cast<int64_t>(sizeof(void*) * 8));
  b.Field("monotonic_clock", "POSIX clock_gettime");
  b.Field("multiplexing_api", info.io_backend.empty() ? "epoll" : info.io_backend);
  b.Field("gcc_version", std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "." +
                             std::to_string(__GNUC_PATCHLEVEL__));
  b.Field("process_id", static_cast<int64_t>(getpid()));
  b.Field("process_supervised", "no");
  if (ctx.server.run_id.empty()) ctx.server.run_id = RandomHex40();
  b.Field("run_id", ctx.server.run_id);
  b.Field("tcp_port", info.tcp_port);
  b.Field("server_time_usec", std::chrono::duration_cast<std::chrono::microseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count());
  const int64_t uptime_s = info.start_time_ms > 0 ? (ctx.now_ms() - info.start_time_ms) / 1000 : 0;
  b.Field("uptime_in_seconds", uptime_s);
  b.Field("uptime_in_days", uptime_s / 86400);
  b.Field("hz", 10);  // the server tick (active expiry, samples) runs every 100 ms
  b.Field("configured_hz", 10);
  char exe[4096];
  const ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe));
  b.Field("executable", len > 0 ? std::string(exe, static_cast<size_t>(len)) : std::string());
  b.Field("config_file", "");
  b.Field("io_threads_active", 0);
  b.Field("io_backend", info.io_backend);
  b.Field("io_batch_wait_usec", info.io_batch_wait_usec);
  b.Field("threads", info.threads);
}

void ClientsSection(CommandContext& ctx, const ServerInfo& info, InfoBuilder& b) {
  b.Section("Clients");
  b.FieldU("connected_clients", info.connected_clients);
  b.Field("cluster_connections", 0);
  b.Field("maxclients", ctx.server.config->maxclients);
  b.FieldU("blocked_clients", ctx.server.blocking.blocked_clients());
  b.Field("tracking_clients", 0);
  b.FieldU("clients_in_timeout_table", ctx.server.blocking.timed_waiters());
}

void MemorySection(CommandContext& ctx, InfoBuilder& b) {
  const uint64_t used = ctx.store().UsedMemory();
  CommandStats& st = ctx.server.stats;
  st.used_memory_peak = std::max(st.used_memory_peak, used);
  const uint64_t rss = ResidentBytes();
  const auto maxmemory = static_cast<uint64_t>(ctx.server.config->maxmemory);
  const auto system =
      static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  b.Section("Memory");
  b.FieldU("used_memory", used);
  b.Field("used_memory_human", BytesToHuman(used));
  b.FieldU("used_memory_rss", rss);
  b.Field("used_memory_rss_human", BytesToHuman(rss));
  b.FieldU("used_memory_peak", st.used_memory_peak);
  b.Field("used_memory_peak_human", BytesToHuman(st.used_memory_peak));
  b.Field("used_memory_peak_perc",
          Fixed2(st.used_memory_peak == 0 ? 0 : 100.0 * used / st.used_memory_peak) + "%");
  b.FieldU("total_system_memory", system);
  b.Field("total_system_memory_human", BytesToHuman(system));
  b.FieldU("maxmemory", maxmemory);
  b.Field("maxmemory_human", BytesToHuman(maxmemory));
  b.Field("maxmemory_policy", "noeviction");
  b.Field("mem_fragmentation_ratio", Fixed2(used == 0 ? 0 : static_cast<double>(rss) / used));
  b.Field("mem_allocator", "libc");
  b.FieldU("lazyfree_pending_objects", ctx.store().lazy_free_pending());
}

void PersistenceSection(const ServerInfo& info, InfoBuilder& b) {
  b.Section("Persistence");
  b.Field("loading", 0);
  b.Field("async_loading", 0);
  b.Field("rdb_changes_since_last_save", 0);
  b.Field("rdb_bgsave_in_progress", 0);
  b.Field("rdb_last_save_time", info.start_time_ms / 1000);
  b.Field("rdb_last_bgsave_status", "ok");
  b.Field("aof_enabled", 0);
  b.Field("aof_rewrite_in_progress", 0);
  b.Field("aof_rewrite_scheduled", 0);
  b.Field("aof_last_bgrewrite_status", "ok");
  b.Field("aof_last_write_status", "ok");
}

void StatsSection(CommandContext& ctx, const ServerInfo& info, InfoBuilder& b) {
  const CommandStats& st = ctx.server.stats;
  b.Section("Stats");
  b.FieldU("total_connections_received", info.total_connections_received);
  b.FieldU("total_commands_processed", st.total_commands_processed);
  b.FieldU("instantaneous_ops_per_sec", st.InstantaneousOps());
  b.FieldU("total_net_input_bytes", info.total_net_input_bytes);
  b.FieldU("total_net_output_bytes", info.total_net_output_bytes);
  b.FieldU("rejected_connections", info.rejected_connections);
  b.FieldU("expired_keys", ctx.store().expired_keys());
  b.Field("evicted_keys", 0);
  b.Field("evicted_clients", 0);
  b.FieldU("keyspace_hits", st.keyspace_hits);
  b.FieldU("keyspace_misses", st.keyspace_misses);
  b.FieldU("pubsub_channels", ctx.server.pubsub.NumChannels());
  b.FieldU("pubsub_patterns", ctx.server.pubsub.NumPat());
  b.Field("total_forks", 0);
  b.Field("unexpected_error_replies", 0);
  b.FieldU("total_error_replies", st.error_replies);
  b.FieldU("rejected_calls", st.rejected_calls);  // kv-server's: the sum of cmdstat rejected_calls
}

void ReplicationSection(CommandContext& ctx, InfoBuilder& b) {
  b.Section("Replication");
  b.Field("role", "master");
  b.Field("connected_slaves", 0);
  b.Field("master_failover_state", "no-failover");
  if (ctx.server.master_replid.empty()) ctx.server.master_replid = RandomHex40();
  b.Field("master_replid", ctx.server.master_replid);
  b.Field("master_replid2", std::string(40, '0'));
  b.Field("master_repl_offset", 0);
  b.Field("second_repl_offset", -1);
  b.Field("repl_backlog_active", 0);
  b.Field("repl_backlog_size", 1048576);
  b.Field("repl_backlog_first_byte_offset", 0);
  b.Field("repl_backlog_histlen", 0);
}

void CpuSection(InfoBuilder& b) {
  rusage self{};
  rusage children{};
  rusage thread{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  getrusage(RUSAGE_THREAD, &thread);
  b.Section("CPU");
  b.Field("used_cpu_sys", Seconds(self.ru_stime));
  b.Field("used_cpu_user", Seconds(self.ru_utime));
  b.Field("used_cpu_sys_children", Seconds(children.ru_stime));
  b.Field("used_cpu_user_children", Seconds(children.ru_utime));
  b.Field("used_cpu_sys_main_thread", Seconds(thread.ru_stime));
  b.Field("used_cpu_user_main_thread", Seconds(thread.ru_utime));
}

void CommandStatsSection(CommandContext& ctx, InfoBuilder& b) {
  b.Section("Commandstats");
  const std::vector<CommandSpec>& commands = ctx.server.table.commands();
  const std::vector<CommandCounters>& counters = ctx.server.stats.commands;
  const double micros_per_tick = ctx.server.tick_rate.MicrosPerTick();
  for (size_t i = 0; i < commands.size() && i < counters.size(); ++i) {
    const CommandCounters& c = counters[i];
    if (c.calls == 0 && c.rejected == 0 && c.failed == 0) continue;
    const auto usec = static_cast<uint64_t>(static_cast<double>(c.ticks) * micros_per_tick);
    char buf[256];
    std::snprintf(buf, sizeof(buf),
                  "calls=%llu,usec=%llu,usec_per_call=%.2f,rejected_calls=%llu,failed_calls=%llu",
                  static_cast<unsigned long long>(c.calls), static_cast<unsigned long long>(usec),
                  c.calls == 0 ? 0.0 : static_cast<double>(usec) / c.calls,
                  static_cast<unsigned long long>(c.rejected),
                  static_cast<unsigned long long>(c.failed));
    b.Field("cmdstat_" + std::string(commands[i].name), buf);
  }
}

void ErrorStatsSection(CommandContext& ctx, InfoBuilder& b) {
  b.Section("Errorstats");
  for (const auto& [prefix, count] : ctx.server.stats.errors) {
    b.Field("errorstat_" + prefix, "count=" + std::to_string(count));
  }
}

void KeyspaceSection(CommandContext& ctx, InfoBuilder& b) {
  b.Section("Keyspace");
  for (int db = 0; db < kNumDatabases; ++db) {
    const size_t keys = ctx.store().DbSize(db);
    if (keys == 0) continue;
    std::string line = "keys=" + std::to_string(keys) +
                       ",expires=" + std::to_string(ctx.store().ExpiresCount(db)) +
                       ",avg_ttl=" + std::to_string(ctx.store().AverageTtl(db));
    b.Field("db" + std::to_string(db), line);
  }
}

// INFO [section ...]: Redis 7's sections in its order. No argument or "default": every section
// but commandstats; "all" and "everything" add it; unknown names add nothing.
void InfoCommand(CommandContext& ctx) {
  enum Section {
    kServer,
    kClients,
    kMemory,
    kPersistence,
    kStats,
    kReplication,
    kCpu,
    kModules,
    kCommandStats,
    kErrorStats,
    kCluster,
    kKeyspace,
    kSectionCount
  };
  constexpr std::string_view kNames[kSectionCount] = {
      "server", "clients", "memory",       "persistence", "stats",   "replication",
      "cpu",    "modules", "commandstats", "errorstats",  "cluster", "keyspace"};
  bool want[kSectionCount] = {};
  auto defaults = [&want] {
    for (int i = 0; i < kSectionCount; ++i) want[i] = want[i] || i != kCommandStats;
  };
  if (ctx.args.size() == 1) defaults();
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    const std::string_view arg = ctx.args[i];
    if (EqualsIgnoreCase(arg, "default")) {
      defaults();
    } else if (EqualsIgnoreCase(arg, "all") || EqualsIgnoreCase(arg, "everything")) {
      for (bool& w : want) w = true;
    }
    for (int s = 0; s < kSectionCount; ++s) {
      if (EqualsIgnoreCase(arg, kNames[s])) want[s] = true;
    }
  }
  const ServerInfo info = ctx.server.control->Info();
  InfoBuilder b;
  if (want[kServer]) ServerSection(ctx, info, b);
  if (want[kClients]) ClientsSection(ctx, info, b);
  if (want[kMemory]) MemorySection(ctx, b);
  if (want[kPersistence]) PersistenceSection(info, b);
  if (want[kStats]) StatsSection(ctx, info, b);
  if (want[kReplication]) ReplicationSection(ctx, b);
  if (want[kCpu]) CpuSection(b);
  if (want[kModules]) b.Section("Modules");
  if (want[kCommandStats]) CommandStatsSection(ctx, b);
  if (want[kErrorStats]) ErrorStatsSection(ctx, b);
  if (want[kCluster]) {
    b.Section("Cluster");
    b.Field("cluster_enabled", 0);
  }
  if (want[kKeyspace]) KeyspaceSection(ctx, b);
  ctx.reply.Verbatim(b.text());
}

// ---- COMMAND ----

// A set of simple strings (RESP3 "~", RESP2 an array), as Redis replies flags and categories.
void ReplyWords(resp::ReplyWriter& r, std::string_view words) {
  std::vector<std::string_view> list;
  size_t pos = 0;
  while (pos < words.size()) {
    const size_t end = words.find(' ', pos);
    const size_t stop = end == std::string_view::npos ? words.size() : end;
    if (stop > pos) list.push_back(words.substr(pos, stop - pos));
    pos = stop + 1;
  }
  r.SetHeader(list.size());
  for (std::string_view w : list) r.Simple(w);
}

void ReplyCommandInfo(resp::ReplyWriter& r, const CommandSpec& c) {
  r.ArrayHeader(10);
  r.Bulk(c.name);
  r.Integer(c.arity);
  static constexpr std::pair<uint32_t, std::string_view> kFlagNames[] = {
      {kCmdWrite, "write"},    {kCmdReadOnly, "readonly"},        {kCmdDenyOom, "denyoom"},
      {kCmdAdmin, "admin"},    {kCmdNoScript, "noscript"},        {kCmdBlocking, "blocking"},
      {kCmdLoading, "loading"},
      {kCmdStale, "stale"},    {kCmdSkipSlowlog, "skip_slowlog"}, {kCmdFast, "fast"},
      {kCmdNoAuth, "no_auth"}, {kCmdNoMulti, "no_multi"},
  };
  size_t n = 0;
  for (const auto& [bit, name] : kFlagNames) n += (c.flags & bit) != 0;
  const bool movable = c.find_keys != nullptr;  // Redis lists "movablekeys" last
  r.SetHeader(n + (movable ? 1 : 0));
  for (const auto& [bit, name] : kFlagNames) {
    if (c.flags & bit) r.Simple(name);
  }
  if (movable) r.Simple("movablekeys");
  r.Integer(c.first_key);
  r.Integer(c.last_key);
  r.Integer(c.step);
  ReplyWords(r, c.acl_categories);
  r.SetHeader(0);  // tips
  if (c.first_key == 0) {
    r.SetHeader(0);
  } else {
    r.SetHeader(1);
    r.MapHeader(3);
    r.Bulk("flags");
    r.SetHeader(1);
    r.Simple((c.flags & kCmdWrite) ? "RW" : "RO");
    r.Bulk("begin_search");
    r.MapHeader(2);
    r.Bulk("type");
    r.Bulk("index");
    r.Bulk("spec");
    r.MapHeader(1);
    r.Bulk("index");
    r.Integer(c.first_key);
    r.Bulk("find_keys");
    r.MapHeader(2);
    r.Bulk("type");
    r.Bulk("range");
    r.Bulk("spec");
    r.MapHeader(3);
    r.Bulk("lastkey");
    r.Integer(c.last_key < 0 ? c.last_key : c.last_key - c.first_key);
    r.Bulk("keystep");
    r.Integer(c.step);
    r.Bulk("limit");
    r.Integer(0);
  }
  r.SetHeader(0);  // subcommands (Redis replies an empty set when there are none)
}

// ---- COMMAND DOCS: the argument grammar of command_docs.h as Redis 7's argument maps ----

struct DocArg {
  std::string name;
  std::string_view type = "string";
  std::string_view token;
  int key_spec_index = -1;
  bool optional = false;
  bool multiple = false;
  std::vector<DocArg> args;  // oneof, block
};

class ArgGrammar {
 public:
  explicit ArgGrammar(std::string_view text) {
    size_t i = 0;
    while (i < text.size()) {
      const char c = text[i];
      if (c == ' ') {
        ++i;
      } else if (c == '[' || c == ']' || c == '(' || c == ')' || c == '|') {
        words_.push_back(text.substr(i++, 1));
      } else {
        size_t j = i;
        while (j < text.size() && std::string_view(" []()|").find(text[j]) == std::string::npos) {
          ++j;
        }
        std::string_view word = text.substr(i, j - i);
        if (word.size() > 3 && word.ends_with("...")) {  // "key..." is "key ..."
          words_.push_back(word.substr(0, word.size() - 3));
          word = word.substr(word.size() - 3);
        }
        words_.push_back(word);
        i = j;
      }
    }
  }

  std::vector<DocArg> Parse() { return Sequence(); }

 private:
  static bool IsToken(std::string_view w) {
    if (w.empty() || w[0] < 'A' || w[0] > 'Z') return false;
    for (char c : w) {
      if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
    }
    return true;
  }
  static bool IsLabel(std::string_view w) { return w.size() > 1 && w.back() == ':'; }
  std::string_view Peek() const { return pos_ < words_.size() ? words_[pos_] : ""; }
  bool AtItem() const {
    const std::string_view w = Peek();
    return !w.empty() && w != "]" && w != ")" && w != "|" && w != "...";
  }

  std::vector<DocArg> Sequence() {
    std::vector<DocArg> items;
    while (AtItem()) items.push_back(Item());
    return items;
  }

  DocArg Item() {
    const std::string_view w = words_[pos_++];
    DocArg arg;
    if (w == "[" || w == "(") {
      arg = Group(w == "[" ? "]" : ")");
      arg.optional = arg.optional || w == "[";
    } else if (IsToken(w)) {
      const std::string_view next = Peek();
      if (AtItem() && !IsToken(next) && next != "[") {
        arg = Item();
        arg.token = w;
        return arg;  // the item read its own "..."
      }
      arg.name = ToLower(w);
      arg.type = "pure-token";
      arg.token = w;
    } else {
      arg.name = std::string(w);
      static constexpr std::string_view kTypes[] = {"key",    "string",  "integer",
                                                    "double", "pattern", "unix-time"};
      const size_t colon = w.rfind(':');
      if (colon != std::string_view::npos) {
        for (std::string_view t : kTypes) {
          if (w.substr(colon + 1) == t) {
            arg.name = std::string(w.substr(0, colon));
            arg.type = t;
          }
        }
      }
      if (arg.type == "key") arg.key_spec_index = next_key_spec_++;
    }
    if (Peek() == "...") {
      ++pos_;
      arg.multiple = true;
    }
    return arg;
  }

  // After "[" or "(": [label:] alternatives, up to `close`.
  DocArg Group(std::string_view close) {
    std::string label;
    if (IsLabel(Peek())) {
      label = std::string(Peek().substr(0, Peek().size() - 1));
      ++pos_;
    }
    std::vector<std::vector<DocArg>> alternatives;
    alternatives.push_back(Sequence());
    while (Peek() == "|") {
      ++pos_;
      alternatives.push_back(Sequence());
    }
    if (Peek() == close) ++pos_;
    DocArg group;
    if (alternatives.size() == 1) {
      std::vector<DocArg>& items = alternatives[0];
      if (items.size() == 1 && label.empty()) return std::move(items[0]);
      group.type = "block";
      group.args = std::move(items);
      group.name = label.empty() ? JoinedNames(group.args) : label;
      return group;
    }
    group.type = "oneof";
    for (std::vector<DocArg>& items : alternatives) {
      if (items.size() == 1) {
        group.args.push_back(std::move(items[0]));
      } else {
        DocArg block;
        block.type = "block";
        block.args = std::move(items);
        block.name = JoinedNames(block.args);
        group.args.push_back(std::move(block));
      }
    }
    group.name = label.empty() ? JoinedNames(group.args) : label;
    return group;
  }

  // An unlabelled group's name, as Redis often names them: "key_value", "nx_xx".
  static std::string JoinedNames(const std::vector<DocArg>& args) {
    std::string name;
    for (const DocArg& a : args) {
      if (!name.empty()) name.push_back('_');
      name.append(a.name);
    }
    return name;
  }

  std::vector<std::string_view> words_;
  size_t pos_ = 0;
  int next_key_spec_ = 0;
};

void ReplyDocArgs(resp::ReplyWriter& r, const std::vector<DocArg>& args) {
  r.ArrayHeader(args.size());
  for (const DocArg& a : args) {
    const size_t flags = (a.optional ? 1 : 0) + (a.multiple ? 1 : 0);
    r.MapHeader(2 + (a.key_spec_index >= 0) + !a.token.empty() + (flags > 0) + !a.args.empty());
    r.Bulk("name");
    r.Bulk(a.name);
    r.Bulk("type");
    r.Bulk(a.type);
    if (a.key_spec_index >= 0) {
      r.Bulk("key_spec_index");
      r.Integer(a.key_spec_index);
    }
    if (!a.token.empty()) {
      r.Bulk("token");
      r.Bulk(a.token);
    }
    if (flags > 0) {
      r.Bulk("flags");
      r.SetHeader(flags);
      if (a.optional) r.Simple("optional");
      if (a.multiple) r.Simple("multiple");
    }
    if (!a.args.empty()) {
      r.Bulk("arguments");
      ReplyDocArgs(r, a.args);
    }
  }
}

// One command's documentation map; subcommands are the table's "name|sub" rows.
void ReplyDoc(resp::ReplyWriter& r, const CommandDoc& doc) {
  const std::string prefix = std::string(doc.name) + "|";
  std::vector<const CommandDoc*> subs;
  if (doc.name.find('|') == std::string_view::npos) {
    for (const CommandDoc& d : AllCommandDocs()) {
      if (d.name.starts_with(prefix)) subs.push_back(&d);
    }
  }
  const std::vector<DocArg> args = ArgGrammar(doc.arguments).Parse();
  r.MapHeader(4 + !subs.empty() + !args.empty());
  r.Bulk("summary");
  r.Bulk(doc.summary);
  r.Bulk("since");
  r.Bulk(doc.since);
  r.Bulk("group");
  r.Bulk(doc.group);
  r.Bulk("complexity");
  r.Bulk(doc.complexity);
  if (!args.empty()) {
    r.Bulk("arguments");
    ReplyDocArgs(r, args);
  }
  if (!subs.empty()) {
    r.Bulk("subcommands");
    r.MapHeader(subs.size());
    for (const CommandDoc* sub : subs) {
      r.Bulk(sub->name);
      ReplyDoc(r, *sub);
    }
  }
}

void CommandCommand(CommandContext& ctx) {
  const CommandTable& table = ctx.server.table;
  resp::ReplyWriter& r = ctx.reply;
  const auto& args = ctx.args;
  if (args.size() == 1) {
    r.ArrayHeader(table.size());
    for (const CommandSpec& c : table.commands()) ReplyCommandInfo(r, c);
    return;
  }
  const std::string_view sub = args[1];
  // A static name (the literal matched), never a view of the request.
  auto set_name = [&ctx](std::string_view literal) { ctx.session.last_subcommand = literal; };
  if (EqualsIgnoreCase(sub, "count")) {
    set_name("count");
    if (args.size() != 2) return ReplyArityError(r, "command|count");
    r.Integer(static_cast<int64_t>(table.size()));
  } else if (EqualsIgnoreCase(sub, "info")) {
    set_name("info");
    if (args.size() == 2) {
      r.ArrayHeader(table.size());
      for (const CommandSpec& c : table.commands()) ReplyCommandInfo(r, c);
      return;
    }
    r.ArrayHeader(args.size() - 2);
    for (size_t i = 2; i < args.size(); ++i) {
      const CommandSpec* c = table.Find(args[i]);
      if (c == nullptr) {
        r.NullBulk();
      } else {
        ReplyCommandInfo(r, *c);
      }
    }
  } else if (EqualsIgnoreCase(sub, "docs")) {
    set_name("docs");
    // Registered commands only (as Redis: an unknown name is left out).
    std::vector<const CommandDoc*> found;
    auto add = [&found](const CommandSpec* c) {
      if (c == nullptr) return;
      if (const CommandDoc* doc = FindCommandDoc(c->name)) found.push_back(doc);
    };
    if (args.size() == 2) {
      for (const CommandSpec& c : table.commands()) add(&c);
    }
    for (size_t i = 2; i < args.size(); ++i) add(table.Find(args[i]));
    r.MapHeader(found.size());
    for (const CommandDoc* doc : found) {
      r.Bulk(doc->name);
      ReplyDoc(r, *doc);
    }
  } else if (EqualsIgnoreCase(sub, "list")) {
    set_name("list");
    r.ArrayHeader(table.size());
    for (const CommandSpec& c : table.commands()) r.Bulk(c.name);
  } else if (EqualsIgnoreCase(sub, "getkeys")) {
    set_name("getkeys");
    // Redis 7.0's arity for COMMAND GETKEYS is -4: a command name alone is an arity error.
    if (args.size() < 4) return ReplyArityError(r, "command|getkeys");
    const CommandSpec* c = table.Find(args[2]);
    if (c == nullptr) {
      r.Error("ERR Invalid command specified");
      return;
    }
    const auto argc = static_cast<int>(args.size()) - 2;
    if ((c->arity > 0 && argc != c->arity) || argc < -c->arity) {
      r.Error("ERR Invalid number of arguments specified for command");
      return;
    }
    if (c->first_key == 0) {
      r.Error("ERR The command has no key arguments");
      return;
    }
    std::vector<int> keys;
    if (c->find_keys != nullptr) {
      c->find_keys(args.subspan(2), &keys);
    } else {
      const int last = c->last_key < 0 ? argc + c->last_key : c->last_key;
      for (int k = c->first_key; k <= last && k < argc; k += c->step) keys.push_back(k);
    }
    r.ArrayHeader(keys.size());
    for (const int k : keys) r.Bulk(args[2 + static_cast<size_t>(k)]);
  } else if (EqualsIgnoreCase(sub, "help")) {
    set_name("help");
    constexpr std::string_view kLines[] = {
        "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "(no subcommand)",
        "    Return details about all commands.",
        "COUNT",
        "    Return the total number of commands in this server.",
        "LIST",
        "    Return a list of all commands in this server.",
        "INFO [<command-name> ...]",
        "    Return details about the given commands.",
        "DOCS [<command-name> ...]",
        "    Return documentation details about the given commands.",
        "GETKEYS <full-command>",
        "    Return the keys from a full command.",
        "HELP",
        "    Print this help.",
    };
    ReplyHelp(r, kLines);
  } else {
    ReplyUnknownSubcommand(ctx);
  }
}

}  // namespace

void RegisterIntrospectionCommands(CommandTable& t) {
  constexpr uint32_t kLs = kCmdLoading | kCmdStale;
  t.Register({"info", InfoCommand, -1, kLs, 0, 0, 0, "@slow @dangerous", "server"});
  t.Register({"command", CommandCommand, -1, kLs, 0, 0, 0, "@slow @connection", "server"});
}

}  // namespace kv::server
