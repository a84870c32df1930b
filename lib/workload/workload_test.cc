// kv_bench's Workload: option checks, values, and per-stream choosers (determinism, independence,
// where sequential streams start).
#include "workload/workload.h"

#include <gtest/gtest.h>

#include <vector>

namespace kv::workload {
namespace {

std::vector<uint64_t> Draw(const Workload& w, uint64_t stream, int n) {
  KeyChooser c = w.Chooser(stream);
  std::vector<uint64_t> out;
  for (int i = 0; i < n; ++i) out.push_back(c.Next());
  return out;
}

TEST(WorkloadTest, ValueHasRequestedSize) {
  WorkloadOptions options;
  options.value_size = 100;
  Result<Workload> w = Workload::Create(options);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->value(), std::string(100, 'x'));
  options.value_size = 0;
  EXPECT_EQ(Workload::Create(options)->value(), "");
}

TEST(WorkloadTest, RejectsBadOptions) {
  WorkloadOptions options;
  options.keyspace = 0;
  EXPECT_FALSE(Workload::Create(options).ok());
  options.keyspace = 1000000000001LL;
  EXPECT_FALSE(Workload::Create(options).ok());
  options.keyspace = 10;
  options.distribution = {Distribution::kZipf, 0};
  EXPECT_FALSE(Workload::Create(options).ok());
  options.distribution = {Distribution::kZipf, 11};
  EXPECT_FALSE(Workload::Create(options).ok());
  options.distribution = {Distribution::kZipf, 1.2};
  EXPECT_TRUE(Workload::Create(options).ok());
}

TEST(WorkloadTest, StreamsAreDeterministicAndIndependent) {
  for (Distribution d : {Distribution::kUniform, Distribution::kZipf}) {
    WorkloadOptions options;
    options.keyspace = 1000;
    options.distribution.kind = d;
    options.seed = 7;
    Result<Workload> w = Workload::Create(options);
    ASSERT_TRUE(w.ok());
    EXPECT_EQ(Draw(*w, 3, 100), Draw(*w, 3, 100));
    EXPECT_NE(Draw(*w, 3, 100), Draw(*w, 4, 100));
    options.seed = 8;
    EXPECT_NE(Draw(*Workload::Create(options), 3, 100), Draw(*w, 3, 100));
  }
}

TEST(WorkloadTest, ChoosersDrawFromTheWholeKeyspace) {
  WorkloadOptions options;
  options.keyspace = 10;
  Result<Workload> w = Workload::Create(options);
  ASSERT_TRUE(w.ok());
  std::vector<int> counts(10, 0);
  for (uint64_t k : Draw(*w, 0, 10000)) {
    ASSERT_LT(k, 10u);
    ++counts[k];
  }
  for (int c : counts) EXPECT_GT(c, 0);
}

TEST(WorkloadTest, SequentialWrapsAndStreamsStartApart) {
  WorkloadOptions options;
  options.keyspace = 128;
  options.distribution.kind = Distribution::kSequential;
  Result<Workload> w = Workload::Create(options);
  ASSERT_TRUE(w.ok());
  std::vector<uint64_t> s0 = Draw(*w, 0, 130);
  EXPECT_EQ(s0[0], 0u);
  EXPECT_EQ(s0[127], 127u);
  EXPECT_EQ(s0[128], 0u);             // wraps
  EXPECT_EQ(Draw(*w, 1, 1)[0], 2u);   // stream 1 starts at 1 * 128 / 64
  EXPECT_EQ(Draw(*w, 65, 1)[0], 2u);  // stream ids wrap at 64
}

}  // namespace
}  // namespace kv::workload
