// Test helpers: golden inputs from tools/compare/testdata (path compiled in by CMake), and the
// text checks the tests share.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "tools/compare/cli.h"
#include "tools/compare/result_set.h"

namespace kv::compare::testing {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
inline constexpr double kInf = std::numeric_limits<double>::infinity();

inline bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// How many times what occurs in text (overlapping occurrences count).
inline size_t Occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

// What kv-compare's command line (RunCli, in process) printed and returned.
struct CliRun {
  int code = -1;
  std::string out;
  std::string err;
};

inline CliRun Cli(const std::vector<std::string>& args, const CliEnv& env = {}) {
  std::ostringstream out;
  std::ostringstream err;
  const int code = RunCli(args, out, err, env);
  return {code, out.str(), err.str()};
}

inline std::string TestdataPath(const std::string& name) {
  return std::string(KV_COMPARE_TESTDATA) + "/" + name;
}

inline std::string ReadTestdata(const std::string& name) {
  auto text = ReadTextFile(TestdataPath(name));
  EXPECT_TRUE(text.ok()) << (text.ok() ? "" : text.error());
  return text.ok() ? *text : std::string();
}

// Parses a testdata file; its source is the bare file name so that output does not depend on
// where the tree is checked out.
inline ResultSet LoadTestdata(const std::string& name) {
  auto set = ParseResults(ReadTestdata(name), name);
  EXPECT_TRUE(set.ok()) << (set.ok() ? "" : set.error());
  return set.ok() ? std::move(*set) : ResultSet{};
}

}  // namespace kv::compare::testing
