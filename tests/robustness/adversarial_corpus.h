// Deterministic adversarial inputs for kv-server: a valid mixed pipeline to truncate and corrupt,
// random byte strings and random RESP-token soups from fixed seeds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kv::robustness {

// A valid pipeline of string and key commands (SET, GET, INCR, MSET, MGET, APPEND, EXPIRE, TTL,
// DEL, ECHO with CRLF inside an argument, PING, ...) in multibulk form followed by inline
// requests (plain, quoted, an empty line, a bare "\n" ending). Keys start with key_prefix.
// Contains no command that affects other connections or the server (no FLUSHALL, CLIENT KILL,
// SHUTDOWN, CONFIG SET, QUIT).
std::string ValidPipeline(std::string_view key_prefix);

// Redis 7's replies to ValidPipeline(prefix) when no key with that prefix exists.
std::string ValidPipelineReplies();

// The values each byte is replaced with in single-byte corruption tests.
inline constexpr char kCorruptionBytes[] = {'\0', '\r', '\n', '*', '$', '-', 'x', '\xff'};

// s with s[pos] replaced by byte.
std::string Corrupt(std::string_view s, size_t pos, char byte);

// Up to max_count positions in [0, n), evenly spread and always including 0 and n - 1; all of
// them when n <= max_count. Deterministic.
std::vector<size_t> SamplePositions(size_t n, size_t max_count);

// 1..max_len uniformly random bytes from a fixed seed.
std::string RandomBytes(uint64_t seed, size_t max_len);

// A random concatenation of RESP fragments ("*3\r\n", "$-1\r\n", "SET", "\r\n", quotes, huge and
// negative numbers, ...) from a fixed seed: it reaches deeper parser states than random bytes.
// Like ValidPipeline it cannot spell a command that affects the server or other connections.
std::string RandomRespSoup(uint64_t seed, size_t max_fragments);

}  // namespace kv::robustness
