// Scale fitting, positions and ticks (see scale.h).
#include "tools/compare/html/scale.h"

#include <algorithm>
#include <cmath>

#include "tools/compare/html/markup.h"

namespace kv::compare::html {
namespace {

// Beyond this magnitude values are not drawn: the domain's width must stay finite.
constexpr double kLargest = 1e300;
// The percentile axis' default span, p50 .. p99.99, in log10(1 / (1 - p)) units.
const double kPercentileLow = std::log10(2.0);
constexpr double kPercentileHigh = 4;
constexpr double kPercentileMax = 9;  // p99.9999999: no finer tail is drawn

// A round step near `raw`: 1, 2, 2.5 or 5 times a power of ten.
double NiceStep(double raw) {
  if (!(raw > 0) || !std::isfinite(raw)) return 1;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  if (!(magnitude > 0) || !std::isfinite(magnitude)) return 1;
  for (double f : {1.0, 2.0, 2.5, 5.0}) {
    if (raw <= f * magnitude * (1 + 1e-9)) return f * magnitude;
  }
  return 10 * magnitude;
}

// "50%", "90%", "99%", "99.9%", "99.99%" for t = log10(1 / (1 - p)) = log10(2), 1, 2, 3, 4.
std::string PercentileLabel(double t) {
  if (t < 0.5) return t <= 0 ? "0%" : "50%";
  const int nines = static_cast<int>(std::lround(t));
  if (nines == 1) return "90%";
  return "99" + (nines > 2 ? "." + std::string(static_cast<size_t>(nines - 2), '9') : "") + "%";
}

}  // namespace

bool Scale::Drawable(double v) const {
  if (!std::isfinite(v) || std::fabs(v) >= kLargest) return false;
  switch (kind_) {
    case ScaleKind::kLinear:
      return true;
    case ScaleKind::kLog:
      return v > 0;
    case ScaleKind::kPercentile:
      return v > 0 && v < 100;
  }
  return false;
}

double Scale::Transform(double v) const {
  switch (kind_) {
    case ScaleKind::kLinear:
      return v;
    case ScaleKind::kLog:
      return std::log10(v);
    case ScaleKind::kPercentile:
      return -std::log10(1 - v / 100);
  }
  return v;
}

Scale Scale::Fit(ScaleKind kind, std::span<const double> values, bool include_zero,
                 std::span<const double> ticks_at) {
  Scale scale(kind, 0, 1);
  std::vector<double> t;  // transformed, drawable values
  for (std::span<const double> list : {values, ticks_at}) {
    for (double v : list) {
      if (scale.Drawable(v)) t.push_back(scale.Transform(v));
    }
  }
  for (double v : ticks_at) {
    if (scale.Drawable(v)) scale.fixed_.push_back(v);
  }
  std::sort(scale.fixed_.begin(), scale.fixed_.end());
  scale.fixed_.erase(std::unique(scale.fixed_.begin(), scale.fixed_.end()), scale.fixed_.end());
  const auto [min_it, max_it] = std::minmax_element(t.begin(), t.end());
  switch (kind) {
    case ScaleKind::kLinear: {
      double lo = t.empty() ? 0 : *min_it;
      double hi = t.empty() ? 1 : *max_it;
      if (include_zero) {
        lo = std::min(lo, 0.0);
        hi = std::max(hi, 0.0);
      }
      if (hi - lo <= std::fabs(hi) * 1e-12) {
        const double d = hi == 0 ? 0.5 : std::fabs(hi) * 0.1;
        lo = hi == 0 ? 0 : hi - d;
        hi = hi == 0 ? 1 : hi + d;
        if (include_zero) {
          lo = std::min(lo, 0.0);
          hi = std::max(hi, 0.0);
        }
      }
      double step = NiceStep((hi - lo) / 5);
      double nlo = std::floor(lo / step) * step;
      double nhi = std::ceil(hi / step) * step;
      if (!std::isfinite(nlo) || !std::isfinite(nhi) || !(nhi > nlo)) {
        nlo = lo;
        nhi = lo + 1;
        step = 0.2;
      }
      scale.lo_ = nlo;
      scale.hi_ = nhi;
      scale.step_ = step;
      break;
    }
    case ScaleKind::kLog: {
      double lo = t.empty() ? 0 : std::floor(*min_it);
      double hi = t.empty() ? 1 : std::ceil(*max_it);
      lo = std::clamp(lo, -300.0, 299.0);
      hi = std::clamp(hi, lo + 1, 300.0);
      scale.lo_ = lo;
      scale.hi_ = hi;
      break;
    }
    case ScaleKind::kPercentile: {
      double lo = kPercentileLow;
      double hi = kPercentileHigh;
      if (!t.empty()) {
        if (*min_it < lo) lo = std::max(0.0, std::floor(*min_it * 10) / 10);
        if (*max_it > hi) hi = std::min(kPercentileMax, std::ceil(*max_it - 1e-9));
      }
      scale.lo_ = lo;
      scale.hi_ = hi;
      break;
    }
  }
  return scale;
}

double Scale::Position(double v) const {
  if (!Drawable(v)) return 0;
  const double p = (Transform(v) - lo_) / (hi_ - lo_);
  if (!std::isfinite(p)) return 0;
  return std::clamp(p, 0.0, 1.0);
}

double Scale::Untransform(double t) const {
  switch (kind_) {
    case ScaleKind::kLinear:
      return t;
    case ScaleKind::kLog:
      return std::pow(10.0, t);
    case ScaleKind::kPercentile:
      return 100 * (1 - std::pow(10.0, -t));
  }
  return t;
}

double Scale::low() const { return Untransform(lo_); }

double Scale::high() const { return Untransform(hi_); }

std::vector<Tick> Scale::Ticks() const {
  std::vector<Tick> out;
  if (!fixed_.empty()) {
    for (double v : fixed_) out.push_back({v, ShortNumber(v)});
    return out;
  }
  switch (kind_) {
    case ScaleKind::kLinear: {
      const long n = std::lround((hi_ - lo_) / step_);
      for (long i = 0; i <= n && i <= 50; ++i) {
        double v = lo_ + static_cast<double>(i) * step_;
        if (std::fabs(v) < step_ * 1e-9) v = 0;
        out.push_back({v, ShortNumber(v)});
      }
      break;
    }
    case ScaleKind::kLog: {
      const int lo = static_cast<int>(lo_);
      const int hi = static_cast<int>(hi_);
      const int every = std::max(1, (hi - lo + 7) / 8);
      for (int k = lo; k <= hi; k += every) {
        const double decade = std::pow(10.0, k);
        out.push_back({decade, ShortNumber(decade)});
        if (hi - lo > 2 || k == hi) continue;
        for (double m : {2.0, 5.0}) out.push_back({m * decade, ShortNumber(m * decade)});
      }
      break;
    }
    case ScaleKind::kPercentile: {
      std::vector<double> marks = {0, kPercentileLow};
      for (int k = 1; k <= static_cast<int>(kPercentileMax); ++k) marks.push_back(k);
      for (double t : marks) {
        if (t < lo_ - 1e-9 || t > hi_ + 1e-9) continue;
        out.push_back({Untransform(t), PercentileLabel(t)});
      }
      break;
    }
  }
  return out;
}

}  // namespace kv::compare::html
