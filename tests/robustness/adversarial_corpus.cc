// Adversarial input generators (see adversarial_corpus.h). Randomness comes from std::mt19937_64,
// whose output sequence the C++ standard fixes, used without distributions (whose output is
// implementation-defined), so every input is the same on every platform.
#include "tests/robustness/adversarial_corpus.h"

#include <random>

#include "resp/reply_writer.h"
#include "resp/request_encoder.h"

namespace kv::robustness {

std::string ValidPipeline(std::string_view key_prefix) {
  const std::string p(key_prefix);
  const std::string k = p + "k";
  const std::string n = p + "n";
  const std::string a = p + "a";
  const std::string b = p + "b";
  std::string out;
  out += resp::EncodeRequest({"SET", k, "hello"});
  out += resp::EncodeRequest({"GET", k});
  out += resp::EncodeRequest({"INCR", n});
  out += resp::EncodeRequest({"MSET", a, "1", b, "2"});
  out += resp::EncodeRequest({"MGET", a, b, p + "missing"});
  out += resp::EncodeRequest({"APPEND", k, " world"});
  out += resp::EncodeRequest({"EXPIRE", k, "100"});
  out += resp::EncodeRequest({"TTL", k});
  out += resp::EncodeRequest({"DEL", a});
  out += resp::EncodeRequest({"ECHO", "two\r\nlines"});
  out += resp::EncodeRequest({"SET", p + "empty", ""});
  out += resp::EncodeRequest({"PING"});
  out += "PING\r\n";
  out += "SET " + p + "i \"quoted value\"\r\n";
  out += "GET " + p + "i\r\n";
  out += "INCRBY " + n + " 5\r\n";
  out += "\r\n";
  out += "EXISTS " + k + " " + p + "i\r\n";
  out += "DECR " + n + "\n";
  return out;
}

std::string ValidPipelineReplies() {
  std::string out;
  resp::ReplyWriter w(&out);
  w.Simple("OK");    // SET k hello
  w.Bulk("hello");   // GET k
  w.Integer(1);      // INCR n
  w.Simple("OK");    // MSET a 1 b 2
  w.ArrayHeader(3);  // MGET a b missing
  w.Bulk("1");
  w.Bulk("2");
  w.NullBulk();
  w.Integer(11);           // APPEND k " world"
  w.Integer(1);            // EXPIRE k 100
  w.Integer(100);          // TTL k
  w.Integer(1);            // DEL a
  w.Bulk("two\r\nlines");  // ECHO
  w.Simple("OK");          // SET empty ""
  w.Simple("PONG");        // PING (multibulk)
  w.Simple("PONG");        // PING (inline)
  w.Simple("OK");          // SET i "quoted value"
  w.Bulk("quoted value");  // GET i
  w.Integer(6);            // INCRBY n 5
  w.Integer(2);            // EXISTS k i
  w.Integer(5);            // DECR n
  return out;
}

std::string Corrupt(std::string_view s, size_t pos, char byte) {
  std::string out(s);
  out[pos] = byte;
  return out;
}

std::vector<size_t> SamplePositions(size_t n, size_t max_count) {
  std::vector<size_t> out;
  if (n == 0) return out;
  if (n <= max_count || max_count < 2) {
    for (size_t i = 0; i < n && (max_count >= 2 || i < max_count); ++i) out.push_back(i);
    return out;
  }
  for (size_t i = 0; i < max_count; ++i) out.push_back(i * (n - 1) / (max_count - 1));
  return out;
}

std::string RandomBytes(uint64_t seed, size_t max_len) {
  std::mt19937_64 rng(seed);
  const size_t len = 1 + static_cast<size_t>(rng() % max_len);
  std::string out(len, '\0');
  for (char& c : out) c = static_cast<char>(rng() & 0xff);
  return out;
}

std::string RandomRespSoup(uint64_t seed, size_t max_fragments) {
  static constexpr std::string_view kFragments[] = {"*",
                                                    "$",
                                                    "\r\n",
                                                    "\r",
                                                    "\n",
                                                    "*1\r\n",
                                                    "*2\r\n",
                                                    "*3\r\n",
                                                    "*0\r\n",
                                                    "*-1\r\n",
                                                    "$3\r\n",
                                                    "$0\r\n",
                                                    "$-1\r\n",
                                                    "$5\r\n",
                                                    "$2147483648\r\n",
                                                    "*1000000000\r\n",
                                                    "*-2147483649\r\n",
                                                    "$+1\r\n",
                                                    "$01\r\n",
                                                    "99999999999999999999",
                                                    "-",
                                                    "0",
                                                    "1",
                                                    "12",
                                                    "SET",
                                                    "GET",
                                                    "INCR",
                                                    "MSET",
                                                    "MGET",
                                                    "DEL",
                                                    "PING",
                                                    "ECHO",
                                                    "EXISTS",
                                                    "APPEND",
                                                    "x",
                                                    "key",
                                                    " ",
                                                    "\t",
                                                    "\"",
                                                    "'",
                                                    "\\x41",
                                                    "\\",
                                                    "\"a b\"",
                                                    "'c d'",
                                                    "\0",
                                                    "\xff",
                                                    "POST",
                                                    "Host:",
                                                    "GETRANGE",
                                                    "STRLEN",
                                                    "INCRBYFLOAT",
                                                    "1e308",
                                                    "-9223372036854775808"};
  constexpr size_t kCount = sizeof(kFragments) / sizeof(kFragments[0]);
  std::mt19937_64 rng(seed);
  const size_t fragments = 1 + static_cast<size_t>(rng() % max_fragments);
  std::string out;
  for (size_t i = 0; i < fragments; ++i) {
    const std::string_view f = kFragments[rng() % kCount];
    // "\0" as a literal has length 0 in a string_view built from a C string: append it by hand.
    if (f.empty()) {
      out.push_back('\0');
    } else {
      out.append(f);
    }
  }
  return out;
}

}  // namespace kv::robustness
