// kv-compare command line parsing and dispatch.
#include "tools/compare/cli.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>

#include "base/numbers.h"
#include "base/result.h"
#include "stats/interval.h"
#include "stats/summary.h"
#include "tools/compare/compare.h"
#include "tools/compare/gate.h"
#include "tools/compare/html/report_command.h"
#include "tools/compare/instructions.h"
#include "tools/compare/merge.h"
#include "tools/compare/policy.h"
#include "tools/compare/pool.h"
#include "tools/compare/report.h"
#include "tools/compare/result_set.h"
#include "tools/compare/search_command.h"
#include "tools/compare/stability.h"
#include "tools/compare/table.h"
#include "tools/compare/vs_redis.h"

namespace kv::compare {
namespace {

constexpr int kExitOk = 0;

struct CliOptions {
  bool help = false;
  bool force = false;
  OutputFormat format = OutputFormat::kText;
  std::optional<std::string> policy_path;
  std::optional<std::vector<GateMode>> modes;
  bool lower_is_better = false;  // interval: the values are ratios of a lower-is-better metric
  int look = 1;                  // --look K/N (gate): sequential look K of N
  int looks = 1;
  std::string target;     // --target: the ratios' numerator ("" = the file's, ResultSet::pair)
  std::string reference;  // --reference: their denominator ("" = the file's kv_reference)
  std::vector<std::string> positional;  // subcommand, then files
};

// --target / --reference override the pair a loaded file compares.
void ApplyPair(const CliOptions& options, ResultSet& set) {
  if (!options.reference.empty()) set.pair.reference = options.reference;
  if (!options.target.empty()) {
    set.pair.target = options.target;
  } else if (!options.reference.empty()) {
    std::vector<TargetPair> pairs = PairsToReport(set, set.pair.reference);
    if (!pairs.empty()) set.pair.target = pairs.front().target;
  }
}

// "K/N" with 1 <= K <= N <= 10.
Status ParseLook(const std::string& value, CliOptions& options) {
  const size_t slash = value.find('/');
  std::optional<int> k;
  std::optional<int> n;
  if (slash != std::string::npos) {
    k = ParseNumber<int>(value.substr(0, slash));
    n = ParseNumber<int>(value.substr(slash + 1));
  }
  if (!k || !n || *k < 1 || *n < *k || *n > 10) {
    return Error{"--look: expected K/N with 1 <= K <= N <= 10 (e.g. 1/2), not '" + value + "'"};
  }
  options.look = *k;
  options.looks = *n;
  return {};
}

Result<std::vector<GateMode>> ParseModes(const std::string& value) {
  if (value == "raw") return std::vector<GateMode>{GateMode::kRaw};
  if (value == "ratio") return std::vector<GateMode>{GateMode::kRatio};
  if (value == "both") return std::vector<GateMode>{GateMode::kRaw, GateMode::kRatio};
  return Error{"--mode: expected raw, ratio or both, not '" + value + "'"};
}

Result<CliOptions> ParseArgs(const std::vector<std::string>& args) {
  CliOptions options;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    std::optional<std::string> inline_value;
    if (arg.starts_with("--")) {
      if (size_t eq = arg.find('='); eq != std::string::npos) {
        inline_value = arg.substr(eq + 1);
        arg.resize(eq);
      }
    }
    auto value = [&]() -> Result<std::string> {
      if (inline_value) return *inline_value;
      if (i + 1 >= args.size()) return Error{arg + " needs a value"};
      return args[++i];
    };
    if (arg == "--help" || arg == "-h") {
      options.help = true;
    } else if (arg == "--force") {
      options.force = true;
    } else if (arg == "--format") {
      auto v = value();
      if (!v) return Error{v.error()};
      auto f = ParseOutputFormat(*v);
      if (!f) return Error{f.error()};
      options.format = *f;
    } else if (arg == "--policy") {
      auto v = value();
      if (!v) return Error{v.error()};
      options.policy_path = *v;
    } else if (arg == "--mode") {
      auto v = value();
      if (!v) return Error{v.error()};
      auto m = ParseModes(*v);
      if (!m) return Error{m.error()};
      options.modes = *m;
    } else if (arg == "--target" || arg == "--reference") {
      auto v = value();
      if (!v) return Error{v.error()};
      if (v->empty() || v->find('/') != std::string::npos) {
        return Error{arg + ": expected a target name (the first part of a benchmark name)"};
      }
      (arg == "--target" ? options.target : options.reference) = *v;
    } else if (arg == "--lower-is-better") {
      options.lower_is_better = true;
    } else if (arg == "--look") {
      auto v = value();
      if (!v) return Error{v.error()};
      if (Status s = ParseLook(*v, options); !s) return Error{s.error()};
    } else if (arg.starts_with("-") && arg != "-") {
      return Error{"unknown option '" + args[i] + "' (see --help)"};
    } else {
      options.positional.push_back(arg);
    }
  }
  return options;
}

Result<Policy> PolicyFor(const CliOptions& options) {
  if (!options.policy_path) return DefaultPolicy();
  return LoadPolicy(*options.policy_path);
}

int Fail(std::ostream& err, const std::string& message) {
  err << "kv-compare: " << message << "\n";
  return kExitCannotCompare;
}

int RunVsRedis(const CliOptions& options, const RenderOptions& render, std::ostream& out,
               std::ostream& err) {
  if (options.positional.size() != 2) return Fail(err, "usage: kv-compare vs-redis RESULTS.json");
  auto policy = PolicyFor(options);
  if (!policy) return Fail(err, policy.error());
  auto set = LoadResults(options.positional[1]);
  if (!set) return Fail(err, set.error());
  ApplyPair(options, *set);
  // Every other target ÷ the reference (kv first), or the one --target names.
  std::vector<TargetPair> pairs = PairsToReport(*set, set->pair.reference, options.target);
  if (pairs.empty()) pairs.push_back(set->pair);  // only the reference ran: its values alone
  std::vector<std::string> rendered;
  for (const TargetPair& pair : pairs) {
    auto report = VsRedis(*set, VsRedisOptions{.confidence = policy->confidence,
                                               .equal_band = policy->equal_band,
                                               .pair = pair});
    if (!report) return Fail(err, "cannot compare: " + report.error());
    rendered.push_back(RenderVsRedis(*report, render));
  }
  if (render.format == OutputFormat::kJson && rendered.size() > 1) {
    out << "[\n";  // one report per pair
    for (size_t i = 0; i < rendered.size(); ++i) {
      if (i > 0) out << ",\n";
      out << rendered[i].substr(0, rendered[i].size() - 1);  // without its newline
    }
    out << "\n]\n";
    return kExitOk;
  }
  for (size_t i = 0; i < rendered.size(); ++i) out << (i > 0 ? "\n" : "") << rendered[i];
  return kExitOk;
}

// Loads BASELINE and CURRENT (positional[1..2]) and checks that they can be compared.
Result<std::pair<ResultSet, ResultSet>> LoadPair(const CliOptions& options,
                                                 std::vector<std::string>& warnings) {
  auto baseline = LoadPooled(options.positional[1]);
  if (!baseline) return Error{baseline.error()};
  auto current = LoadPooled(options.positional[2]);
  if (!current) return Error{current.error()};
  ApplyPair(options, *baseline);
  ApplyPair(options, *current);
  if (Status s = CheckComparable(*baseline, *current); !s) {
    if (!options.force)
      return Error{"cannot compare: " + s.error() + " (--force to compare anyway)"};
    warnings.push_back("forced: " + s.error());
  }
  if (CountOverlap(*baseline, *current) == 0) {
    return Error{"cannot compare: no benchmarks in common between " + baseline->source + " and " +
                 current->source};
  }
  return std::make_pair(std::move(*baseline), std::move(*current));
}

int RunDiff(const CliOptions& options, const RenderOptions& render, std::ostream& out,
            std::ostream& err) {
  if (options.positional.size() != 3) {
    return Fail(err, "usage: kv-compare diff BASELINE.json CURRENT.json");
  }
  auto policy = PolicyFor(options);
  if (!policy) return Fail(err, policy.error());
  DiffReport report;
  auto pair = LoadPair(options, report.warnings);
  if (!pair) return Fail(err, pair.error());
  const auto& [baseline, current] = *pair;
  report.baseline_source = baseline.source;
  report.current_source = current.source;
  report.confidence = policy->confidence;
  report.rows = CompareRaw(baseline, current, *policy);
  std::vector<Comparison> ratios = CompareRatios(baseline, current, *policy);
  report.rows.insert(report.rows.end(), ratios.begin(), ratios.end());
  out << RenderDiff(report, render);
  return kExitOk;
}

int RunGateCommand(const CliOptions& options, const RenderOptions& render, std::ostream& out,
                   std::ostream& err) {
  if (options.positional.size() != 3) {
    return Fail(err, "usage: kv-compare gate --policy POLICY.json BASELINE.json CURRENT.json");
  }
  auto policy = PolicyFor(options);
  if (!policy) return Fail(err, policy.error());
  auto baseline = LoadPooled(options.positional[1]);
  if (!baseline) return Fail(err, baseline.error());
  auto current = LoadPooled(options.positional[2]);
  if (!current) return Fail(err, current.error());
  ApplyPair(options, *baseline);
  ApplyPair(options, *current);
  GateReport report = RunGate(*baseline, *current, *policy,
                              GateOptions{.force = options.force,
                                          .modes = options.modes,
                                          .look = options.look,
                                          .looks = options.looks});
  out << RenderGate(report, render, *policy);
  if (report.exit_code == kExitCannotCompare) {
    for (const std::string& reason : report.reasons)
      err << "kv-compare: cannot compare: " << reason << "\n";
  }
  return report.exit_code;
}

// VALUE... (positional[1..]): paired ratios (kv ÷ reference, one per round or repetition); prints
// the median with its exact interval and the verdict word, for scripts (compare-*.sh).
int RunIntervalCommand(const CliOptions& options, std::ostream& out, std::ostream& err) {
  if (options.positional.size() < 2) {
    return Fail(err, "usage: kv-compare interval [--lower-is-better] RATIO RATIO ...");
  }
  auto policy = PolicyFor(options);
  if (!policy) return Fail(err, policy.error());
  std::vector<double> values;
  for (size_t i = 1; i < options.positional.size(); ++i) {
    auto v = ParseNumber<double>(options.positional[i]);
    if (!v || !(*v > 0) || !std::isfinite(*v)) {
      return Fail(err, "interval: '" + options.positional[i] + "' is not a positive ratio");
    }
    values.push_back(*v);
  }
  const std::optional<stats::Interval> interval = stats::MedianInterval(values, policy->confidence);
  VsRedisVerdict judged = JudgeVsRedis(interval, values.size(), policy->equal_band);
  if (options.lower_is_better && judged == VsRedisVerdict::kFaster) {
    judged = VsRedisVerdict::kSlower;
  } else if (options.lower_is_better && judged == VsRedisVerdict::kSlower) {
    judged = VsRedisVerdict::kFaster;
  }
  const std::string verdict(VsRedisVerdictName(judged));
  const double median = stats::Median(values);
  const std::string level = FormatDouble("%g", policy->confidence * 100) + "%";
  if (options.format == OutputFormat::kJson) {
    nlohmann::json j = {
        {"n", values.size()},
        {"median", median},
        {"low", interval ? nlohmann::json(interval->low) : nlohmann::json()},
        {"high", interval ? nlohmann::json(interval->high) : nlohmann::json()},
        {"coverage", interval ? nlohmann::json(interval->confidence) : nlohmann::json()},
        {"verdict", verdict}};
    out << j.dump() << "\n";
    return kExitOk;
  }
  out << FormatDouble("%.3f", median);
  if (interval) {
    out << " [" << FormatDouble("%.3f", interval->low) << ", "
        << FormatDouble("%.3f", interval->high) << "]";
  } else {
    out << " [no " << level << " interval from " << values.size() << " values; needs "
        << stats::MedianIntervalMinSamples(policy->confidence) << "]";
  }
  out << " " << verdict << "\n";
  return kExitOk;
}

// RUN1 RUN2 [...] (positional[1..]): every run must be comparable with the first (or --force).
int RunStabilityCommand(const CliOptions& options, const RenderOptions& render, std::ostream& out,
                        std::ostream& err) {
  if (options.positional.size() < 3) {
    return Fail(err, "usage: kv-compare stability RUN1.json RUN2.json [RUN3.json ...]");
  }
  std::vector<ResultSet> runs;
  for (size_t i = 1; i < options.positional.size(); ++i) {
    auto set = LoadResults(options.positional[i]);
    if (!set) return Fail(err, set.error());
    ApplyPair(options, *set);
    runs.push_back(std::move(*set));
  }
  std::vector<std::string> warnings;
  for (size_t i = 1; i < runs.size(); ++i) {
    Status s = CheckComparable(runs.front(), runs[i]);
    if (s.ok()) continue;
    std::string what = runs.front().source + " vs " + runs[i].source + ": " + s.error();
    if (!options.force) return Fail(err, "cannot compare " + what + " (--force to compare anyway)");
    warnings.push_back("forced: " + what);
  }
  auto report = Stability(runs);
  if (!report) return Fail(err, "cannot compare: " + report.error());
  report->warnings = std::move(warnings);
  out << RenderStability(*report, render);
  return kExitOk;
}

// The subcommands that parse their own options accept --format after their name; written before
// it (`kv-compare --format json search ...`, as for the other subcommands) it is moved there.
std::vector<std::string> OwnOptionsFirst(const std::vector<std::string>& args) {
  size_t i = 0;
  while (i < args.size() && args[i].starts_with("--format")) i += args[i] == "--format" ? 2 : 1;
  if (i == 0 || i >= args.size() || (args[i] != "search" && args[i] != "instructions")) {
    return args;
  }
  std::vector<std::string> out = {args[i]};
  out.insert(out.end(), args.begin(), args.begin() + static_cast<std::ptrdiff_t>(i));
  out.insert(out.end(), args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
  return out;
}

}  // namespace

std::string UsageText() {
  return R"(kv-compare: compare kvbench results (Google Benchmark JSON from kv_bench, or kv-load JSON)

usage:
  kv-compare vs-redis RESULTS.json            (alias: vs-reference)
      per case: each target vs the reference (kv_bench --kv_reference, default redis; kv
      first, then every other target) throughput, p50 and p99 from the same run, their
      ratios and the geometric mean, after the run's host, build and versions; failed runs
      are marked and their messages listed (scripts/bench.sh prints this); a run of one
      target only gives its values without ratios; --format json with several targets: an
      array of reports
  kv-compare diff BASELINE.json CURRENT.json
      per benchmark and metric: baseline and current median, change, current÷baseline with its
      95% interval, Mann-Whitney p-value, verdict (improved/regressed/no clear difference/too
      noisy to tell/new/missing); also kv÷redis ratios
  kv-compare gate --policy baselines/policy.json [--look K/N] BASELINE.json CURRENT.json
      the regression gate: exit 0 pass, 1 regression, 2 cannot compare, 3 (only with
      --look K/N, K < N) inconclusive so far: rerun the commands it names and look again
      with both files (alpha is split over the N looks)
  Wherever a file is expected by diff and gate, A.json,B.json,... (commas) pools the files'
  repetitions into one sample (a baseline recorded over several runs; a second look).
  kv-compare stability RUN1.json RUN2.json [RUN3.json ...]
      run-to-run variation (items_per_second): per case paired in every run, the coefficient
      of variation over the runs of the kv median, the redis median and the median kv÷redis
      ratio; then the median CVs and how many cases have a steadier ratio than kv throughput
  kv-compare interval [--lower-is-better] [--format json] RATIO RATIO ...
      paired ratios (kv ÷ reference, one per round): the median with its exact 95% interval
      (order statistics; 6 values or more) and faster / slower / no clear difference / too
      noisy to tell (--lower-is-better: ratios of p99, CPU or memory); for scripts
  kv-compare report INPUT.json [INPUT.json ...] -o REPORT.html [--title TEXT]
      one self-contained HTML file (inline SVG charts, no script, loads nothing): from kv_bench
      JSON (throughput with intervals and verdicts, latency spectra, scaling, memory per key),
      kv-load JSON (corrected and uncorrected spectra, per-second series), saturation
      searches (kv-load --slo: latency against throughput per step, objectives, answer) or
      gate JSON (`kv-compare --format json gate ...`: every gated row against its threshold);
      several inputs of one kind compare runs; exit 2 and no file on bad input
  kv-compare merge A.json B.json [...] -o MERGED.json
      kv-load JSON of several processes run together (one machine or many) as one kv-load
      JSON: histograms merged losslessly, percentiles from them, counts and errors summed,
      rps = total requests over the span of their windows; warns when the windows overlap
      for less than 80 % of that span; exit 2 and no file on bad or mismatched input
  kv-compare instructions [--threshold 0.03] [--format F] BASELINE.json CURRENT.json
      the instruction gate (scripts/callgrind-requests.sh JSON): per test and pipeline depth,
      current ÷ baseline instructions per request; exit 1 when one exceeds 1 + threshold
  kv-compare search [--format F] [--max-drop 10%] A.json[,A2.json...] B.json[,B2.json...]
      saturation searches (kv-load --slo ... --json): per test, A ÷ B of the rates each
      sustained within the same objectives; one search a side: its interval is the bracket
      the searches' steps leave open (not a confidence interval); several (commas): the
      Hodges-Lehmann ratio of the answers with its exact 95% interval, and each side's
      spread, noisy above 10 %; a lower-bound answer (client-limited) makes the ratio a
      bound; different objectives or workloads: exit 2; --max-drop P: exit 1 when A ÷ B is
      below 1 - P even at its interval's upper end (A current, B baseline)

options:
  --format text|markdown|json   output format (default text; colour only on a terminal
                                without NO_COLOR)
  --policy FILE                 policy for diff/gate (default: the built-in policy, the same
                                as baselines/policy.json)
  --mode raw|ratio|both         gate on raw values, on kv÷redis ratios or both (default: the
                                policy's gate_modes)
  --reference NAME              the ratios' denominator (default: the file's kv_reference, or
                                redis in files without it)
  --target NAME                 the ratios' numerator (default: kv, else the first other
                                target; vs-redis: every other target)
  --force                       compare despite different grid/build type/settings, failed
                                benchmarks, too few repetitions or too many noisy series
                                (those are then reported, not failed); for stability, runs
                                measured with different settings
  --help                        this text

exit codes: 0 ok/pass, 1 regression (gate, instructions, search --max-drop), 2 cannot compare
or bad input (vs-redis: no kv/<case> or redis/<case> results; search --max-drop: a test without
an interval), 3 gate --look K/N with K < N: more repetitions needed
)";
}

