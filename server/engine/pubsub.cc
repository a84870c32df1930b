// PubSub: the subscription registry (channels, patterns, per-client sets) and the MONITOR list.
#include "server/engine/pubsub.h"

#include <algorithm>

#include "server/engine/text_util.h"

namespace kv::server {

bool PatternMatches(std::string_view pattern, std::string_view channel) {
  return GlobMatch(pattern, channel);
}

bool PubSub::Erase(Sessions& list, const Session* session) {
  auto it = std::find(list.begin(), list.end(), session);
  if (it == list.end()) return false;
  list.erase(it);
  return true;
}

void PubSub::Update(Session& session, Client& client) {
  session.pubsub_channels = static_cast<uint32_t>(client.channels.size());
  session.pubsub_patterns = static_cast<uint32_t>(client.patterns.size());
  if (client.channels.empty() && client.patterns.empty()) clients_.erase(session.id);
  // Emptied tables give their buckets back: a storm of subscriptions leaves no memory behind.
  if (clients_.empty()) decltype(clients_)().swap(clients_);
  if (channels_.empty()) decltype(channels_)().swap(channels_);
  if (patterns_.empty()) decltype(patterns_)().swap(patterns_);
  active_ = !clients_.empty() || !monitors_.empty();
}

bool PubSub::Subscribe(Session& session, std::string_view channel) {
  Client& client = clients_[session.id];
  bool added = client.channels.emplace(channel).second;
  if (added) channels_[std::string(channel)].push_back(&session);
  Update(session, client);
  return added;
}

bool PubSub::Unsubscribe(Session& session, std::string_view channel) {
  auto client = clients_.find(session.id);
  if (client == clients_.end()) return false;
  auto member = client->second.channels.find(channel);
  if (member == client->second.channels.end()) return false;
  client->second.channels.erase(member);
  if (auto it = channels_.find(channel); it != channels_.end()) {
    Erase(it->second, &session);
    if (it->second.empty()) channels_.erase(it);
  }
  Update(session, client->second);
  return true;
}

bool PubSub::PSubscribe(Session& session, std::string_view pattern) {
  Client& client = clients_[session.id];
  bool added =
      std::find(client.patterns.begin(), client.patterns.end(), pattern) == client.patterns.end();
  if (added) {
    client.patterns.emplace_back(pattern);
    patterns_[std::string(pattern)].push_back(&session);
  }
  Update(session, client);
  return added;
}

bool PubSub::PUnsubscribe(Session& session, std::string_view pattern) {
  auto client = clients_.find(session.id);
  if (client == clients_.end()) return false;
  std::vector<std::string>& mine = client->second.patterns;
  auto member = std::find(mine.begin(), mine.end(), pattern);
  if (member == mine.end()) return false;
  mine.erase(member);
  if (auto it = patterns_.find(pattern); it != patterns_.end()) {
    Erase(it->second, &session);
    if (it->second.empty()) patterns_.erase(it);
  }
  Update(session, client->second);
  return true;
}

std::vector<std::string> PubSub::ChannelsOf(const Session& session) const {
  auto it = clients_.find(session.id);
  if (it == clients_.end()) return {};
  return {it->second.channels.begin(), it->second.channels.end()};
}

std::vector<std::string> PubSub::PatternsOf(const Session& session) const {
  auto it = clients_.find(session.id);
  if (it == clients_.end()) return {};
  return it->second.patterns;
}

size_t PubSub::NumSub(std::string_view channel) const {
  auto it = channels_.find(channel);
  return it == channels_.end() ? 0 : it->second.size();
}

std::vector<std::string> PubSub::Channels(std::string_view pattern) const {
  std::vector<std::string> out;
  for (const auto& [channel, sessions] : channels_) {
    if (pattern == "*" || GlobMatch(pattern, channel)) out.push_back(channel);
  }
  return out;
}

bool PubSub::AddMonitor(Session& session) {
  if (session.monitor) return false;
  session.monitor = true;
  monitors_.push_back(&session);
  active_ = true;
  return true;
}

void PubSub::Remove(Session& session) {
  if (session.monitor) {
    Erase(monitors_, &session);
    session.monitor = false;
  }
  for (const std::string& channel : ChannelsOf(session)) Unsubscribe(session, channel);
  for (const std::string& pattern : PatternsOf(session)) PUnsubscribe(session, pattern);
  active_ = !clients_.empty() || !monitors_.empty();
}

}  // namespace kv::server
