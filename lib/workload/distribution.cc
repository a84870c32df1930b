// Parsing and naming of key-choice distributions (see distribution.h).
#include "workload/distribution.h"

#include <charconv>
#include <cmath>

namespace kv::workload {

Result<DistributionSpec> ParseDistribution(std::string_view flag, std::string_view text) {
  DistributionSpec spec;
  if (text == "uniform") {
    spec.kind = Distribution::kUniform;
  } else if (text == "sequential") {
    spec.kind = Distribution::kSequential;
  } else if (text == "zipf" || text.starts_with("zipf:")) {
    spec.kind = Distribution::kZipf;
    if (text.size() > 4) {
      const std::string_view number = text.substr(5);
      double theta = 0;
      const char* end = number.data() + number.size();
      auto [ptr, ec] = std::from_chars(number.data(), end, theta);
      if (number.empty() || ec != std::errc() || ptr != end || !std::isfinite(theta)) {
        return Error{std::string(flag) + " zipf: '" + std::string(number) + "' is not a number"};
      }
      if (theta <= 0 || theta > kMaxZipfTheta) {
        return Error{std::string(flag) + ": zipf theta must be in (0, 10], got '" +
                     std::string(number) + "'"};
      }
      spec.zipf_theta = theta;
    }
  } else {
    return Error{std::string(flag) + ": '" + std::string(text) +
                 "' is not one of uniform, zipf:<theta>, sequential"};
  }
  return spec;
}

std::string_view DistributionName(Distribution d) {
  switch (d) {
    case Distribution::kUniform:
      return "uniform";
    case Distribution::kZipf:
      return "zipf";
    case Distribution::kSequential:
      return "sequential";
  }
  return "uniform";
}

std::string FormatDistribution(const DistributionSpec& spec) {
  std::string out(DistributionName(spec.kind));
  if (spec.kind == Distribution::kZipf && spec.zipf_theta != kDefaultZipfTheta) {
    char buf[32];
    auto [ptr, ec] = std::to_chars(buf, buf + sizeof(buf), spec.zipf_theta);
    out.push_back(':');
    out.append(buf, ec == std::errc() ? static_cast<size_t>(ptr - buf) : 0);
  }
  return out;
}

}  // namespace kv::workload
