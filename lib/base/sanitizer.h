// Whether this translation unit is built with AddressSanitizer: tests scale their sample sizes
// and exhaustive loops down under it (each step costs 10-30x), and skip RSS bounds (freed memory
// sits in ASan's quarantine). GCC defines __SANITIZE_ADDRESS__, clang answers
// __has_feature(address_sanitizer).
#pragma once

namespace kv {

constexpr bool UnderSanitizer() {
#if defined(__SANITIZE_ADDRESS__)
  return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  return true;
#else
  return false;
#endif
#else
  return false;
#endif
}

}  // namespace kv
