// Histogram: bucket arithmetic (HdrHistogram's, with unit magnitude 0), recording, merging,
// percentile queries and the JSON form.
#include "stats/histogram.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace kv::stats {
namespace {

// 3 significant digits: values up to 2 * 10^3 must have unit resolution, so the sub-bucket count
// is the next power of two, 2048; each bucket after the first uses its upper half (1024 entries).
constexpr int kSubBucketHalfCountMagnitude = 10;
constexpr int64_t kSubBucketHalfCount = int64_t{1} << kSubBucketHalfCountMagnitude;  // 1024
constexpr int64_t kSubBucketMask = 2 * kSubBucketHalfCount - 1;                      // 2047

constexpr int64_t Clamp(int64_t v) {
  return std::clamp(v, Histogram::kLowest, Histogram::kHighest);
}

// Index of the power-of-two bucket holding v (v >= 1): 0 for v < 2048, then one per doubling.
constexpr int BucketIndex(int64_t v) {
  const int pow2_ceiling = 64 - __builtin_clzll(static_cast<uint64_t>(v | kSubBucketMask));
  return pow2_ceiling - (kSubBucketHalfCountMagnitude + 1);
}

constexpr size_t IndexOf(int64_t v) {
  const int bucket = BucketIndex(v);
  const int64_t sub = v >> bucket;  // in [1024, 2048) except in bucket 0 where it is [0, 2048)
  return static_cast<size_t>(((int64_t{bucket} + 1) << kSubBucketHalfCountMagnitude) +
                             (sub - kSubBucketHalfCount));
}

// (bucket, sub-bucket) of a counts index; the lowest value of the entry is sub << bucket.
constexpr std::pair<int, int64_t> Decompose(size_t index) {
  int bucket = static_cast<int>(index >> kSubBucketHalfCountMagnitude) - 1;
  int64_t sub = static_cast<int64_t>(index & (kSubBucketHalfCount - 1)) + kSubBucketHalfCount;
  if (bucket < 0) {
    sub -= kSubBucketHalfCount;
    bucket = 0;
  }
  return {bucket, sub};
}

constexpr size_t kCountsLength = IndexOf(Histogram::kHighest) + 1;
static_assert(IndexOf(1) == 1 && IndexOf(2047) == 2047 && IndexOf(2048) == 2048);
static_assert(kCountsLength < 40000, "counts array should stay a few hundred KB");

}  // namespace

Histogram::Histogram() : counts_(kCountsLength, 0) {}

size_t Histogram::CountsIndex(int64_t value) const { return IndexOf(Clamp(value)); }

int64_t Histogram::ValueFromIndex(size_t index) const {
  const auto [bucket, sub] = Decompose(index);
  return sub << bucket;
}

int64_t Histogram::HighestFromIndex(size_t index) const {
  const auto [bucket, sub] = Decompose(index);
  return (sub << bucket) + (int64_t{1} << bucket) - 1;
}

int64_t Histogram::LowestEquivalent(int64_t value) const {
  return ValueFromIndex(CountsIndex(value));
}

int64_t Histogram::HighestEquivalent(int64_t value) const {
  return HighestFromIndex(CountsIndex(value));
}

void Histogram::RecordN(int64_t value_ns, int64_t count) {
  if (count <= 0) return;
  const int64_t v = Clamp(value_ns);
  if (v != value_ns) clamped_ += count;
  counts_[IndexOf(v)] += count;
  total_ += count;
  min_ = std::min(min_, v);
  max_ = std::max(max_, v);
  // Welford for count copies of v (equivalent to merging a sample with mean v and m2 0).
  const double delta = static_cast<double>(v) - mean_;
  mean_ += delta * static_cast<double>(count) / static_cast<double>(total_);
  m2_ += delta * (static_cast<double>(v) - mean_) * static_cast<double>(count);
}

