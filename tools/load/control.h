// The control connection: a blocking connection (plain or TLS) for the few requests kv-load makes
// outside the measured run (CONFIG GET, CLUSTER SHARDS), with a timeout on every wait.
#pragma once

#include <string_view>
#include <vector>

#include "base/result.h"
#include "resp/reply_reader.h"
#include "tools/load/net.h"
#include "tools/load/transport.h"

namespace kv::load {

// Connects to endpoint and completes the TLS handshake when tls is not null.
Result<Transport> ConnectControl(const Endpoint& endpoint, const TlsContext* tls, int timeout_ms);

// Sends requests (RESP bytes) and reads `replies` replies. Error replies are returned as replies;
// an Error is a timeout, a lost connection or a malformed stream.
Result<std::vector<resp::Reply>> Exchange(Transport& t, std::string_view requests, size_t replies,
                                          int timeout_ms);

}  // namespace kv::load
