// Command-line parsing for kv-load (see cli.h). redis-benchmark parses numbers with atoi(); kv-load
// rejects malformed numbers instead, but keeps redis-benchmark's clamping of in-range values.
#include "tools/load/cli.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "base/ascii.h"
#include "base/numbers.h"
#include "tools/load/uri.h"

namespace kv::load {
namespace {

constexpr int kMaxThreads = 500;  // redis-benchmark's MAX_THREADS
constexpr int kMaxDataSize = 1024 * 1024 * 1024;

Error InvalidOption(std::string_view arg) {
  return Error{"Invalid option \"" + std::string(arg) + "\" or option argument missing"};
}

Error NotANumber(std::string_view flag, std::string_view text) {
  return Error{std::string(flag) + ": '" + std::string(text) + "' is not a number"};
}

Result<int64_t> ParseInt(std::string_view flag, std::string_view text) {
  std::optional<int64_t> value = ParseNumber<int64_t>(text);
  if (!value) return NotANumber(flag, text);
  return *value;
}

Result<int> ParseInt32(std::string_view flag, std::string_view text) {
  Result<int64_t> v = ParseInt(flag, text);
  if (!v.ok()) return Error{v.error()};
  if (*v < std::numeric_limits<int>::min() || *v > std::numeric_limits<int>::max()) {
    return Error{std::string(flag) + ": '" + std::string(text) + "' is out of range"};
  }
  return static_cast<int>(*v);
}

Result<double> ParseDouble(std::string_view flag, std::string_view text) {
  std::optional<double> value = ParseNumber<double>(text);
  if (!value || !std::isfinite(*value)) return NotANumber(flag, text);
  return *value;
}

// "--distribution uniform|sequential|zipf:<theta>" (workload/distribution.h).
Status ParseDistribution(std::string_view text, Options* o) {
  Result<workload::DistributionSpec> spec = workload::ParseDistribution("--distribution", text);
  if (!spec.ok()) return Error{spec.error()};
  o->distribution = *spec;
  o->distribution_given = true;
  return {};
}

// "--ratio G:S" with non-negative integers, not both zero.
Status ParseRatio(std::string_view text, Options* o) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return Error{"--ratio: '" + std::string(text) + "' is not GET:SET (e.g. 9:1)"};
  }
  Result<int> get = ParseInt32("--ratio", text.substr(0, colon));
  Result<int> set = ParseInt32("--ratio", text.substr(colon + 1));
  if (!get.ok()) return Error{get.error()};
  if (!set.ok()) return Error{set.error()};
  if (*get < 0 || *set < 0 || *get + *set == 0 || *get > 1000000 || *set > 1000000) {
    return Error{"--ratio: '" + std::string(text) +
                 "' needs non-negative parts, not both zero, each at most 1000000"};
  }
  o->ratio_get = *get;
  o->ratio_set = *set;
  return {};
}

// --slo and its companions; the combinations a search cannot honour are refused.
Status ValidateSearch(Options* o, const std::vector<std::string>& slo_flags) {
  if (!o->searching()) {
    if (!slo_flags.empty()) return Error{slo_flags.front() + " needs --slo"};
    return {};
  }
  auto refuse = [](std::string_view flag, std::string_view why) {
    return Error{"--slo cannot be combined with " + std::string(flag) + " (" + std::string(why) +
                 ")"};
  };
  if (o->open_loop()) return refuse("--rps", "the search chooses the rates");
  if (o->requests_given) return refuse("-n", "each step's length comes from --slo-step");
  if (o->duration_s > 0) return refuse("--duration", "use --slo-step");
  if (o->idle) return refuse("-I", "an idle run measures nothing");
  if (o->loop) return refuse("-l", "a search ends by itself");
  if (o->csv) return refuse("--csv", "use --json");
  if (o->cluster) return refuse("--cluster", "open loop does not support it yet");
  if (o->slo_max_rate > 0 && o->slo_max_rate < o->slo_start_rps) {
    return Error{"--slo-max-rate must be at least --slo-start (" +
                 std::to_string(static_cast<int64_t>(o->slo_start_rps)) + ")"};
  }
  if (!o->warmup_given) o->warmup_s = 0.5;
  if (o->warmup_s + o->slo_step_s > o->slo_max_time_s) {
    return Error{"--slo-max-time must leave room for one step (--warmup + --slo-step)"};
  }
  return {};
}

