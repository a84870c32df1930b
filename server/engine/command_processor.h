// The command side of kv-server: the command table, the keyspace and the statistics. Knows nothing
// of sockets: the network layer sees it only as a Dispatcher (server/api/dispatcher.h), hands it
// parsed requests and gets reply bytes back.
//
// Threading: one CommandProcessor per server; every method requires the server lock (see
// dispatcher.h).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "server/api/dispatcher.h"
#include "server/api/server_control.h"
#include "server/api/session.h"
#include "server/config/config.h"
#include "server/engine/command_table.h"

namespace kv::server {

class Store;
struct CommandStats;

class CommandProcessor final : public Dispatcher {
 public:
  // config and control must outlive the processor; config may be changed by CONFIG SET.
  // register_commands fills the command table (server/commands: RegisterAllCommands).
  CommandProcessor(Config* config, ServerControl* control, CommandRegistrar register_commands);
  ~CommandProcessor() override;
  CommandProcessor(const CommandProcessor&) = delete;
  CommandProcessor& operator=(const CommandProcessor&) = delete;

  // Dispatcher (server/api/dispatcher.h).
  void SetTime(int64_t now_ms) override;
  void Execute(Session& session, std::span<const std::string_view> args, std::string* out) override;
  // Drops the session's MULTI queue, WATCHed keys, subscriptions and MONITOR (they point at it).
  void OnClose(Session& session) override;
  // Prefetches the keys of at most kPrefetchRequests requests within the first kPrefetchWindow
  // bytes of pending, in session's database.
  size_t Prefetch(const Session& session, std::string_view pending) override;
  static constexpr size_t kPrefetchRequests = 16;
  static constexpr size_t kPrefetchWindow = 2048;
  // Active expiry: deletes expired keys for at most budget_us microseconds.
  bool ActiveExpireCycle(int64_t budget_us) override;
  bool LazyFreeStep(int64_t budget_us) override;

  // For the network layer: total keys and used memory (the figure maxmemory is checked against).
  uint64_t TotalKeys() const;
  uint64_t UsedMemory() const;

  Store& store();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kv::server
