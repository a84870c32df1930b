// kv-load's configuration: every redis-benchmark flag kv-load understands, plus its own extensions.
// Parsed once in main (cli.h) and passed down; nothing here is global.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tools/load/slo_objective.h"
#include "workload/distribution.h"

namespace kv::load {

// --tls and its companions (redis-benchmark's names).
struct TlsOptions {
  bool enabled = false;   // --tls, or a rediss:// URI
  std::string cacert;     // --cacert <file>
  std::string cacertdir;  // --cacertdir <dir>
  std::string cert;       // --cert <file>: client certificate
  std::string key;        // --key <file>: its private key
  std::string sni;        // --sni <host>
  bool insecure = false;  // --insecure: no certificate verification
};

struct Options {
  // --- redis-benchmark compatible (same defaults) ---
  std::string host = "127.0.0.1";       // -h
  int port = 6379;                      // -p
  std::string socket_path;              // -s: overrides host and port when non-empty
  std::optional<std::string> password;  // -a
  std::optional<std::string> user;      // --user (needs -a)
  int clients = 50;                     // -c
  int64_t requests = 100000;            // -n
  bool requests_given = false;
  int data_size = 3;               // -d, clamped to [1, 1 GiB] as redis-benchmark does
  int pipeline = 1;                // -P, values <= 0 become 1
  std::vector<std::string> tests;  // -t, lower-cased; empty: the default suite
  bool random_keys = false;        // -r given
  int64_t keyspace = 0;            // -r value (negative becomes 0)
  int keepalive = 1;               // -k: 1 keep alive, 0 reconnect after every reply batch
  int threads = 0;                 // --threads: 0 = not given (one event-loop thread)
  int dbnum = 0;                   // --dbnum
  bool dbnum_given = false;
  bool quiet = false;                // -q
  bool csv = false;                  // --csv
  bool loop = false;                 // -l
  bool idle = false;                 // -I
  bool stdin_arg = false;            // -x: last argument of the command read from stdin
  int precision = 3;                 // --precision (accepted; see cli.cc)
  std::optional<uint64_t> seed;      // --seed
  bool help = false;                 // --help
  bool version = false;              // --version
  std::vector<std::string> command;  // arbitrary command after the options
  std::string uri;                   // -u as given (host, port, user, password, db applied)
  TlsOptions tls;                    // --tls, --cacert, ... (rediss:// sets enabled)
  bool resp3 = false;                // -3: HELLO 3 on every connection
  bool cluster = false;              // --cluster

  // --- kv-load extensions ---
  double rps = 0;         // --rps: open-loop target rate (0 = closed loop)
  double duration_s = 0;  // --duration: run for a time instead of -n
  double warmup_s = 0;    // --warmup: open loop: seconds sent but not recorded
  bool warmup_given = false;
  double tick_us = 0;     // --tick: open loop: requests arrive on a grid of this many us (0: even)
  workload::DistributionSpec distribution;  // --distribution (zipf: theta 0.99 by default)
  bool distribution_given = false;
  int ratio_get = 0;  // --ratio GET:SET; both 0 when not given
  int ratio_set = 0;
  std::string json_path;   // --json FILE ("-" = stdout)
  bool reconnect = false;  // --reconnect: reopen lost connections
  int progress = -1;       // --progress / --no-progress; -1 = only on a terminal

  // --- saturation search (--slo, see slo_search.h) ---
  std::vector<SloObjective> slo;  // --slo: empty = no search
  double slo_tolerance = 0.05;    // --slo-tolerance: (broken - met) / met at the end
  double slo_max_time_s = 120;    // --slo-max-time: the budget of each test's search
  double slo_step_s = 2;          // --slo-step: a step's minimum measured duration
  double slo_start_rps = 1000;    // --slo-start: the first step's rate
  double slo_max_rate = 0;        // --slo-max-rate: never offer more (0: no cap)
  bool slo_confirm = true;        // --slo-no-confirm: a single broken step counts

  // Non-fatal remarks produced while parsing (printed by main on stderr).
  std::vector<std::string> warnings;

  bool open_loop() const { return rps > 0; }
  bool searching() const { return !slo.empty(); }
  bool has_ratio() const { return ratio_get + ratio_set > 0; }
  int effective_threads() const { return threads > 0 ? threads : 1; }
};

}  // namespace kv::load
