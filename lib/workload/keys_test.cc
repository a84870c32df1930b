// Keys, values and request templates: exact bytes, placeholder offsets, in-place substitution.
#include "workload/keys.h"

#include <gtest/gtest.h>

namespace kv::workload {
namespace {

TEST(KeysTest, KeyFormatIsKeyColonTwelveDigits) {
  EXPECT_EQ(MakeKey(0), "key:000000000000");
  EXPECT_EQ(MakeKey(42), "key:000000000042");
  EXPECT_EQ(MakeKey(999999999999), "key:999999999999");
  char buf[kKeyLength];
  EXPECT_EQ(FormatKey(1234567, buf), "key:000001234567");
  EXPECT_EQ(MakeKey(7).size(), kKeyLength);
}

TEST(KeysTest, KeyDigitsAreTwelveZeroPadded) {
  char buf[13] = {};
  WriteKeyDigits(buf, 12345);
  EXPECT_STREQ(buf, "000000012345");
  WriteKeyDigits(buf, 1234567890123ULL);  // the low 12 digits, as redis-benchmark
  EXPECT_STREQ(buf, "234567890123");
}

TEST(KeysTest, ValueHasRequestedSize) {
  EXPECT_EQ(MakeValue(5), "xxxxx");
  EXPECT_EQ(MakeValue(0), "");
}

TEST(KeysTest, TemplateFindsEveryPlaceholder) {
  RequestTemplate t = MakeTemplate("a__rand_int__b__rand_int__", true);
  EXPECT_EQ(t.rand_offsets, (std::vector<uint32_t>{1, 14}));
  EXPECT_TRUE(MakeTemplate("a__rand_int__", false).rand_offsets.empty());
}

TEST(KeysTest, EncodedTemplateIsRespMultibulk) {
  const std::vector<std::string> args = {"SET", "key:__rand_int__", ""};
  RequestTemplate t = EncodeTemplate(args, true);
  EXPECT_EQ(t.bytes, "*3\r\n$3\r\nSET\r\n$16\r\nkey:__rand_int__\r\n$0\r\n\r\n");
  EXPECT_EQ(t.rand_offsets, (std::vector<uint32_t>{22}));
  EXPECT_TRUE(EncodeTemplate(args, false).rand_offsets.empty());
}

TEST(KeysTest, AppendFromTemplateSubstitutesEveryPlaceholderInPlace) {
  const std::vector<std::string> args = {"MGET", "key:__rand_int__", "k:__rand_int__"};
  const RequestTemplate t = EncodeTemplate(args, true);
  KeyChooser keys({Distribution::kSequential}, 1000, 1, 41);
  std::string out = "before";
  AppendFromTemplate(t, keys, &out);
  AppendFromTemplate(t, keys, &out);
  EXPECT_EQ(out,
            "before"
            "*3\r\n$4\r\nMGET\r\n$16\r\nkey:000000000041\r\n$14\r\nk:000000000042\r\n"
            "*3\r\n$4\r\nMGET\r\n$16\r\nkey:000000000043\r\n$14\r\nk:000000000044\r\n");
  // Without offsets the template is copied as is.
  std::string plain;
  AppendFromTemplate(EncodeTemplate(args, false), keys, &plain);
  EXPECT_EQ(plain, EncodeTemplate(args, false).bytes);
}

}  // namespace
}  // namespace kv::workload
