// JSON reporter for kv-load (see json_report.h).
#include "tools/load/json_report.h"

#include <algorithm>
#include <cmath>

#include "tools/load/cli.h"

namespace kv::load {
namespace {

double Finite(double v) { return std::isfinite(v) ? v : 0.0; }
double Ms(int64_t ns) { return static_cast<double>(ns) / 1e6; }

}  // namespace

nlohmann::json PerSecondJson(const TestResult& r) {
  const double interval_s = static_cast<double>(r.per_second.interval_ns()) / 1e9;
  const size_t n =
      std::max(r.per_second.size(),
               static_cast<size_t>(std::ceil(Finite(r.duration_s) / interval_s - 1e-9)));
  nlohmann::json t = nlohmann::json::array(), length = nlohmann::json::array(),
                 requests = nlohmann::json::array(), rps = nlohmann::json::array();
  nlohmann::json avg = nlohmann::json::array(), p50 = nlohmann::json::array(),
                 p90 = nlohmann::json::array(), p99 = nlohmann::json::array(),
                 max = nlohmann::json::array();
  const std::vector<stats::IntervalStats> stats = r.per_second.Stats(n);
  for (size_t i = 0; i < n; ++i) {
    const double start = static_cast<double>(i) * interval_s;
    // The last interval is what remains of the run (at least 1 ms, so that its rate is finite).
    const double len = std::clamp(Finite(r.duration_s) - start, 1e-3, interval_s);
    const stats::IntervalStats& s = stats[i];
    t.push_back(start);
    length.push_back(len);
    requests.push_back(s.count);
    rps.push_back(static_cast<double>(s.count) / len);
    avg.push_back(Finite(s.mean / 1e6));
    p50.push_back(Ms(s.p50));
    p90.push_back(Ms(s.p90));
    p99.push_back(Ms(s.p99));
    max.push_back(Ms(s.max));
  }
  return {{"interval_s", interval_s},
          {"latency", r.open_loop ? "corrected" : "uncorrected"},
          {"t_s", t},
          {"duration_s", length},
          {"requests", requests},
          {"rps", rps},
          {"latency_ms", {{"avg", avg}, {"p50", p50}, {"p90", p90}, {"p99", p99}, {"max", max}}}};
}

nlohmann::json LatencyJson(const stats::Histogram& h) {
  auto p = [&](double pct) { return Ms(h.ValueAtPercentile(pct)); };
  return {{"avg", Finite(h.mean() / 1e6)},
          {"min", Ms(h.min())},
          {"p50", p(50)},
          {"p90", p(90)},
          {"p95", p(95)},
          {"p99", p(99)},
          {"p99_9", p(99.9)},
          {"p99_99", p(99.99)},
          {"max", Ms(h.max())}};
}

namespace {

// --cluster: per-master throughput and the redirections followed; null otherwise.
nlohmann::json ClusterJson(const TestResult& r) {
  if (r.nodes.empty()) return nullptr;
  nlohmann::json nodes = nlohmann::json::array();
  for (const NodeStat& n : r.nodes) {
    nodes.push_back({{"node", n.name}, {"requests", n.requests_ok}, {"rps", Finite(n.rps)}});
  }
  return {{"nodes", nodes},
          {"moved", r.moved},
          {"ask", r.ask},
          {"topology_refreshes", r.topology_refreshes}};
}

}  // namespace

nlohmann::json WindowJson(int64_t start_unix_us, int64_t end_unix_us) {
  return {{"start_unix_s", static_cast<double>(start_unix_us) / 1e6},
          {"end_unix_s", static_cast<double>(end_unix_us) / 1e6}};
}

nlohmann::json TestJson(const TestResult& r) {
  nlohmann::json errors = nlohmann::json::array();
  for (const ErrorStat& e : r.errors.items()) {
    errors.push_back({{"type", e.type}, {"count", e.count}, {"first_message", e.first_message}});
  }
  nlohmann::json busy = nlohmann::json::array();
  double busiest = 0;
  for (double b : r.thread_busy) {
    busy.push_back(Finite(b));
    busiest = std::max(busiest, Finite(b));
  }
  nlohmann::json t = {
      {"title", r.title},
      {"mode", r.open_loop ? "open" : "closed"},
      {"requests", r.requests_ok},
      {"errors", r.errors.total()},
      {"error_types", errors},
      {"lost_connections", r.lost_connections},
      {"reconnects", r.reconnects},
      {"duration_s", Finite(r.duration_s)},
      {"rps", Finite(r.rps)},
      {"window", WindowJson(r.window_start_unix_us, r.window_end_unix_us)},
      {"target_rps", r.open_loop ? nlohmann::json(Finite(r.target_rps)) : nlohmann::json(nullptr)},
      {"latency_ms", LatencyJson(PrimaryHistogram(r))},
      {"uncorrected_latency_ms", LatencyJson(r.latency)},
      {"corrected_latency_ms", r.open_loop ? LatencyJson(r.corrected) : nlohmann::json(nullptr)},
      {"histogram", r.latency.ToJson()},
      {"corrected_histogram", r.open_loop ? r.corrected.ToJson() : nlohmann::json(nullptr)},
      {"per_second", PerSecondJson(r)},
      {"client",
       {{"threads", r.threads},
        {"cpu_s", Finite(r.client_cpu_s)},
        {"busy_fraction", busy},
        {"busiest_thread", busiest},
        {"client_bound", r.client_bound},
        {"note", r.client_bound ? nlohmann::json(std::string(kClientBoundNote))
                                : nlohmann::json(nullptr)}}},
      {"cluster", ClusterJson(r)},
  };
  return t;
}

nlohmann::json ConfigJson(const Options& o) {
  return {
      {"host", o.socket_path.empty() ? nlohmann::json(o.host) : nlohmann::json(nullptr)},
      {"port", o.socket_path.empty() ? nlohmann::json(o.port) : nlohmann::json(nullptr)},
      {"socket", o.socket_path.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.socket_path)},
      {"clients", o.clients},
      {"requests", o.requests},
      {"data_size", o.data_size},
      {"pipeline", o.pipeline},
      {"threads", o.effective_threads()},
      {"keepalive", o.keepalive},
      {"dbnum", o.dbnum},
      {"keyspace", o.random_keys ? nlohmann::json(o.keyspace) : nlohmann::json(nullptr)},
      {"distribution", workload::DistributionName(o.distribution.kind)},
      {"zipf_theta", o.distribution.kind == workload::Distribution::kZipf
                         ? nlohmann::json(o.distribution.zipf_theta)
                         : nlohmann::json(nullptr)},
      {"ratio", o.has_ratio() ? nlohmann::json({{"get", o.ratio_get}, {"set", o.ratio_set}})
                              : nlohmann::json(nullptr)},
      {"rps", o.open_loop() ? nlohmann::json(o.rps) : nlohmann::json(nullptr)},
      {"duration_s", o.duration_s > 0 ? nlohmann::json(o.duration_s) : nlohmann::json(nullptr)},
      {"warmup_s", o.warmup_s},
      {"tick_us", o.tick_us},
      {"reconnect", o.reconnect},
      {"seed", o.seed ? nlohmann::json(*o.seed) : nlohmann::json(nullptr)},
      {"command", o.command},
      {"tls", o.tls.enabled},
      {"resp3", o.resp3},
      {"cluster", o.cluster},
  };
}

nlohmann::json ReportJson(const Options& o, const std::optional<ServerConfig>& server,
                          const std::vector<TestResult>& tests) {
  nlohmann::json t = nlohmann::json::array();
  for (const TestResult& r : tests) t.push_back(TestJson(r));
  return {
      {"schema", std::string(kJsonSchema)},
      {"schema_version", kJsonSchemaVersion},
      {"tool", "kv-load"},
      {"version", std::string(kVersion)},
      {"config", ConfigJson(o)},
      {"server", server
                     ? nlohmann::json({{"save", server->save}, {"appendonly", server->appendonly}})
                     : nlohmann::json(nullptr)},
      {"tests", t},
  };
}

}  // namespace kv::load
