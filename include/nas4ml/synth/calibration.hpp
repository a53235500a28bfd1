#pragma once
/// \file Calibrating an estimator against synthesis: per resource, one least-squares scale s
/// such that s * estimate ~ measured, with no offset (docs/synthesis.md "Calibration").
///
/// The fit minimizes the squared *relative* residuals sum_i ((s*e_i - m_i) / m_i)^2, so every
/// design weighs the same whatever its size (the targets are median and 90th-percentile
/// relative errors): s = sum(e_i/m_i) / sum((e_i/m_i)^2). No offset: a model with no logic costs
/// nothing, and 66 yosys syntheses (benchmarks/README.md "estimator_vs_yosys") found one scale per resource enough (LUT 0.991, FF 0.995 there).
/// Designs with m_i = 0 carry no relative error and are left out of fit and statistics.
#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace nas4ml::synth {

/// Median and 90th percentile of |s*e - m| / m over the designs with m > 0.
struct ErrorStats {
  std::size_t n = 0;     ///< designs counted (m > 0)
  double median = 0.0;   ///< fraction, e.g. 0.012 = 1.2 %
  double p90 = 0.0;      ///< fraction; percentiles interpolate linearly between order statistics
  double max = 0.0;
};

/// The p-th percentile (0..100) of `values`, linear interpolation between order statistics
/// (the numpy default); 0 for an empty set.
double percentile(std::vector<double> values, double p);

/// Relative-error statistics of `scale * estimated` against `measured` (same length).
ErrorStats relative_errors(std::span<const double> estimated, std::span<const double> measured, double scale = 1.0);

/// The relative least-squares scale (see the file comment). Throws ConfigError when fewer than
/// `min_points` designs have m > 0 and e > 0, or the lengths differ.
double fit_scale(std::span<const double> estimated, std::span<const double> measured, std::size_t min_points = 2);

/// One resource's calibration result.
struct ResourceFit {
  std::string resource;  ///< "lut", "ff", ...
  double scale = 1.0;
  ErrorStats before, after;           ///< on the designs the fit used
  ErrorStats held_before, held_after; ///< on held-back designs (n = 0 when none were held back)
};

/// Fits on the designs whose index is not held back and reports errors on both sets.
/// `held_back[i]` marks design i as held back (empty: none).
ResourceFit calibrate_resource(const std::string& resource, std::span<const double> estimated,
                               std::span<const double> measured, const std::vector<bool>& held_back = {});

}  // namespace nas4ml::synth
