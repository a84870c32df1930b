// The kv-load config keys (load::ConfigJson) that define a workload — what every request does —
// with the flag that sets each, for the messages that name a difference. Files kv-compare merges
// (merge.h) or whose searches it compares (search_compare.h) must agree on them.
#pragma once

namespace kv::compare {

struct LoadSetting {
  const char* key;   // in kv-load's "config"
  const char* flag;  // the kv-load option
};

inline constexpr LoadSetting kLoadWorkloadSettings[] = {
    {"data_size", "-d"},
    {"pipeline", "-P"},
    {"keepalive", "-k"},
    {"keyspace", "-r"},
    {"dbnum", "--dbnum"},
    {"distribution", "--distribution"},
    {"zipf_theta", "--distribution zipf:<theta>"},
    {"ratio", "--ratio"},
    {"command", "the command after the options"}};

}  // namespace kv::compare
