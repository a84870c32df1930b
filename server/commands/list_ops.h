// List operations shared by the list commands (lists.cc) and their blocking forms
// (lists_blocking.cc): Redis 7 semantics and error texts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "server/commands/collection_util.h"

namespace kv::server {

TypedLookup LookupList(CommandContext& ctx, std::string_view key, bool read);

// Pops up to count elements of the list at e from the head (front) or tail and replies them as an
// array; the key is deleted when the list empties.
void PopAndReply(CommandContext& ctx, Entry* e, bool front, int64_t count);

// Pops one element of the (non-empty) list at e; the key is deleted when the list empties.
std::string PopOne(CommandContext& ctx, Entry* e, bool front);

// LEFT|RIGHT (any case): *left true for LEFT; else replies a syntax error and returns false.
bool ParseWhere(CommandContext& ctx, std::string_view arg, bool* left);

// Redis lmoveGenericCommand: pops from src (from_left: its head) and pushes onto dst (to_left: its
// head), creating dst; replies the element. src must be an existing list (checked by the caller);
// replies WRONGTYPE when dst holds another type.
void MoveFromList(CommandContext& ctx, Entry* src, std::string_view dst, bool from_left,
                  bool to_left);

// Pops from the first existing list among a's keys and replies [key, [elements]] (or WRONGTYPE
// for the first key of another type). False, with nothing replied, when every key is missing.
bool MPopFirst(CommandContext& ctx, const MultiPopArgs& a);  // WHERE: LEFT | RIGHT

}  // namespace kv::server
