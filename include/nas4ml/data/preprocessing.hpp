#pragma once
/// \file Per-feature affine preprocessing x' = (x - offset) * scale, fitted on the training split
/// only so no information from validation or test rows leaks into the inputs.
#include <string>

#include "nas4ml/data/dataset.hpp"

namespace nas4ml::data {

/// Fits `method` on `train` (rows x features):
///  - "none": offset 0, scale 1;
///  - "standardize": offset = mean, scale = 1 / standard deviation (population, divisor n);
///  - "minmax": offset = min, scale = 1 / (max - min), so training values land in [0, 1].
/// A constant feature (deviation or range 0) gets scale 1. Sums are taken in double precision.
/// Throws InternalError for an unknown method (the spec reader checks the name).
Preprocessing fit_preprocessing(const FeatureMatrix& train, const std::string& method);

/// Applies `p` in place to every row of `x` (computed in double, stored as float).
void apply_preprocessing(const Preprocessing& p, FeatureMatrix& x);

}  // namespace nas4ml::data
