// Renders kv-compare's reports as an aligned terminal table, GitHub markdown or JSON.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "tools/compare/compare.h"
#include "tools/compare/gate.h"
#include "tools/compare/stability.h"
#include "tools/compare/vs_redis.h"

namespace kv::compare {

enum class OutputFormat { kText, kMarkdown, kJson };

Result<OutputFormat> ParseOutputFormat(std::string_view name);

struct RenderOptions {
  OutputFormat format = OutputFormat::kText;
  bool color = false;  // ANSI colour in kText (the caller decides: tty and NO_COLOR unset)
};

struct DiffReport {
  std::string baseline_source;
  std::string current_source;
  std::vector<Comparison> rows;  // raw rows, then ratio rows
  std::vector<std::string> warnings;
  double confidence = 0.95;  // the policy's, for the column title
};

std::string RenderVsRedis(const VsRedisReport& report, const RenderOptions& options);
std::string RenderDiff(const DiffReport& report, const RenderOptions& options);
std::string RenderGate(const GateReport& report, const RenderOptions& options);
// The same; JSON also carries the policy the gate ran under: per row "threshold" (the metric's
// relative threshold, null for a metric outside the policy) and "direction"
// ("higher_is_better" / "lower_is_better"), and "policy" {alpha, confidence, equal_band,
// min_repetitions, max_noisy_fraction} — what kv-compare's HTML report draws.
std::string RenderGate(const GateReport& report, const RenderOptions& options,
                       const Policy& policy);
// Text/markdown: one row per case (case, runs, kv/redis/ratio CV %), the skipped cases, then a
// last line with the median CVs and how many ratios were steadier than kv's raw throughput.
// JSON: per case the per-run medians and the CVs (fractions); no NaN.
std::string RenderStability(const StabilityReport& report, const RenderOptions& options);

// Numbers as shown in tables: 4 significant figures at most, no exponent for benchmark ranges.
std::string FormatNumber(double v);

}  // namespace kv::compare
