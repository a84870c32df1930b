// Text and JSON reports of the saturation search (see slo_report.h).
#include "tools/load/slo_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "tools/load/cli.h"
#include "tools/load/json_report.h"

namespace kv::load {
namespace {

double Finite(double v) { return std::isfinite(v) ? v : 0.0; }

std::string Ms(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3f", Finite(ms));
  return buf;
}

std::string Percent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f %%", Finite(fraction) * 100);
  return buf;
}

double Offered(const SearchOutcome& o, std::optional<size_t> i) {
  return o.steps[*i].plan.offered_rps;
}

// "p99 0.820 ms, p50 0.210 ms": each objective's measured value at a step.
std::string Values(const SearchSettings& s, const SearchStep& step) {
  std::string out;
  for (size_t i = 0; i < s.objectives.size(); ++i) {
    const double v = i < step.measured.objective_ms.size() ? step.measured.objective_ms[i] : 0;
    if (!out.empty()) out += ", ";
    out += PercentileName(s.objectives[i].percentile) + " " + Ms(v) + " ms";
  }
  return out;
}

// "p99 1.730 ms, achieved 38,000 rps, 12 errors": why a step broke.
std::string Reasons(const SearchSettings& s, const SearchStep& step) {
  std::string out;
  for (const BreakReason& r : step.reasons) {
    if (!out.empty()) out += ", ";
    switch (r.kind) {
      case BreakReason::Kind::kObjective:
        out += PercentileName(s.objectives[r.objective].percentile) + " " + Ms(r.value_ms) + " ms";
        break;
      case BreakReason::Kind::kShortfall:
        out += "achieved " + FormatRate(r.achieved_rps) + " rps";
        break;
      case BreakReason::Kind::kErrors:
        out += std::to_string(r.count) + " errors";
        break;
    }
  }
  return out;
}

// The objectives a broken step broke, joined: "p99<=0.01ms".
std::string BrokenObjectives(const SearchSettings& s, const SearchStep& step) {
  std::string out;
  for (const BreakReason& r : step.reasons) {
    if (r.kind != BreakReason::Kind::kObjective) continue;
    out += (out.empty() ? "" : ",") + s.objectives[r.objective].text;
  }
  return out;
}

nlohmann::json ReasonsJson(const SearchSettings& s, const SearchStep& step) {
  nlohmann::json out = nlohmann::json::array();
  for (const BreakReason& r : step.reasons) {
    nlohmann::json j = {{"kind", std::string(ReasonKindName(r.kind))}};
    switch (r.kind) {
      case BreakReason::Kind::kObjective:
        j["objective"] = s.objectives[r.objective].text;
        j["value_ms"] = Finite(r.value_ms);
        break;
      case BreakReason::Kind::kShortfall:
        j["achieved_rps"] = Finite(r.achieved_rps);
        break;
      case BreakReason::Kind::kErrors:
        j["count"] = r.count;
        break;
    }
    out.push_back(j);
  }
  return out;
}

}  // namespace

std::string FormatRate(double rps) {
  const double rounded = std::round(Finite(rps));
  std::string digits = std::to_string(static_cast<int64_t>(std::fabs(rounded)));
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return rounded < 0 ? "-" + out : out;
}

