// Distribution specs: the names, zipf's theta, the error messages, and Format/Parse round trips.
#include "workload/distribution.h"

#include <gtest/gtest.h>

namespace kv::workload {
namespace {

DistributionSpec Parse(std::string_view text) {
  Result<DistributionSpec> r = ParseDistribution("--flag", text);
  EXPECT_TRUE(r.ok()) << r.error();
  return r.ok() ? *r : DistributionSpec{};
}

std::string ErrorOf(std::string_view text) {
  Result<DistributionSpec> r = ParseDistribution("--flag", text);
  return r.ok() ? "(no error)" : r.error();
}

TEST(DistributionTest, ParsesNames) {
  EXPECT_EQ(Parse("uniform").kind, Distribution::kUniform);
  EXPECT_EQ(Parse("sequential").kind, Distribution::kSequential);
  EXPECT_EQ(Parse("zipf").kind, Distribution::kZipf);
  EXPECT_EQ(Parse("zipf").zipf_theta, kDefaultZipfTheta);
  EXPECT_EQ(kDefaultZipfTheta, 0.99);
  EXPECT_EQ(Parse("zipf:0.8"), (DistributionSpec{Distribution::kZipf, 0.8}));
  EXPECT_EQ(Parse("zipf:10").zipf_theta, 10.0);
  EXPECT_EQ(DistributionSpec{}, Parse("uniform"));  // the default
}

TEST(DistributionTest, ErrorsNameTheFlagAndTheValue) {
  EXPECT_EQ(ErrorOf("gauss"), "--flag: 'gauss' is not one of uniform, zipf:<theta>, sequential");
  EXPECT_EQ(ErrorOf("Zipf"), "--flag: 'Zipf' is not one of uniform, zipf:<theta>, sequential");
  EXPECT_EQ(ErrorOf("zipf:-1"), "--flag: zipf theta must be in (0, 10], got '-1'");
  EXPECT_EQ(ErrorOf("zipf:0"), "--flag: zipf theta must be in (0, 10], got '0'");
  EXPECT_EQ(ErrorOf("zipf:10.5"), "--flag: zipf theta must be in (0, 10], got '10.5'");
  EXPECT_EQ(ErrorOf("zipf:x"), "--flag zipf: 'x' is not a number");
  EXPECT_EQ(ErrorOf("zipf:"), "--flag zipf: '' is not a number");
  EXPECT_EQ(ErrorOf("zipf:inf"), "--flag zipf: 'inf' is not a number");
  EXPECT_EQ(ErrorOf("zipf:1.0x"), "--flag zipf: '1.0x' is not a number");
}

TEST(DistributionTest, NamesAndFormatRoundTrip) {
  EXPECT_EQ(DistributionName(Distribution::kUniform), "uniform");
  EXPECT_EQ(DistributionName(Distribution::kZipf), "zipf");
  EXPECT_EQ(DistributionName(Distribution::kSequential), "sequential");
  for (std::string_view text : {"uniform", "sequential", "zipf", "zipf:0.8", "zipf:1.2"}) {
    EXPECT_EQ(FormatDistribution(Parse(text)), text);
  }
  EXPECT_EQ(FormatDistribution(Parse("zipf:0.99")), "zipf");  // the default theta
  const DistributionSpec odd{Distribution::kZipf, 0.123456789};
  EXPECT_EQ(Parse(FormatDistribution(odd)), odd);
}

}  // namespace
}  // namespace kv::workload
