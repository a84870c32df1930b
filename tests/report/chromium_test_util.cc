// Headless chromium for the report's browser tests (see chromium_test_util.h).
#include "tests/report/chromium_test_util.h"

#include <dirent.h>
#include <png.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

namespace kv::report_test {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

namespace {

std::vector<pid_t> AllPids() {
  std::vector<pid_t> out;
  DIR* dir = ::opendir("/proc");
  if (dir == nullptr) return out;
  while (const dirent* e = ::readdir(dir)) {
    char* end = nullptr;
    const long pid = std::strtol(e->d_name, &end, 10);
    if (end != e->d_name && *end == '\0' && pid > 0) out.push_back(static_cast<pid_t>(pid));
  }
  ::closedir(dir);
  return out;
}

void ReapExited() {
  while (::waitpid(-1, nullptr, WNOHANG) > 0) {
  }
}

}  // namespace

OrphanReaper::OrphanReaper() { ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); }

OrphanReaper::~OrphanReaper() { ReapAll(std::chrono::seconds(10)); }

int OrphanReaper::ReapAll(std::chrono::milliseconds grace) {
  const auto give_up = std::chrono::steady_clock::now() + grace;
  int killed = 0;
  for (int round = 0; round < 1000; ++round) {
    ReapExited();
    const std::vector<pid_t> children = ChildrenOf(::getpid());
    if (children.empty()) break;
    if (std::chrono::steady_clock::now() >= give_up) {
      for (pid_t pid : children) {
        if (::kill(pid, SIGKILL) == 0) ++killed;
      }
      // Their own children become orphans, reparented here: the next rounds take them.
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ReapExited();
  return killed;
}

std::vector<pid_t> ChildrenOf(pid_t parent) {
  std::vector<pid_t> out;
  for (pid_t pid : AllPids()) {
    const std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
    const size_t close = stat.rfind(')');  // the command name may hold spaces and parentheses
    if (close == std::string::npos) continue;
    std::istringstream fields(stat.substr(close + 1));
    std::string state;
    long ppid = 0;
    fields >> state >> ppid;
    if (ppid == parent && state != "Z") out.push_back(pid);
    if (ppid == parent && state == "Z") ::waitpid(pid, nullptr, WNOHANG);
  }
  return out;
}

std::vector<pid_t> ProcessesWithArgument(std::string_view needle) {
  std::vector<pid_t> out;
  for (pid_t pid : AllPids()) {
    if (pid == ::getpid()) continue;
    std::string cmdline = ReadFile("/proc/" + std::to_string(pid) + "/cmdline");
    for (char& c : cmdline) {
      if (c == '\0') c = ' ';
    }
    if (cmdline.find(needle) != std::string::npos) out.push_back(pid);
  }
  return out;
}

Result<BrowserResult> RunHeadless(const BrowserOptions& o) {
  BrowserResult result;
  result.screenshot = o.work_dir + "/screenshot.png";
  result.net_log = o.work_dir + "/net-log.json";
  fixtures::RunOptions run;
  run.timeout = o.timeout;
  // HOME and TMPDIR in the work directory: nothing of the browser's lands outside it.
  run.argv = {"/usr/bin/env",
              "HOME=" + o.work_dir,
              "TMPDIR=" + o.work_dir,
              "XDG_CONFIG_HOME=" + o.work_dir + "/config",
              "XDG_CACHE_HOME=" + o.work_dir + "/cache",
              o.chromium,
              "--headless",
              "--no-sandbox",  // required as root; the page is our own file
              "--disable-gpu",
              "--user-data-dir=" + o.work_dir + "/profile",
              "--no-first-run",
              "--no-default-browser-check",
              "--disable-extensions",
              "--disable-background-networking",
              "--disable-component-update",
              "--disable-sync",
              "--disable-default-apps",
              "--disable-breakpad",
              "--mute-audio",
              "--hide-scrollbars",
              "--window-size=" + std::to_string(o.width) + "," + std::to_string(o.height),
              "--screenshot=" + result.screenshot,
              "--dump-dom",
              "--enable-logging=stderr",
              "--v=0",
              "--log-net-log=" + result.net_log,
              "file://" + o.page};
  Result<fixtures::RunResult> r = fixtures::RunToExit(run);
  if (!r.ok()) return Error{r.error()};
  result.run = std::move(*r);
  return result;
}

Result<std::vector<std::string>> OutsideRequests(const std::string& net_log_json) {
  nlohmann::json log;
  try {
    log = nlohmann::json::parse(net_log_json);
  } catch (const nlohmann::json::exception& e) {
    return Error{std::string("net log does not parse: ") + e.what()};
  }
  const nlohmann::json& types = log["constants"]["logEventTypes"];
  if (!types.contains("URL_REQUEST_START_JOB") || !log.contains("events")) {
    return Error{"net log without URL_REQUEST_START_JOB events"};
  }
  const int start_job = types["URL_REQUEST_START_JOB"].get<int>();
  std::vector<std::string> out;
  for (const nlohmann::json& e : log["events"]) {
    if (!e.contains("type") || e["type"] != start_job || !e.contains("params")) continue;
    const nlohmann::json& p = e["params"];
    const std::string url = p.value("url", "");
    const std::string initiator = p.value("initiator", "not an origin");
    // The browser's own background requests carry no origin; a page's requests carry its origin
    // ("null" for a file: page).
    if (initiator == "not an origin") continue;
    if (url.starts_with("file:") || url.starts_with("data:")) continue;
    out.push_back(url + " (initiator " + initiator + ")");
  }
  return out;
}

std::vector<std::string> CspViolations(const std::string& console_log) {
  std::vector<std::string> out;
  std::istringstream in(console_log);
  for (std::string line; std::getline(in, line);) {
    if (line.find("Content Security Policy") != std::string::npos ||
        line.find("Content-Security-Policy") != std::string::npos) {
      out.push_back(line);
    }
  }
  return out;
}

std::vector<std::string> ConsoleMessages(const std::string& console_log) {
  std::vector<std::string> out;
  std::istringstream in(console_log);
  for (std::string line; std::getline(in, line);) {
    if (line.find(":CONSOLE") != std::string::npos) out.push_back(line);
  }
  return out;
}

Result<PngStats> ReadPng(const std::string& path, unsigned red, unsigned green, unsigned blue) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (png_image_begin_read_from_file(&image, path.c_str()) == 0) {
    return Error{path + ": not a readable PNG: " + image.message};
  }
  image.format = PNG_FORMAT_RGB;
  std::vector<png_byte> pixels(PNG_IMAGE_SIZE(image));
  if (png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr) == 0) {
    const std::string message = image.message;
    png_image_free(&image);
    return Error{path + ": cannot decode: " + message};
  }
  PngStats stats;
  stats.width = static_cast<int>(image.width);
  stats.height = static_cast<int>(image.height);
  size_t non_white = 0;
  auto near = [](unsigned a, unsigned b) { return (a > b ? a - b : b - a) <= 40; };
  for (size_t i = 0; i + 2 < pixels.size(); i += 3) {
    const unsigned r = pixels[i], g = pixels[i + 1], b = pixels[i + 2];
    if (r < 235 || g < 235 || b < 235) ++non_white;
    if (near(r, red) && near(g, green) && near(b, blue)) ++stats.near_color;
  }
  const size_t total = pixels.size() / 3;
  stats.non_white_fraction =
      total > 0 ? static_cast<double>(non_white) / static_cast<double>(total) : 0;
  return stats;
}

}  // namespace kv::report_test
