#include "nas4ml/data/preprocessing.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "nas4ml/core/error.hpp"

namespace nas4ml::data {

Preprocessing fit_preprocessing(const FeatureMatrix& train, const std::string& method) {
  const auto rows = static_cast<std::size_t>(train.rows());
  const auto cols = static_cast<std::size_t>(train.cols());
  Preprocessing p;
  p.method = method;
  p.offset.assign(cols, 0.0);
  p.scale.assign(cols, 1.0);
  if (method == "none") return p;
  if (rows == 0) throw InternalError("fit_preprocessing: empty training split");
  if (method == "standardize") {
    std::vector<double> sum(cols, 0.0), sum_sq(cols, 0.0);
    for (std::size_t r = 0; r < rows; ++r) {
      const float* row = train.data() + r * cols;
      for (std::size_t c = 0; c < cols; ++c) sum[c] += row[c];
    }
    for (std::size_t c = 0; c < cols; ++c) p.offset[c] = sum[c] / static_cast<double>(rows);
    // Two passes: the deviation from the mean, not sum of squares minus square of sum.
    for (std::size_t r = 0; r < rows; ++r) {
      const float* row = train.data() + r * cols;
      for (std::size_t c = 0; c < cols; ++c) {
        const double d = row[c] - p.offset[c];
        sum_sq[c] += d * d;
      }
    }
    for (std::size_t c = 0; c < cols; ++c) {
      const double sd = std::sqrt(sum_sq[c] / static_cast<double>(rows));
      p.scale[c] = sd > 0 ? 1.0 / sd : 1.0;
    }
    return p;
  }
  if (method == "minmax") {
    std::vector<double> lo(cols, std::numeric_limits<double>::infinity());
    std::vector<double> hi(cols, -std::numeric_limits<double>::infinity());
    for (std::size_t r = 0; r < rows; ++r) {
      const float* row = train.data() + r * cols;
      for (std::size_t c = 0; c < cols; ++c) {
        lo[c] = std::min<double>(lo[c], row[c]);
        hi[c] = std::max<double>(hi[c], row[c]);
      }
    }
    for (std::size_t c = 0; c < cols; ++c) {
      p.offset[c] = lo[c];
      p.scale[c] = hi[c] > lo[c] ? 1.0 / (hi[c] - lo[c]) : 1.0;
    }
    return p;
  }
  throw InternalError("fit_preprocessing: unknown method " + method);
}

void apply_preprocessing(const Preprocessing& p, FeatureMatrix& x) {
  if (p.method == "none") return;
  const auto rows = static_cast<std::size_t>(x.rows());
  const auto cols = static_cast<std::size_t>(x.cols());
  NAS4ML_ASSERT(p.offset.size() == cols && p.scale.size() == cols, "preprocessing size matches the features");
  for (std::size_t r = 0; r < rows; ++r) {
    float* row = x.data() + r * cols;
    for (std::size_t c = 0; c < cols; ++c)
      row[c] = static_cast<float>((static_cast<double>(row[c]) - p.offset[c]) * p.scale[c]);
  }
}

}  // namespace nas4ml::data
