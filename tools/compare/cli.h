// kv-compare's command line: argument parsing and the subcommands, as a function that
// returns the process exit code (main only supplies argv, the streams and the environment).
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace kv::compare {

// What main reads from the process environment, passed in so the CLI has no hidden inputs.
struct CliEnv {
  bool stdout_is_tty = false;
  bool no_color = false;  // NO_COLOR is set
};

// Runs kv-compare with `args` (argv without the program name). Returns 0 ok / gate pass,
// 1 regression (gate, instructions, search --max-drop), 2 cannot compare or bad usage/input
// (vs-redis: no kv or redis results; stability: fewer than two runs, or nothing paired in all of
// them; search --max-drop: a test without an interval), 3 gate --look K/N inconclusive so far.
// Reports go to `out`, errors to `err`.
int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
           const CliEnv& env);

// The --help text.
std::string UsageText();

}  // namespace kv::compare