// "--slo-x <v>" with v a number in [lo, hi].
Result<double> ParseRange(std::string_view flag, std::string_view text, double lo, double hi,
                          std::string_view what) {
  Result<double> v = ParseDouble(flag, text);
  if (!v.ok()) return Error{v.error()};
  if (*v < lo || *v > hi) return Error{std::string(flag) + ": must be " + std::string(what)};
  return *v;
}

// Checks that need the whole command line.
Status Validate(Options* o) {
  if (o->user && !o->password) return Error{"--user needs -a <password>"};
  if (o->cluster && !o->socket_path.empty()) return Error{"--cluster cannot use -s (unix socket)"};
  if (o->cluster && o->open_loop()) return Error{"--cluster cannot be combined with --rps yet"};
  if (o->tls.enabled && !o->socket_path.empty()) return Error{"--tls cannot use -s (unix socket)"};
  if (o->tls.cert.empty() != o->tls.key.empty()) return Error{"--cert and --key go together"};
  if (o->clients < 1) return Error{"-c: the number of clients must be at least 1"};
  if (o->requests < 1) return Error{"-n: the number of requests must be at least 1"};
  if (o->distribution_given && !o->random_keys) {
    return Error{"--distribution needs -r <keyspacelen>"};
  }
  if (o->tick_us > 0 && !o->open_loop() && !o->searching()) {
    return Error{"--tick needs --rps or --slo"};
  }
  if (o->warmup_s > 0 && !o->open_loop() && !o->searching()) {
    return Error{"--warmup needs --rps or --slo"};
  }
  if (o->has_ratio() && !o->command.empty()) {
    return Error{"--ratio cannot be combined with a command"};
  }
  if (o->stdin_arg && o->command.empty()) return Error{"-x needs a command"};
  if (o->json_path == "-" && o->loop) return Error{"--json - cannot be combined with -l"};
  if (!o->command.empty() && !o->tests.empty()) {
    o->warnings.push_back("WARNING: Option -t is ignored.");
  } else if (o->has_ratio() && !o->tests.empty()) {
    o->warnings.push_back("WARNING: Option -t is ignored with --ratio.");
  }
  if (o->cluster && o->tests.empty() && o->command.empty() && !o->has_ratio()) {
    o->warnings.push_back(
        "WARNING: --cluster: the MSET test is skipped (its keys hash to different slots).");
  }
  if (o->open_loop() && o->duration_s <= 0) o->duration_s = 10;
  return {};
}

}  // namespace

