#pragma once
/// \file Metrics of the non-classification tasks: regression quality (MSE, MAE, resolution and
/// bias of the relative error) and the anomaly-detection working points (signal efficiency at a
/// fixed background rate), each a free function over plain arrays.
#include <cstdint>
#include <span>

namespace nas4ml::nn {

/// Regression quality of predictions against true values (same units).
struct RegressionQuality {
  double mse = 0.0;         ///< mean of (pred - true)^2
  double mae = 0.0;         ///< mean of |pred - true|
  double resolution = 0.0;  ///< population standard deviation of the relative error (pred - true) / true
  double bias = 0.0;        ///< mean of the relative error
};

/// Quality of `predicted` against `truth`. Rows whose true value is 0 are left out of the
/// relative-error figures (counted in MSE/MAE). NaN figures when there is no row to use.
RegressionQuality regression_quality(std::span<const double> predicted, std::span<const double> truth);

/// Signal efficiency (true-positive rate) at background rate (false-positive rate) `fpr`: with
/// n_b background samples, k = floor(fpr * n_b) of them may be flagged; the threshold is the
/// (k+1)-th highest background score and a sample is flagged when its score is STRICTLY above it
/// (all samples when k >= n_b). Ties at the threshold are therefore never flagged, so the
/// achieved background rate never exceeds `fpr`. NaN when either group is empty.
double tpr_at_fpr(std::span<const double> scores, std::span<const std::uint8_t> positive, double fpr);

}  // namespace nas4ml::nn
