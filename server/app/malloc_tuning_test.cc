// glibc malloc settings: with TuneMalloc, freed small chunks are merged at once instead of piling
// up in fastbins (mallinfo2's fsmblks: bytes in fastbin chunks).
#include "server/app/malloc_tuning.h"

#include <gtest/gtest.h>
#include <malloc.h>

#include <vector>

#include "lib/base/sanitizer.h"

namespace kv::server {
namespace {

// Allocates and frees chunks.size() small chunks, more than the per-thread cache holds. (The
// pointer array is the caller's: freeing a block of 64 KiB or more would itself merge fastbins.)
void AllocateAndFreeSmallChunks(std::vector<void*>& chunks) {
  for (auto& c : chunks) c = std::malloc(48);
  for (size_t i = 0; i < chunks.size(); i += 2) std::free(chunks[i]);
  for (size_t i = 1; i < chunks.size(); i += 2) std::free(chunks[i]);
}

TEST(MallocTuningTest, FreedSmallChunksDoNotWaitInFastbins) {
  if (UnderSanitizer()) GTEST_SKIP() << "ASan replaces glibc malloc";
  std::vector<void*> chunks(10000);
  AllocateAndFreeSmallChunks(chunks);
  ASSERT_GT(mallinfo2().fsmblks, 0u) << "glibc's default keeps them in fastbins";
  EXPECT_EQ(TuneMalloc(), "");
  EXPECT_EQ(mallinfo2().fsmblks, 0u);  // mallopt merged what was there
  AllocateAndFreeSmallChunks(chunks);
  EXPECT_EQ(mallinfo2().fsmblks, 0u);
}

}  // namespace
}  // namespace kv::server
