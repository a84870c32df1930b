// Test helper for RequestParser: feeds a byte stream in chunks the way a server connection does,
// relocating the unconsumed bytes between calls to prove that resumption uses offsets only.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/sanitizer.h"
#include "resp/request_parser.h"

namespace kv::resp::testing {

using Args = std::vector<std::string>;

struct FeedOutcome {
  std::vector<Args> requests;                 // every completed request, empty ones included
  std::vector<size_t> ends;                   // stream offset just past each completed request
  ParseResult last = ParseResult::kNeedMore;  // kError if the stream hit a protocol error
  std::string error;
  size_t consumed = 0;  // stream bytes consumed by completed requests
};

// Feeds `input` split at the (sorted, distinct) positions in `cuts`. After every kNeedMore the
// unconsumed bytes move to a fresh allocation and the old one is overwritten and freed, so a
// parser holding pointers into old data fails (ASan reports it; release sees garbage). Moving
// costs O(unconsumed), so for large pending arguments only every `relocate_every`-th kNeedMore
// relocates (the string still reallocates as it grows).
inline FeedOutcome FeedChunks(RequestParser& parser, std::string_view input,
                              const std::vector<size_t>& cuts, size_t relocate_every = 1) {
  FeedOutcome out;
  std::string buf;
  size_t pos = 0;   // first unconsumed byte in buf
  size_t base = 0;  // stream offset of buf[0]
  size_t need_more_calls = 0;
  size_t prev = 0;
  std::vector<size_t> bounds = cuts;
  bounds.push_back(input.size());
  for (size_t cut : bounds) {
    buf.append(input.substr(prev, cut - prev));
    prev = cut;
    while (true) {
      size_t consumed = 0;
      const ParseResult r = parser.Parse(std::string_view(buf).substr(pos), &consumed);
      if (r == ParseResult::kComplete) {
        Args args;
        for (std::string_view a : parser.args()) args.emplace_back(a);
        out.requests.push_back(std::move(args));
        pos += consumed;
        out.ends.push_back(base + pos);
        out.consumed = base + pos;
        if (consumed == 0 || pos > buf.size()) {  // would loop forever or overrun: report it
          out.last = ParseResult::kError;
          out.error = "parser consumed a bad byte count";
          return out;
        }
        continue;
      }
      out.last = r;
      if (r == ParseResult::kError) {
        out.error = parser.error();
        return out;
      }
      if (++need_more_calls % relocate_every == 0 || buf.size() - pos < 4096) {
        std::string fresh(buf, pos);
        std::fill(buf.begin(), buf.end(), '#');
        buf.swap(fresh);
        base += pos;
        pos = 0;
      }
      break;
    }
  }
  return out;
}

// The cut positions 0..n of a test that splits an n-byte stream in two at every byte: every
// position within 128 bytes of either end, and every middle_stride-th one between; under
// AddressSanitizer (each cut re-reads the whole stream, 10-30x slower, on the same code paths)
// every 16 * middle_stride-th one between. The ordinary build keeps the exhaustive check.
inline std::vector<size_t> SplitCuts(size_t n, size_t middle_stride = 1) {
  constexpr size_t kEdge = 128;
  const size_t stride = middle_stride * (UnderSanitizer() ? 16 : 1);
  std::vector<size_t> cuts;
  for (size_t cut = 0; cut <= n; cut += (cut >= kEdge && cut + kEdge < n) ? stride : 1) {
    cuts.push_back(cut);
  }
  if (cuts.back() != n) cuts.push_back(n);
  return cuts;
}

inline std::vector<size_t> EveryByte(size_t n) {
  std::vector<size_t> cuts;
  for (size_t i = 1; i < n; ++i) cuts.push_back(i);
  return cuts;
}

}  // namespace kv::resp::testing
