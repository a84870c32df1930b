// Re-executing kv-server with glibc's huge-page tunable (see hugepages.h).
#include "server/app/hugepages.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace kv::server {

std::string TransparentHugePageMode() {
  std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string line;
  if (!std::getline(in, line)) return "";
  // e.g. "always [madvise] never": the selected mode is in brackets.
  size_t open = line.find('[');
  size_t close = line.find(']', open);
  if (open == std::string::npos || close == std::string::npos) return "";
  return line.substr(open + 1, close - open - 1);
}

std::string TunablesWithHugePages(std::string_view current, std::string_view thp_mode) {
  if (thp_mode != "always" && thp_mode != "madvise") return "";
  if (current.find("glibc.malloc.hugetlb=") != std::string_view::npos) return "";
  std::string value(current);
  if (!value.empty()) value.push_back(':');
  value.append("glibc.malloc.hugetlb=1");
  return value;
}

void MaybeReexecWithHugePages(char** argv, std::string* why) {
  why->clear();
  const char* current = std::getenv("GLIBC_TUNABLES");
  std::string value = TunablesWithHugePages(current ? current : "", TransparentHugePageMode());
  if (value.empty()) return;
  if (setenv("GLIBC_TUNABLES", value.c_str(), 1) != 0) {
    *why = std::string("setenv: ") + std::strerror(errno);
    return;
  }
  execv("/proc/self/exe", argv);
  *why = std::string("re-executing with huge pages: ") + std::strerror(errno);
  // Do not try again in this process's children.
  if (current != nullptr) {
    setenv("GLIBC_TUNABLES", current, 1);
  } else {
    unsetenv("GLIBC_TUNABLES");
  }
}

}  // namespace kv::server
