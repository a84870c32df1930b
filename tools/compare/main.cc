// kv-compare: compares kvbench results and gates regressions (see cli.h; exit codes 0/1/2).
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "tools/compare/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const char* no_color = std::getenv("NO_COLOR");
  kv::compare::CliEnv env{.stdout_is_tty = isatty(STDOUT_FILENO) == 1,
                          .no_color = no_color != nullptr && no_color[0] != '\0'};
  return kv::compare::RunCli(args, std::cout, std::cerr, env);
}
