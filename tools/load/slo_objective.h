// Latency objectives for kv-load's saturation search (--slo): "p99<=1ms", several separated by
// commas ("p50<=0.3ms,p99.9<=5ms"). Always judged on the coordinated-omission-corrected latency.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace kv::load {

struct SloObjective {
  std::string text;        // canonical form, e.g. "p99<=1ms", "p99.9<0.5ms"
  double percentile = 99;  // in (0, 99.99]
  double limit_ms = 1;     // > 0
  bool strict = false;     // '<': the value must be strictly below the limit; '<=': at most it
  // True when a measured value (ms) satisfies this objective.
  bool Met(double value_ms) const { return strict ? value_ms < limit_ms : value_ms <= limit_ms; }
};

// Parses "pQ<=L<unit>[,pQ<=L<unit>...]". Q in (0, 99.99] (e.g. 50, 90, 95, 99, 99.5, 99.9, 99.99);
// L > 0 with a unit: us, µs, ms or s; '<=' or '<' (strict). Spaces around the parts are allowed.
// Errors name the offending part: malformed text, unknown unit, percentile out of range,
// non-positive limit, the same percentile twice.
Result<std::vector<SloObjective>> ParseSloObjectives(std::string_view text);

// The objectives joined by commas in their canonical form.
std::string SloObjectivesText(const std::vector<SloObjective>& objectives);

// "p99", "p99.9": the percentile's short name.
std::string PercentileName(double percentile);

// Requests a step needs to estimate the percentile: at least 50 samples beyond it,
// ceil(50 / (1 - q/100)): p50 100, p99 5,000, p99.9 50,000, p99.99 500,000.
int64_t MinRequestsFor(double percentile);

}  // namespace kv::load
