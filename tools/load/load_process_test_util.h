// Helpers for the process-level tests of kv-load: a temporary directory, running the kv-load
// binary to its exit (with its --json output parsed), server options for fixtures::ServerProcess.
#pragma once

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "fixtures/child_process.h"
#include "fixtures/server_process.h"

namespace kv::load {

namespace fs = std::filesystem;

inline std::string ReadFile(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// A directory removed with everything in it when the test ends.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "kv-load-test-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data()) ? tmpl : "";
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

struct RunOutput {
  int exit_code = -1;
  std::string out;
  std::string err;
  nlohmann::json json;  // parsed --json file, when one was requested with "{json}"
};

// Runs kv-load with args to its exit (killed after timeout_s); an argument "{json}" becomes a
// temp file whose contents are parsed into RunOutput::json.
inline RunOutput RunKvLoad(std::vector<std::string> args, int timeout_s = 120) {
  TempDir dir;
  const fs::path json = dir.path() / "out.json";
  fixtures::RunOptions options;
  options.argv = {KV_LOAD_BINARY};
  options.timeout = std::chrono::seconds(timeout_s);
  bool wants_json = false;
  for (std::string& a : args) {
    if (a == "{json}") {
      a = json.string();
      wants_json = true;
    }
    options.argv.push_back(a);
  }
  RunOutput r;
  Result<fixtures::RunResult> run = fixtures::RunToExit(options);
  if (!run.ok()) {
    r.err = "cannot run kv-load: " + run.error();
    return r;
  }
  r.exit_code = run->exit.exited() ? run->exit.code : -1;
  r.out = std::move(run->out);
  r.err = std::move(run->err);
  if (wants_json && fs::exists(json)) {
    r.json = nlohmann::json::parse(ReadFile(json), nullptr, /*allow_exceptions=*/false);
  }
  return r;
}

// Options for a fixtures::ServerProcess of this test (its log in the working directory).
inline fixtures::ServerOptions ServerOptions(fixtures::ServerKind kind, const std::string& binary,
                                             const std::string& tag) {
  fixtures::ServerOptions options;
  options.kind = kind;
  options.binary = binary;
  options.log_path = "load-test-" + tag + "-" + std::to_string(::getpid()) + ".log";
  return options;
}

inline std::string RedisServerPath() { return fixtures::FindExecutable("redis-server"); }
inline bool HaveRedis() { return !RedisServerPath().empty(); }

}  // namespace kv::load