void Histogram::Merge(const Histogram& other) {
  if (other.total_ == 0) return;
  // Copy other's moments first: other may be *this.
  const double other_n = static_cast<double>(other.total_);
  const double other_mean = other.mean_;
  const double other_m2 = other.m2_;
  const double self_n = static_cast<double>(total_);
  for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  total_ += other.total_;
  clamped_ += other.clamped_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  // Chan et al.'s parallel combination of (n, mean, m2).
  const double n = self_n + other_n;
  const double delta = other_mean - mean_;
  mean_ += delta * other_n / n;
  m2_ += other_m2 + delta * delta * self_n * other_n / n;
}

void Histogram::Reset() {
  std::fill(counts_.begin(), counts_.end(), 0);
  total_ = 0;
  clamped_ = 0;
  min_ = INT64_MAX;
  max_ = 0;
  mean_ = 0;
  m2_ = 0;
}

int64_t Histogram::min() const { return total_ == 0 ? 0 : min_; }
int64_t Histogram::max() const { return total_ == 0 ? 0 : max_; }

double Histogram::stddev() const {
  if (total_ == 0 || m2_ <= 0) return 0;
  return std::sqrt(m2_ / static_cast<double>(total_));
}

int64_t Histogram::ValueAtPercentile(double percentile) const {
  if (total_ == 0) return 0;
  if (!(percentile > 0)) return min_;  // also NaN
  if (percentile >= 100) return max_;
  const double fractional = percentile / 100.0 * static_cast<double>(total_);
  const double rank_d = std::ceil(fractional - fractional * 1e-15);
  const int64_t rank = std::max<int64_t>(1, static_cast<int64_t>(rank_d));
  int64_t seen = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(HighestFromIndex(i), max_);
  }
  return max_;  // unreachable: seen reaches total_ >= rank
}

double Histogram::PercentileOfValue(int64_t value_ns) const {
  if (total_ == 0 || value_ns < kLowest) return 0;
  if (value_ns >= kHighest) return 100;
  const size_t target = IndexOf(value_ns);
  int64_t seen = 0;
  for (size_t i = 0; i <= target; ++i) seen += counts_[i];
  return 100.0 * static_cast<double>(seen) / static_cast<double>(total_);
}

void Histogram::ForEachBucket(const std::function<void(int64_t, int64_t, int64_t)>& fn) const {
  if (total_ == 0) return;
  for (size_t i = IndexOf(min_); i <= IndexOf(max_); ++i) {
    if (counts_[i] != 0) fn(ValueFromIndex(i), HighestFromIndex(i), counts_[i]);
  }
}

nlohmann::json Histogram::ToJson() const {
  nlohmann::json buckets = nlohmann::json::array();
  if (total_ != 0) {
    for (size_t i = IndexOf(min_); i <= IndexOf(max_); ++i) {
      if (counts_[i] != 0) buckets.push_back(nlohmann::json::array({i, counts_[i]}));
    }
  }
  return nlohmann::json{{"unit", "ns"},      {"significant_digits", kSignificantDigits},
                        {"count", total_},   {"clamped", clamped_},
                        {"min", min()},      {"max", max()},
                        {"mean", mean_},     {"m2", m2_},
                        {"buckets", buckets}};
}

namespace {

Result<int64_t> GetInt(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end()) return Error{std::string("histogram JSON: missing \"") + key + "\""};
  if (!it->is_number_integer() ||
      (it->is_number_unsigned() && it->get<uint64_t>() > uint64_t{INT64_MAX})) {
    return Error{std::string("histogram JSON: \"") + key + "\" must be a 64-bit integer"};
  }
  return it->get<int64_t>();
}

Result<double> GetFiniteNumber(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end()) return Error{std::string("histogram JSON: missing \"") + key + "\""};
  if (!it->is_number() || !std::isfinite(it->get<double>())) {
    return Error{std::string("histogram JSON: \"") + key + "\" must be a finite number"};
  }
  return it->get<double>();
}

}  // namespace