std::string SearchVerdict(const SearchSettings& s, const SearchReport& search) {
  const SearchOutcome& o = search.outcome;
  const std::string objectives = SloObjectivesText(s.objectives);
  std::string v = search.title + ": ";
  if (!o.answer) {
    if (o.limited_by == SearchLimit::kServerFailed) {
      return v + "the server failed during the search (" + o.failure + "); no step met " +
             objectives;
    }
    if (o.limited_by == SearchLimit::kMaxTime && o.steps.empty()) {
      return v + "--slo-max-time ran out before a step completed";
    }
    if (o.first_broken && o.limited_by == SearchLimit::kMaxTime) {
      const SearchStep& b = o.steps[*o.first_broken];
      return v + "no rate met " + objectives + " before --slo-max-time (" +
             FormatRate(s.max_time_s) + " s) ran out: " + FormatRate(b.plan.offered_rps) +
             " rps broke it (" + Reasons(s, b) + ")";
    }
    if (o.first_broken) {
      const SearchStep& b = o.steps[*o.first_broken];
      const std::string rate = FormatRate(b.plan.offered_rps);
      if (o.limited_by == SearchLimit::kClient) {
        return v + "no rate met " + objectives + ": the client saturated at " + rate + " rps (" +
               Reasons(s, b) + "); " + std::string(kClientLimitedAdvice);
      }
      const std::string broken = BrokenObjectives(s, b);
      if (b.reasons.front().kind == BreakReason::Kind::kObjective) {
        std::string measured;
        for (const BreakReason& r : b.reasons) {
          if (r.kind != BreakReason::Kind::kObjective) continue;
          measured += (measured.empty() ? "" : ", ") +
                      PercentileName(s.objectives[r.objective].percentile) + " " + Ms(r.value_ms) +
                      " ms";
        }
        return v + broken + " cannot be met even at " + rate + " rps: measured " + measured +
               " (network floor)";
      }
      return v + "no rate met " + objectives + ": even " + rate + " rps broke it (" +
             Reasons(s, b) + ")";
    }
    return v + "no rate met " + objectives;
  }
  const SearchStep& a = o.steps[*o.answer];
  const std::string met =
      FormatRate(a.plan.offered_rps) + " rps meets " + objectives + " (" + Values(s, a) + ")";
  std::string broke;
  if (o.first_broken) {
    const SearchStep& b = o.steps[*o.first_broken];
    broke = "; " + FormatRate(b.plan.offered_rps) + " rps broke it" +
            (b.client_saturated ? " with the client saturated" : "") + " (" + Reasons(s, b) + ")";
  }
  switch (o.limited_by) {
    case SearchLimit::kClient:
      return v + "at least " + met + broke + "; lower bound: " + std::string(kClientLimitedAdvice);
    case SearchLimit::kMaxTime:
      return v + "at least " + met + broke + "; lower bound: --slo-max-time (" +
             FormatRate(s.max_time_s) + " s) ran out before the search ended";
    case SearchLimit::kMaxRate:
      return v + "at least " + met + "; lower bound: --slo-max-rate reached";
    case SearchLimit::kServerFailed:
      return v + "the server failed during the search (" + o.failure + "); at least " + met +
             " before that (lower bound)";
    default:
      break;
  }
  std::string tail;
  if (o.first_broken)
    tail = "; bracket +" +
           Percent((Offered(o, o.first_broken) - Offered(o, o.answer)) / Offered(o, o.answer));
  if (o.rechecked) tail += ", re-checked";
  if (o.recheck_failed) {
    tail +=
        ", moved down: the re-check at " + FormatRate(Offered(o, o.first_broken)) + " rps broke";
  }
  return v + met + broke + tail;
}

std::string FormatSearch(const SearchSettings& s, const SearchReport& search) {
  std::string out = SearchVerdict(s, search) + "\n\n";
  char line[512];
  std::snprintf(line, sizeof(line),
                "%4s  %-7s %10s %10s %9s %9s %10s %9s %9s %10s %7s %6s %7s  %s\n", "step", "phase",
                "offered", "achieved", "c.p50 ms", "c.p99 ms", "c.p99.9 ms", "u.p50 ms", "u.p99 ms",
                "u.p99.9 ms", "errors", "cpu s", "busiest", "result");
  out += line;
  for (const SearchStep& st : search.outcome.steps) {
    const TestResult* t = st.measured.test.get();
    auto pct = [&](bool corrected, double q) {
      if (!t) return std::string("-");
      const stats::Histogram& h = corrected ? t->corrected : t->latency;
      return Ms(static_cast<double>(h.ValueAtPercentile(q)) / 1e6);
    };
    char cpu[32] = "-";
    if (t) std::snprintf(cpu, sizeof(cpu), "%.2f", Finite(t->client_cpu_s));
    std::string result = st.met ? std::string("met") : "broke: " + Reasons(s, st);
    if (st.client_saturated) result += " [client saturated]";
    std::snprintf(
        line, sizeof(line), "%4d  %-7s %10s %10s %9s %9s %10s %9s %9s %10s %7lld %6s %7s  %s\n",
        st.plan.index, std::string(PhaseName(st.plan.phase)).c_str(),
        FormatRate(st.plan.offered_rps).c_str(), FormatRate(st.measured.achieved_rps).c_str(),
        pct(true, 50).c_str(), pct(true, 99).c_str(), pct(true, 99.9).c_str(),
        pct(false, 50).c_str(), pct(false, 99).c_str(), pct(false, 99.9).c_str(),
        static_cast<long long>(st.measured.errors), cpu,
        Percent(st.measured.busiest_thread).c_str(), result.c_str());
    out += line;
  }
  std::snprintf(
      line, sizeof(line),
      "%zu steps in %.1f s; a step lasts long enough for %lld requests (within the time budget) "
      "after a %.2f s warm-up; c. = corrected (from when each request was due), u. = uncorrected\n",
      search.outcome.steps.size(), Finite(search.outcome.elapsed_s),
      static_cast<long long>(s.min_requests()), s.warmup_s);
  return out + line;
}

