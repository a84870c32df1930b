// kv-server entry point: parse flags, start the server, print the ready line, run until shutdown.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "server/app/hugepages.h"
#include "server/app/malloc_tuning.h"
#include "server/app/server.h"
#include "server/config/config.h"
#include "server/config/logging.h"

int main(int argc, char** argv) {
  using namespace kv::server;
  // Writes use MSG_NOSIGNAL; this also covers the log file and stdout.
  signal(SIGPIPE, SIG_IGN);

  auto command_line = ParseCommandLine(argc, argv);
  if (!command_line) {
    std::fprintf(stderr, "kv-server: %s\n", command_line.error().c_str());
    return 1;
  }
  if (command_line->show_help) {
    std::fputs(HelpText().c_str(), stdout);
    return 0;
  }
  if (command_line->show_version) {
    std::printf("kv-server v=%s redis_compat=%s\n", std::string(kKvVersion).c_str(),
                std::string(kRedisCompatVersion).c_str());
    return 0;
  }
  Config& config = command_line->config;
  std::string hugepages_problem;
  if (config.hugepages == "auto") MaybeReexecWithHugePages(argv, &hugepages_problem);
  auto level = ParseLogLevel(config.loglevel);
  auto logger = Logger::Open(config.logfile, level ? *level : LogLevel::kNotice);
  if (!logger) {
    std::fprintf(stderr, "kv-server: %s\n", logger.error().c_str());
    return 1;
  }
  if (!hugepages_problem.empty()) (*logger)->Warning(hugepages_problem);
  if (std::string warning = TuneMalloc(); !warning.empty()) (*logger)->Warning(warning);
  if (std::string warning = AdjustOpenFilesLimit(&config); !warning.empty()) {
    (*logger)->Warning(warning);
  }

  Server server(&config, logger->get());
  if (kv::Status s = server.Start(); !s) {
    std::fprintf(stderr, "kv-server: %s\n", s.error().c_str());
    return 1;
  }
  // The one line on stdout: fixtures wait for it to learn the port.
  std::printf("kv-server ready port=%d pid=%d\n", server.port(), static_cast<int>(getpid()));
  std::fflush(stdout);

  if (kv::Status s = server.Run(); !s) {
    std::fprintf(stderr, "kv-server: %s\n", s.error().c_str());
    return 1;
  }
  return 0;
}
