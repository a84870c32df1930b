// Workload construction: redis-benchmark's suite, arbitrary commands, GET:SET mixes (see
// workload.h).
#include "tools/load/workload.h"

#include <algorithm>
#include <array>

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

// "key:__rand_int__": the keys of the suite and of the --ratio mix.
std::string RandomKey() {
  return std::string(workload::kKeyPrefix) + std::string(workload::kRandPlaceholder);
}

std::vector<SuiteEntry> Suite(const std::string& data, bool random_keys) {
  const std::string key = RandomKey();
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
    w.templates.push_back(workload::EncodeTemplate(args, substitute));
    // As redis-benchmark: the payload of an arbitrary command is the whole request's size.
    w.payload_bytes = static_cast<int>(w.templates[0].bytes.size());
    out.push_back(std::move(w));
    return out;
  }

  if (options.has_ratio()) {
    Workload w;
    w.title = "MIXED (GET:SET " + std::to_string(options.ratio_get) + ":" +
              std::to_string(options.ratio_set) + ")";
    const std::vector<std::string> get = {"GET", RandomKey()};
    const std::vector<std::string> set = {"SET", RandomKey(), data};
    w.templates.push_back(workload::EncodeTemplate(get, substitute));
    w.templates.push_back(workload::EncodeTemplate(set, substitute));
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
    if (options.cluster && !e.args.empty() && (e.args[0] == "MSET" || e.args[0] == "MGET")) {
      // Its 10 keys hash to different slots: a cluster answers CROSSSLOT to every request.
      if (options.tests.empty()) continue;  // the default suite skips it (cli.cc warns)
      return Error{"-t " + std::string(e.selectors.front()) + ": " + std::string(e.title) +
                   " cannot run with --cluster: its keys hash to different slots (benchmark a "
                   "command with hash-tagged keys instead, e.g. MSET {t}:__rand_int__ v "
                   "{t}:x v)"};
    }
    Workload w;
    w.title = std::string(e.title);
    // PING_INLINE sends redis-benchmark's inline form, not a multibulk request.
    w.templates.push_back(e.args.empty() ? workload::MakeTemplate("PING\r\n", substitute)
                                         : workload::EncodeTemplate(e.args, substitute));
    w.payload_bytes = options.data_size;
    out.push_back(std::move(w));
  }
  return out;
}

}  // namespace kv::load
