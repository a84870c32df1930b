// Hash table arrays (see table_memory.h).
#include "server/store/table_memory.h"

#include <sys/mman.h>

#include <cstdlib>
#include <new>

namespace kv::server {

void* AllocTable(size_t bytes) {
  if (bytes < kOwnMappingBytes) {
    void* p = std::calloc(bytes, 1);
    if (p == nullptr) throw std::bad_alloc();
    return p;
  }
  // Anonymous pages read as zero; they become resident as buckets are written.
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  return p;
}

void FreeTable(void* table, size_t bytes) {
  if (table == nullptr) return;
  if (bytes < kOwnMappingBytes) {
    std::free(table);
    return;
  }
  munmap(table, bytes);
}

}  // namespace kv::server
