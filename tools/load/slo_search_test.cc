// Tests of the saturation search against a model of a server: latency grows with the offered
// rate towards a capacity, and the model can saturate its client, return errors, fail, or answer
// differently on a second look. No real time passes: each step "takes" its planned duration.
#include "tools/load/slo_search.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace kv::load {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// p99 latency (ms) = floor_ms / (1 - rate / capacity) below the capacity; achieved = offered up
// to the capacity. Other percentiles scale from p99.
struct Model {
  double capacity = 50'000;
  double floor_ms = 0.1;
  double client_cap = kInf;    // the client's thread is busy rate / client_cap
  double errors_above = kInf;  // errors appear above this rate
  int fail_at_step = -1;       // the runner reports an error (the server refused connections)
  int lose_at_step = -1;       // connections are lost during this step
  int worse_at_step = -1;      // this step measures 10x the latency (a noisy second look)
  double overhead_s = 0.1;     // connect time per step
  bool flat_latency = false;   // latency stays at the floor whatever the rate
  std::vector<StepPlan> plans;

  double P99(double rate) const {
    if (flat_latency) return floor_ms;
    if (rate >= capacity) return 1000;
    return floor_ms / (1 - rate / capacity);
  }
  StepRunner Runner(const std::vector<SloObjective>& objectives) {
    return [this, objectives](const StepPlan& plan) -> Result<StepMeasurement> {
      plans.push_back(plan);
      if (plan.index == fail_at_step) return Error{"connect: Connection refused"};
      StepMeasurement m;
      const double rate = plan.offered_rps;
      m.achieved_rps = std::min(rate, capacity);
      m.requests = static_cast<int64_t>(m.achieved_rps * plan.duration_s);
      m.errors = rate > errors_above ? 12 : 0;
      m.busiest_thread = rate / client_cap;
      if (plan.index == lose_at_step) {
        m.connection_lost = true;
        m.errors += 100;
      }
      for (const SloObjective& o : objectives) {
        double v = P99(rate) * o.percentile / 99;
        if (plan.index == worse_at_step) v *= 10;
        m.objective_ms.push_back(v);
      }
      m.wall_s = plan.warmup_s + plan.duration_s + overhead_s;
      return m;
    };
  }
};

SearchSettings Settings(const char* slo = "p99<=1ms") {
  SearchSettings s;
  auto objectives = ParseSloObjectives(slo);
  EXPECT_TRUE(objectives.ok());
  s.objectives = *objectives;
  return s;
}

SearchOutcome Search(Model& model, const SearchSettings& s) {
  return RunSearch(s, model.Runner(s.objectives), {});
}

// The true answer of the default model for p99<=1ms: floor / (1 - r/C) = 1 -> r = 0.9 C.
constexpr double kTrue = 45'000;

TEST(SloSearchTest, RaisesGeometricallyThenBisectsToTheTolerance) {
  Model model;
  SearchSettings s = Settings();
  SearchOutcome out = Search(model, s);
  ASSERT_TRUE(out.found());
  EXPECT_FALSE(out.failed());
  EXPECT_FALSE(out.lower_bound);
  EXPECT_EQ(out.limited_by, SearchLimit::kObjective);
  // Raise: 1000, 2000, ..., 32000 met, 64000 broke.
  std::vector<double> raise;
  for (const SearchStep& st : out.steps) {
    if (st.plan.phase == SearchPhase::kRaise) raise.push_back(st.plan.offered_rps);
  }
  EXPECT_EQ(raise, (std::vector<double>{1000, 2000, 4000, 8000, 16000, 32000, 64000}));
  const double answer = out.steps[*out.answer].plan.offered_rps;
  const double broken = out.steps[*out.first_broken].plan.offered_rps;
  EXPECT_LE(answer, kTrue);
  EXPECT_GT(broken, kTrue);
  EXPECT_LE((broken - answer) / answer, s.tolerance);
  // The answer comes from the re-check, which is the last step, at the same rate.
  EXPECT_TRUE(out.rechecked);
  EXPECT_EQ(*out.answer, out.steps.size() - 1);
  EXPECT_EQ(out.steps.back().plan.phase, SearchPhase::kRecheck);
  // Every bisect step lies strictly inside the bracket it halved: rates are distinct.
  for (size_t i = 0; i < out.steps.size(); ++i) EXPECT_EQ(out.steps[i].plan.index, int(i));
  const SearchStep& b = out.steps[*out.first_broken];
  ASSERT_EQ(b.reasons.size(), 1u);
  EXPECT_EQ(b.reasons[0].kind, BreakReason::Kind::kObjective);
  EXPECT_GT(b.reasons[0].value_ms, 1.0);
}

