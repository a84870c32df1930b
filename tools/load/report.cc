// redis-benchmark compatible text reports (see report.h). The printf formats are redis-benchmark
// 7's, so that parsers written for its output keep working.
#include "tools/load/report.h"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <vector>

namespace kv::load {
namespace {

[[gnu::format(printf, 2, 3)]] void Appendf(std::string* out, const char* fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  int n = std::vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if (static_cast<size_t>(n) < sizeof(buf)) {
    out->append(buf, static_cast<size_t>(n));
    return;
  }
  std::string big(static_cast<size_t>(n) + 1, '\0');
  va_start(ap, fmt);
  std::vsnprintf(big.data(), big.size(), fmt, ap);
  va_end(ap);
  big.resize(static_cast<size_t>(n));
  out->append(big);
}

double Ms(int64_t ns) { return static_cast<double>(ns) / 1e6; }
double Ms(const stats::Histogram& h, double p) { return Ms(h.ValueAtPercentile(p)); }

struct Bucket {
  int64_t lowest;
  int64_t value;  // highest equivalent value, capped by the histogram's max
  int64_t cumulative;
};

std::vector<Bucket> Buckets(const stats::Histogram& h) {
  std::vector<Bucket> out;
  int64_t cumulative = 0;
  const int64_t max = h.max();
  h.ForEachBucket([&](int64_t lowest, int64_t highest, int64_t count) {
    cumulative += count;
    out.push_back(Bucket{lowest, std::min(highest, max), cumulative});
  });
  return out;
}

void AppendLine(std::string* out, double percentile, int64_t value_ns, int64_t cumulative) {
  Appendf(out, "%3.3f%% <= %.3f milliseconds (cumulative count %lld)\n", percentile, Ms(value_ns),
          static_cast<long long>(cumulative));
}

void AppendLatencyRow(std::string* out, const char* label, const stats::Histogram& h) {
  Appendf(out, "    %11s %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f\n", label, h.mean() / 1e6,
          Ms(h.min()), Ms(h, 50), Ms(h, 90), Ms(h, 99), Ms(h, 99.9), Ms(h, 99.99), Ms(h.max()));
}

}  // namespace

const stats::Histogram& PrimaryHistogram(const TestResult& r) {
  return r.open_loop ? r.corrected : r.latency;
}

std::string FormatPercentileDistribution(const stats::Histogram& h) {
  std::string out;
  const int64_t total = h.count();
  if (total == 0) return out;
  const std::vector<Bucket> buckets = Buckets(h);
  // HdrHistogram's percentile iterator: report the first bucket whose cumulative percentile
  // reaches the target, then move the target half of the remaining distance closer to 100.
  double target = 0;
  int64_t previous = -1;
  auto emit = [&](double percentile, const Bucket& b) {
    if (b.cumulative != previous || b.cumulative == total)
      AppendLine(&out, percentile, b.value, b.cumulative);
    previous = b.cumulative;
  };
  size_t i = 0;
  while (true) {
    const Bucket& b = buckets[i];
    const double current = 100.0 * static_cast<double>(b.cumulative) / static_cast<double>(total);
    if (target <= current) {
      emit(target, b);
      if (b.cumulative >= total) {
        emit(100.0, b);  // the iterator's final 100% line
        break;
      }
      const int64_t exponent =
          static_cast<int64_t>(std::log(100 / (100.0 - target)) / std::log(2)) + 1;
      const double ticks = std::pow(2.0, static_cast<double>(exponent));
      target += 100.0 / ticks;
      if (target >= 100.0) {
        emit(100.0, buckets.back());
        break;
      }
      continue;
    }
    if (++i >= buckets.size()) break;
  }
  return out;
}

std::string FormatCumulativeDistribution(const stats::Histogram& h) {
  std::string out;
  const int64_t total = h.count();
  if (total == 0) return out;
  const std::vector<Bucket> buckets = Buckets(h);
  // HdrHistogram's linear iterator over 100 us steps; redis-benchmark switches to 1 ms steps once
  // a reported value exceeds 2 ms (the step already scheduled is kept).
  int64_t step = 100'000;
  int64_t level = step;
  int64_t previous = -1;
  int64_t cumulative = 0;
  size_t j = 0;
  while (true) {
    const int64_t value = h.HighestEquivalent(level);
    while (j < buckets.size() && buckets[j].lowest <= value) cumulative = buckets[j++].cumulative;
    if (cumulative != previous || cumulative == total) {
      AppendLine(&out, 100.0 * static_cast<double>(cumulative) / static_cast<double>(total), value,
                 cumulative);
    }
    previous = cumulative;
    if (cumulative >= total || level >= stats::Histogram::kHighest) break;
    level += step;
    if (value > 2'000'000) step = 1'000'000;
  }
  return out;
}

std::string FormatDefault(const TestResult& r, const ReportContext& ctx) {
  const stats::Histogram& h = PrimaryHistogram(r);
  std::string out;
  Appendf(&out, "====== %s ======\n", r.title.c_str());
  Appendf(&out, "  %lld requests completed in %.2f seconds\n",
          static_cast<long long>(r.requests_ok), r.duration_s);
  Appendf(&out, "  %d parallel clients\n", ctx.clients);
  Appendf(&out, "  %d bytes payload\n", ctx.payload_bytes);
  Appendf(&out, "  keep alive: %d\n", ctx.keepalive);
  if (ctx.server) {
    Appendf(&out, "  host configuration \"save\": %s\n", ctx.server->save.c_str());
    Appendf(&out, "  host configuration \"appendonly\": %s\n", ctx.server->appendonly.c_str());
  }
  Appendf(&out, "  multi-thread: %s\n", ctx.threads > 0 ? "yes" : "no");
  if (ctx.threads > 0) Appendf(&out, "  threads: %d\n", ctx.threads);
  out += "\nLatency by percentile distribution:\n";
  out += FormatPercentileDistribution(h);
  out += "\nCumulative distribution of latencies:\n";
  out += FormatCumulativeDistribution(h);
  out += "\nSummary:\n";
  Appendf(&out, "  throughput summary: %.2f requests per second\n", r.rps);
  out += "  latency summary (msec):\n";
  Appendf(&out, "    %9s %9s %9s %9s %9s %9s\n", "avg", "min", "p50", "p95", "p99", "max");
  Appendf(&out, "    %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f\n", h.mean() / 1e6, Ms(h.min()), Ms(h, 50),
          Ms(h, 95), Ms(h, 99), Ms(h.max()));

  // kv-load's additions, after everything redis-benchmark prints.
  if (r.open_loop) {
    Appendf(&out, "  open loop: target %.2f requests per second\n", r.target_rps);
    if (ctx.tick_us > 0) {
      Appendf(&out, "  arrivals: in bursts every %g usec (--tick)\n", ctx.tick_us);
    }
    out +=
        "  latency (msec), corrected from the intended send time, uncorrected from the actual:\n";
    Appendf(&out, "    %11s %9s %9s %9s %9s %9s %9s %9s %9s\n", "", "avg", "min", "p50", "p90",
            "p99", "p99.9", "p99.99", "max");
    AppendLatencyRow(&out, "corrected", r.corrected);
    AppendLatencyRow(&out, "uncorrected", r.latency);
  } else {
    out += "  latency tail (msec):\n";
    Appendf(&out, "    %9s %9s %9s\n", "p90", "p99.9", "p99.99");
    Appendf(&out, "    %9.3f %9.3f %9.3f\n", Ms(h, 90), Ms(h, 99.9), Ms(h, 99.99));
  }
  if (r.errors.total() > 0) {
    Appendf(&out, "  errors: %lld (not counted as throughput)\n",
            static_cast<long long>(r.errors.total()));
    for (const ErrorStat& e : r.errors.items()) {
      Appendf(&out, "    %s: %lld, first: %s\n", e.type.c_str(), static_cast<long long>(e.count),
              e.first_message.c_str());
    }
  }
  if (r.lost_connections > 0) {
    Appendf(&out, "  lost connections: %lld, reconnected: %lld\n",
            static_cast<long long>(r.lost_connections), static_cast<long long>(r.reconnects));
  }
  if (!r.nodes.empty()) {
    Appendf(&out,
            "  cluster: %zu masters, redirections: %lld MOVED, %lld ASK; %lld topology "
            "refreshes\n",
            r.nodes.size(), static_cast<long long>(r.moved), static_cast<long long>(r.ask),
            static_cast<long long>(r.topology_refreshes));
    for (const NodeStat& n : r.nodes) {
      Appendf(&out, "    %-21s %12.2f requests per second (%lld requests)\n", n.name.c_str(), n.rps,
              static_cast<long long>(n.requests_ok));
    }
  }
  if (r.client_bound) {
    const double busiest = *std::max_element(r.thread_busy.begin(), r.thread_busy.end());
    Appendf(&out, "  %s (busiest thread %.0f%% busy)\n", std::string(kClientBoundNote).c_str(),
            busiest * 100);
  }
  return out;
}

std::string FormatQuiet(const TestResult& r) {
  std::string out;
  Appendf(&out, "%s: %.2f requests per second, p50=%.3f msec\n", r.title.c_str(), r.rps,
          Ms(PrimaryHistogram(r), 50));
  return out;
}

std::string CsvHeader() {
  return "\"test\",\"rps\",\"avg_latency_ms\",\"min_latency_ms\",\"p50_latency_ms\","
         "\"p95_latency_ms\",\"p99_latency_ms\",\"max_latency_ms\"\n";
}

std::string FormatCsvRow(const TestResult& r) {
  const stats::Histogram& h = PrimaryHistogram(r);
  std::string out;
  Appendf(&out, "\"%s\",\"%.2f\",\"%.3f\",\"%.3f\",\"%.3f\",\"%.3f\",\"%.3f\",\"%.3f\"\n",
          r.title.c_str(), r.rps, h.mean() / 1e6, Ms(h.min()), Ms(h, 50), Ms(h, 95), Ms(h, 99),
          Ms(h.max()));
  return out;
}

std::string FormatNotes(const TestResult& r) {
  std::string out;
  if (r.errors.total() > 0) {
    Appendf(&out, "%s: errors: %lld (not counted as throughput)\n", r.title.c_str(),
            static_cast<long long>(r.errors.total()));
    for (const ErrorStat& e : r.errors.items()) {
      Appendf(&out, "%s:   %s: %lld, first: %s\n", r.title.c_str(), e.type.c_str(),
              static_cast<long long>(e.count), e.first_message.c_str());
    }
  }
  if (r.lost_connections > 0) {
    Appendf(&out, "%s: lost connections: %lld, reconnected: %lld\n", r.title.c_str(),
            static_cast<long long>(r.lost_connections), static_cast<long long>(r.reconnects));
  }
  if (r.moved + r.ask > 0) {
    Appendf(&out, "%s: cluster redirections: %lld MOVED, %lld ASK\n", r.title.c_str(),
            static_cast<long long>(r.moved), static_cast<long long>(r.ask));
  }
  if (r.client_bound) {
    Appendf(&out, "%s: %s\n", r.title.c_str(), std::string(kClientBoundNote).c_str());
  }
  return out;
}

}  // namespace kv::load
