// What a workload sends: keys ("key:" + 12 digits), values, and request templates whose
// __rand_int__ placeholders are replaced by key digits in place, request after request.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "workload/key_chooser.h"

namespace kv::workload {

inline constexpr std::string_view kKeyPrefix = "key:";
inline constexpr size_t kKeyDigits = 12;
inline constexpr size_t kKeyLength = 16;  // kKeyPrefix + kKeyDigits
static_assert(kKeyLength == kKeyPrefix.size() + kKeyDigits);

// Writes value as 12 zero-padded decimal digits (the low 12 digits, as redis-benchmark does).
inline void WriteKeyDigits(char* dst, uint64_t value) {
  for (size_t i = kKeyDigits; i > 0; --i) {
    dst[i - 1] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

// Writes "key:%012d" into out (kKeyLength bytes, no terminator) and returns a view of it.
std::string_view FormatKey(uint64_t index, char (&out)[kKeyLength]);
std::string MakeKey(uint64_t index);

// kv_bench's values: size bytes of 'x'. (kv-load writes redis-benchmark's bytes instead.)
std::string MakeValue(size_t size);

// redis-benchmark's key placeholder: 12 bytes, as many as the digits that replace it.
inline constexpr std::string_view kRandPlaceholder = "__rand_int__";
static_assert(kRandPlaceholder.size() == kKeyDigits);

// The bytes of one request and where its __rand_int__ placeholders are. Substituting keeps the
// length, so a template is copied and patched in place for every request.
struct RequestTemplate {
  std::string bytes;
  std::vector<uint32_t> rand_offsets;  // empty when keys are not substituted
};

// A template of request bytes; with substitute, records every __rand_int__ offset.
RequestTemplate MakeTemplate(std::string bytes, bool substitute);
// A template of the RESP request encoding argv (resp/request_encoder.h).
RequestTemplate EncodeTemplate(std::span<const std::string> argv, bool substitute);

// Appends t to *out with every placeholder replaced by the digits of the next key from keys.
inline void AppendFromTemplate(const RequestTemplate& t, KeyChooser& keys, std::string* out) {
  const size_t base = out->size();
  out->append(t.bytes);
  for (uint32_t off : t.rand_offsets) WriteKeyDigits(out->data() + base + off, keys.Next());
}

}  // namespace kv::workload
