// Workload construction (redis-benchmark's suite, arbitrary commands, GET:SET mixes) and key
// choice. See workload.h.
#include "tools/load/workload.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace kv::load {
namespace {

// One test of the default suite: selected when -t names any of `selectors`.
struct SuiteEntry {
  std::string_view title;
  std::vector<std::string_view> selectors;
  std::vector<std::string> args;  // empty: the inline PING
  bool default_suite = true;      // false: only when named with -t (not in redis-benchmark 7.0)
};

constexpr std::array<std::string_view, 22> kKnownNames = {
    "ping_inline", "ping_mbulk", "ping",       "set",        "get",  "incr", "lpush",   "rpush",
    "lpop",        "rpop",       "sadd",       "hset",       "spop", "zadd", "zpopmin", "lrange",
    "lrange_100",  "lrange_300", "lrange_500", "lrange_600", "mset", "mget"};

std::vector<SuiteEntry> Suite(const std::string& data, bool random_keys) {
  const std::string key = "key:__rand_int__";
  std::vector<std::string> mset = {"MSET"};
  std::vector<std::string> mget = {"MGET"};
  for (int i = 0; i < 10; ++i) {
    mset.push_back(key);
    mset.push_back(data);
    mget.push_back(key);
  }
  const std::string lrange_sel = "lrange";
  return {
      {"PING_INLINE", {"ping_inline", "ping"}, {}},
      {"PING_MBULK", {"ping_mbulk", "ping"}, {"PING"}},
      {"SET", {"set"}, {"SET", key, data}},
      {"GET", {"get"}, {"GET", key}},
      {"INCR", {"incr"}, {"INCR", "counter:__rand_int__"}},
      {"LPUSH", {"lpush"}, {"LPUSH", "mylist", data}},
      {"RPUSH", {"rpush"}, {"RPUSH", "mylist", data}},
      {"LPOP", {"lpop"}, {"LPOP", "mylist"}},
      {"RPOP", {"rpop"}, {"RPOP", "mylist"}},
      {"SADD", {"sadd"}, {"SADD", "myset", "element:__rand_int__"}},
      {"HSET", {"hset"}, {"HSET", "myhash", "element:__rand_int__", data}},
      {"SPOP", {"spop"}, {"SPOP", "myset"}},
      {"ZADD",
       {"zadd"},
       {"ZADD", "myzset", random_keys ? "__rand_int__" : "0", "element:__rand_int__"}},
      {"ZPOPMIN", {"zpopmin"}, {"ZPOPMIN", "myzset"}},
      {"LPUSH (needed to benchmark LRANGE)",
       {"lrange", "lrange_100", "lrange_300", "lrange_500", "lrange_600"},
       {"LPUSH", "mylist", data}},
      {"LRANGE_100 (first 100 elements)",
       {"lrange", "lrange_100"},
       {"LRANGE", "mylist", "0", "99"}},
      {"LRANGE_300 (first 300 elements)",
       {"lrange", "lrange_300"},
       {"LRANGE", "mylist", "0", "299"}},
      {"LRANGE_500 (first 500 elements)",
       {"lrange", "lrange_500"},
       {"LRANGE", "mylist", "0", "499"}},
      {"LRANGE_600 (first 600 elements)",
       {"lrange", "lrange_600"},
       {"LRANGE", "mylist", "0", "599"}},
      {"MSET (10 keys)", {"mset"}, mset},
      {"MGET (10 keys)", {"mget"}, mget, /*default_suite=*/false},
  };
}

bool Selected(const SuiteEntry& e, const std::vector<std::string>& tests) {
  if (tests.empty()) return e.default_suite;
  for (std::string_view s : e.selectors) {
    if (std::find(tests.begin(), tests.end(), s) != tests.end()) return true;
  }
  return false;
}

std::string ReplaceAll(std::string s, std::string_view from, std::string_view to) {
  size_t pos = 0;
  while ((pos = s.find(from, pos)) != std::string::npos) {
    s.replace(pos, from.size(), to);
    pos += to.size();
  }
  return s;
}

}  // namespace

std::string FormatCommand(std::span<const std::string> args) {
  // Plain appends: GCC 12 reports a false -Wrestrict on chains of string operator+.
  std::string out;
  out.push_back('*');
  out.append(std::to_string(args.size()));
  out.append("\r\n");
  for (const std::string& a : args) {
    out.push_back('$');
    out.append(std::to_string(a.size()));
    out.append("\r\n");
    out.append(a);
    out.append("\r\n");
  }
  return out;
}

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

std::string BenchmarkData(int size) {
  // The linear congruential sequence redis-benchmark uses, so that values are alike byte for byte.
  std::string data(static_cast<size_t>(std::max(size, 0)), '\0');
  uint32_t state = 1234;
  for (char& c : data) {
    state = state * 1103515245u + 12345u;
    c = static_cast<char>('0' + ((state >> 16) & 63));
  }
  return data;
}

std::span<const std::string_view> KnownTestNames() { return kKnownNames; }

