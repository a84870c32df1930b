// Zeroed arrays for the hash tables (BasicDict's buckets, the sorted set's index). An array of at
// least kOwnMappingBytes is its own anonymous mapping, so that freeing it gives its pages back at
// once: from the heap, the old table of a grown dict stays resident until something reuses the
// hole (after a keyspace's last growth nothing does: half a table of RSS for good). (Freeing a
// large heap block also made glibc consolidate its fastbins at that moment; with TuneMalloc's
// fastbins off, that stall is gone either way.)
#pragma once

#include <cstddef>

namespace kv::server {

inline constexpr size_t kOwnMappingBytes = 64 * 1024;

// bytes zeroed bytes (throws std::bad_alloc); FreeTable takes the same size back.
void* AllocTable(size_t bytes);
void FreeTable(void* table, size_t bytes);

}  // namespace kv::server
