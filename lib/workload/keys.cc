// Keys, values and request templates (see keys.h).
#include "workload/keys.h"

#include "resp/request_encoder.h"

namespace kv::workload {

std::string_view FormatKey(uint64_t index, char (&out)[kKeyLength]) {
  kKeyPrefix.copy(out, kKeyPrefix.size());
  WriteKeyDigits(out + kKeyPrefix.size(), index);
  return std::string_view(out, kKeyLength);
}

std::string MakeKey(uint64_t index) {
  char buf[kKeyLength];
  return std::string(FormatKey(index, buf));
}

std::string MakeValue(size_t size) { return std::string(size, 'x'); }

RequestTemplate MakeTemplate(std::string bytes, bool substitute) {
  RequestTemplate t;
  t.bytes = std::move(bytes);
  if (substitute) {
    size_t pos = 0;
    while ((pos = t.bytes.find(kRandPlaceholder, pos)) != std::string::npos) {
      t.rand_offsets.push_back(static_cast<uint32_t>(pos));
      pos += kRandPlaceholder.size();
    }
  }
  return t;
}

RequestTemplate EncodeTemplate(std::span<const std::string> argv, bool substitute) {
  return MakeTemplate(resp::EncodeRequest(argv), substitute);
}

}  // namespace kv::workload
