// kv-load's saturation search (--slo): the highest offered rate that meets every latency
// objective. A pure algorithm over an injected step runner, so that tests drive it with a model
// of a server; tools/load/slo_step.h runs the real steps (open loop, RunTest).
//
// Raise the offered rate geometrically from the start rate until a step breaks (an objective, the
// achieved rate short of the offered rate by more than 5 %, or errors); bisect (geometric
// midpoints) between the highest rate that met and the lowest that broke until
// (broken - met) / met <= tolerance; re-check the answer once (if it breaks now, the bracket
// moves down to the next rate that met and the bisection resumes, without a second re-check).
// If the very first step breaks, one step at start / 10 is tried before giving up. A step that
// breaks while its client is saturated (busiest thread >= 90 % busy) is not a break but a ceiling:
// the rates tried next stay below it. The search stops early, with the answer marked as a lower
// bound, when a step meets while its client is saturated, when the time budget or --slo-max-rate
// is reached, or when the server fails; and the answer is a lower bound too when no step broke
// below the ceiling.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "tools/load/result.h"
#include "tools/load/slo_objective.h"

namespace kv::load {

// kConfirm: a step that broke on an objective or a shortfall, measured once more at the same rate
// (a break must reproduce to count; --slo-no-confirm turns this off).
enum class SearchPhase { kRaise, kBisect, kRecheck, kConfirm };
std::string_view PhaseName(SearchPhase phase);  // "raise", "bisect", "recheck", "confirm"

struct SearchSettings {
  std::vector<SloObjective> objectives;
  double tolerance = 0.05;  // --slo-tolerance: stop bisecting at (broken - met) / met <= this
  double start_rps = 1000;  // --slo-start: the first step's offered rate
  double growth = 2.0;      // the raise factor
  double step_s = 2.0;      // --slo-step: a step's minimum measured duration
  double warmup_s = 0.5;    // --warmup: sent before each step's measurement, not recorded
  double max_time_s = 120;  // --slo-max-time: the budget of the whole search
  double max_rate = 0;      // --slo-max-rate: never offer more (0: no cap)
  double shortfall = 0.05;  // broken when achieved < offered * (1 - shortfall)
  double client_busy = kClientBoundBusy;  // the client is saturated at this busy fraction
  // A step that broke on an objective or a shortfall is measured once more at the same rate, and
  // the rate counts as broken only if that breaks too: one scheduling hiccup on a shared machine
  // must not decide the answer (errors are never noise: they break at once).
  bool confirm_breaks = true;
  // Every step records at least this many requests (lengthening it as needed):
  // MinRequestsFor(the highest percentile of the objectives).
  int64_t min_requests() const;
};

// What the search asks the runner to do.
struct StepPlan {
  int index = 0;
  SearchPhase phase = SearchPhase::kRaise;
  double offered_rps = 0;
  double duration_s = 0;  // measured time: max(step_s, min_requests / rate), within the budget
  double warmup_s = 0;
};

// What one step measured.
struct StepMeasurement {
  double achieved_rps = 0;
  int64_t requests = 0;
  int64_t errors = 0;
  bool connection_lost = false;      // the server closed or refused connections: it failed
  double busiest_thread = 0;         // the busiest client thread's CPU / wall time
  std::vector<double> objective_ms;  // corrected latency at each objective's percentile
  double wall_s = 0;                 // how long the step took, all included (the budget's clock)
  std::shared_ptr<const TestResult> test;  // the full result, for the reports (may be null)
};

using StepRunner = std::function<Result<StepMeasurement>(const StepPlan&)>;

struct BreakReason {
  enum class Kind { kObjective, kShortfall, kErrors };
  Kind kind = Kind::kObjective;
  size_t objective = 0;     // kObjective: index into SearchSettings::objectives
  double value_ms = 0;      // kObjective: the measured value
  double achieved_rps = 0;  // kShortfall
  int64_t count = 0;        // kErrors
};
std::string_view ReasonKindName(BreakReason::Kind kind);  // "objective", "shortfall", "errors"

struct SearchStep {
  StepPlan plan;
  StepMeasurement measured;
  bool met = false;
  std::vector<BreakReason> reasons;  // empty when met
  bool client_saturated = false;
};

enum class SearchLimit {
  kObjective,     // an objective broke first (the normal end)
  kShortfall,     // the server could not keep up with the offered rate
  kErrors,        // errors appeared
  kClient,        // the client saturated first: lower bound
  kMaxTime,       // --slo-max-time ran out before the bracket closed: lower bound
  kMaxRate,       // --slo-max-rate met: lower bound
  kServerFailed,  // the server died or refused connections: lower bound, non-zero exit
};
std::string_view LimitName(SearchLimit limit);  // as in the JSON: "objective", ..., "server_failed"

struct SearchOutcome {
  std::vector<SearchStep> steps;
  std::optional<size_t> answer;        // the step of the highest offered rate that met
  std::optional<size_t> first_broken;  // the step of the lowest offered rate that broke
  SearchLimit limited_by = SearchLimit::kObjective;
  bool lower_bound = false;
  bool rechecked = false;       // the answer was measured again and met again
  bool recheck_failed = false;  // the re-check broke: the answer moved down
  bool low_probe = false;       // the first step broke and start / 10 was tried
  std::string failure;          // kServerFailed: what the runner reported
  double elapsed_s = 0;         // sum of the steps' wall time

  bool found() const { return answer.has_value(); }
  // True when kv-load should exit non-zero: no rate met, or the server failed.
  bool failed() const { return !answer || limited_by == SearchLimit::kServerFailed; }
};

// Called after every step (progress lines); may be empty.
using StepObserver = std::function<void(const SearchStep&)>;

// Judges a measurement against the settings: met, reasons, client saturation.
SearchStep JudgeStep(const SearchSettings& settings, const StepPlan& plan, StepMeasurement m);

SearchOutcome RunSearch(const SearchSettings& settings, const StepRunner& run,
                        const StepObserver& observe);

}  // namespace kv::load