TEST(SloSearchTest, StepsAreLongEnoughForThePercentile) {
  Model model;
  SearchSettings s = Settings("p50<=1ms,p99.9<=5ms");
  EXPECT_EQ(s.min_requests(), 50'000);
  SearchOutcome out = Search(model, s);
  ASSERT_FALSE(model.plans.empty());
  // At 1000 rps p99.9 needs 50 s; the budget (120 s) allows it.
  EXPECT_DOUBLE_EQ(model.plans[0].duration_s, 50);
  EXPECT_DOUBLE_EQ(model.plans[0].warmup_s, 0.5);
  for (const StepPlan& p : model.plans) {
    EXPECT_GE(p.duration_s, s.step_s);
  }
  // The time budget holds: every step's duration fits what was left.
  EXPECT_LE(out.elapsed_s, s.max_time_s + 1);
}

TEST(SloSearchTest, ShortfallBreaksAStep) {
  Model model;
  model.capacity = 20'000;
  model.flat_latency = true;  // latency stays below the objective: the rate is the limit
  SearchOutcome out = Search(model, Settings());
  ASSERT_TRUE(out.found());
  EXPECT_EQ(out.limited_by, SearchLimit::kShortfall);
  const SearchStep& b = out.steps[*out.first_broken];
  EXPECT_EQ(b.reasons.front().kind, BreakReason::Kind::kShortfall);
  EXPECT_DOUBLE_EQ(b.reasons.front().achieved_rps, 20'000);
  // Within 5 % of the capacity the achieved rate counts as keeping up.
  const double answer = out.steps[*out.answer].plan.offered_rps;
  EXPECT_GE(answer, 20'000 * 0.95);
  EXPECT_LE(answer, 20'000 / 0.95 + 1);
}

TEST(SloSearchTest, ErrorsBreakAStep) {
  Model model;
  model.errors_above = 10'000;
  SearchOutcome out = Search(model, Settings());
  ASSERT_TRUE(out.found());
  EXPECT_EQ(out.limited_by, SearchLimit::kErrors);
  const SearchStep& b = out.steps[*out.first_broken];
  EXPECT_EQ(b.reasons.front().kind, BreakReason::Kind::kErrors);
  EXPECT_EQ(b.reasons.front().count, 12);
  EXPECT_LE(out.steps[*out.answer].plan.offered_rps, 10'000);
}

TEST(SloSearchTest, ClientSaturationMakesALowerBound) {
  Model model;
  model.client_cap = 20'000;  // 18,000 rps keeps the thread 90 % busy
  SearchOutcome out = Search(model, Settings());
  EXPECT_TRUE(out.found());
  EXPECT_TRUE(out.lower_bound);
  EXPECT_FALSE(out.failed());
  EXPECT_EQ(out.limited_by, SearchLimit::kClient);
  // 16000 met (80 % busy), 32000 saturated the client: the search stopped there.
  EXPECT_EQ(out.steps.back().plan.offered_rps, 32'000);
  EXPECT_TRUE(out.steps.back().client_saturated);
  EXPECT_EQ(out.steps[*out.answer].plan.offered_rps, 32'000);  // it met, while saturated
  EXPECT_FALSE(out.first_broken.has_value());
}

TEST(SloSearchTest, ClientSaturatedBrokenStepIsACeilingNotABreak) {
  Model model;
  model.client_cap = 60'000;  // 64000: busy and broken at once; 45255 breaks with 75 % busy
  SearchOutcome out = Search(model, Settings());
  ASSERT_TRUE(out.found());
  EXPECT_FALSE(out.lower_bound);
  EXPECT_EQ(out.limited_by, SearchLimit::kObjective);
  const double answer = out.steps[*out.answer].plan.offered_rps;
  const double broken = out.steps[*out.first_broken].plan.offered_rps;
  EXPECT_LE(answer, kTrue);
  EXPECT_GT(broken, kTrue);
  EXPECT_LE((broken - answer) / answer, 0.05);
  EXPECT_FALSE(out.steps[*out.first_broken].client_saturated);
  // 64000 was tried once, saturated, and nothing at or above it again.
  int saturated = 0;
  for (const SearchStep& st : out.steps) {
    if (st.plan.offered_rps >= 64'000) {
      EXPECT_TRUE(st.client_saturated);
      ++saturated;
    }
  }
  EXPECT_EQ(saturated, 1);
}

TEST(SloSearchTest, CeilingsBelowTheTrueAnswerMakeALowerBound) {
  Model model;
  model.client_cap = 40'000;  // saturated from 36000 up; the server would meet up to 45000
  SearchOutcome out = Search(model, Settings());
  ASSERT_TRUE(out.found());
  EXPECT_TRUE(out.lower_bound);
  EXPECT_EQ(out.limited_by, SearchLimit::kClient);
  // 32000 met; 64000 and 45255 broke saturated (ceilings); 38055 met saturated: the end.
  ASSERT_GE(out.steps.size(), 3u);
  EXPECT_EQ(out.steps.back().plan.offered_rps, 38'055);
  EXPECT_TRUE(out.steps.back().client_saturated);
  EXPECT_TRUE(out.steps.back().met);
  EXPECT_EQ(out.steps[*out.answer].plan.offered_rps, 38'055);
  ASSERT_TRUE(out.first_broken.has_value());
  EXPECT_EQ(out.steps[*out.first_broken].plan.offered_rps, 45'255);
  EXPECT_TRUE(out.steps[*out.first_broken].client_saturated);
}

TEST(SloSearchTest, OnlySaturatedBreaksLeaveTheBracketAtTheCeiling) {
  Model model;
  model.capacity = 1e9;          // the server never breaks...
  model.client_cap = 40'000;     // ...but the client saturates from 36000 up
  model.flat_latency = true;
  // A saturated client that cannot deliver: the model's steps above 36000 fall short.
  SearchSettings s = Settings();
  StepRunner inner = model.Runner(s.objectives);
  StepRunner runner = [&inner](const StepPlan& plan) -> Result<StepMeasurement> {
    Result<StepMeasurement> m = inner(plan);
    if (m.ok() && plan.offered_rps >= 36'000) m->achieved_rps = 36'000;
    return m;
  };
  SearchOutcome out = RunSearch(s, runner, {});
  ASSERT_TRUE(out.found());
  EXPECT_TRUE(out.lower_bound);
  EXPECT_EQ(out.limited_by, SearchLimit::kClient);
  const double answer = out.steps[*out.answer].plan.offered_rps;
  EXPECT_LT(answer, 36'000 * 1.05);
  ASSERT_TRUE(out.first_broken.has_value());
  EXPECT_TRUE(out.steps[*out.first_broken].client_saturated);
  EXPECT_LE((out.steps[*out.first_broken].plan.offered_rps - answer) / answer, 0.05);
}

TEST(SloSearchTest, MaxTimeStopsWithALowerBound) {
  Model model;
  SearchSettings s = Settings();
  s.max_time_s = 20;  // 1000: 5 s, 2000: 2.5 s, then 2 s steps, each + 0.6 s
  SearchOutcome out = Search(model, s);
  EXPECT_TRUE(out.found());
  EXPECT_TRUE(out.lower_bound);
  EXPECT_EQ(out.limited_by, SearchLimit::kMaxTime);
  EXPECT_FALSE(out.failed());
  EXPECT_LE(out.elapsed_s, s.max_time_s);
  EXPECT_LT(out.steps[*out.answer].plan.offered_rps, kTrue);
}

TEST(SloSearchTest, MaxTimeReservesTheStepOverhead) {
  Model model;
  model.overhead_s = 0.6;
  SearchSettings s = Settings();
  s.max_time_s = 9.5;  // 1000: 0.5 + 5 s + 0.6; then 3.4 s are left, less the 0.6 s seen
  SearchOutcome out = Search(model, s);
  ASSERT_EQ(model.plans.size(), 2u);
  // 2000 rps wants 2.5 s; 3.4 - 0.6 - 0.5 = 2.3 s fit. Without the reserve the step would
  // have taken its 2.5 s and ended at 9.7 s.
  EXPECT_NEAR(model.plans[1].duration_s, 2.3, 1e-9);
  EXPECT_NEAR(out.elapsed_s, 9.5, 1e-9);
  EXPECT_EQ(out.limited_by, SearchLimit::kMaxTime);
}

TEST(SloSearchTest, MaxTimeShortensTheLastStep) {
  Model model;
  model.overhead_s = 0;
  SearchSettings s = Settings();
  s.max_time_s = 4;  // 1000 rps wants 5 s of p99; only 3.5 s are left after the warm-up
  SearchOutcome out = Search(model, s);
  ASSERT_EQ(model.plans.size(), 1u);
  EXPECT_DOUBLE_EQ(model.plans[0].duration_s, 3.5);
  EXPECT_EQ(out.limited_by, SearchLimit::kMaxTime);
}

TEST(SloSearchTest, MaxRateCapsTheSearch) {
  Model model;
  SearchSettings s = Settings();
  s.max_rate = 10'000;
  SearchOutcome out = Search(model, s);
  EXPECT_EQ(out.limited_by, SearchLimit::kMaxRate);
  EXPECT_TRUE(out.lower_bound);
  EXPECT_EQ(out.steps.back().plan.offered_rps, 10'000);  // 8000 then the cap, not 16000
  EXPECT_EQ(out.steps[*out.answer].plan.offered_rps, 10'000);
}

// The bracket logic with every break taken at once (--slo-no-confirm): confirmation is tested below.
TEST(SloSearchTest, RecheckFailureMovesTheBracketDown) {
  Model model;
  Model probe;
  SearchSettings s = Settings();
  s.confirm_breaks = false;
  SearchOutcome clean = Search(probe, s);
  ASSERT_TRUE(clean.rechecked);
  const int recheck_index = static_cast<int>(clean.steps.size()) - 1;
  const double first_answer = clean.steps[*clean.answer].plan.offered_rps;
  model.worse_at_step = recheck_index;
  SearchOutcome out = Search(model, s);
  EXPECT_TRUE(out.recheck_failed);
  EXPECT_FALSE(out.rechecked);
  ASSERT_TRUE(out.found());
  EXPECT_EQ(out.steps[static_cast<size_t>(recheck_index)].plan.phase, SearchPhase::kRecheck);
  EXPECT_FALSE(out.steps[static_cast<size_t>(recheck_index)].met);
  // The re-checked rate is now the lowest that broke; the answer is below it.
  EXPECT_EQ(out.steps[*out.first_broken].plan.offered_rps, first_answer);
  EXPECT_LT(out.steps[*out.answer].plan.offered_rps, first_answer);
  EXPECT_FALSE(out.lower_bound);
  // Only one re-check.
  int rechecks = 0;
  for (const SearchStep& st : out.steps) rechecks += st.plan.phase == SearchPhase::kRecheck;
  EXPECT_EQ(rechecks, 1);
}

TEST(SloSearchTest, ImpossibleObjectiveTriesOnceLowerThenFails) {
  Model model;
  SearchSettings s = Settings("p99<=0.01ms");  // below the model's 0.1 ms floor
  s.confirm_breaks = false;
  SearchOutcome out = Search(model, s);
  EXPECT_FALSE(out.found());
  EXPECT_TRUE(out.failed());
  EXPECT_TRUE(out.low_probe);
  ASSERT_EQ(out.steps.size(), 2u);
  EXPECT_EQ(out.steps[0].plan.offered_rps, 1000);
  EXPECT_EQ(out.steps[1].plan.offered_rps, 100);
  EXPECT_EQ(*out.first_broken, 1u);
  EXPECT_EQ(out.limited_by, SearchLimit::kObjective);
}

TEST(SloSearchTest, FirstStepBrokenButLowerMetBisectsBelowTheStart) {
  Model model;
  model.capacity = 1000;  // p99 1 ms at 900 rps
  SearchSettings s = Settings();
  s.confirm_breaks = false;
  SearchOutcome out = Search(model, s);
  ASSERT_TRUE(out.found());
  EXPECT_TRUE(out.low_probe);
  EXPECT_EQ(out.steps[1].plan.offered_rps, 100);
  const double answer = out.steps[*out.answer].plan.offered_rps;
  EXPECT_LE(answer, 900);
  EXPECT_GE(answer, 900 / 1.06);
  EXPECT_TRUE(out.rechecked);
}

TEST(SloSearchTest, RunnerErrorMidSearchIsAServerFailure) {
  Model model;
  model.fail_at_step = 3;
  SearchOutcome out = Search(model, Settings());
  EXPECT_EQ(out.limited_by, SearchLimit::kServerFailed);
  EXPECT_TRUE(out.failed());
  EXPECT_TRUE(out.lower_bound);
  EXPECT_EQ(out.failure, "connect: Connection refused");
  EXPECT_EQ(out.steps.size(), 3u);  // the steps so far are kept
  EXPECT_EQ(out.steps[*out.answer].plan.offered_rps, 4000);
}

TEST(SloSearchTest, LostConnectionsMidStepAreAServerFailure) {
  Model model;
  model.lose_at_step = 2;
  SearchOutcome out = Search(model, Settings());
  EXPECT_EQ(out.limited_by, SearchLimit::kServerFailed);
  EXPECT_TRUE(out.failed());
  ASSERT_EQ(out.steps.size(), 3u);
  EXPECT_TRUE(out.steps[2].measured.connection_lost);
  EXPECT_FALSE(out.steps[2].met);
  EXPECT_NE(out.failure.find("4000 rps"), std::string::npos) << out.failure;
  EXPECT_EQ(out.steps[*out.answer].plan.offered_rps, 2000);
}

TEST(SloSearchTest, FailureAtTheFirstStepLeavesNoAnswer) {
  Model model;
  model.fail_at_step = 0;
  SearchOutcome out = Search(model, Settings());
  EXPECT_TRUE(out.steps.empty());
  EXPECT_FALSE(out.found());
  EXPECT_TRUE(out.failed());
}

TEST(SloSearchTest, ObserverSeesEveryStep) {
  Model model;
  SearchSettings s = Settings();
  int seen = 0;
  SearchOutcome out = RunSearch(s, model.Runner(s.objectives), [&](const SearchStep& st) {
    EXPECT_EQ(st.plan.index, seen);
    ++seen;
  });
  EXPECT_EQ(static_cast<size_t>(seen), out.steps.size());
}

TEST(SloSearchTest, StrictObjectiveAtTheLimitBreaks) {
  SearchSettings s = Settings("p99<1ms");
  StepPlan plan;
  plan.offered_rps = 1000;
  StepMeasurement m;
  m.achieved_rps = 1000;
  m.objective_ms = {1.0};
  EXPECT_FALSE(JudgeStep(s, plan, m).met);
  SearchSettings le = Settings("p99<=1ms");
  EXPECT_TRUE(JudgeStep(le, plan, m).met);
}

TEST(SloSearchTest, JudgeListsEveryReason) {
  SearchSettings s = Settings("p50<=1ms,p99<=2ms");
  StepPlan plan;
  plan.offered_rps = 1000;
  StepMeasurement m;
  m.achieved_rps = 900;
  m.errors = 3;
  m.busiest_thread = 0.95;
  m.objective_ms = {0.5, 2.5};
  SearchStep st = JudgeStep(s, plan, m);
  EXPECT_FALSE(st.met);
  EXPECT_TRUE(st.client_saturated);
  ASSERT_EQ(st.reasons.size(), 3u);
  EXPECT_EQ(st.reasons[0].kind, BreakReason::Kind::kObjective);
  EXPECT_EQ(st.reasons[0].objective, 1u);
  EXPECT_DOUBLE_EQ(st.reasons[0].value_ms, 2.5);
  EXPECT_EQ(st.reasons[1].kind, BreakReason::Kind::kShortfall);
  EXPECT_EQ(st.reasons[2].kind, BreakReason::Kind::kErrors);
  m.achieved_rps = 951;  // within 5 %
  m.errors = 0;
  m.objective_ms = {0.5, 1.5};
  EXPECT_TRUE(JudgeStep(s, plan, m).met);
}

TEST(SloSearchTest, AHiccupThatDoesNotReproduceIsNotABreak) {
  Model model;
  Model clean_model;
  SearchSettings s = Settings();
  const SearchOutcome clean = Search(clean_model, s);
  ASSERT_TRUE(clean.found());
  model.worse_at_step = 2;  // the 4000 rps raise step measures 10x its latency once
  const SearchOutcome out = Search(model, s);
  ASSERT_TRUE(out.found());
  ASSERT_GT(out.steps.size(), 3u);
  EXPECT_FALSE(out.steps[2].met);
  EXPECT_EQ(out.steps[3].plan.phase, SearchPhase::kConfirm);
  EXPECT_EQ(out.steps[3].plan.offered_rps, out.steps[2].plan.offered_rps);
  EXPECT_TRUE(out.steps[3].met);
  // The raise went on from the confirmed rate, to the same answer as without the hiccup.
  EXPECT_EQ(out.steps[4].plan.phase, SearchPhase::kRaise);
  EXPECT_EQ(out.steps[4].plan.offered_rps, 2 * out.steps[2].plan.offered_rps);
  EXPECT_EQ(out.steps[*out.answer].plan.offered_rps, clean.steps[*clean.answer].plan.offered_rps);
}

TEST(SloSearchTest, EveryBreakThatCountsWasConfirmed) {
  Model model;
  const SearchOutcome out = Search(model, Settings());
  ASSERT_TRUE(out.found());
  ASSERT_TRUE(out.first_broken.has_value());
  EXPECT_EQ(out.steps[*out.first_broken].plan.phase, SearchPhase::kConfirm);
  for (size_t i = 0; i < out.steps.size(); ++i) {
    if (out.steps[i].met || out.steps[i].plan.phase == SearchPhase::kConfirm) continue;
    ASSERT_LT(i + 1, out.steps.size());
    EXPECT_EQ(out.steps[i + 1].plan.phase, SearchPhase::kConfirm) << "step " << i;
    EXPECT_EQ(out.steps[i + 1].plan.offered_rps, out.steps[i].plan.offered_rps);
  }
  EXPECT_GE(out.steps[*out.answer].plan.offered_rps, kTrue * 0.95);
  EXPECT_LE(out.steps[*out.answer].plan.offered_rps, kTrue);
  EXPECT_EQ(PhaseName(SearchPhase::kConfirm), "confirm");
}

TEST(SloSearchTest, ErrorsBreakAtOnceWithoutConfirmation) {
  Model model;
  model.errors_above = 10'000;
  const SearchOutcome out = Search(model, Settings());
  ASSERT_TRUE(out.first_broken.has_value());
  EXPECT_EQ(out.limited_by, SearchLimit::kErrors);
  for (const SearchStep& st : out.steps) EXPECT_NE(st.plan.phase, SearchPhase::kConfirm);
}

}  // namespace
}  // namespace kv::load
