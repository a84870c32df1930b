// Shared by the fuzz targets: FUZZ_CHECK (an invariant check that prints what failed and aborts,
// which libFuzzer reports as a crash with the input saved, and a replay executable as a failed
// test) and the vocabulary of request parser errors.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#define FUZZ_CHECK(condition, ...)                                                               \
  do {                                                                                           \
    if (!(condition)) {                                                                          \
      std::fprintf(stderr, "%s:%d: invariant violated: %s\n  ", __FILE__, __LINE__, #condition); \
      std::fprintf(stderr, __VA_ARGS__);                                                         \
      std::fprintf(stderr, "\n");                                                                \
      std::abort();                                                                              \
    }                                                                                            \
  } while (false)

namespace kv::fuzz {

// True when text is one of RequestParser's error texts (as returned by error(): no '-', no CRLF).
bool IsKnownProtocolError(std::string_view text);

// bytes with CR, LF and non-printable bytes escaped, cut to max_len (for messages).
std::string Escaped(std::string_view bytes, size_t max_len = 300);

}  // namespace kv::fuzz