std::string FormatStepProgress(const SearchSettings& s, std::string_view title,
                               const SearchStep& step) {
  std::string line = std::string(title) + " step " + std::to_string(step.plan.index) + " (" +
                     std::string(PhaseName(step.plan.phase)) + ") " +
                     FormatRate(step.plan.offered_rps) + " rps: achieved " +
                     FormatRate(step.measured.achieved_rps) + " rps, " + Values(s, step) +
                     ", busiest thread " + Percent(step.measured.busiest_thread) + " - " +
                     (step.met ? std::string("met") : "broke (" + Reasons(s, step) + ")");
  if (step.client_saturated) line += " [client saturated]";
  return line;
}

int SearchExitStatus(const std::vector<SearchReport>& searches) {
  bool no_rate = false;
  for (const SearchReport& r : searches) {
    if (r.outcome.limited_by == SearchLimit::kServerFailed) return kExitSearchServerFailed;
    if (!r.outcome.found()) no_rate = true;
  }
  return no_rate ? kExitSearchNoRate : 0;
}

nlohmann::json SearchJson(const SearchSettings& s, const SearchReport& search) {
  const SearchOutcome& o = search.outcome;
  nlohmann::json objectives = nlohmann::json::array();
  for (const SloObjective& obj : s.objectives) {
    objectives.push_back(
        {{"text", obj.text}, {"percentile", obj.percentile}, {"limit_ms", obj.limit_ms}});
  }
  nlohmann::json steps = nlohmann::json::array();
  for (const SearchStep& st : o.steps) {
    steps.push_back({{"index", st.plan.index},
                     {"phase", std::string(PhaseName(st.plan.phase))},
                     {"offered_rps", Finite(st.plan.offered_rps)},
                     {"planned_s", Finite(st.plan.warmup_s + st.plan.duration_s)},
                     {"wall_s", Finite(st.measured.wall_s)},
                     {"met", st.met},
                     {"reasons", ReasonsJson(s, st)},
                     {"client_saturated", st.client_saturated},
                     {"test", st.measured.test ? TestJson(*st.measured.test) : nullptr}});
  }
  nlohmann::json first_broken = nullptr;
  if (o.first_broken) {
    const SearchStep& b = o.steps[*o.first_broken];
    first_broken = {{"offered_rps", Finite(b.plan.offered_rps)}, {"reasons", ReasonsJson(s, b)}};
  }
  return {
      {"title", search.title},
      {"objectives", objectives},
      {"settings",
       {{"tolerance", s.tolerance},
        {"start_rps", s.start_rps},
        {"growth", s.growth},
        {"step_s", s.step_s},
        {"warmup_s", s.warmup_s},
        {"min_requests", s.min_requests()},
        {"max_time_s", s.max_time_s},
        {"confirm_breaks", s.confirm_breaks}}},
      {"answer_rps", o.answer ? nlohmann::json(Offered(o, o.answer)) : nlohmann::json(nullptr)},
      {"answer_achieved_rps", o.answer
                                  ? nlohmann::json(Finite(o.steps[*o.answer].measured.achieved_rps))
                                  : nlohmann::json(nullptr)},
      {"first_broken", first_broken},
      {"limited_by", std::string(LimitName(o.limited_by))},
      {"lower_bound", o.lower_bound},
      {"verdict", SearchVerdict(s, search)},
      {"elapsed_s", Finite(o.elapsed_s)},
      {"steps", steps},
  };
}

nlohmann::json SearchReportJson(const Options& options, const std::optional<ServerConfig>& server,
                                const SearchSettings& settings,
                                const std::vector<SearchReport>& searches) {
  nlohmann::json list = nlohmann::json::array();
  for (const SearchReport& r : searches) list.push_back(SearchJson(settings, r));
  return {
      {"schema", std::string(kSearchJsonSchema)},
      {"schema_version", kSearchJsonSchemaVersion},
      {"tool", "kv-load"},
      {"version", std::string(kVersion)},
      {"config", ConfigJson(options)},
      {"server", server
                     ? nlohmann::json({{"save", server->save}, {"appendonly", server->appendonly}})
                     : nlohmann::json(nullptr)},
      {"searches", list},
  };
}

}  // namespace kv::load