Result<Options> ParseArgs(std::span<const std::string_view> args) {
  Options o;
  std::vector<std::string> slo_flags;  // --slo-* given (they need --slo)
  size_t i = 0;
  // Returns the argument of the flag at args[i] and advances, or nullptr when it is missing.
  auto next = [&]() -> const std::string_view* {
    if (i + 1 >= args.size()) return nullptr;
    return &args[++i];
  };
  for (; i < args.size(); ++i) {
    std::string_view a = args[i];
    const std::string_view* v = nullptr;
    auto need = [&]() -> bool { return (v = next()) != nullptr; };
    if (a == "-h") {
      if (!need()) return InvalidOption(a);
      o.host = std::string(*v);
    } else if (a == "-p") {
      if (!need()) return InvalidOption(a);
      Result<int> p = ParseInt32("-p", *v);
      if (!p.ok()) return Error{p.error()};
      if (*p < 0 || *p > 65535) return Error{"Invalid server port."};
      o.port = *p;
    } else if (a == "-s") {
      if (!need()) return InvalidOption(a);
      o.socket_path = std::string(*v);
    } else if (a == "-a") {
      if (!need()) return InvalidOption(a);
      o.password = std::string(*v);
    } else if (a == "--user") {
      if (!need()) return InvalidOption(a);
      o.user = std::string(*v);
    } else if (a == "-u") {
      if (!need()) return InvalidOption(a);
      Result<RedisUri> uri = ParseRedisUri(*v);
      if (!uri.ok()) return Error{uri.error()};
      o.uri = std::string(*v);
      if (!uri->host.empty()) o.host = uri->host;
      if (uri->port) o.port = *uri->port;
      if (uri->user) o.user = uri->user;
      if (uri->password) o.password = uri->password;
      if (uri->db) {
        o.dbnum = *uri->db;
        o.dbnum_given = true;
      }
      if (uri->tls) o.tls.enabled = true;
    } else if (a == "-3") {
      o.resp3 = true;
    } else if (a == "--cluster") {
      o.cluster = true;
    } else if (a == "--tls") {
      o.tls.enabled = true;
    } else if (a == "--insecure") {
      o.tls.insecure = true;
    } else if (a == "--sni" || a == "--cacert" || a == "--cacertdir" || a == "--cert" ||
               a == "--key") {
      if (!need()) return InvalidOption(a);
      if (v->empty()) return Error{std::string(a) + ": the argument is empty"};
      std::string& field = a == "--sni"         ? o.tls.sni
                           : a == "--cacert"    ? o.tls.cacert
                           : a == "--cacertdir" ? o.tls.cacertdir
                           : a == "--cert"      ? o.tls.cert
                                                : o.tls.key;
      field = std::string(*v);
    } else if (a == "-c") {
      if (!need()) return InvalidOption(a);
      Result<int> c = ParseInt32("-c", *v);
      if (!c.ok()) return Error{c.error()};
      o.clients = *c;
    } else if (a == "-n") {
      if (!need()) return InvalidOption(a);
      Result<int64_t> n = ParseInt("-n", *v);
      if (!n.ok()) return Error{n.error()};
      o.requests = *n;
      o.requests_given = true;
    } else if (a == "-d") {
      if (!need()) return InvalidOption(a);
      Result<int> d = ParseInt32("-d", *v);
      if (!d.ok()) return Error{d.error()};
      o.data_size = std::clamp(*d, 1, kMaxDataSize);
    } else if (a == "-P") {
      if (!need()) return InvalidOption(a);
      Result<int> p = ParseInt32("-P", *v);
      if (!p.ok()) return Error{p.error()};
      o.pipeline = *p <= 0 ? 1 : *p;
    } else if (a == "-t") {
      if (!need()) return InvalidOption(a);
      o.tests.clear();
      std::string list = ToLower(*v);
      size_t start = 0;
      while (start <= list.size()) {
        size_t comma = list.find(',', start);
        if (comma == std::string::npos) comma = list.size();
        if (comma > start) o.tests.push_back(list.substr(start, comma - start));
        start = comma + 1;
      }
    } else if (a == "-r") {
      if (!need()) return InvalidOption(a);
      Result<int64_t> r = ParseInt("-r", *v);
      if (!r.ok()) return Error{r.error()};
      o.random_keys = true;
      o.keyspace = std::max<int64_t>(*r, 0);
    } else if (a == "-k") {
      if (!need()) return InvalidOption(a);
      Result<int> k = ParseInt32("-k", *v);
      if (!k.ok()) return Error{k.error()};
      if (*k != 0 && *k != 1) return Error{"-k: expected 1 (keep alive) or 0 (reconnect)"};
      o.keepalive = *k;
    } else if (a == "--threads") {
      if (!need()) return InvalidOption(a);
      Result<int> t = ParseInt32("--threads", *v);
      if (!t.ok()) return Error{t.error()};
      o.threads = std::max(*t, 0);
      if (o.threads > kMaxThreads) {
        o.warnings.push_back("WARNING: Too many threads, limiting threads to " +
                             std::to_string(kMaxThreads) + ".");
        o.threads = kMaxThreads;
      }
    } else if (a == "--dbnum") {
      if (!need()) return InvalidOption(a);
      Result<int> d = ParseInt32("--dbnum", *v);
      if (!d.ok()) return Error{d.error()};
      o.dbnum = *d;
      o.dbnum_given = true;
    } else if (a == "-q") {
      o.quiet = true;
    } else if (a == "--csv") {
      o.csv = true;
    } else if (a == "-l") {
      o.loop = true;
    } else if (a == "-I") {
      o.idle = true;
    } else if (a == "-x") {
      o.stdin_arg = true;
    } else if (a == "--precision") {
      if (!need()) return InvalidOption(a);
      Result<int> p = ParseInt32("--precision", *v);
      if (!p.ok()) return Error{p.error()};
      // redis-benchmark: HdrHistogram significant figures, < 0 -> 3, > 4 -> 4. kv-load's
      // histogram always keeps 3 significant digits at nanosecond resolution.
      o.precision = *p < 0 ? 3 : std::min(*p, 4);
    } else if (a == "--seed") {
      if (!need()) return InvalidOption(a);
      Result<int64_t> s = ParseInt("--seed", *v);
      if (!s.ok()) return Error{s.error()};
      o.seed = static_cast<uint64_t>(*s);
    } else if (a == "--help") {
      o.help = true;
      return o;
    } else if (a == "--version") {
      o.version = true;
      return o;
    } else if (a == "--rps") {
      if (!need()) return InvalidOption(a);
      Result<double> r = ParseDouble("--rps", *v);
      if (!r.ok()) return Error{r.error()};
      if (*r <= 0 || *r > 1e9) return Error{"--rps: must be in (0, 1e9]"};
      o.rps = *r;
    } else if (a == "--duration") {
      if (!need()) return InvalidOption(a);
      Result<double> d = ParseDouble("--duration", *v);
      if (!d.ok()) return Error{d.error()};
      if (*d <= 0 || *d > 86400) return Error{"--duration: must be in (0, 86400] seconds"};
      o.duration_s = *d;
    } else if (a == "--warmup") {
      if (!need()) return InvalidOption(a);
      Result<double> w = ParseDouble("--warmup", *v);
      if (!w.ok()) return Error{w.error()};
      if (*w < 0 || *w > 86400) return Error{"--warmup: must be in [0, 86400] seconds"};
      o.warmup_s = *w;
      o.warmup_given = true;
    } else if (a == "--tick") {
      if (!need()) return InvalidOption(a);
      Result<double> t = ParseDouble("--tick", *v);
      if (!t.ok()) return Error{t.error()};
      if (*t < 0 || *t > 1e6) return Error{"--tick: must be in [0, 1000000] microseconds"};
      o.tick_us = *t;
    } else if (a == "--distribution") {
      if (!need()) return InvalidOption(a);
      Status s = ParseDistribution(*v, &o);
      if (!s.ok()) return Error{s.error()};
    } else if (a == "--ratio") {
      if (!need()) return InvalidOption(a);
      Status s = ParseRatio(*v, &o);
      if (!s.ok()) return Error{s.error()};
    } else if (a == "--json") {
      if (!need()) return InvalidOption(a);
      if (v->empty()) return Error{"--json: the file name is empty"};
      o.json_path = std::string(*v);
    } else if (a == "--slo") {
      if (!need()) return InvalidOption(a);
      Result<std::vector<SloObjective>> slo = ParseSloObjectives(*v);
      if (!slo.ok()) return Error{slo.error()};
      o.slo = std::move(*slo);
    } else if (a == "--slo-tolerance" || a == "--slo-max-time" || a == "--slo-step" ||
               a == "--slo-start" || a == "--slo-max-rate") {
      if (!need()) return InvalidOption(a);
      slo_flags.emplace_back(a);
      Result<double> r =
          a == "--slo-tolerance"  ? ParseRange(a, *v, 0.001, 1, "in [0.001, 1] (e.g. 0.05 for 5 %)")
          : a == "--slo-max-time" ? ParseRange(a, *v, 1, 86400, "in [1, 86400] seconds")
          : a == "--slo-step"     ? ParseRange(a, *v, 0.1, 3600, "in [0.1, 3600] seconds")
                                  : ParseRange(a, *v, 1, 1e9, "in [1, 1e9] requests per second");
      if (!r.ok()) return Error{r.error()};
      double& field = a == "--slo-tolerance"  ? o.slo_tolerance
                      : a == "--slo-max-time" ? o.slo_max_time_s
                      : a == "--slo-step"     ? o.slo_step_s
                      : a == "--slo-start"    ? o.slo_start_rps
                                              : o.slo_max_rate;
      field = *r;
    } else if (a == "--slo-no-confirm") {
      slo_flags.emplace_back(a);
      o.slo_confirm = false;
    } else if (a == "--reconnect") {
      o.reconnect = true;
    } else if (a == "--progress") {
      o.progress = 1;
    } else if (a == "--no-progress") {
      o.progress = 0;
    } else {
      // As redis-benchmark: a dash means a mistyped option; anything else starts the command.
      if (a.starts_with("-")) return InvalidOption(a);
      break;
    }
  }
  for (; i < args.size(); ++i) o.command.emplace_back(args[i]);
  Status s = Validate(&o);
  if (!s.ok()) return Error{s.error()};
  s = ValidateSearch(&o, slo_flags);
  if (!s.ok()) return Error{s.error()};
  return o;
}

