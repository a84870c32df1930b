// Test helpers for the HTML report's browser tests: headless Debian chromium run on a file://
// page (screenshot, DOM dump, console and network logs), with every process it starts gone
// afterwards, also on timeout; and the checks on what it produced (PNG pixels, requests the page
// made, Content-Security-Policy violations).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "fixtures/child_process.h"

namespace kv::report_test {

// While alive, this process is a child subreaper (PR_SET_CHILD_SUBREAPER): a process that leaves
// chromium's process group and daemonizes (crashpad's handler does) is reparented here, not to
// init, so the test can still wait for it and kill it.
class OrphanReaper {
 public:
  OrphanReaper();
  ~OrphanReaper();  // ReapAll(10 s)
  OrphanReaper(const OrphanReaper&) = delete;
  OrphanReaper& operator=(const OrphanReaper&) = delete;

  // Waits up to `grace` for this process's children to exit by themselves (reaping them), then
  // SIGKILLs and reaps the rest, including their own orphans. Returns how many were killed. Call
  // only when no fixtures::ChildProcess of this process is alive (it waits for any child).
  int ReapAll(std::chrono::milliseconds grace);
};

// The whole content of the file at path ("" when it cannot be read).
std::string ReadFile(const std::string& path);

// Processes whose parent is `parent` (from /proc/<pid>/stat).
std::vector<pid_t> ChildrenOf(pid_t parent);
// Processes whose command line contains `needle` (from /proc/<pid>/cmdline), other than this one.
std::vector<pid_t> ProcessesWithArgument(std::string_view needle);

struct BrowserOptions {
  std::string chromium;  // the binary (scripts/setup.sh installs Debian's chromium)
  std::string page;      // absolute path of the HTML file to load
  std::string work_dir;  // profile, HOME, TMPDIR, screenshot and net log go here
  int width = 1280;      // window size: the screenshot's size
  int height = 2000;
  std::chrono::milliseconds timeout{90000};  // then SIGKILL to its process group
};

struct BrowserResult {
  fixtures::RunResult run;  // exit, timed_out, stdout (the DOM) and stderr (the log)
  std::string screenshot;   // path of the PNG
  std::string net_log;      // path of the net log (JSON)
};

// Runs chromium --headless on options.page with --screenshot, --dump-dom, --enable-logging=stderr
// and --log-net-log, in a fresh profile, with HOME and TMPDIR inside work_dir and background
// networking off. Errors: chromium could not be started.
Result<BrowserResult> RunHeadless(const BrowserOptions& options);

// The URLs of the requests a page made (net log URL_REQUEST_START_JOB events whose initiator is
// an origin, not the browser itself) that are not file: or data: URLs. Error: the net log does
// not parse.
Result<std::vector<std::string>> OutsideRequests(const std::string& net_log_json);

// The console lines reporting a Content-Security-Policy violation.
std::vector<std::string> CspViolations(const std::string& console_log);

// Every message the page wrote to its console (chromium logs them as ":CONSOLE" lines): script
// errors, failed loads, warnings. A report has no script, so it should write none.
std::vector<std::string> ConsoleMessages(const std::string& console_log);

struct PngStats {
  int width = 0;
  int height = 0;
  double non_white_fraction = 0;  // pixels darker than near-white
  size_t near_color = 0;          // pixels within ±40 per channel of the colour asked for
};

// Decodes a PNG (libpng's simplified API) and counts its pixels.
Result<PngStats> ReadPng(const std::string& path, unsigned red, unsigned green, unsigned blue);

}  // namespace kv::report_test
