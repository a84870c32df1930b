// Server: kv-server's network side as one object. Owns the command processor, the event loops
// (one per --threads) and their threads, the listeners and the signal fd; implements
// ServerControl for the commands.
#pragma once

#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "base/result.h"
#include "server/api/server_control.h"
#include "server/config/config.h"
#include "server/config/logging.h"
#include "server/engine/command_processor.h"
#include "server/net/connection_loop.h"

namespace kv::server {

class Server final : public ServerControl {
 public:
  // config and logger must outlive the server. Blocks SIGTERM and SIGINT in the calling thread
  // (and so in every loop thread) so that only the signal fd sees them.
  Server(Config* config, Logger* logger);
  ~Server() override;
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Opens the listeners and the loops. After success, port() is the bound port.
  Status Start();
  int port() const { return port_; }
  // Runs loop 0 on the calling thread and the others on their own threads; returns once a
  // shutdown (signal or SHUTDOWN) has drained every loop.
  Status Run();

  // ServerControl (called with the server lock held).
  ServerInfo Info() const override;
  void ForEachSession(const std::function<void(const Session&)>& fn) const override;
  bool KillClient(uint64_t id) override;
  void RequestShutdown() override;
  bool Deliver(uint64_t id, std::string_view bytes) override;
  bool Unblock(uint64_t id, std::string_view reply) override;
  void Log(int level, std::string_view message) override;
  bool ServeBusy(BusyResponder& responder) override;
  void EndBusy() override;

 private:
  class SignalHandler;

  Config* config_;
  Logger* logger_;
  NetShared shared_;
  std::unique_ptr<CommandProcessor> processor_;
  std::vector<std::unique_ptr<ConnectionLoop>> loops_;
  std::unique_ptr<SignalHandler> signals_;
  int port_ = 0;
  int64_t start_time_ms_ = 0;
};

// Raises the soft RLIMIT_NOFILE to the hard limit and caps config->maxclients at the limit minus
// 32 reserved descriptors (Redis's rule). Returns a warning to log, or an empty string.
std::string AdjustOpenFilesLimit(Config* config);

}  // namespace kv::server
