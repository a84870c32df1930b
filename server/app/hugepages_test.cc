// The GLIBC_TUNABLES rewrite that turns on huge pages for kv-server's heap.
#include "server/app/hugepages.h"

#include <gtest/gtest.h>

namespace kv::server {
namespace {

TEST(HugePagesTest, AddsTheTunableWhenThpCanBeUsed) {
  EXPECT_EQ(TunablesWithHugePages("", "madvise"), "glibc.malloc.hugetlb=1");
  EXPECT_EQ(TunablesWithHugePages("", "always"), "glibc.malloc.hugetlb=1");
  EXPECT_EQ(TunablesWithHugePages("glibc.malloc.arena_max=2", "madvise"),
            "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1");
}

TEST(HugePagesTest, LeavesAnExplicitChoiceAndDisabledThpAlone) {
  EXPECT_EQ(TunablesWithHugePages("glibc.malloc.hugetlb=0", "madvise"), "");
  EXPECT_EQ(TunablesWithHugePages("glibc.malloc.hugetlb=1", "always"), "");
  EXPECT_EQ(TunablesWithHugePages("", "never"), "");
  EXPECT_EQ(TunablesWithHugePages("", ""), "");
}

TEST(HugePagesTest, ReadsTheSelectedThpMode) {
  const std::string mode = TransparentHugePageMode();
  // Whatever this machine has, it is one of the kernel's words (or unreadable).
  EXPECT_TRUE(mode.empty() || mode == "always" || mode == "madvise" || mode == "never") << mode;
}

}  // namespace
}  // namespace kv::server
