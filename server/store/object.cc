// Value type names (see object.h).
#include "server/store/object.h"

#include <iterator>

#include "base/ascii.h"

namespace kv::server {
namespace {

constexpr std::string_view kNames[] = {"string", "list", "set", "zset", "hash"};

}  // namespace

std::string_view TypeName(ValueType type) { return kNames[static_cast<size_t>(type)]; }

bool ParseTypeName(std::string_view name, ValueType* type) {
  for (size_t i = 0; i < std::size(kNames); ++i) {
    if (EqualsIgnoreCase(name, kNames[i])) {
      *type = static_cast<ValueType>(i);
      return true;
    }
  }
  return false;
}

}  // namespace kv::server
