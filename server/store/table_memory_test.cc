// Hash table arrays: zeroed and writable on both sides of the threshold; a large one is a mapping
// of its own (page aligned) whose pages leave the process when it is freed.
#include "server/store/table_memory.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>

#include "lib/base/sanitizer.h"

namespace kv::server {
namespace {

// Resident kB of the process (VmRSS).
long ResidentKb() {
  std::ifstream status("/proc/self/status");
  std::string word;
  while (status >> word) {
    if (word == "VmRSS:") {
      long kb = 0;
      status >> kb;
      return kb;
    }
  }
  return -1;
}

TEST(TableMemoryTest, SmallAndLargeTablesAreZeroedAndWritable) {
  for (const size_t bytes : {size_t{64}, kOwnMappingBytes - 8, kOwnMappingBytes, size_t{1} << 22}) {
    auto* t = static_cast<unsigned char*>(AllocTable(bytes));
    for (size_t i = 0; i < bytes; i += 61) ASSERT_EQ(t[i], 0) << bytes << " " << i;
    std::memset(t, 0xab, bytes);
    EXPECT_EQ(t[bytes - 1], 0xab);
    if (bytes >= kOwnMappingBytes) {
      EXPECT_EQ(reinterpret_cast<uintptr_t>(t) % static_cast<uintptr_t>(getpagesize()), 0u);
    }
    FreeTable(t, bytes);
  }
  FreeTable(nullptr, 0);
  FreeTable(nullptr, size_t{1} << 22);
}

TEST(TableMemoryTest, FreeingALargeTableGivesItsPagesBack) {
  // ASan's allocator and shadow memory move VmRSS by more than the bound on their own.
  if (UnderSanitizer()) GTEST_SKIP() << "RSS bounds do not hold under ASan";
  constexpr size_t kBytes = size_t{64} << 20;
  const long before = ResidentKb();
  void* t = AllocTable(kBytes);
  std::memset(t, 1, kBytes);
  const long touched = ResidentKb();
  FreeTable(t, kBytes);
  const long after = ResidentKb();
  ASSERT_GT(before, 0);
  EXPECT_GE(touched - before, 60 * 1024);  // the 64 MB became resident...
  EXPECT_LE(after - before, 4 * 1024);     // ...and left with the free
}

}  // namespace
}  // namespace kv::server
