// Test helper: loads golden inputs from tools/compare/testdata (path compiled in by CMake).
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "tools/compare/result_set.h"

namespace kv::compare::testing {

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
