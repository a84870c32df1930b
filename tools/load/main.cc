// kv-load: a redis-benchmark compatible load generator that measures honestly.
// main parses the flags, runs each test and prints the reports; it is the only place that exits.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "tools/load/cli.h"
#include "tools/load/json_report.h"
#include "tools/load/net.h"
#include "tools/load/report.h"
#include "tools/load/runner.h"
#include "tools/load/server_info.h"
#include "tools/load/slo_report.h"
#include "tools/load/slo_search.h"
#include "tools/load/slo_step.h"
#include "tools/load/workload.h"

namespace {

using kv::load::Options;

int Fail(const std::string& message) {
  std::fprintf(stderr, "kv-load: %s\n", message.c_str());
  return 1;
}

// The progress line, redis-benchmark's format; each one overwrites the previous with '\r'.
class ProgressLine {
 public:
  void Show(const std::string& title, const kv::load::ProgressSample& s) {
    std::printf("%*s\r", last_width_, " ");
    last_width_ =
        std::printf("%s: rps=%.1f (overall: %.1f) avg_msec=%.3f (overall: %.3f)\r", title.c_str(),
                    s.interval_rps, s.elapsed_s > 0 ? static_cast<double>(s.ok) / s.elapsed_s : 0.0,
                    s.interval_avg_ms, s.overall_avg_ms);
    std::fflush(stdout);
  }
  // Blanks the line before a report, as redis-benchmark does.
  void Clear() {
    std::printf("%*s\r", last_width_, " ");
    last_width_ = 0;
  }

