// Nodes of large sets and hashes (see field_node.h).
#include "server/store/field_node.h"

#include <cstdlib>
#include <new>

#include "server/store/object.h"

namespace kv::server {

FieldNode* FieldNode::Create(std::string_view key, std::string_view value) {
  void* mem = std::malloc(AllocSizeFor(key.size(), value.size()));
  if (mem == nullptr) throw std::bad_alloc();
  auto* n = ::new (mem) FieldNode{nullptr};
  PackedList::EncodeAt(n->data(), key);
  PackedList::EncodeAt(n->data() + PackedList::EncodedSize(key.size()), value);
  return n;
}

void FieldNode::Destroy(FieldNode* n) { std::free(n); }

bool FieldNode::ReplaceValue(std::string_view value) {
  const std::string_view k = key();
  // Only within the same chunk, so that AllocSize() (computed from the lengths) stays exact.
  if (AllocSizeFor(k.size(), value.size()) != AllocSizeFor(k.size(), this->value().size())) {
    return false;
  }
  PackedList::EncodeAt(data() + PackedList::EncodedSize(k.size()), value);
  return true;
}

}  // namespace kv::server
