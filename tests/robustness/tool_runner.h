// RunTool: runs a command-line tool (redis-cli, redis-benchmark) to completion with a time limit,
// capturing its stdout and stderr, through fixtures::ChildProcess (own process group, killed with
// the test).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "base/result.h"
#include "fixtures/child_process.h"

namespace kv::robustness {

struct ToolResult {
  fixtures::ExitStatus exit;
  std::string output;  // stdout and stderr, interleaved as written
  bool timed_out = false;
};

// argv[0] is the tool's path. Kills the tool (SIGKILL to its group) after timeout. Errors: the
// tool could not be started or its output not captured.
Result<ToolResult> RunTool(const std::vector<std::string>& argv, std::chrono::milliseconds timeout);

}  // namespace kv::robustness
