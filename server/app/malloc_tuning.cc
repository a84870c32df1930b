// glibc malloc settings (see malloc_tuning.h).
#include "server/app/malloc_tuning.h"

#include <malloc.h>

namespace kv::server {

std::string TuneMalloc() {
  if (mallopt(M_MXFAST, 0) != 1) return "mallopt(M_MXFAST, 0) failed: fastbins stay on";
  return "";
}

}  // namespace kv::server
