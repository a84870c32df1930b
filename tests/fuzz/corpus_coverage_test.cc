// The dispatch fuzzer's seed corpus starts every command: each name in kv-server's command table is
// the first word of at least one seed line, so a new command family cannot be added without the
// fuzzer being pointed at it.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "server/commands/commands.h"
#include "server/engine/command_table.h"

namespace kv::fuzz {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// First words of the inline request lines of every seed file.
std::set<std::string> SeedCommands(const std::filesystem::path& dir) {
  std::set<std::string> out;
  for (const auto& file : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(file.path());
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream words(line);
      std::string first;
      if (words >> first) out.insert(Lower(first));
    }
  }
  return out;
}

TEST(FuzzCorpusTest, EveryRegisteredCommandHasASeed) {
  server::CommandTable table;
  server::RegisterAllCommands(table);
  const std::set<std::string> seeds = SeedCommands(KV_DISPATCH_CORPUS);
  ASSERT_FALSE(seeds.empty()) << KV_DISPATCH_CORPUS;
  std::string missing;
  for (const server::CommandSpec& spec : table.commands()) {
    if (!seeds.contains(std::string(spec.name))) missing += " " + std::string(spec.name);
  }
  EXPECT_TRUE(missing.empty()) << "commands without a line in " << KV_DISPATCH_CORPUS << ":"
                               << missing;
}

}  // namespace
}  // namespace kv::fuzz
