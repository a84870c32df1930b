// The keyspace (see store.h): lazy and active expiry, value storage, memory accounting.
#include "server/store/store.h"

#include <chrono>
#include <random>

namespace kv::server {
namespace {

constexpr size_t kExpireSample = 20;           // Redis ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP
constexpr size_t kExpireRepeatPercent = 10;    // repeat while more than this % was expired
constexpr uint64_t kBaseMemory = 1024 * 1024;  // fixed overhead counted like Redis's baseline
constexpr size_t kAvgTtlSample = 128;

int64_t SteadyMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Store::Store() : rng_((static_cast<uint64_t>(std::random_device{}()) << 32) ^ 0x5DEECE66DULL) {}

void Store::TtlAdd(Db& d, Entry* e) {
  e->ttl_slot = static_cast<uint32_t>(d.ttl.size());
  d.ttl.push_back(e);
}

void Store::TtlRemove(Db& d, Entry* e) {
  Entry* last = d.ttl.back();
  d.ttl[e->ttl_slot] = last;
  last->ttl_slot = e->ttl_slot;
  d.ttl.pop_back();
}

void Store::Free(Db& d, Entry* e) {
  if (e->expire_ms != 0) TtlRemove(d, e);
  entry_bytes_ -= e->AllocSize();
  if (e->is_object()) [[unlikely]]
    DropObject(d, e->ReleaseObject());
  Entry::Destroy(e);
}

void Store::Account(Db& d, Object* obj) {
  const size_t now = obj->MemoryUsage();
  d.object_bytes = d.object_bytes - obj->accounted_ + now;
  obj->accounted_ = now;
}

void Store::DropObject(Db& d, Object* obj) {
  d.object_bytes -= obj->accounted_;
  obj->accounted_ = 0;
  if (obj->FreeEffort() <= kLazyFreeThreshold) {
    delete obj;
    return;
  }
  lazy_free_bytes_ += obj->MemoryUsage();
  lazy_free_.emplace_back(obj);
}

bool Store::LazyFreeStep(int64_t budget_us) {
  if (lazy_free_.empty()) return false;
  constexpr size_t kSlice = 1024;  // elements per ReleaseSome call between clock checks
  const int64_t deadline = SteadyMicros() + budget_us;
  while (!lazy_free_.empty()) {
    Object* obj = lazy_free_.back().get();
    const size_t before = obj->MemoryUsage();
    const bool done = obj->ReleaseSome(kSlice);
    const size_t after = done ? 0 : obj->MemoryUsage();
    lazy_free_bytes_ -= before - after;
    if (done) lazy_free_.pop_back();
    if (SteadyMicros() >= deadline) break;
  }
  return !lazy_free_.empty();
}

Entry* Store::AddObject(int db, std::string_view key, std::unique_ptr<Object> obj,
                        int64_t expire_ms) {
  Account(dbs_[db], obj.get());
  Entry* e = Link(db, Entry::CreateObject(key, obj.release()), expire_ms);
  if (ready_listener_ != nullptr) [[unlikely]]
    ready_listener_->KeyAdded(db, e->key());
  return e;
}

bool Store::ObjectWritten(int db, Entry* e) {
  Db& d = dbs_[db];
  Object* obj = e->object();
  Account(d, obj);
  KeyModified(db, e->key());
  if (obj->Length() != 0) return false;
  Entry* gone = d.dict.Unlink(e->key());
  Free(d, gone);
  return true;
}

Entry* Store::AddPacked(int db, std::string_view key, ValueType type, std::string_view bytes,
                        int64_t expire_ms) {
  Entry* e = Entry::Create(key, bytes, bytes.size());
  e->set_access_word((static_cast<uint32_t>(type) << Entry::kTypeShift) | Entry::kFlagPacked);
  return Link(db, e, expire_ms);
}

Entry* Store::ResizeValue(int db, Entry** link, size_t new_cap) {
  Entry* e = *link;
  Entry* fresh = Entry::Create(e->key(), e->value().substr(0, new_cap), new_cap);
  fresh->set_access_word(e->access_word());
  Swap(dbs_[db], link, fresh);
  return fresh;
}

Entry* Store::ReplaceWithObject(int db, Entry** link, std::unique_ptr<Object> obj) {
  Account(dbs_[db], obj.get());
  Entry* fresh = Entry::CreateObject((*link)->key(), obj.release());
  Swap(dbs_[db], link, fresh);
  return fresh;
}

bool Store::PackedWritten(int db, Entry** link, bool empty) {
  KeyModified(db, (*link)->key());
  if (!empty) return false;
  Db& d = dbs_[db];
  Free(d, d.dict.Unlink((*link)->key()));
  return true;
}

void Store::Swap(Db& d, Entry** link, Entry* fresh) {
  Entry* old = d.dict.ReplaceAt(link, fresh);
  fresh->set_access_clock(clock_);
  fresh->expire_ms = old->expire_ms;
  if (old->expire_ms != 0) {
    fresh->ttl_slot = old->ttl_slot;
    d.ttl[old->ttl_slot] = fresh;
  }
  entry_bytes_ += fresh->AllocSize();
  entry_bytes_ -= old->AllocSize();
  if (old->is_object()) [[unlikely]]
    DropObject(d, old->ReleaseObject());
  Entry::Destroy(old);
}

Entry** Store::FindLink(int db, std::string_view key) {
  Entry** link = FindLinkNoTouch(db, key);
  if (link != nullptr) (*link)->set_access_clock(clock_);
  return link;
}

Entry* Store::Peek(int db, std::string_view key) {
  Entry** link = FindLinkNoTouch(db, key);
  return link == nullptr ? nullptr : *link;
}

Entry** Store::FindLinkNoTouch(int db, std::string_view key) {
  Db& d = dbs_[db];
  Entry** link = d.dict.FindLink(key);
  if (link == nullptr) return nullptr;
  if (IsExpired(*link)) {
    DeleteAt(db, link);
    ++expired_keys_;
    return nullptr;
  }
  return link;
}

Entry* Store::Find(int db, std::string_view key) {
  Entry** link = FindLink(db, key);
  return link == nullptr ? nullptr : *link;
}

Entry* Store::Add(int db, std::string_view key, std::string_view value, int64_t expire_ms) {
  return Link(db, Entry::Create(key, value, value.size()), expire_ms);
}

Entry* Store::Link(int db, Entry* e, int64_t expire_ms) {
  Db& d = dbs_[db];
  e->set_access_clock(clock_);
  entry_bytes_ += e->AllocSize();
  d.dict.Insert(e);
  if (expire_ms != 0) {
    e->expire_ms = expire_ms;
    TtlAdd(d, e);
  }
  KeyModified(db, e->key());
  return e;
}

Entry* Store::Overwrite(int db, Entry** link, std::string_view value) {
  Entry* e = *link;
  // Reuse the allocation when the value fits and would not waste more than half of it (a
  // collection is replaced: Swap frees its object).
  if (value.size() <= e->val_cap && value.size() * 2 + 64 >= e->val_cap && !e->is_object()) {
    if (!value.empty()) std::memmove(e->val_data(), value.data(), value.size());
    e->val_len = static_cast<uint32_t>(value.size());
    e->set_access_word(clock_);  // a whole new value: no longer raw
    KeyModified(db, e->key());
    return e;
  }
  Entry* fresh = Entry::Create(e->key(), value, value.size());
  Swap(dbs_[db], link, fresh);
  KeyModified(db, fresh->key());
  return fresh;
}

Entry* Store::Reserve(int db, Entry** link, size_t new_len) {
  Entry* e = *link;
  if (new_len > e->val_cap) {
    size_t cap = new_len < (1u << 20) ? new_len * 2 : new_len + (1u << 20);  // like sdsMakeRoomFor
    if (cap > UINT32_MAX) cap = new_len;
    Entry* fresh = Entry::Create(e->key(), e->value(), cap);
    Swap(dbs_[db], link, fresh);
    e = fresh;
  }
  e->MarkRaw();
  // Reported before the caller writes the new bytes: nothing can look in between.
  KeyModified(db, e->key());
  return e;
}

Entry* Store::Set(int db, std::string_view key, std::string_view value, int64_t expire_ms,
                  bool keep_ttl) {
  Entry** link = FindLink(db, key);
  if (link == nullptr) return Add(db, key, value, keep_ttl ? 0 : expire_ms);
  Entry* e = Overwrite(db, link, value);
  if (!keep_ttl) SetExpire(db, e, expire_ms);
  return e;
}

bool Store::Delete(int db, std::string_view key) {
  Db& d = dbs_[db];
  Entry* e = d.dict.Unlink(key);
  if (e == nullptr) return false;
  const bool expired = IsExpired(e);
  KeyModified(db, e->key());  // key may be a view of e's own bytes
  Free(d, e);
  if (expired) {
    ++expired_keys_;
    return false;
  }
  return true;
}

void Store::DeleteAt(int db, Entry** link) {
  Db& d = dbs_[db];
  Entry* e = d.dict.Unlink((*link)->key());
  KeyModified(db, e->key());
  Free(d, e);
}

void Store::SetExpire(int db, Entry* e, int64_t expire_ms) {
  Db& d = dbs_[db];
  if (e->expire_ms == 0) {
    if (expire_ms == 0) return;  // nothing changes (GETEX PERSIST of a key without expiry)
    TtlAdd(d, e);
  } else if (expire_ms == 0) {
    TtlRemove(d, e);
  }
  e->expire_ms = expire_ms;
  KeyModified(db, e->key());
}

Entry* Store::Rename(int db, std::string_view src_key, int dst_db, std::string_view dst_key) {
  Db& s = dbs_[db];
  Entry* src = s.dict.Unlink(src_key);
  KeyModified(db, src->key());
  const int64_t expire_ms = src->expire_ms;
  if (expire_ms != 0) TtlRemove(s, src);
  src->expire_ms = 0;
  // dst_key may alias src's bytes: build the new entry before freeing src. A collection moves
  // (its pointer is the value; type bits travel with the access word).
  Entry* fresh = Entry::Create(dst_key, src->value(), src->val_len);
  fresh->set_access_word((src->access_word() & ~Entry::kClockMask) | clock_);  // keeps raw
  entry_bytes_ -= src->AllocSize();
  if (src->is_object()) {
    Object* obj = src->ReleaseObject();
    s.object_bytes -= obj->accounted_;
    dbs_[dst_db].object_bytes += obj->accounted_;
  }
  Entry::Destroy(src);
  Entry** dst = dbs_[dst_db].dict.FindLink(fresh->key());
  if (dst != nullptr) DeleteAt(dst_db, dst);
  entry_bytes_ += fresh->AllocSize();
  dbs_[dst_db].dict.Insert(fresh);
  if (expire_ms != 0) SetExpire(dst_db, fresh, expire_ms);
  KeyModified(dst_db, fresh->key());
  if (ready_listener_ != nullptr && fresh->is_object()) [[unlikely]]
    ready_listener_->KeyAdded(dst_db, fresh->key());
  return fresh;
}

Entry* Store::Copy(const Entry* src, int dst_db, std::string_view dst_key) {
  if (src->is_object()) return AddObject(dst_db, dst_key, src->object()->Clone(), src->expire_ms);
  if (src->packed()) return AddPacked(dst_db, dst_key, src->type(), src->value(), src->expire_ms);
  return Add(dst_db, dst_key, src->value(), src->expire_ms);
}

void Store::SwapDb(int db1, int db2) {
  if (db1 == db2) return;
  DbReplacing(db1, db2);
  DbReplacing(db2, db1);
  dbs_[db1].dict.Swap(dbs_[db2].dict);
  dbs_[db1].ttl.swap(dbs_[db2].ttl);
  std::swap(dbs_[db1].object_bytes, dbs_[db2].object_bytes);
  if (ready_listener_ != nullptr) [[unlikely]]
    ready_listener_->DbsSwapped(db1, db2);
}

uint64_t Store::TotalKeys() const {
  uint64_t n = 0;
  for (const Db& d : dbs_) n += d.dict.size();
  return n;
}

int64_t Store::AverageTtl(int db) {
  const std::vector<Entry*>& ttl = dbs_[db].ttl;
  if (ttl.empty()) return 0;
  const size_t step = ttl.size() > kAvgTtlSample ? ttl.size() / kAvgTtlSample : 1;
  int64_t sum = 0;
  int64_t n = 0;
  for (size_t i = 0; i < ttl.size(); i += step) {
    const int64_t left = ttl[i]->expire_ms - now_ms_;
    sum += left > 0 ? left : 0;
    ++n;
  }
  return sum / n;
}

void Store::FlushDb(int db) {
  DbReplacing(db, -1);
  Db& d = dbs_[db];
  entry_bytes_ -= d.dict.Clear();
  d.object_bytes = 0;
  d.ttl.clear();
  d.ttl.shrink_to_fit();
}

void Store::FlushAll() {
  for (int db = 0; db < kNumDatabases; ++db) DbReplacing(db, -1);
  for (Db& d : dbs_) {
    d.dict.Clear();
    d.object_bytes = 0;
    d.ttl.clear();
    d.ttl.shrink_to_fit();
  }
  entry_bytes_ = 0;
}

Entry* Store::RandomKey(int db) {
  Db& d = dbs_[db];
  // Every sampled key may be expired (all volatile): bound the attempts like Redis does.
  for (int tries = 0; tries < 100 && d.dict.size() > 0; ++tries) {
    Entry* e = d.dict.RandomEntry(rng_);
    if (!IsExpired(e)) return e;
    Entry* gone = d.dict.Unlink(e->key());
    KeyModified(db, gone->key());
    Free(d, gone);
    ++expired_keys_;
  }
  return nullptr;
}

bool Store::ActiveExpireCycle(int64_t budget_us) {
  const int64_t deadline = SteadyMicros() + budget_us;
  for (int visited = 0; visited < kNumDatabases; ++visited) {
    Db& d = dbs_[expire_db_cursor_];
    while (!d.ttl.empty()) {
      const size_t n = d.ttl.size() < kExpireSample ? d.ttl.size() : kExpireSample;
      size_t expired = 0;
      for (size_t i = 0; i < n && !d.ttl.empty(); ++i) {
        Entry* e = d.ttl[rng_() % d.ttl.size()];
        if (!IsExpired(e)) continue;
        Entry* gone = d.dict.Unlink(e->key());
        KeyModified(expire_db_cursor_, gone->key());
        Free(d, gone);
        ++expired_keys_;
        ++expired;
      }
      if (SteadyMicros() >= deadline) return true;
      if (expired * 100 <= n * kExpireRepeatPercent) break;
    }
    expire_db_cursor_ = (expire_db_cursor_ + 1) % kNumDatabases;
  }
  return false;
}

uint64_t Store::KeyMemoryUsage(int db, const Entry* e) const {
  const Db& d = dbs_[db];
  auto share = [](size_t slots, size_t users) -> uint64_t {
    return users == 0 ? 0 : (slots * sizeof(Entry*) + users - 1) / users;
  };
  uint64_t bytes = e->HeapSize() + share(d.dict.bucket_count(), d.dict.size());
  if (e->is_object()) bytes += e->object()->MemoryUsage();
  if (e->expire_ms != 0) bytes += share(d.ttl.capacity(), d.ttl.size());
  return bytes;
}

uint64_t Store::UsedMemory() const {
  uint64_t bytes = kBaseMemory + entry_bytes_ + lazy_free_bytes_;
  for (const Db& d : dbs_) {
    bytes += d.object_bytes;
    bytes += d.dict.bucket_count() * sizeof(Entry*) + d.ttl.capacity() * sizeof(Entry*);
  }
  return bytes;
}

}  // namespace kv::server
