// Real steps of the saturation search (see slo_step.h).
#include "tools/load/slo_step.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <utility>

namespace kv::load {

SearchSettings SearchSettingsFor(const Options& options) {
  SearchSettings s;
  s.objectives = options.slo;
  s.tolerance = options.slo_tolerance;
  s.confirm_breaks = options.slo_confirm;
  s.start_rps = options.slo_start_rps;
  s.step_s = options.slo_step_s;
  s.warmup_s = options.warmup_s;
  s.max_time_s = options.slo_max_time_s;
  s.max_rate = options.slo_max_rate;
  return s;
}

Options StepOptions(const Options& options, const StepPlan& plan) {
  Options o = options;
  o.rps = plan.offered_rps;
  o.duration_s = plan.duration_s;
  o.warmup_s = plan.warmup_s;
  return o;
}

StepMeasurement MeasureStep(TestResult result, const std::vector<SloObjective>& objectives,
                            double wall_s) {
  StepMeasurement m;
  m.achieved_rps = result.rps;
  m.requests = result.requests_ok;
  m.errors = result.errors.total();
  m.connection_lost = result.lost_connections > 0;
  for (double b : result.thread_busy) m.busiest_thread = std::max(m.busiest_thread, b);
  for (const SloObjective& o : objectives) {
    m.objective_ms.push_back(static_cast<double>(result.corrected.ValueAtPercentile(o.percentile)) /
                             1e6);
  }
  m.wall_s = wall_s;
  m.test = std::make_shared<const TestResult>(std::move(result));
  return m;
}

StepRunner MakeStepRunner(const Options& options, const Target& target, const Workload& workload) {
  return [&options, &target, &workload](const StepPlan& plan) -> Result<StepMeasurement> {
    const Options step = StepOptions(options, plan);
    const auto t0 = std::chrono::steady_clock::now();
    Result<TestResult> r = RunTest(step, target, workload, {});
    const double wall_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!r.ok()) return Error{r.error()};
    return MeasureStep(std::move(*r), options.slo, wall_s);
  };
}

}  // namespace kv::load
