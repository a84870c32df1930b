// Unit tests for the logger: Redis-style lines, level filtering, log files.
#include "server/config/logging.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace kv::server {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(LoggerTest, ParsesLevels) {
  EXPECT_EQ(*ParseLogLevel("debug"), LogLevel::kDebug);
  EXPECT_EQ(*ParseLogLevel("verbose"), LogLevel::kVerbose);
  EXPECT_EQ(*ParseLogLevel("notice"), LogLevel::kNotice);
  EXPECT_EQ(*ParseLogLevel("warning"), LogLevel::kWarning);
  EXPECT_EQ(*ParseLogLevel("nothing"), LogLevel::kNothing);
  EXPECT_FALSE(ParseLogLevel("loud").ok());
}

TEST(LoggerTest, WritesFilteredLinesToTheLogFile) {
  char path[] = "/tmp/kv-logging-test-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  {
    auto logger = Logger::Open(path, LogLevel::kNotice);
    ASSERT_TRUE(logger.ok()) << logger.error();
    (*logger)->Debug("hidden debug");
    (*logger)->Verbose("hidden verbose");
    (*logger)->Notice("shown notice");
    (*logger)->Warning("shown warning");
    (*logger)->set_level(LogLevel::kDebug);
    (*logger)->Debug("now shown");
    (*logger)->set_level(LogLevel::kNothing);
    (*logger)->Warning("never");
  }
  std::string text = ReadAll(path);
  unlink(path);
  EXPECT_EQ(text.find("hidden"), std::string::npos);
  EXPECT_EQ(text.find("never"), std::string::npos);
  EXPECT_NE(text.find(" * shown notice\n"), std::string::npos) << text;
  EXPECT_NE(text.find(" # shown warning\n"), std::string::npos) << text;
  EXPECT_NE(text.find(" . now shown\n"), std::string::npos) << text;
  // "<pid>:M " prefix on every line.
  std::string prefix = std::to_string(getpid()) + ":M ";
  EXPECT_EQ(text.rfind(prefix, 0), 0u) << text;
}

TEST(LoggerTest, UnopenableFileIsAnError) {
  auto logger = Logger::Open("/nonexistent-dir/kv.log", LogLevel::kNotice);
  ASSERT_FALSE(logger.ok());
  EXPECT_NE(logger.error().find("/nonexistent-dir/kv.log"), std::string::npos);
}

}  // namespace
}  // namespace kv::server