int RunCli(const std::vector<std::string>& given, std::ostream& out, std::ostream& err,
           const CliEnv& env) {
  const std::vector<std::string> args = OwnOptionsFirst(given);
  // Has its own options (--threshold); they follow the subcommand.
  if (!args.empty() && args[0] == "instructions")
    return RunInstructionsCommand(args, out, err, env);
  if (!args.empty() && args[0] == "report") return html::RunReportCommand(args, out, err);
  if (!args.empty() && args[0] == "merge") return RunMergeCommand(args, out, err);
  if (!args.empty() && args[0] == "search") return RunSearchCommand(args, out, err, env);
  auto options = ParseArgs(args);
  if (!options) return Fail(err, options.error());
  if (options->help) {
    out << UsageText();
    return kExitOk;
  }
  if (options->positional.empty()) {
    err << UsageText();
    return kExitCannotCompare;
  }
  RenderOptions render{.format = options->format, .color = env.stdout_is_tty && !env.no_color};
  const std::string& command = options->positional[0];
  if (command == "vs-redis" || command == "vs-reference") {
    return RunVsRedis(*options, render, out, err);
  }
  if (command == "diff") return RunDiff(*options, render, out, err);
  if (command == "gate") return RunGateCommand(*options, render, out, err);
  if (command == "stability") return RunStabilityCommand(*options, render, out, err);
  if (command == "interval") return RunIntervalCommand(*options, out, err);
  return Fail(
      err,
      "unknown subcommand '" + command +
          "' (vs-redis, diff, gate, stability, interval, report, merge, instructions or search; "
          "see --help)");
}

}  // namespace kv::compare