std::string HelpText() {
  return "Usage: kv-load [OPTIONS] [COMMAND ARGS...]\n"
         "\n"
         "A redis-benchmark compatible load generator: same flags, same output formats.\n"
         "\n"
         "Options (as redis-benchmark):\n"
         " -h <hostname>      Server hostname (default 127.0.0.1)\n"
         " -p <port>          Server port (default 6379)\n"
         " -s <socket>        Server socket (overrides host and port)\n"
         " -a <password>      Password for Redis Auth\n"
         " --user <username>  Used to send ACL style 'AUTH username pass'. Needs -a.\n"
         " -u <uri>           Server URI: redis://[[user]:password@]host[:port][/db];\n"
         "                    rediss:// for TLS. Later options override its parts.\n"
         " -c <clients>       Number of parallel connections (default 50)\n"
         " -n <requests>      Total number of requests (default 100000)\n"
         " -d <size>          Data size of SET/GET value in bytes (default 3)\n"
         " --dbnum <db>       SELECT the specified db number (default 0)\n"
         " -3                 Start session in RESP3 protocol mode (HELLO 3).\n"
         " --threads <num>    Enable multi-thread mode: each thread runs its own event loop\n"
         "                    over its share of the connections.\n"
         " --cluster          Enable cluster mode: the topology comes from CLUSTER SHARDS\n"
         "                    (CLUSTER SLOTS on older servers); every client connects to\n"
         "                    every master and sends each request to the master of its\n"
         "                    key's slot (the first argument after the command name).\n"
         "                    MOVED and ASK are followed and counted.\n"
         " -k <boolean>       1=keep alive 0=reconnect (default 1)\n"
         " -r <keyspacelen>   Use random keys for SET/GET/INCR, random values for SADD,\n"
         "                    random members and scores for ZADD.\n"
         "                    Using this option the benchmark will expand the string\n"
         "                    __rand_int__ inside an argument with a 12 digits number in\n"
         "                    the specified range from 0 to keyspacelen-1. The\n"
         "                    substitution changes every time a command is executed.\n"
         "                    Note: If -r is omitted, all commands in a benchmark will\n"
         "                    use the same key.\n"
         " -P <numreq>        Pipeline <numreq> requests. Default 1 (no pipeline).\n"
         " -q                 Quiet. Just show query/sec values\n"
         " --precision        Accepted for compatibility; latencies always keep 3\n"
         "                    significant digits at nanosecond resolution.\n"
         " --csv              Output in CSV format\n"
         " -l                 Loop. Run the tests forever\n"
         " -t <tests>         Only run the comma separated list of tests. The test\n"
         "                    names are the same as the ones produced as output:\n"
         "                    ping_inline, ping_mbulk (ping: both), set, get, incr,\n"
         "                    lpush, rpush, lpop, rpop, sadd, hset, spop, zadd,\n"
         "                    zpopmin, lrange (lrange_100/300/500/600), mset, mget.\n"
         "                    The -t option is ignored if a specific command is supplied\n"
         "                    on the command line.\n"
         " -I                 Idle mode. Just open N idle connections and wait.\n"
         " -x                 Read last argument from STDIN.\n"
         " --tls              Establish a secure TLS connection.\n"
         " --sni <host>       Server name indication for TLS.\n"
         " --cacert <file>    CA Certificate file to verify with.\n"
         " --cacertdir <dir>  Directory where trusted CA certificates are stored.\n"
         "                    If neither cacert nor cacertdir are specified, the default\n"
         "                    system-wide trusted root certs configuration will apply.\n"
         " --insecure         Allow insecure TLS connection by skipping cert validation.\n"
         " --cert <file>      Client certificate to authenticate with.\n"
         " --key <file>       Private key file to authenticate with.\n"
         " --seed <num>       Set the seed for random number generator. Default seed is based "
         "on time.\n"
         " --help             Output this help and exit.\n"
         " --version          Output version and exit.\n"
         "\n"
         "kv-load extensions:\n"
         " --rps <rate>       Open loop: send <rate> requests per second in total on a fixed\n"
         "                    schedule; latency is measured from when each request was due\n"
         "                    (corrected for coordinated omission) and from when it was sent.\n"
         " --duration <sec>   Run each test for this long instead of -n requests\n"
         "                    (default 10 with --rps).\n"
         " --warmup <sec>     With --rps or --slo: send for this long first without recording.\n"
         " --tick <usec>      With --rps or --slo: requests arrive in bursts, every <usec>\n"
         "                    microseconds those whose even schedule fell in the tick (default\n"
         "                    0: each at its own time). The client then wakes once a tick, not\n"
         "                    once a request; latency is still measured from each arrival.\n"
         " --distribution <d> Key distribution for __rand_int__ (needs -r): uniform (default),\n"
         "                    zipf:<theta> (e.g. zipf:0.99) or sequential.\n"
         " --ratio <G:S>      Run one mixed GET/SET test with this GET:SET ratio (e.g. 9:1).\n"
         " --json <file>      Also write the results as JSON (schema kv-load/2; '-': stdout\n"
         "                    instead of the text report).\n"
         " --reconnect        Reopen lost connections (they are always counted and reported).\n"
         " --progress         Show the progress line even when stdout is not a terminal;\n"
         " --no-progress      never show it. Default: only on a terminal, never with --csv.\n"
         "\n"
         "Saturation search (the highest rate within a latency objective):\n"
         " --slo <objectives> Search for the highest offered rate at which every objective\n"
         "                    holds, on corrected latency: 'p99<=1ms', several separated by\n"
         "                    commas ('p50<=0.3ms,p99.9<=5ms'); percentiles above 0 up to\n"
         "                    p99.99; units us, ms, s; '<' is strict. Open-loop steps:\n"
         "                    raise x2 until a step breaks (an objective, achieved rate 5 %\n"
         "                    short, errors), bisect, re-check the answer once.\n"
         "                    Not with --rps, -n, --duration, -I, -l, --csv, --cluster.\n"
         " --slo-tolerance <f> Stop bisecting at (broken - met) / met <= f (default 0.05).\n"
         " --slo-max-time <s> Time budget of each test's search (default 120); when it runs\n"
         "                    out the answer is reported as a lower bound.\n"
         " --slo-step <s>     Minimum measured seconds per step (default 2); a step lasts\n"
         "                    longer when the percentile needs it (50 samples beyond it).\n"
         " --slo-start <rps>  The first step's rate (default 1000).\n"
         " --slo-max-rate <rps> Never offer more; reaching it gives a lower bound.\n"
         " --slo-no-confirm   Count a step as broken at once (default: a step that broke on\n"
         "                    an objective or a shortfall is measured again, and the rate\n"
         "                    counts as broken only if that breaks too).\n"
         "                    --warmup sets each step's warm-up (default 0.5 with --slo).\n"
         "                    Exit status: 0 found (also a lower bound), 2 no rate met the\n"
         "                    objectives, 3 the server failed during the search.\n"
         "\n"
         "Examples:\n"
         "\n"
         " Run the benchmark with the default configuration against 127.0.0.1:6379:\n"
         "   $ kv-load\n"
         "\n"
         " Benchmark a few commands producing CSV output:\n"
         "   $ kv-load -t ping,set,get -n 100000 --csv\n"
         "\n"
         " Benchmark a specific command line (__data__ expands to -d bytes):\n"
         "   $ kv-load -r 10000 -n 10000 SET k:__rand_int__ __data__\n"
         "\n"
         " Open loop at 20000 requests per second for 10 seconds after a 2 second warmup:\n"
         "   $ kv-load -t get -r 100000 --rps 20000 --duration 10 --warmup 2\n"
         "\n"
         " The highest GET rate whose p99 stays within 1 ms, as JSON too:\n"
         "   $ kv-load -t get -r 100000 --slo 'p99<=1ms' --json search.json\n";
}

}  // namespace kv::load
