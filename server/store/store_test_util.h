// Test-only: the fixed clock the store's tests set (Store::SetTime), in Unix milliseconds.
#pragma once

#include <cstdint>

namespace kv::server::testing {

inline constexpr int64_t kNow = 1700000000000;  // 2023-11-14T22:13:20Z

}  // namespace kv::server::testing
