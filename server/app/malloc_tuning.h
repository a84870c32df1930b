// glibc malloc settings kv-server runs with, applied once at start-up.
//
// Fastbins off (M_MXFAST 0): glibc keeps freed chunks of up to 128 bytes in "fastbins" without
// merging them, and merges all of them at once (malloc_consolidate) at the next request of 1 KiB
// or more or the next free of 64 KiB. After a lazy free of a million-member set or hash that is a
// million chunks, merged in one call: the next client to send a 4 KiB value waited 230-310 ms
// (scripts/stall-check.sh). Without fastbins a freed chunk is merged when it is freed, in the
// lazy free's own slices; the hottest sizes still go through the per-thread cache (tcache).
#pragma once

#include <string>

namespace kv::server {

// Applies the settings; returns a warning to log, or "" when all went well.
std::string TuneMalloc();

}  // namespace kv::server
