// libFuzzer target for kv::resp::RequestParser. The input is a byte stream from a client. It is
// parsed twice per set of limits: all at once, and arriving in pieces at split points derived from
// the input itself, each piece in a freshly allocated buffer (so a parser that kept pointers into
// an old buffer is caught by ASan). Invariants: consumed <= size and > 0 on completion; arguments
// lie inside the consumed bytes (multibulk) or in parser storage (unescaped inline); errors are
// Redis's texts; announced counts reserve bounded memory; min_bytes_needed() is never an
// overestimate; both runs agree on every request and on how the stream ends; and each request,
// re-encoded as multibulk, parses back to the same arguments.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "resp/request_encoder.h"
#include "resp/request_parser.h"
#include "tests/fuzz/fuzz_common.h"

namespace kv::fuzz {
namespace {

using Request = std::vector<std::string>;

// What parsing a whole stream produced.
struct StreamRun {
  std::vector<Request> requests;  // empty requests (`*0`, blank lines) included
  std::string error;              // non-empty: the stream ended with this protocol error
  size_t consumed = 0;            // bytes taken by complete requests
};

// Piece sizes for the split run: a xorshift generator seeded with the input's FNV-1a hash, so an
// input always splits the same way. Mostly tiny pieces (every resumption path), sometimes big.
class Splitter {
 public:
  explicit Splitter(std::string_view data) {
    uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : data) h = (h ^ c) * 1099511628211ULL;
    state_ = h | 1;
  }
  size_t Next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    const uint64_t r = state_ >> 8;
    return (r % 4 != 0) ? 1 + (r >> 2) % 8 : 1 + (r >> 2) % 512;
  }

 private:
  uint64_t state_;
};

bool Inside(std::string_view part, std::string_view whole) {
  const auto p = reinterpret_cast<uintptr_t>(part.data());
  const auto w = reinterpret_cast<uintptr_t>(whole.data());
  return p >= w && p + part.size() <= w + whole.size();
}

bool Overlaps(std::string_view part, std::string_view whole) {
  const auto p = reinterpret_cast<uintptr_t>(part.data());
  const auto w = reinterpret_cast<uintptr_t>(whole.data());
  return p < w + whole.size() && w < p + part.size();
}

void CheckArgs(const resp::RequestParser& parser, std::string_view buffer, size_t consumed) {
  const std::string_view request = buffer.substr(0, consumed);
  const bool multibulk = buffer[0] == '*';
  for (std::string_view arg : parser.args()) {
    if (multibulk || Overlaps(arg, buffer)) {
      FUZZ_CHECK(Inside(arg, request), "argument '%s' outside the consumed bytes '%s'",
                 Escaped(arg).c_str(), Escaped(request).c_str());
    }
  }
}

StreamRun ParseStream(std::string_view input, const resp::ParserLimits& limits, bool split) {
  resp::RequestParser parser(limits);
  Splitter splitter(input);
  StreamRun run;
  size_t pos = 0;  // first byte of the request in progress
  size_t available = split ? std::min(input.size(), splitter.Next()) : input.size();
  size_t min_needed = 0;         // min_bytes_needed() after the last kNeedMore
  size_t available_at_need = 0;  // `available` at that kNeedMore
  while (pos < input.size()) {
    // A new allocation each call: the parser must keep offsets, not pointers, across calls.
    const std::string buffer(input.substr(pos, available - pos));
    size_t consumed = 0;
    const resp::ParseResult r = parser.Parse(buffer, &consumed);
    if (r != resp::ParseResult::kNeedMore && min_needed > 0) {
      FUZZ_CHECK(available - available_at_need >= min_needed,
                 "min_bytes_needed() was %zu but the request ended after %zu more bytes",
                 min_needed, available - available_at_need);
    }
    if (r == resp::ParseResult::kComplete) {
      FUZZ_CHECK(consumed > 0 && consumed <= buffer.size(), "consumed %zu of %zu bytes", consumed,
                 buffer.size());
      CheckArgs(parser, buffer, consumed);
      const auto args = parser.args();
      run.requests.emplace_back(args.begin(), args.end());
      pos += consumed;
      min_needed = 0;
      continue;
    }
    if (r == resp::ParseResult::kError) {
      FUZZ_CHECK(IsKnownProtocolError(parser.error()), "unknown error text '%s'",
                 Escaped(parser.error()).c_str());
      run.error = parser.error();
      break;
    }
    // kNeedMore: memory reserved for the request may not follow what a header merely announces.
    FUZZ_CHECK(parser.reserved_arg_slots() <= limits.max_prealloc_args + 2 * input.size() + 16,
               "%zu argument slots reserved for a %zu-byte input", parser.reserved_arg_slots(),
               input.size());
    min_needed = parser.min_bytes_needed();
    available_at_need = available;
    if (available == input.size()) break;  // the stream ends inside a request
    available += std::min(input.size() - available, split ? splitter.Next() : input.size());
  }
  run.consumed = pos;
  return run;
}

void CheckRoundTrip(const Request& args) {
  if (args.empty()) return;
  const std::string encoded = resp::EncodeRequest(args);
  resp::RequestParser parser;
  size_t consumed = 0;
  FUZZ_CHECK(parser.Parse(encoded, &consumed) == resp::ParseResult::kComplete,
             "re-encoded request '%s' does not parse: %s", Escaped(encoded).c_str(),
             parser.error().c_str());
  FUZZ_CHECK(consumed == encoded.size(), "consumed %zu of %zu", consumed, encoded.size());
  const auto got = parser.args();
  FUZZ_CHECK(Request(got.begin(), got.end()) == args, "round trip changed '%s'",
             Escaped(encoded).c_str());
}

}  // namespace
}  // namespace kv::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using kv::fuzz::StreamRun;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  kv::resp::ParserLimits tight;  // small limits reach every limit check with small inputs
  tight.max_bulk_len = 16;
  tight.max_multibulk_len = 4;
  tight.max_inline_len = 32;
  tight.max_prealloc_args = 2;
  tight.unauthenticated = true;
  for (const kv::resp::ParserLimits& limits : {kv::resp::ParserLimits{}, tight}) {
    const StreamRun whole = kv::fuzz::ParseStream(input, limits, /*split=*/false);
    const StreamRun pieces = kv::fuzz::ParseStream(input, limits, /*split=*/true);
    FUZZ_CHECK(whole.requests == pieces.requests && whole.error == pieces.error &&
                   whole.consumed == pieces.consumed,
               "split-dependent result: whole %zu requests, error '%s', consumed %zu; in pieces "
               "%zu requests, error '%s', consumed %zu",
               whole.requests.size(), whole.error.c_str(), whole.consumed, pieces.requests.size(),
               pieces.error.c_str(), pieces.consumed);
    for (const auto& request : whole.requests) kv::fuzz::CheckRoundTrip(request);
  }
  return 0;
}
