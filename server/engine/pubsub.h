// PubSub: who listens to what. Channel and pattern subscriptions (both ways: channel -> sessions
// for PUBLISH, session -> channels for UNSUBSCRIBE and CLIENT LIST) and the MONITOR clients.
// Lives in ServerState; used under the server lock. A session is forgotten by Remove (the
// Dispatcher's OnClose), so a closed connection leaves nothing behind.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "server/api/session.h"

namespace kv::server {

class PubSub {
 public:
  // Each returns whether the set changed (false: already subscribed / not subscribed) and keeps
  // session.pubsub_channels / pubsub_patterns current.
  bool Subscribe(Session& session, std::string_view channel);
  bool Unsubscribe(Session& session, std::string_view channel);
  bool PSubscribe(Session& session, std::string_view pattern);
  bool PUnsubscribe(Session& session, std::string_view pattern);
  // session's channels (any order) and patterns (subscription order), for UNSUBSCRIBE and
  // PUNSUBSCRIBE without arguments.
  std::vector<std::string> ChannelsOf(const Session& session) const;
  std::vector<std::string> PatternsOf(const Session& session) const;

  // A message on channel reaches: fn(session, nullptr) for each subscriber of the channel (in
  // subscription order), then fn(session, &pattern) for each subscription of a matching pattern.
  // Returns the number of calls (PUBLISH's reply).
  template <typename Fn>
  int64_t ForEachReceiver(std::string_view channel, Fn&& fn) const;

  // PUBSUB NUMSUB / NUMPAT (distinct patterns, as Redis 7) / CHANNELS [pattern].
  size_t NumSub(std::string_view channel) const;
  size_t NumPat() const { return patterns_.size(); }
  size_t NumChannels() const { return channels_.size(); }  // INFO pubsub_channels
  std::vector<std::string> Channels(std::string_view pattern) const;
  size_t subscribers() const { return clients_.size(); }

  // MONITOR: session receives every command run afterwards (false if it already does).
  bool AddMonitor(Session& session);
  const std::vector<Session*>& monitors() const { return monitors_; }

  // Forgets every subscription of session and its MONITOR.
  void Remove(Session& session);

  // Whether any client subscribes or monitors: the command path checks this one flag and skips
  // everything else of pub/sub and MONITOR while it is false.
  bool active() const { return active_; }

 private:
  using Sessions = std::vector<Session*>;
  // Lookups by string_view without a temporary std::string.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  template <typename V>
  using Map = std::unordered_map<std::string, V, Hash, std::equal_to<>>;
  struct Client {
    std::unordered_set<std::string, Hash, std::equal_to<>> channels;
    std::vector<std::string> patterns;
  };
  static bool Erase(Sessions& list, const Session* session);
  // Drops the entry of client when it has no subscription left; updates active_.
  void Update(Session& session, Client& client);

  Map<Sessions> channels_;
  Map<Sessions> patterns_;
  std::unordered_map<uint64_t, Client> clients_;  // by CLIENT ID
  Sessions monitors_;
  bool active_ = false;
};

// Matches pattern against channel (Redis glob rules); defined in pubsub.cc.
bool PatternMatches(std::string_view pattern, std::string_view channel);

template <typename Fn>
int64_t PubSub::ForEachReceiver(std::string_view channel, Fn&& fn) const {
  int64_t count = 0;
  if (auto it = channels_.find(channel); it != channels_.end()) {
    for (Session* s : it->second) {
      fn(*s, static_cast<const std::string*>(nullptr));
      ++count;
    }
  }
  for (const auto& [pattern, sessions] : patterns_) {
    if (!PatternMatches(pattern, channel)) continue;
    for (Session* s : sessions) {
      fn(*s, &pattern);
      ++count;
    }
  }
  return count;
}

}  // namespace kv::server
