// The original suite's "vs Redis" table, for any pair of targets: per case, a target (kv-server by
// default) and the reference (redis-server by default; kv_bench --kv_reference) from the same run.
// The row and JSON fields keep the two-server names: kv_* are the target's, redis_* the
// reference's.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "stats/interval.h"
#include "tools/compare/result_set.h"

namespace kv::compare {

// What a kv÷redis interval says (stats::JudgeRatio, ratios oriented so that > 1 favours kv).
// kClientBound: either target's median client_cpu_util >= kClientBoundUtil: the client was the
// bottleneck, so the ratio describes the client, not the servers.
enum class VsRedisVerdict { kFaster, kSlower, kNoClearDifference, kTooNoisy, kClientBound };

std::string_view VsRedisVerdictName(VsRedisVerdict verdict);

// client_cpu_util (client threads' CPU ÷ (wall × client threads)) at which a case is client-bound.
inline constexpr double kClientBoundUtil = 0.9;
// The run was disturbed when processes outside the suite used on average at least this share of
// the CPUs (counter other_cpu_cores over every repetition ÷ kv_cpus) ...
inline constexpr double kDisturbedOtherCoresShare = 0.1;
// ... or the 1-minute load average before the run (kv_load_avg_before) was at least this share.
inline constexpr double kDisturbedLoadShare = 0.5;

struct VsRedisOptions {
  double confidence = 0.95;        // interval level
  double equal_band = 0.05;        // "no clear difference" band around 1
  std::optional<TargetPair> pair;  // default: the file's (ResultSet::pair)
};

// The run's conditions, from kv_bench's counters and context (absent fields stay nullopt).
struct RunConditions {
  std::optional<double> cpus;             // kv_cpus (a count or a CPU list), else num_cpus
  std::optional<double> other_cpu_cores;  // mean of other_cpu_cores over every repetition
  std::optional<double> load_before;      // first figure of kv_load_avg_before
  bool disturbed = false;
  std::string summary;  // one line: "machine disturbed: ..." or "machine quiet: ..."; empty
                        // when the run has neither figure
};
struct VsRedisRow {
  std::string case_name;  // "SET/clients:10/pipeline:16"
  bool has_kv = false;
  bool has_redis = false;
  std::optional<double> kv_ops;  // median items_per_second over repetitions
  std::optional<double> redis_ops;
  std::optional<double> ops_ratio;  // kv ÷ redis throughput: > 1 means kv-server is faster
  std::optional<double> kv_p50_us;  // median p50_us over repetitions
  std::optional<double> redis_p50_us;
  std::optional<double> kv_p99_us;  // median p99_us over repetitions
  std::optional<double> redis_p99_us;
  std::optional<double> p99_ratio;  // redis ÷ kv p99: > 1 means kv-server's tail is lower
  // Exact (order-statistic) interval of the median of the per-repetition ratios (kv_i ÷ redis_i
  // throughput, redis_i ÷ kv_i p99; pairs by repetition index share the interleaved run's noise).
  std::optional<stats::Interval> ops_interval;
  std::optional<stats::Interval> p99_interval;
  size_t pairs = 0;  // repetitions paired into throughput ratios
  VsRedisVerdict ops_verdict = VsRedisVerdict::kTooNoisy;
  VsRedisVerdict p99_verdict = VsRedisVerdict::kTooNoisy;
  std::optional<double> kv_client_cpu_util;  // median of the client_cpu_util counter
  std::optional<double> redis_client_cpu_util;
  bool client_bound = false;
  // Messages of failed runs (error_occurred), each message once, in file order.
  std::vector<std::string> kv_errors;
  std::vector<std::string> redis_errors;
};

struct VsRedisReport {
  std::string source;
  TargetPair pair;  // target ÷ reference
  // What the run was: host, build type, versions, grid (the context fields kv_bench writes,
  // those present, in that order), as {key, value}.
  std::vector<std::pair<std::string, std::string>> context;
  std::vector<VsRedisRow> rows;  // paired cases first (file order), then unpaired ones
  // Geometric means over the paired rows that have the ratio; nullopt when none has.
  std::optional<double> geomean_ops_ratio;
  std::optional<double> geomean_p99_ratio;
  // Exact interval of the median over repetitions of the per-repetition geometric mean over
  // the paired cases that are not client-bound (GeomeanRatios), and its verdict.
  std::optional<stats::Interval> geomean_ops_interval;
  VsRedisVerdict geomean_ops_verdict = VsRedisVerdict::kTooNoisy;
  size_t geomean_cases = 0;  // cases in that interval
  RunConditions conditions;
  // Set when some paired case has repetitions, but fewer than an interval needs: "N repetitions
  // per case: ..." (then every such verdict is "too noisy to tell").
  std::string too_few_repetitions;
  double confidence = 0.95;
  size_t paired = 0;    // 0: only one target ran (e.g. redis-server was not found); no ratios
  bool has_kv = false;  // some row has a kv/X benchmark
  bool has_redis = false;
};

// The verdict word of a kv ÷ redis interval from n paired values (stats::JudgeRatio: above 1 is
// faster).
VsRedisVerdict JudgeVsRedis(const std::optional<stats::Interval>& interval, size_t n,
                            double equal_band);

// Builds the table from one result file. Error (cannot compare) when no case has a target/X or a
// reference/X benchmark; a run of one target only gives its rows without ratios.
Result<VsRedisReport> VsRedis(const ResultSet& set, const VsRedisOptions& options = {});

// The conditions of a run (see RunConditions and the constants above).
RunConditions JudgeConditions(const ResultSet& set);

// CPUs named by kv_cpus: "2" -> 2, "0-3" -> 4, "0,2-3" -> 3; nullopt when malformed.
std::optional<double> ParseCpuCount(std::string_view text);

// Geometric mean of positive values; nullopt when empty or any value is not positive.
std::optional<double> GeometricMean(const std::vector<double>& values);

}  // namespace kv::compare
