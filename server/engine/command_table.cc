// Command table registration and allocation-free case-insensitive lookup (see command_table.h).
#include "server/engine/command_table.h"

#include "server/engine/text_util.h"

namespace kv::server {

void CommandTable::Register(const CommandSpec& spec) {
  bool replaced = false;
  for (CommandSpec& existing : commands_) {
    if (existing.name == spec.name) {
      const uint16_t index = existing.index;
      existing = spec;
      existing.index = index;
      replaced = true;
    }
  }
  if (!replaced) {
    commands_.push_back(spec);
    commands_.back().index = static_cast<uint16_t>(commands_.size() - 1);
  }
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
  upper_names_.clear();
  for (const CommandSpec& c : commands_) {
    std::string upper(c.name);
    for (char& ch : upper) {
      if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
    }
    upper_names_.push_back(std::move(upper));
  }
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
  // Every command of a bucket has name's length (and first letter, folded).
  const size_t b = Bucket(name.size(), name[0]);
  for (uint16_t i = bucket_begin_[b]; i < bucket_begin_[b + 1]; ++i) {
    const uint16_t index = bucket_items_[i];
    const CommandSpec& c = commands_[index];
    const std::string& upper = upper_names_[index];
    size_t k = 0;
    while (k < name.size() && (name[k] == c.name[k] || name[k] == upper[k])) ++k;
    if (k == name.size()) return &c;
  }
  return nullptr;
}

}  // namespace kv::server
