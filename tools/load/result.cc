// Per-type error counts and the merge of per-thread results (see result.h).
#include "tools/load/result.h"

#include <algorithm>
#include <cmath>

namespace kv::load {

void ErrorCounts::Add(std::string_view message, int64_t n) {
  size_t space = message.find(' ');
  std::string_view type = message.substr(0, space);
  if (type.empty()) type = "ERROR";
  AddTyped(type, message, n);
}

void ErrorCounts::AddTyped(std::string_view type, std::string_view message, int64_t n) {
  if (n <= 0) return;
  total_ += n;
  for (ErrorStat& e : items_) {
    if (e.type == type) {
      e.count += n;
      return;
    }
  }
  items_.push_back(ErrorStat{std::string(type), n, std::string(message)});
}

void ErrorCounts::Merge(const ErrorCounts& other) {
  for (const ErrorStat& e : other.items_) AddTyped(e.type, e.first_message, e.count);
}

TestResult MergeResults(std::string title, std::vector<ThreadResult>& threads, int64_t start_ns,
                        bool open_loop, double target_rps, double window_s) {
  TestResult r;
  r.title = std::move(title);
  r.open_loop = open_loop;
  r.target_rps = target_rps;
  r.threads = static_cast<int>(threads.size());
  int64_t end_ns = start_ns;
  for (ThreadResult& t : threads) {
    r.requests_ok += t.ok;
    r.errors.Merge(t.errors);
    r.lost_connections += t.lost_connections;
    r.reconnects += t.reconnects;
    r.latency.Merge(t.latency);
    if (open_loop) r.corrected.Merge(t.corrected);
    r.per_second.Merge(t.per_second);
    end_ns = std::max(end_ns, t.last_reply_ns);
    const double busy =
        t.wall_ns > 0 ? static_cast<double>(t.cpu_ns) / static_cast<double>(t.wall_ns) : 0;
    r.thread_busy.push_back(busy);
    r.client_cpu_s += static_cast<double>(t.cpu_ns) / 1e9;
    if (busy >= kClientBoundBusy) r.client_bound = true;
    if (r.nodes.size() < t.node_ok.size()) r.nodes.resize(t.node_ok.size());
    for (size_t i = 0; i < t.node_ok.size(); ++i) r.nodes[i].requests_ok += t.node_ok[i];
    r.moved += t.moved;
    r.ask += t.ask;
    r.topology_refreshes += t.topology_refreshes;
  }
  r.duration_s = static_cast<double>(end_ns - start_ns) / 1e9;
  if (window_s > 0) r.duration_s = std::max(r.duration_s, window_s);
  r.rps = r.duration_s > 0 ? static_cast<double>(r.requests_ok) / r.duration_s : 0;
  for (NodeStat& n : r.nodes) {
    n.rps = r.duration_s > 0 ? static_cast<double>(n.requests_ok) / r.duration_s : 0;
  }
  return r;
}

void SetWallClockWindow(TestResult& r, int64_t start_unix_us) {
  r.window_start_unix_us = start_unix_us;
  r.window_end_unix_us = start_unix_us + std::llround(r.duration_s * 1e6);
}

}  // namespace kv::load
