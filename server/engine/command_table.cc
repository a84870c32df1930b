// Command table registration and allocation-free case-insensitive lookup (see command_table.h).
#include "server/engine/command_table.h"

#include "server/engine/text_util.h"

namespace kv::server {

void CommandTable::Register(const CommandSpec& spec) {
  bool replaced = false;
  for (CommandSpec& existing : commands_) {
    if (existing.name == spec.name) {
      existing = spec;
      replaced = true;
    }
  }
  if (!replaced) commands_.push_back(spec);
  Rebuild();
}

void CommandTable::Rebuild() {
  // Counting sort of command indexes by bucket.
  std::vector<uint16_t> counts(kMaxLen * 32 + 1, 0);
  for (const CommandSpec& c : commands_) {
    if (c.name.empty() || c.name.size() >= kMaxLen) continue;
    ++counts[Bucket(c.name.size(), c.name[0]) + 1];
  }
  for (size_t i = 1; i < counts.size(); ++i) counts[i] += counts[i - 1];
  bucket_begin_ = counts;
  bucket_items_.assign(counts.back(), 0);
  for (size_t i = 0; i < commands_.size(); ++i) {
    const CommandSpec& c = commands_[i];
    if (c.name.empty() || c.name.size() >= kMaxLen) continue;
    bucket_items_[counts[Bucket(c.name.size(), c.name[0])]++] = static_cast<uint16_t>(i);
  }
}

const CommandSpec* CommandTable::Find(std::string_view name) const {
  if (name.empty() || name.size() >= kMaxLen) return nullptr;
  const size_t b = Bucket(name.size(), name[0]);
  for (uint16_t i = bucket_begin_[b]; i < bucket_begin_[b + 1]; ++i) {
    const CommandSpec& c = commands_[bucket_items_[i]];
    if (EqualsIgnoreCase(c.name, name)) return &c;
  }
  return nullptr;
}

}  // namespace kv::server
