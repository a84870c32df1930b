// Transparent huge pages for the keyspace. The hash table and its entries are spread over the
// heap, so at a million keys nearly every lookup misses the TLB; on a virtual machine a TLB miss
// is a two-level page walk. glibc backs its heap with huge pages when started with
// GLIBC_TUNABLES=glibc.malloc.hugetlb=1 (read once, at process start), so kv-server re-executes
// itself with that tunable added (--hugepages auto, the default). Measured in docs/server.md.
#pragma once

#include <string>
#include <string_view>

namespace kv::server {

// What /sys/kernel/mm/transparent_hugepage/enabled selects ("always", "madvise" or "never"), or
// "" when the file cannot be read.
std::string TransparentHugePageMode();

// The GLIBC_TUNABLES value to run with: current (maybe empty) plus glibc.malloc.hugetlb=1, or ""
// when nothing should change (the tunable is already set either way, or THP is off or unknown).
std::string TunablesWithHugePages(std::string_view current, std::string_view thp_mode);

// Re-executes this program (/proc/self/exe, same argv) with the tunable when
// TunablesWithHugePages says so. Returns only when it did not re-execute (with the reason in
// *why, empty when there was nothing to do).
void MaybeReexecWithHugePages(char** argv, std::string* why);

}  // namespace kv::server
