// The control connection: asks the server for what redis-benchmark's report header shows.
#pragma once

#include "base/result.h"
#include "tools/load/net.h"
#include "tools/load/options.h"
#include "tools/load/report.h"
#include "tools/load/transport.h"

namespace kv::load {

// CONFIG GET save and CONFIG GET appendonly (after the handshake: AUTH/HELLO/SELECT as
// configured), over TLS when tls is not null. An Error when the server is unreachable, refuses
// (e.g. no CONFIG command) or answers malformed; a timeout of a few seconds bounds the wait.
Result<ServerConfig> FetchServerConfig(const Options& options, const Endpoint& endpoint,
                                       const TlsContext* tls);

}  // namespace kv::load
