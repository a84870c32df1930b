// The saturation search (see slo_search.h).
#include "tools/load/slo_search.h"

#include <algorithm>
#include <cmath>

namespace kv::load {
namespace {

// Offered rates are whole requests per second (at least 1).
double Whole(double rps) { return std::max(1.0, std::round(rps)); }

SearchLimit LimitOf(const SearchStep& broken) {
  if (broken.reasons.empty()) return SearchLimit::kObjective;
  switch (broken.reasons.front().kind) {
    case BreakReason::Kind::kObjective:
      return SearchLimit::kObjective;
    case BreakReason::Kind::kShortfall:
      return SearchLimit::kShortfall;
    case BreakReason::Kind::kErrors:
      return SearchLimit::kErrors;
  }
  return SearchLimit::kObjective;
}

class Search {
 public:
  Search(const SearchSettings& settings, const StepRunner& run, const StepObserver& observe)
      : s_(settings), run_(run), observe_(observe) {}

  SearchOutcome Run() {
    if (Raise() && LowProbe() && Bisect()) Recheck();
    out_.answer = lo_;
    out_.first_broken = hi_;
    if (!stopped_ && hi_) out_.limited_by = LimitOf(out_.steps[*hi_]);
    if (!hi_ && ceiling_) {
      // Every broken step had its client saturated: the server may sustain more.
      out_.first_broken = ceiling_;
      if (!stopped_) Stop(SearchLimit::kClient);
    }
    out_.lower_bound = stopped_;
    return std::move(out_);
  }

 private:
  double Rate(std::optional<size_t> step) const { return out_.steps[*step].plan.offered_rps; }

  // The bracket's high end: the lowest rate that broke, or that the client could not deliver.
  std::optional<size_t> Upper() const {
    if (!hi_) return ceiling_;
    if (!ceiling_) return hi_;
    return Rate(ceiling_) < Rate(hi_) ? ceiling_ : hi_;
  }

  // Stops the search early: the answer so far is a lower bound.
  void Stop(SearchLimit limit) {
    stopped_ = true;
    out_.limited_by = limit;
  }

  // Runs one step at rate; false when the search must stop (the limit is set).
  bool Step(SearchPhase phase, double rate, size_t* index) {
    StepPlan plan;
    plan.index = static_cast<int>(out_.steps.size());
    plan.phase = phase;
    plan.offered_rps = Whole(rate);
    plan.warmup_s = s_.warmup_s;
    // What is left, less the largest set-up and tear-down time a step has taken so far
    // (connecting, draining), so that a step planned to fit does fit.
    const double remaining = s_.max_time_s - out_.elapsed_s - overhead_s_;
    if (plan.warmup_s + s_.step_s > remaining) {
      Stop(SearchLimit::kMaxTime);
      return false;
    }
    const double wanted =
        std::max(s_.step_s, static_cast<double>(s_.min_requests()) / plan.offered_rps);
    plan.duration_s = std::min(wanted, remaining - plan.warmup_s);
    Result<StepMeasurement> m = run_(plan);
    if (!m.ok()) {
      out_.failure = m.error();
      Stop(SearchLimit::kServerFailed);
      return false;
    }
    out_.elapsed_s += std::max(0.0, m->wall_s);
    overhead_s_ = std::max(overhead_s_, m->wall_s - plan.warmup_s - plan.duration_s);
    SearchStep step = JudgeStep(s_, plan, std::move(*m));
    *index = out_.steps.size();
    out_.steps.push_back(std::move(step));
    const SearchStep& done = out_.steps.back();
    if (observe_) observe_(done);
    if (done.measured.connection_lost) {
      out_.failure = "connections were lost at " +
                     std::to_string(static_cast<int64_t>(done.plan.offered_rps)) + " rps (step " +
                     std::to_string(done.plan.index) + ")";
      Stop(SearchLimit::kServerFailed);
      return false;
    }
    if (done.client_saturated) {
      if (done.met) {  // the server kept up with all this client can send
        Record(*index);
        Stop(SearchLimit::kClient);
        return false;
      }
      // Broke with its client saturated: the client may be to blame, so the step does not
      // bound the answer; it caps the rates tried next (the search goes on below it).
      if (!ceiling_ || done.plan.offered_rps <= Rate(ceiling_)) ceiling_ = *index;
      return true;
    }
    if (!done.met && s_.confirm_breaks && phase != SearchPhase::kConfirm && OnlyNoise(done)) {
      // The second measurement decides (its index replaces the first's).
      return Step(SearchPhase::kConfirm, rate, index);
    }
    return true;
  }

  // Broke on objectives or a shortfall only: what a hiccup of a shared machine can cause.
  static bool OnlyNoise(const SearchStep& step) {
    for (const BreakReason& r : step.reasons) {
      if (r.kind == BreakReason::Kind::kErrors) return false;
    }
    return true;
  }

  // Moves the bracket: a met step raises its low end, a broken one lowers its high end.
  void Record(size_t index) {
    const SearchStep& step = out_.steps[index];
    if (step.client_saturated && !step.met) return;  // a ceiling (Step), not a break
    if (step.met) {
      if (!lo_ || step.plan.offered_rps >= Rate(lo_)) lo_ = index;
    } else if (!hi_ || step.plan.offered_rps <= Rate(hi_)) {
      hi_ = index;
    }
  }

