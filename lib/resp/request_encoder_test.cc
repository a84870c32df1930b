// Request encoder: exact bytes, appending, binary arguments, and parsing back with RequestParser.
// (Byte equality with hiredis's redisFormatCommandArgv is checked in hiredis_oracle_test.cc.)
#include "resp/request_encoder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "resp/request_parser.h"

namespace kv::resp {
namespace {

using namespace std::string_literals;

TEST(RequestEncoderTest, ExactBytes) {
  EXPECT_EQ(EncodeRequest({"PING"}), "*1\r\n$4\r\nPING\r\n");
  EXPECT_EQ(EncodeRequest({"SET", "key", ""}), "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$0\r\n\r\n");
  EXPECT_EQ(EncodeRequest(std::initializer_list<std::string_view>{}), "*0\r\n");
  const std::string big(1234567, 'v');
  EXPECT_EQ(EncodeRequest({"ECHO", big}), "*2\r\n$4\r\nECHO\r\n$1234567\r\n" + big + "\r\n");
}

TEST(RequestEncoderTest, StringAndStringViewArgvEncodeAlike) {
  const std::vector<std::string> strings = {"MSET", "a", "1", "b", "22"};
  const std::vector<std::string_view> views(strings.begin(), strings.end());
  EXPECT_EQ(EncodeRequest(strings), EncodeRequest(views));
  EXPECT_EQ(EncodeRequest(strings),
            "*5\r\n$4\r\nMSET\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$2\r\n22\r\n");
}

TEST(RequestEncoderTest, AppendKeepsWhatIsThere) {
  std::string out = "prefix";
  const std::vector<std::string> get = {"GET", "k"};
  AppendRequest(get, &out);
  const std::string_view del[] = {"DEL", "k"};
  AppendRequest(del, &out);
  EXPECT_EQ(out, "prefix*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*2\r\n$3\r\nDEL\r\n$1\r\nk\r\n");
}

TEST(RequestEncoderTest, BinaryArgumentsParseBack) {
  const std::vector<std::string> argv = {"SET", "a\r\nb"s, "\0\xff\r\n$3\r\n"s, ""};
  const std::string wire = EncodeRequest(argv);
  RequestParser parser;
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse(wire, &consumed), ParseResult::kComplete);
  EXPECT_EQ(consumed, wire.size());
  ASSERT_EQ(parser.args().size(), argv.size());
  for (size_t i = 0; i < argv.size(); ++i) EXPECT_EQ(parser.args()[i], argv[i]) << i;
}

}  // namespace
}  // namespace kv::resp
