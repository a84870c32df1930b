// Chart scales of the HTML report: linear, logarithmic, and the percentile axis of latency
// spectra (log 1/(1-p), HdrHistogram's plot) — the domain fitted to the data, ticks and labels.
#pragma once

#include <span>
#include <string>
#include <vector>

namespace kv::compare::html {

enum class ScaleKind {
  kLinear,
  kLog,         // log10; values <= 0 are not drawn
  kPercentile,  // percentiles in (0, 100): position proportional to log10(1 / (1 - p / 100))
};

struct Tick {
  double value = 0;  // in data units
  std::string label;
};

// Maps data values to positions in [0, 1]. Every member is finite.
class Scale {
 public:
  // Fits the domain to `values` (the values this kind cannot draw — not finite, <= 0 on a log
  // scale, outside (0, 100) on the percentile scale — are ignored):
  //   linear: from the smallest to the largest value (from 0 when include_zero), widened to
  //     round tick steps (1, 2, 2.5 or 5 × 10^k); one value v gives [v - 10 %, v + 10 %] (or
  //     [0, 1] for 0); no value gives [0, 1];
  //   log: whole decades around the values (one value: its decade and the next); none: [1, 10];
  //   percentile: at least p50 .. p99.99, widened to the next "nines" (p99.999, ...) or down
  //     to a lower decade of 1/(1-p) for the values beyond.
  // `ticks_at` (optional): tick exactly at these values instead of the round ones (e.g. the
  // client counts of a grid); they count as values too.
  static Scale Fit(ScaleKind kind, std::span<const double> values, bool include_zero = false,
                   std::span<const double> ticks_at = {});

  ScaleKind kind() const { return kind_; }
  // Whether `v` can be drawn on this kind of scale (finite, and > 0 / in (0, 100) where needed).
  bool Drawable(double v) const;
  // The position of v in [0, 1] (0 at the domain's low end); values outside the domain are
  // clamped, values that are not Drawable map to 0.
  double Position(double v) const;
  std::vector<Tick> Ticks() const;
  // Domain in data units.
  double low() const;
  double high() const;

 private:
  Scale(ScaleKind kind, double lo, double hi) : kind_(kind), lo_(lo), hi_(hi) {}
  double Transform(double v) const;    // into the space where positions are linear
  double Untransform(double t) const;  // back into data units

  ScaleKind kind_;
  double lo_;  // domain in transformed units (log10 for kLog, log10(1/(1-p)) for kPercentile)
  double hi_;
  double step_ = 0;            // linear: tick step
  std::vector<double> fixed_;  // ticks_at, when given
};

}  // namespace kv::compare::html