  bool Raise() {
    double rate = s_.start_rps;
    if (s_.max_rate > 0) rate = std::min(rate, s_.max_rate);
    while (true) {
      size_t i = 0;
      if (!Step(SearchPhase::kRaise, rate, &i)) return false;
      Record(i);
      if (!out_.steps[i].met) return true;
      if (s_.max_rate > 0 && out_.steps[i].plan.offered_rps >= Whole(s_.max_rate)) {
        Stop(SearchLimit::kMaxRate);
        return false;
      }
      rate = out_.steps[i].plan.offered_rps * s_.growth;
      if (s_.max_rate > 0) rate = std::min(rate, s_.max_rate);
    }
  }

  // The first step broke: once more at a tenth of its rate; if that breaks too, no rate meets.
  bool LowProbe() {
    if (lo_) return true;
    out_.low_probe = true;
    size_t i = 0;
    if (!Step(SearchPhase::kBisect, Rate(Upper()) / 10, &i)) return false;
    Record(i);
    return lo_.has_value();
  }

  bool Bisect() {
    while (lo_ && Upper() && (Rate(Upper()) - Rate(lo_)) / Rate(lo_) > s_.tolerance) {
      const double mid = Whole(std::sqrt(Rate(lo_) * Rate(Upper())));
      if (mid <= Rate(lo_) || mid >= Rate(Upper())) break;
      size_t i = 0;
      if (!Step(SearchPhase::kBisect, mid, &i)) return false;
      Record(i);
    }
    return true;
  }

  void Recheck() {
    if (!lo_) return;
    size_t i = 0;
    if (!Step(SearchPhase::kRecheck, Rate(lo_), &i)) return;
    if (out_.steps[i].met) {
      lo_ = i;
      out_.rechecked = true;
      return;
    }
    // Its client saturated this time: the second look tells nothing about the server, and the
    // answer stays the first look's, not re-checked (the step made it the ceiling).
    if (out_.steps[i].client_saturated) return;
    // The answer broke on a second look: it is the bracket's new high end; the new low end is
    // the highest rate below it that met. Bisect again, without a second re-check.
    out_.recheck_failed = true;
    const double broken = out_.steps[i].plan.offered_rps;
    hi_ = i;
    lo_.reset();
    for (size_t k = 0; k < out_.steps.size(); ++k) {
      const SearchStep& st = out_.steps[k];
      if (st.met && st.plan.offered_rps < broken && (!lo_ || st.plan.offered_rps > Rate(lo_))) {
        lo_ = k;
      }
    }
    Bisect();
  }

  const SearchSettings& s_;
  const StepRunner& run_;
  const StepObserver& observe_;
  SearchOutcome out_;
  std::optional<size_t> lo_, hi_;
  // The lowest step that broke with its client saturated (Step): the rates tried stay below it.
  std::optional<size_t> ceiling_;
  bool stopped_ = false;
  double overhead_s_ = 0;  // the largest wall time a step took beyond its warm-up and duration
};

}  // namespace

std::string_view PhaseName(SearchPhase phase) {
  switch (phase) {
    case SearchPhase::kRaise:
      return "raise";
    case SearchPhase::kBisect:
      return "bisect";
    case SearchPhase::kRecheck:
      return "recheck";
    case SearchPhase::kConfirm:
      return "confirm";
  }
  return "raise";
}

std::string_view ReasonKindName(BreakReason::Kind kind) {
  switch (kind) {
    case BreakReason::Kind::kObjective:
      return "objective";
    case BreakReason::Kind::kShortfall:
      return "shortfall";
    case BreakReason::Kind::kErrors:
      return "errors";
  }
  return "objective";
}

std::string_view LimitName(SearchLimit limit) {
  switch (limit) {
    case SearchLimit::kObjective:
      return "objective";
    case SearchLimit::kShortfall:
      return "shortfall";
    case SearchLimit::kErrors:
      return "errors";
    case SearchLimit::kClient:
      return "client";
    case SearchLimit::kMaxTime:
      return "max_time";
    case SearchLimit::kMaxRate:
      return "max_rate";
    case SearchLimit::kServerFailed:
      return "server_failed";
  }
  return "objective";
}

int64_t SearchSettings::min_requests() const {
  double top = 0;
  for (const SloObjective& o : objectives) top = std::max(top, o.percentile);
  return objectives.empty() ? 0 : MinRequestsFor(top);
}

SearchStep JudgeStep(const SearchSettings& settings, const StepPlan& plan, StepMeasurement m) {
  SearchStep s;
  s.plan = plan;
  s.measured = std::move(m);
  for (size_t i = 0; i < settings.objectives.size(); ++i) {
    const double v = i < s.measured.objective_ms.size() ? s.measured.objective_ms[i] : 0;
    if (!settings.objectives[i].Met(v)) {
      BreakReason r;
      r.kind = BreakReason::Kind::kObjective;
      r.objective = i;
      r.value_ms = v;
      s.reasons.push_back(r);
    }
  }
  if (s.measured.achieved_rps < plan.offered_rps * (1 - settings.shortfall)) {
    BreakReason r;
    r.kind = BreakReason::Kind::kShortfall;
    r.achieved_rps = s.measured.achieved_rps;
    s.reasons.push_back(r);
  }
  if (s.measured.errors > 0) {
    BreakReason r;
    r.kind = BreakReason::Kind::kErrors;
    r.count = s.measured.errors;
    s.reasons.push_back(r);
  }
  s.met = s.reasons.empty();
  s.client_saturated = s.measured.busiest_thread >= settings.client_busy;
  return s;
}

SearchOutcome RunSearch(const SearchSettings& settings, const StepRunner& run,
                        const StepObserver& observe) {
  return Search(settings, run, observe).Run();
}

}  // namespace kv::load