Result<std::vector<Workload>> BuildWorkloads(const Options& options) {
  const std::string data = BenchmarkData(options.data_size);
  const bool substitute = options.random_keys;
  std::vector<Workload> out;

  if (!options.command.empty()) {
    Workload w;
    std::vector<std::string> args;
    for (size_t i = 0; i < options.command.size(); ++i) {
      if (i > 0) w.title += ' ';
      w.title += options.command[i];
      args.push_back(ReplaceAll(options.command[i], kDataPlaceholder, data));
    }
    w.templates.push_back(MakeTemplate(FormatCommand(args), substitute));
    // As redis-benchmark: the payload of an arbitrary command is the whole request's size.
    w.payload_bytes = static_cast<int>(w.templates[0].bytes.size());
    out.push_back(std::move(w));
    return out;
  }

  if (options.has_ratio()) {
    Workload w;
    w.title = "MIXED (GET:SET " + std::to_string(options.ratio_get) + ":" +
              std::to_string(options.ratio_set) + ")";
    std::vector<std::string> get = {"GET", "key:__rand_int__"};
    std::vector<std::string> set = {"SET", "key:__rand_int__", data};
    w.templates.push_back(MakeTemplate(FormatCommand(get), substitute));
    w.templates.push_back(MakeTemplate(FormatCommand(set), substitute));
    w.weights = {options.ratio_get, options.ratio_set};
    w.payload_bytes = options.data_size;
    out.push_back(std::move(w));
    return out;
  }

  for (const std::string& t : options.tests) {
    if (std::find(kKnownNames.begin(), kKnownNames.end(), t) == kKnownNames.end()) {
      return Error{"-t: unknown test '" + t + "'"};
    }
  }
  for (const SuiteEntry& e : Suite(data, options.random_keys)) {
    if (!Selected(e, options.tests)) continue;
    Workload w;
    w.title = std::string(e.title);
    std::string bytes = e.args.empty() ? std::string("PING\r\n") : FormatCommand(e.args);
    w.templates.push_back(MakeTemplate(std::move(bytes), substitute));
    w.payload_bytes = options.data_size;
    out.push_back(std::move(w));
  }
  return out;
}

// ---- random numbers and key distributions ----

namespace {
uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

Rng::Rng(uint64_t seed) {
  for (uint64_t& s : s_) s = SplitMix64(&seed);
}

uint64_t Rng::Next() {
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

double Rng::NextDouble() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

namespace {
// log1p(x)/x and expm1(x)/x, accurate near 0.
double Log1pOverX(double x) {
  return std::abs(x) > 1e-8 ? std::log1p(x) / x : 1 - x * (0.5 - x * (1.0 / 3 - 0.25 * x));
}
double Expm1OverX(double x) {
  return std::abs(x) > 1e-8 ? std::expm1(x) / x
                            : 1 + x * 0.5 * (1 + x * (1.0 / 3) * (1 + 0.25 * x));
}
}  // namespace

ZipfSampler::ZipfSampler(int64_t n, double theta) : n_(std::max<int64_t>(n, 1)), theta_(theta) {
  h_integral_x1_ = HIntegral(1.5) - 1;
  h_integral_n_ = HIntegral(static_cast<double>(n_) + 0.5);
  s_ = 2 - HIntegralInverse(HIntegral(2.5) - H(2));
}

double ZipfSampler::H(double x) const { return std::exp(-theta_ * std::log(x)); }

double ZipfSampler::HIntegral(double x) const {
  const double log_x = std::log(x);
  return Expm1OverX((1 - theta_) * log_x) * log_x;
}

double ZipfSampler::HIntegralInverse(double x) const {
  double t = x * (1 - theta_);
  if (t < -1) t = -1;  // limit from rounding
  return std::exp(Log1pOverX(t) * x);
}

int64_t ZipfSampler::Sample(Rng& rng) const {
  while (true) {
    const double u = h_integral_n_ + rng.NextDouble() * (h_integral_x1_ - h_integral_n_);
    const double x = HIntegralInverse(u);
    int64_t k = static_cast<int64_t>(x + 0.5);
    k = std::clamp<int64_t>(k, 1, n_);
    if (static_cast<double>(k) - x <= s_ ||
        u >= HIntegral(static_cast<double>(k) + 0.5) - H(static_cast<double>(k))) {
      return k;
    }
  }
}

KeyGenerator::KeyGenerator(const Options& options, uint64_t seed, uint64_t sequence_start)
    : distribution_(options.distribution),
      keyspace_(static_cast<uint64_t>(options.keyspace)),
      next_sequential_(sequence_start),
      rng_(seed),
      zipf_(options.keyspace, options.zipf_theta) {}

uint64_t KeyGenerator::Next() {
  if (keyspace_ == 0) return 0;  // redis-benchmark: -r 0 always substitutes 0
  switch (distribution_) {
    case Distribution::kUniform:
      return rng_.Next() % keyspace_;
    case Distribution::kSequential:
      return next_sequential_++ % keyspace_;
    case Distribution::kZipf:
      return static_cast<uint64_t>(zipf_.Sample(rng_) - 1);
  }
  return 0;
}

}  // namespace kv::load
