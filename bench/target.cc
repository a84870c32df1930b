// Starting a Target: server, optional proxy, version, lock script, memory per key.
#include "bench/target.h"

#include <algorithm>

#include "fixtures/populate.h"
#include "workload/keys.h"

namespace kv::bench {

Result<fixtures::Client> Target::AdminClient() const {
  return fixtures::Client::Connect(server->endpoint());
}

Result<std::unique_ptr<Target>> StartTarget(const std::string& name, const std::string& binary,
                                            const BenchConfig& config, const std::string& log_dir) {
  auto target = std::make_unique<Target>();
  target->name = name;
  fixtures::ServerOptions options;
  options.kind = name == "kv" ? fixtures::ServerKind::kKvServer : fixtures::ServerKind::kRedis;
  options.binary = binary;
  options.log_path = log_dir + "/kv_bench-" + name + "-server.log";
  Result<std::unique_ptr<fixtures::ServerProcess>> server = fixtures::ServerProcess::Start(options);
  if (!server.ok()) return Error{server.error()};
  target->server = std::move(*server);
  target->client_endpoint = target->server->endpoint();
  if (config.rtt_us > 0) {
    Result<std::unique_ptr<fixtures::DelayProxy>> proxy = fixtures::DelayProxy::Start(
        target->server->endpoint(),
        std::chrono::nanoseconds(std::chrono::microseconds(config.rtt_us)) / 2);
    if (!proxy.ok()) return Error{proxy.error()};
    target->proxy = std::move(*proxy);
    target->client_endpoint = target->proxy->endpoint();
  }
  Result<fixtures::Client> admin = target->AdminClient();
  if (!admin.ok()) return Error{admin.error()};
  Result<fixtures::Reply> info = fixtures::ExpectNoError(admin->Call({"INFO", "server"}));
  if (!info.ok()) return Error{name + ": INFO server: " + info.error()};
  target->version = fixtures::InfoField(info->str, "redis_version");
  target->kv_version = fixtures::InfoField(info->str, "kv_version");
  Result<fixtures::Reply> sha =
      fixtures::ExpectNoError(admin->Call({"SCRIPT", "LOAD", kLockReleaseScript}));
  if (sha.ok()) {
    target->lock_release_sha = sha->str;
  } else if (!target->uses_delifeq()) {
    return Error{name + ": SCRIPT LOAD: " + sha.error()};
  } else {
    target->script_error = "SCRIPT LOAD: " + sha.error();  // only the EVALSHA case needs it
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
    Result<fixtures::ProcStats> before = target.server->Stats();
    const int64_t used_before = used_memory();
    // Keys first_key .. first_key + keys - 1: distinct from the earlier sizes' keys.
    const std::string value = workload::MakeValue(static_cast<size_t>(size));
    if (Status s = fixtures::WriteKeys(*admin, first_key, keys, value); !s.ok()) {
      return Error{"MSET: " + s.error()};
    }
    Result<fixtures::ProcStats> after = target.server->Stats();
    if (!before.ok() || !after.ok()) return Error{"cannot read the server's RSS"};
    target.bytes_per_key[size] =
        static_cast<double>(after->rss_bytes - before->rss_bytes) / static_cast<double>(keys);
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