Result<Histogram> Histogram::FromJson(const nlohmann::json& j) {
  if (!j.is_object()) return Error{"histogram JSON: expected an object"};
  const auto unit = j.find("unit");
  if (unit == j.end() || !unit->is_string() || unit->get<std::string>() != "ns") {
    return Error{"histogram JSON: \"unit\" must be \"ns\""};
  }
  auto digits = GetInt(j, "significant_digits");
  if (!digits) return Error{digits.error()};
  if (*digits != kSignificantDigits) {
    return Error{"histogram JSON: \"significant_digits\" is " + std::to_string(*digits) +
                 ", this build supports only " + std::to_string(kSignificantDigits)};
  }
  auto count = GetInt(j, "count");
  if (!count) return Error{count.error()};
  auto clamped = GetInt(j, "clamped");
  if (!clamped) return Error{clamped.error()};
  auto min_v = GetInt(j, "min");
  if (!min_v) return Error{min_v.error()};
  auto max_v = GetInt(j, "max");
  if (!max_v) return Error{max_v.error()};
  auto mean = GetFiniteNumber(j, "mean");
  if (!mean) return Error{mean.error()};
  auto m2 = GetFiniteNumber(j, "m2");
  if (!m2) return Error{m2.error()};
  const auto buckets = j.find("buckets");
  if (buckets == j.end() || !buckets->is_array()) {
    return Error{"histogram JSON: \"buckets\" must be an array"};
  }
  if (*count < 0 || *clamped < 0 || *clamped > *count || *m2 < 0) {
    return Error{"histogram JSON: count/clamped/m2 out of range"};
  }

  Histogram h;
  int64_t sum = 0;
  size_t first = 0;
  size_t last = 0;
  for (size_t k = 0; k < buckets->size(); ++k) {
    const nlohmann::json& b = (*buckets)[k];
    const std::string where = "histogram JSON: bucket #" + std::to_string(k);
    // nlohmann stores parsed non-negative integers as unsigned, programmatic ones as signed.
    if (!b.is_array() || b.size() != 2 || !b[0].is_number_integer() ||
        (!b[0].is_number_unsigned() && b[0].get<int64_t>() < 0) || !b[1].is_number_integer()) {
      return Error{where + " must be [index, count] with non-negative integers"};
    }
    const uint64_t index = b[0].get<uint64_t>();
    if (index < IndexOf(kLowest) || index >= h.counts_.size()) {
      return Error{where + ": index " + std::to_string(index) + " out of range [" +
                   std::to_string(IndexOf(kLowest)) + ", " + std::to_string(h.counts_.size()) +
                   ")"};
    }
    if (k > 0 && index <= last) return Error{where + ": indices must be strictly ascending"};
    const bool too_big = b[1].is_number_unsigned() && b[1].get<uint64_t>() > uint64_t{INT64_MAX};
    const int64_t c = too_big ? 0 : b[1].get<int64_t>();
    if (c <= 0) return Error{where + ": count must be a positive 64-bit integer"};
    if (__builtin_add_overflow(sum, c, &sum)) return Error{"histogram JSON: counts overflow"};
    h.counts_[index] = c;
    if (k == 0) first = index;
    last = index;
  }
  if (sum != *count) {
    return Error{"histogram JSON: \"count\" is " + std::to_string(*count) +
                 " but the buckets hold " + std::to_string(sum)};
  }
  if (sum == 0) {
    if (*min_v != 0 || *max_v != 0 || *mean != 0 || *m2 != 0) {
      return Error{"histogram JSON: an empty histogram must have min, max, mean and m2 0"};
    }
    return h;
  }
  if (*min_v < kLowest || *max_v > kHighest || *min_v > *max_v || IndexOf(*min_v) != first ||
      IndexOf(*max_v) != last) {
    return Error{"histogram JSON: \"min\"/\"max\" disagree with the buckets"};
  }
  h.total_ = sum;
  h.clamped_ = *clamped;
  h.min_ = *min_v;
  h.max_ = *max_v;
  h.mean_ = *mean;
  h.m2_ = *m2;
  return h;
}

}  // namespace kv::stats
