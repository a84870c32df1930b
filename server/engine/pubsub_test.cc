// PubSub registry: both directions of every subscription, the session counters, pattern matching,
// and that Remove leaves nothing behind.
#include "server/engine/pubsub.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace kv::server {
namespace {

Session MakeSession(uint64_t id) {
  Session s;
  s.id = id;
  return s;
}

// (client id, pattern or "") for each receiver of channel, in delivery order.
std::vector<std::pair<uint64_t, std::string>> Receivers(const PubSub& registry,
                                                        std::string_view channel) {
  std::vector<std::pair<uint64_t, std::string>> out;
  const int64_t n = registry.ForEachReceiver(channel, [&](Session& s, const std::string* pattern) {
    out.emplace_back(s.id, pattern != nullptr ? *pattern : "");
  });
  EXPECT_EQ(n, static_cast<int64_t>(out.size()));
  return out;
}

TEST(PubSubTest, SubscribeAndUnsubscribeKeepBothSidesAndCounters) {
  PubSub registry;
  Session a = MakeSession(1);
  Session b = MakeSession(2);
  EXPECT_FALSE(registry.active());
  EXPECT_TRUE(registry.Subscribe(a, "news"));
  EXPECT_FALSE(registry.Subscribe(a, "news"));
  EXPECT_TRUE(registry.Subscribe(b, "news"));
  EXPECT_TRUE(registry.Subscribe(a, "sport"));
  EXPECT_TRUE(registry.active());
  EXPECT_EQ(a.pubsub_channels, 2u);
  EXPECT_EQ(b.pubsub_channels, 1u);
  EXPECT_EQ(registry.NumSub("news"), 2u);
  EXPECT_EQ(registry.NumSub("none"), 0u);
  EXPECT_EQ(registry.subscribers(), 2u);
  using R = std::vector<std::pair<uint64_t, std::string>>;
  EXPECT_EQ(Receivers(registry, "news"), (R{{1, ""}, {2, ""}}));  // subscription order
  std::vector<std::string> mine = registry.ChannelsOf(a);
  std::sort(mine.begin(), mine.end());
  EXPECT_EQ(mine, (std::vector<std::string>{"news", "sport"}));
  std::vector<std::string> active = registry.Channels("*");
  std::sort(active.begin(), active.end());
  EXPECT_EQ(active, (std::vector<std::string>{"news", "sport"}));
  EXPECT_EQ(registry.Channels("s*"), (std::vector<std::string>{"sport"}));

  EXPECT_FALSE(registry.Unsubscribe(b, "sport"));
  EXPECT_TRUE(registry.Unsubscribe(a, "news"));
  EXPECT_EQ(a.pubsub_channels, 1u);
  EXPECT_EQ(Receivers(registry, "news"), (R{{2, ""}}));
  EXPECT_TRUE(registry.Unsubscribe(b, "news"));
  EXPECT_EQ(registry.NumSub("news"), 0u);
  EXPECT_EQ(registry.Channels("*"), (std::vector<std::string>{"sport"}));
  EXPECT_EQ(registry.subscribers(), 1u);
  EXPECT_TRUE(registry.Unsubscribe(a, "sport"));
  EXPECT_EQ(registry.subscribers(), 0u);
  EXPECT_FALSE(registry.active());
}

TEST(PubSubTest, PatternsMatchAsRedisGlobAndCountDistinctPatterns) {
  PubSub registry;
  Session a = MakeSession(1);
  Session b = MakeSession(2);
  EXPECT_TRUE(registry.PSubscribe(a, "news.*"));
  EXPECT_TRUE(registry.PSubscribe(a, "n?ws.[ab]"));
  EXPECT_FALSE(registry.PSubscribe(a, "news.*"));
  EXPECT_TRUE(registry.PSubscribe(b, "news.*"));
  EXPECT_TRUE(registry.Subscribe(b, "news.a"));
  EXPECT_EQ(a.pubsub_patterns, 2u);
  EXPECT_EQ(b.pubsub_patterns, 1u);
  EXPECT_EQ(registry.NumPat(), 2u);  // distinct patterns, as Redis 7
  EXPECT_EQ(registry.PatternsOf(a), (std::vector<std::string>{"news.*", "n?ws.[ab]"}));
  auto got = Receivers(registry, "news.a");
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0], std::make_pair(uint64_t{2}, std::string()));  // the channel first
  std::sort(got.begin() + 1, got.end());
  EXPECT_EQ(got[1], std::make_pair(uint64_t{1}, std::string("n?ws.[ab]")));
  EXPECT_EQ(got[2], std::make_pair(uint64_t{1}, std::string("news.*")));
  EXPECT_EQ(got[3], std::make_pair(uint64_t{2}, std::string("news.*")));
  EXPECT_EQ(Receivers(registry, "news.c").size(), 2u);
  EXPECT_EQ(Receivers(registry, "other").size(), 0u);
  EXPECT_TRUE(registry.PUnsubscribe(a, "news.*"));
  EXPECT_FALSE(registry.PUnsubscribe(a, "news.*"));
  EXPECT_EQ(registry.NumPat(), 2u);
  EXPECT_TRUE(registry.PUnsubscribe(b, "news.*"));
  EXPECT_EQ(registry.NumPat(), 1u);
}

TEST(PubSubTest, RemoveForgetsEverythingOfTheSession) {
  PubSub registry;
  Session a = MakeSession(1);
  Session b = MakeSession(2);
  for (int i = 0; i < 1000; ++i) registry.Subscribe(a, "c" + std::to_string(i));
  registry.PSubscribe(a, "p*");
  registry.Subscribe(b, "c1");
  EXPECT_TRUE(registry.AddMonitor(a));
  EXPECT_FALSE(registry.AddMonitor(a));
  EXPECT_TRUE(a.monitor);
  registry.Remove(a);
  EXPECT_EQ(a.pubsub_channels, 0u);
  EXPECT_EQ(a.pubsub_patterns, 0u);
  EXPECT_FALSE(a.monitor);
  EXPECT_TRUE(registry.monitors().empty());
  EXPECT_EQ(registry.NumPat(), 0u);
  EXPECT_EQ(registry.Channels("*"), (std::vector<std::string>{"c1"}));
  EXPECT_EQ(Receivers(registry, "c1").size(), 1u);
  EXPECT_TRUE(registry.active());  // b still subscribes
  registry.Remove(b);
  EXPECT_FALSE(registry.active());
  EXPECT_EQ(registry.subscribers(), 0u);
  // A monitor alone keeps the registry active.
  registry.AddMonitor(b);
  EXPECT_TRUE(registry.active());
  registry.Remove(b);
  EXPECT_FALSE(registry.active());
}

}  // namespace
}  // namespace kv::server
