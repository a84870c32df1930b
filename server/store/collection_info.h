// What OBJECT ENCODING and DEBUG OBJECT report of a collection key, whichever its representation:
// an owned Object, or a small hash packed in the entry (hash_value.h).
#pragma once

#include <cstddef>
#include <string_view>

#include "server/store/dict.h"
#include "server/store/packed_pairs.h"

namespace kv::server {

// e: a collection's entry (type() != kString).
inline std::string_view CollectionEncoding(const Entry* e) {
  return e->packed() ? "listpack" : e->object()->Encoding();
}
inline size_t CollectionLength(const Entry* e) {
  return e->packed() ? PackedPairs::Count(e->val_data()) : e->object()->Length();
}

}  // namespace kv::server
