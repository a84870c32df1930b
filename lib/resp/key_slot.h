// Redis Cluster key slots: CRC16 (XMODEM) of the key, or of its hash tag, modulo 16384.
#pragma once

#include <cstdint>
#include <string_view>

namespace kv::resp {

inline constexpr int kClusterSlots = 16384;

// CRC16-XMODEM (polynomial 0x1021, initial value 0, no reflection), as Redis's crc16.c.
uint16_t Crc16(std::string_view data);

// The part of a key that is hashed: the text between the first '{' and the next '}' when that
// text is non-empty, else the whole key (Redis's keyHashSlot rules: "{}x" hashes "{}x").
std::string_view HashTag(std::string_view key);

// The cluster slot of key, in [0, 16384).
int KeySlot(std::string_view key);

}  // namespace kv::resp
