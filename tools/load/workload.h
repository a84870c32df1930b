// Workloads: test name -> RESP request templates, with redis-benchmark's __rand_int__ substitution
// (12 zero-padded digits written in place) and kv-load's key distributions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "tools/load/options.h"

namespace kv::load {

inline constexpr std::string_view kRandPlaceholder = "__rand_int__";  // 12 bytes, as the digits
inline constexpr std::string_view kDataPlaceholder = "__data__";

// The bytes of one request and where its __rand_int__ placeholders are. Substituting keeps the
// length, so a template is copied and patched in place for every request.
struct RequestTemplate {
  std::string bytes;
  std::vector<uint32_t> rand_offsets;  // empty when keys are not randomised (no -r)
};

struct Workload {
  std::string title;  // as reported: "SET", "MSET (10 keys)", "set k:__rand_int__ __data__"
  std::vector<RequestTemplate> templates;  // one, or GET and SET for a --ratio mix
  std::vector<int> weights;                // per template; empty: always templates[0]
  int payload_bytes = 0;                   // the report's "N bytes payload"
};

// RESP multibulk encoding of args: *N\r\n$len\r\narg\r\n...
std::string FormatCommand(std::span<const std::string> args);

// Builds a template from request bytes; with substitute, records every __rand_int__ offset.
RequestTemplate MakeTemplate(std::string bytes, bool substitute);

// redis-benchmark's value bytes for -d: a fixed pseudo-random sequence of printable characters.
std::string BenchmarkData(int size);

// Names accepted by -t (lower case), in suite order.
std::span<const std::string_view> KnownTestNames();

// The tests to run for these options, in redis-benchmark's order: the arbitrary command, the
// --ratio mix, or the default suite filtered by -t. An unknown -t name is an Error.
Result<std::vector<Workload>> BuildWorkloads(const Options& options);

// Writes value as 12 zero-padded decimal digits (the low 12 digits, as redis-benchmark does).
inline void WriteKeyDigits(char* dst, uint64_t value) {
  for (int i = 11; i >= 0; --i) {
    dst[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

// xoshiro256** seeded through splitmix64: fast, small, good enough for key choice.
class Rng {
 public:
  explicit Rng(uint64_t seed);
  uint64_t Next();
  double NextDouble();  // uniform in [0, 1)

 private:
  uint64_t s_[4];
};

// Zipf(theta) over ranks 1..n by rejection-inversion (Hörmann and Derflinger 1996): O(1) setup
// and sampling for any n and any theta > 0.
class ZipfSampler {
 public:
  ZipfSampler(int64_t n, double theta);
  int64_t Sample(Rng& rng) const;  // in [1, n]

 private:
  double H(double x) const;
  double HIntegral(double x) const;
  double HIntegralInverse(double x) const;
  int64_t n_;
  double theta_;
  double h_integral_x1_;
  double h_integral_n_;
  double s_;
};

// Chooses the value substituted for each __rand_int__ in [0, keyspace): one per thread.
class KeyGenerator {
 public:
  // sequence_start: where a thread's sequential keys begin (threads take disjoint ranges).
  KeyGenerator(const Options& options, uint64_t seed, uint64_t sequence_start);
  uint64_t Next();
  Rng& rng() { return rng_; }

 private:
  Distribution distribution_;
  uint64_t keyspace_;
  uint64_t next_sequential_;
  Rng rng_;
  ZipfSampler zipf_;
};

}  // namespace kv::load
