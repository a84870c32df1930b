// Starting (or connecting to) a Target: server, optional proxy, version, capabilities, lock
// script, memory per key.
#include "bench/target.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "bench/cases.h"
#include "fixtures/populate.h"
#include "workload/keys.h"

namespace kv::bench {
namespace {

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

// NAME@HOST:PORT: a server that already runs must speak RESP and hold no keys (kv_bench FLUSHALLs
// its targets before every case).
Status CheckExternal(const TargetSpec& spec, const fixtures::Endpoint& endpoint) {
  const std::string where = spec.Describe();
  fixtures::ClientOptions options;
  options.connect_timeout = std::chrono::milliseconds(2000);
  options.io_timeout = std::chrono::milliseconds(2000);
  Result<fixtures::Client> client = fixtures::Client::Connect(endpoint, options);
  if (!client.ok()) {
    return Error{where + ": cannot connect: " + client.error() +
                 " (is the server running there and reachable?)"};
  }
  if (Status ping = client->Ping(); !ping.ok()) {
    return Error{where + ": does not answer PING like a Redis-protocol server: " + ping.error()};
  }
  Result<fixtures::Reply> keyspace = fixtures::ExpectNoError(client->Call({"INFO", "keyspace"}));
  if (!keyspace.ok()) return Error{where + ": INFO keyspace: " + keyspace.error()};
  const size_t db = keyspace->str.find("\ndb");
  if (db != std::string::npos) {
    const std::string line = keyspace->str.substr(db + 1, keyspace->str.find('\r', db) - db - 1);
    return Error{where + ": the server holds keys (" + line +
                 "); kv_bench runs FLUSHALL on its targets, so it measures only an empty server: "
                 "empty it first (FLUSHALL) or point kv_bench at another one"};
  }
  return {};
}

// The pid of a NAME@HOST:PORT server when its CPU and memory can be read here; else 0 and why.
pid_t LocalPid(const TargetSpec& spec, const std::string& info, std::string& why) {
  if (!IsLoopback(spec.host)) {
    why = "n/a (remote)";
    return 0;
  }
  const std::string text = fixtures::InfoField(info, "process_id");
  const long pid = std::atol(text.c_str());
  if (pid <= 0) {
    why = "n/a (INFO has no process_id)";
    return 0;
  }
  if (!fixtures::ReadProcStats(static_cast<pid_t>(pid)).ok()) {
    why = "n/a (process_id " + text + " is not readable in /proc here: another host or namespace)";
    return 0;
  }
  return static_cast<pid_t>(pid);
}

}  // namespace

Result<fixtures::Client> Target::AdminClient() const {
  return fixtures::Client::Connect(server_endpoint);
}

Status Target::CheckAlive() const {
  if (!server) return {};
  return server->CheckAlive();
}

bool Target::WaitExit(std::chrono::milliseconds timeout) const {
  return server && server->WaitExit(timeout).has_value();
}

Result<fixtures::ProcStats> Target::Stats() const {
  if (local_pid <= 0) return Error{"server CPU and memory: " + server_stats_na};
  return fixtures::ReadProcStats(local_pid);
}

std::string Target::Unsupported(CaseKind kind) const {
  if (kind == CaseKind::kEvalsha && lock_release_sha.empty()) {
    return name + " cannot load the lock release script (" + script_error + ")";
  }
  if (kind == CaseKind::kLock && !has_delifeq && lock_release_sha.empty()) {
    return name + " has neither DELIFEQ nor the lock release script (" + script_error + ")";
  }
  for (std::string_view command : CollectionCommands(kind)) {
    if (std::find(unknown_commands.begin(), unknown_commands.end(), command) !=
        unknown_commands.end()) {
      return name + " does not know " + std::string(command) + " (COMMAND INFO " +
             std::string(command) + " answers nil)";
    }
  }
  return "";
}

std::string Target::Describe() const {
  const std::string ver = kv_version.empty() ? version : kv_version;
  if (server) {
    return server->name() + " " + ver + " pid=" + std::to_string(server->pid()) +
           " port=" + std::to_string(server_endpoint.port) + " (started by kv_bench)";
  }
  return server_endpoint.ToString() + " version " + ver + " (already running" +
         (local_pid > 0 ? ", local pid=" + std::to_string(local_pid)
                        : "; server_cpu: " + server_stats_na) +
         ")";
}

Result<std::unique_ptr<Target>> StartTarget(const TargetSpec& spec, const std::string& binary,
                                            const BenchConfig& config, const std::string& log_dir) {
  auto target = std::make_unique<Target>();
  target->name = spec.name;
  target->spec = spec;
  if (spec.source == TargetSource::kExternal) {
    target->server_endpoint = fixtures::Endpoint{spec.host, spec.port};
    if (Status s = CheckExternal(spec, target->server_endpoint); !s.ok()) return Error{s.error()};
  } else {
    fixtures::ServerOptions options;
    options.kind = spec.source == TargetSource::kBuiltinKv      ? fixtures::ServerKind::kKvServer
                   : spec.source == TargetSource::kBuiltinRedis ? fixtures::ServerKind::kRedis
                                                                : fixtures::ServerKind::kCommand;
    options.binary = binary;
    options.command = spec.command;
    options.log_path = log_dir + "/kv_bench-" + spec.name + "-server.log";
    Result<std::unique_ptr<fixtures::ServerProcess>> server =
        fixtures::ServerProcess::Start(options);
    if (!server.ok()) return Error{server.error()};
    target->server = std::move(*server);
    target->server_endpoint = target->server->endpoint();
    target->local_pid = target->server->pid();
  }
  target->client_endpoint = target->server_endpoint;
  if (config.rtt_us > 0) {
    Result<std::unique_ptr<fixtures::DelayProxy>> proxy = fixtures::DelayProxy::Start(
        target->server_endpoint,
        std::chrono::nanoseconds(std::chrono::microseconds(config.rtt_us)) / 2);
    if (!proxy.ok()) return Error{proxy.error()};
    target->proxy = std::move(*proxy);
    target->client_endpoint = target->proxy->endpoint();
  }
  Result<fixtures::Client> admin = target->AdminClient();
  if (!admin.ok()) return Error{admin.error()};
  Result<fixtures::Reply> info = fixtures::ExpectNoError(admin->Call({"INFO", "server"}));
  if (!info.ok()) return Error{spec.name + ": INFO server: " + info.error()};
  target->version = fixtures::InfoField(info->str, "redis_version");
  target->kv_version = fixtures::InfoField(info->str, "kv_version");
  if (!target->server) target->local_pid = LocalPid(spec, info->str, target->server_stats_na);
  // Capabilities by probe, not by name: a third server may have DELIFEQ too, or no scripting.
  Result<fixtures::Reply> delifeq = admin->Call({"COMMAND", "INFO", "DELIFEQ"});
  target->has_delifeq = delifeq.ok() && delifeq->type == fixtures::Reply::Type::kArray &&
                        delifeq->elements.size() == 1 &&
                        delifeq->elements[0].type == fixtures::Reply::Type::kArray;
  // The collection cases' commands, all in one COMMAND INFO (a nil element: unknown).
  std::vector<std::string_view> probe = {"COMMAND", "INFO"};
  for (CaseKind kind : kCollectionCases) {
    for (std::string_view command : CollectionCommands(kind)) {
      if (std::find(probe.begin() + 2, probe.end(), command) == probe.end())
        probe.push_back(command);
    }
  }
  Result<fixtures::Reply> known = admin->Call(probe);
  for (size_t i = 2; i < probe.size(); ++i) {
    const bool found = known.ok() && known->type == fixtures::Reply::Type::kArray &&
                       known->elements.size() == probe.size() - 2 &&
                       known->elements[i - 2].type == fixtures::Reply::Type::kArray;
    if (!found) target->unknown_commands.emplace_back(probe[i]);
  }
  Result<fixtures::Reply> sha =
      fixtures::ExpectNoError(admin->Call({"SCRIPT", "LOAD", kLockReleaseScript}));
  if (sha.ok()) {
    target->lock_release_sha = sha->str;
  } else {
    // EVALSHA (and LOCK without DELIFEQ) are skipped; redis-server's message quotes the whole
    // script after ", with args beginning with:", which says nothing more.
    std::string why = sha.error();
    if (size_t args = why.find(", with args"); args != std::string::npos) why.resize(args);
    target->script_error = "SCRIPT LOAD: " + why;
  }
  return target;
}

Status MeasureBytesPerKey(Target& target, const std::vector<int>& value_sizes, int64_t keys) {
  Result<fixtures::Client> admin = target.AdminClient();
  if (!admin.ok()) return Error{admin.error()};
  if (Result<fixtures::Reply> r = fixtures::ExpectNoError(admin->Call({"FLUSHALL"})); !r.ok()) {
    return Error{"FLUSHALL: " + r.error()};
  }
  std::vector<int> sizes = value_sizes;
  std::sort(sizes.begin(), sizes.end());
  int64_t first_key = 0;
  for (int size : sizes) {
    auto used_memory = [&]() -> int64_t {
      Result<fixtures::Reply> info = admin->Call({"INFO", "memory"});
      return info.ok() ? std::atoll(fixtures::InfoField(info->str, "used_memory").c_str()) : 0;
    };
    Result<fixtures::ProcStats> before = target.Stats();
    const int64_t used_before = used_memory();
    // Keys first_key .. first_key + keys - 1: distinct from the earlier sizes' keys.
    const std::string value = workload::MakeValue(static_cast<size_t>(size));
    if (Status s = fixtures::WriteKeys(*admin, first_key, keys, value); !s.ok()) {
      return Error{"MSET: " + s.error()};
    }
    Result<fixtures::ProcStats> after = target.Stats();
    if (target.local_pid > 0 && (!before.ok() || !after.ok())) {
      return Error{"cannot read the server's RSS"};
    }
    if (before.ok() && after.ok()) {
      target.bytes_per_key[size] =
          static_cast<double>(after->rss_bytes - before->rss_bytes) / static_cast<double>(keys);
    }
    target.used_memory_per_key[size] =
        static_cast<double>(used_memory() - used_before) / static_cast<double>(keys);
    first_key += keys;
  }
  if (Result<fixtures::Reply> r = fixtures::ExpectNoError(admin->Call({"FLUSHALL"})); !r.ok()) {
    return Error{"FLUSHALL: " + r.error()};
  }
  return {};
}

}  // namespace kv::bench
