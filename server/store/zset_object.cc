// Sorted set values (see zset_object.h).
#include "server/store/zset_object.h"

namespace kv::server {
namespace {

std::string_view ScoreBytes(const double& d) {
  return {reinterpret_cast<const char*>(&d), sizeof d};
}

}  // namespace

std::unique_ptr<ZSetObject> ZSetObject::CreateSized(size_t size_hint, size_t max_member_len,
                                                    PackLimits limits) {
  auto z = std::make_unique<ZSetObject>();
  if (size_hint > limits.entries || max_member_len > limits.value) {
    z->list_ = std::make_unique<ZSkipList>();
  }
  return z;
}

size_t ZSetObject::MemoryUsage() const {
  const size_t bytes = MallocChunk(sizeof(ZSetObject));
  if (!list_) return bytes + small_.HeapBytes();
  return bytes + MallocChunk(sizeof(ZSkipList)) + list_->HeapBytes();
}

std::unique_ptr<Object> ZSetObject::Clone() const {
  auto copy = std::make_unique<ZSetObject>();
  if (!list_) {
    copy->small_ = small_;
    return copy;
  }
  copy->list_ = std::make_unique<ZSkipList>();
  list_->ForRanks(0, list_->size(), false,
                  [&copy](std::string_view m, double s) { copy->list_->Insert(m, s); });
  return copy;
}

bool ZSetObject::ReleaseSome(size_t budget) {
  if (!list_) {
    small_.Clear();
    return true;
  }
  if (!list_->ReleaseSome(budget)) return false;
  list_.reset();
  return true;
}

std::vector<size_t> ZSetObject::PackedPositions() const {
  std::vector<size_t> at;
  at.reserve(small_.size() / 2);
  for (size_t pos = small_.begin(); pos != small_.end(); pos = small_.Next(small_.Next(pos))) {
    at.push_back(pos);
  }
  return at;
}

size_t ZSetObject::FindPacked(std::string_view member) const {
  std::string_view m;
  for (size_t pos = small_.begin(); pos != small_.end();) {
    const size_t score_pos = small_.Read(pos, &m);
    if (m == member) return pos;
    pos = small_.Next(score_pos);
  }
  return small_.end();
}

bool ZSetObject::Score(std::string_view member, double* score) const {
  if (list_) return list_->Score(member, score);
  const size_t pos = FindPacked(member);
  if (pos == small_.end()) return false;
  std::string_view s;
  small_.Read(small_.Next(pos), &s);
  *score = ReadScore(s);
  return true;
}

void ZSetObject::InsertPacked(std::string_view member, double score) {
  score += 0.0;  // -0 is 0 in a listpack, as Redis's (it stores the score's text, "0")
  std::string_view m;
  std::string_view s;
  size_t pos = small_.begin();
  while (pos != small_.end()) {
    const size_t score_pos = small_.Read(pos, &m);
    small_.Read(score_pos, &s);
    const double here = ReadScore(s);
    if (here > score || (here == score && m > member)) break;
    pos = small_.Next(score_pos);
  }
  // Score first, then the member before it: both at pos.
  small_.InsertAt(pos, ScoreBytes(score));
  small_.InsertAt(pos, member);
}

void ZSetObject::Insert(std::string_view member, double score, PackLimits limits) {
  if (!list_) {
    if (small_.size() / 2 < limits.entries && member.size() <= limits.value &&
        small_.end() + PackedList::EncodedSize(member.size()) +
                PackedList::EncodedSize(sizeof(double)) <=
            kPackedMostBytes) {
      InsertPacked(member, score);
      return;
    }
    Convert();
  }
  list_->Insert(member, score);
}

void ZSetObject::UpdateScore(std::string_view member, double score) {
  if (list_) {
    list_->UpdateScore(member, score);
    return;
  }
  const size_t pos = FindPacked(member);
  small_.EraseRange(pos, 2);
  InsertPacked(member, score);
}

bool ZSetObject::Remove(std::string_view member) {
  if (list_) return list_->Remove(member);
  const size_t pos = FindPacked(member);
  if (pos == small_.end()) return false;
  small_.EraseRange(pos, 2);
  return true;
}

bool ZSetObject::Rank(std::string_view member, size_t* rank) const {
  double score;
  if (!Score(member, &score)) return false;
  *rank = CountWhile([score, member](double s, std::string_view m) {
    return s < score || (s == score && m < member);
  });
  return true;
}

void ZSetObject::RemoveRanks(size_t from, size_t to) {
  if (from >= to) return;
  if (list_) {
    list_->RemoveRanks(from, to);
    return;
  }
  small_.EraseRange(small_.At(2 * from), 2 * (to - from));
}

void ZSetObject::Convert() {
  list_ = std::make_unique<ZSkipList>();
  std::string_view m;
  std::string_view s;
  for (size_t pos = small_.begin(); pos != small_.end();) {
    pos = small_.Read(pos, &m);
    pos = small_.Read(pos, &s);
    list_->Insert(m, ReadScore(s));
  }
  small_.Clear();
}

}  // namespace kv::server
