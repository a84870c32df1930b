// Large hashes (see hash_object.h).
#include "server/store/hash_object.h"

#include "server/store/packed_pairs.h"

namespace kv::server {

std::unique_ptr<HashObject> HashObject::FromPacked(std::string_view packed) {
  auto h = std::make_unique<HashObject>();
  PackedPairs::ForEach(packed, [&h](std::string_view f, std::string_view v) { h->Set(f, v); });
  return h;
}

size_t HashObject::MemoryUsage() const {
  return MallocChunk(sizeof(HashObject)) + dict_.bucket_count() * sizeof(FieldNode*) + node_bytes_;
}

std::unique_ptr<Object> HashObject::Clone() const {
  auto copy = std::make_unique<HashObject>();
  ForEach([&copy](std::string_view f, std::string_view v) { copy->Set(f, v); });
  return copy;
}

bool HashObject::ReleaseSome(size_t budget) {
  size_t freed = 0;
  const bool done = dict_.ReleaseSome(budget, &freed);
  node_bytes_ -= freed;
  return done;
}

bool HashObject::Get(std::string_view field, std::string_view* value) const {
  const FieldNode* e = dict_.Peek(field);
  if (e == nullptr) return false;
  *value = e->value();
  return true;
}

bool HashObject::Set(std::string_view field, std::string_view value) {
  FieldNode** link = dict_.FindLink(field);
  if (link == nullptr) {
    FieldNode* e = FieldNode::Create(field, value);
    node_bytes_ += e->HeapSize();
    dict_.Insert(e);
    return true;
  }
  FieldNode* old = *link;
  if (old->ReplaceValue(value)) return false;
  FieldNode* fresh = FieldNode::Create(field, value);
  node_bytes_ += fresh->HeapSize();
  node_bytes_ -= old->HeapSize();
  dict_.ReplaceAt(link, fresh);
  FieldNode::Destroy(old);
  return false;
}

bool HashObject::Delete(std::string_view field) {
  FieldNode* e = dict_.Unlink(field);
  if (e == nullptr) return false;
  node_bytes_ -= e->HeapSize();
  FieldNode::Destroy(e);
  return true;
}

void HashObject::Random(SampleRng& rng, std::string_view* field, std::string_view* value) {
  const FieldNode* e = dict_.RandomEntry(rng);
  *field = e->key();
  *value = e->value();
}

}  // namespace kv::server