 private:
  int last_width_ = 0;
};

// Writes a JSON document to --json's file, or to stdout for "-".
kv::Status WriteDocument(const Options& o, const nlohmann::json& doc) {
  const std::string text = doc.dump(2) + "\n";
  if (o.json_path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return {};
  }
  std::ofstream f(o.json_path, std::ios::trunc);
  f << text;
  f.close();
  if (!f) return kv::Error{"--json: cannot write " + o.json_path};
  return {};
}

kv::Status WriteJson(const Options& o, const std::optional<kv::load::ServerConfig>& server,
                     const std::vector<kv::load::TestResult>& results) {
  return WriteDocument(o, kv::load::ReportJson(o, server, results));
}

// --slo: one saturation search per test. Each step's line goes to stderr; the verdict and the
// table (-q: the verdict only) to stdout, unless --json - takes stdout. The JSON file is
// rewritten after each search, so that the steps so far survive a failure.
int RunSearches(const Options& o, const kv::load::Target& target,
                const std::vector<kv::load::Workload>& workloads,
                const std::optional<kv::load::ServerConfig>& server) {
  namespace load = kv::load;
  const load::SearchSettings settings = load::SearchSettingsFor(o);
  const bool json_stdout = o.json_path == "-";
  std::vector<load::SearchReport> searches;
  for (const load::Workload& w : workloads) {
    load::StepRunner run = load::MakeStepRunner(o, target, w);
    load::StepObserver observe;
    if (o.progress != 0) {
      observe = [&](const load::SearchStep& st) {
        std::fprintf(stderr, "%s\n", load::FormatStepProgress(settings, w.title, st).c_str());
      };
    }
    searches.push_back({w.title, load::RunSearch(settings, run, observe)});
    const load::SearchReport& r = searches.back();
    if (!json_stdout) {
      const std::string out = o.quiet ? load::SearchVerdict(settings, r) + "\n"
                                      : load::FormatSearch(settings, r) + "\n";
      std::fputs(out.c_str(), stdout);
      std::fflush(stdout);
    }
    if (r.outcome.failed()) {
      std::fprintf(stderr, "kv-load: %s\n", load::SearchVerdict(settings, r).c_str());
    }
    if (!o.json_path.empty() && !json_stdout) {
      kv::Status s = WriteDocument(o, load::SearchReportJson(o, server, settings, searches));
      if (!s.ok()) return Fail(s.error());
    }
    if (r.outcome.limited_by == load::SearchLimit::kServerFailed) break;  // nothing to test
  }
  if (json_stdout) {
    kv::Status s = WriteDocument(o, load::SearchReportJson(o, server, settings, searches));
    if (!s.ok()) return Fail(s.error());
  }
  return load::SearchExitStatus(searches);
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGHUP, SIG_IGN);
  std::vector<std::string_view> args(argv + 1, argv + argc);
  kv::Result<Options> parsed = kv::load::ParseArgs(args);
  if (!parsed.ok()) {
    std::fprintf(stderr, "kv-load: %s\nTry 'kv-load --help' for more information.\n",
                 parsed.error().c_str());
    return 1;
  }
  Options& o = *parsed;
  if (o.help) {
    std::fputs(kv::load::HelpText().c_str(), stdout);
    return 0;
  }
  if (o.version) {
    std::printf("kv-load %s\n", std::string(kv::load::kVersion).c_str());
    return 0;
  }
  for (const std::string& w : o.warnings) std::fprintf(stderr, "%s\n", w.c_str());
  if (o.stdin_arg) {
    std::string arg;
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof(buf), stdin)) > 0;) arg.append(buf, n);
    o.command.push_back(std::move(arg));
  }

  const int64_t fd_limit = kv::load::RaiseFileLimit();
  if (o.clients + 64 > fd_limit) {
    return Fail("-c " + std::to_string(o.clients) +
                ": needs more file descriptors than the limit (" + std::to_string(fd_limit) +
                "); raise it with ulimit -n");
  }
  kv::Result<kv::load::Target> target = kv::load::Connect(o);
  if (!target.ok()) return Fail(target.error());
  if (target->cluster) {
    const int64_t conns =
        static_cast<int64_t>(o.clients) * static_cast<int64_t>(target->cluster->masters.size());
    if (conns + 64 > fd_limit) {
      return Fail("--cluster -c " + std::to_string(o.clients) + ": " + std::to_string(conns) +
                  " connections need more file descriptors than the limit (" +
                  std::to_string(fd_limit) + "); raise it with ulimit -n");
    }
  }
  kv::Result<std::vector<kv::load::Workload>> workloads = kv::load::BuildWorkloads(o);
  if (!workloads.ok()) return Fail(workloads.error());

  std::optional<kv::load::ServerConfig> server;
  kv::Result<kv::load::ServerConfig> fetched =
      kv::load::FetchServerConfig(o, target->endpoint, target->tls.get());
  if (fetched.ok()) {
    server = *fetched;
  } else {
    std::fprintf(stderr, "WARNING: Could not fetch server CONFIG\n");
  }

  if (o.idle) {
    std::printf("Creating %d idle connections and waiting forever (Ctrl+C when done)\n", o.clients);
    std::fflush(stdout);
    auto idle = kv::load::OpenIdle(o, *target, workloads->front());
    if (!idle.ok()) return Fail(idle.error());
    while (true) ::pause();
  }
  if (o.searching()) return RunSearches(o, *target, *workloads, server);

  const bool json_stdout = o.json_path == "-";
  const bool text = !json_stdout;
  const bool show_progress =
      text && !o.csv && (o.progress == 1 || (o.progress == -1 && ::isatty(STDOUT_FILENO)));
  ProgressLine line;
  std::vector<kv::load::TestResult> results;
  if (text && o.csv) std::fputs(kv::load::CsvHeader().c_str(), stdout);
  do {
    for (const kv::load::Workload& w : *workloads) {
      kv::load::ProgressFn progress;
      if (show_progress) {
        progress = [&](const kv::load::ProgressSample& s) { line.Show(w.title, s); };
      }
      kv::Result<kv::load::TestResult> r = kv::load::RunTest(o, *target, w, progress);
      if (!r.ok()) return Fail(r.error());
      if (show_progress) line.Clear();
      if (text) {
        std::string out;
        if (o.csv) {
          out = kv::load::FormatCsvRow(*r);
        } else if (o.quiet) {
          out = kv::load::FormatQuiet(*r);
        } else {
          kv::load::ReportContext ctx;
          ctx.clients = o.clients;
          ctx.payload_bytes = w.payload_bytes;
          ctx.keepalive = o.keepalive;
          ctx.threads = o.threads;
          ctx.tick_us = o.tick_us;
          ctx.server = server;
          out = kv::load::FormatDefault(*r, ctx);
        }
        std::fputs(out.c_str(), stdout);
        if (o.csv || o.quiet) std::fputs(kv::load::FormatNotes(*r).c_str(), stderr);
        std::fflush(stdout);
      }
      results.push_back(std::move(*r));
      if (!o.json_path.empty() && !json_stdout) {
        kv::Status s = WriteJson(o, server, results);
        if (!s.ok()) return Fail(s.error());
      }
    }
    // redis-benchmark ends its suite (not a command run) with an empty line, except in CSV.
    if (text && !o.csv && o.command.empty()) std::fputs("\n", stdout);
  } while (o.loop);
  if (json_stdout) {
    kv::Status s = WriteJson(o, server, results);
    if (!s.ok()) return Fail(s.error());
  }
  return 0;
}
