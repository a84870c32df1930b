// The saturation search's steps run for real: each is one open-loop RunTest at the planned rate,
// duration and warm-up (the one implementation of the open loop), turned into a StepMeasurement.
#pragma once

#include <vector>

#include "tools/load/options.h"
#include "tools/load/runner.h"
#include "tools/load/slo_search.h"
#include "tools/load/workload.h"

namespace kv::load {

// The search's settings from the command line (--slo, --slo-*, --warmup).
SearchSettings SearchSettingsFor(const Options& options);

// The options of one step: options with --rps, --duration and --warmup from the plan.
Options StepOptions(const Options& options, const StepPlan& plan);

// What the search needs from a step's result: the corrected latency at each objective's
// percentile, achieved rate, errors, lost connections (the server failed), the busiest thread.
StepMeasurement MeasureStep(TestResult result, const std::vector<SloObjective>& objectives,
                            double wall_s);

// A StepRunner over RunTest. options, target and workload must outlive it.
StepRunner MakeStepRunner(const Options& options, const Target& target, const Workload& workload);

}  // namespace kv::load
