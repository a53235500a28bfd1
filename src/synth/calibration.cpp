#include "nas4ml/synth/calibration.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"

namespace nas4ml::synth {

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  const double rank = std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(rank));
  const auto hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (rank - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

ErrorStats relative_errors(std::span<const double> estimated, std::span<const double> measured, double scale) {
  NAS4ML_ASSERT(estimated.size() == measured.size(), "one estimate per measurement");
  std::vector<double> err;
  for (std::size_t i = 0; i < measured.size(); ++i)
    if (measured[i] > 0) err.push_back(std::abs(scale * estimated[i] - measured[i]) / measured[i]);
  ErrorStats s;
  s.n = err.size();
  s.median = percentile(err, 50);
  s.p90 = percentile(err, 90);
  s.max = err.empty() ? 0.0 : *std::max_element(err.begin(), err.end());
  return s;
}

double fit_scale(std::span<const double> estimated, std::span<const double> measured, std::size_t min_points) {
  if (estimated.size() != measured.size())
    throw ConfigError({}, {}, "calibration needs one estimate per measurement", std::to_string(measured.size()),
                      std::to_string(estimated.size()));
  double num = 0, den = 0;
  std::size_t used = 0;
  for (std::size_t i = 0; i < measured.size(); ++i) {
    if (!(measured[i] > 0) || !(estimated[i] > 0)) continue;
    const double r = estimated[i] / measured[i];
    num += r;
    den += r * r;
    ++used;
  }
  if (used < min_points || den <= 0)
    throw ConfigError({}, {}, "too few synthesized designs with a non-zero count to fit a scale",
                      fmt::format("at least {}", min_points), std::to_string(used));
  return num / den;
}

ResourceFit calibrate_resource(const std::string& resource, std::span<const double> estimated,
                               std::span<const double> measured, const std::vector<bool>& held_back) {
  NAS4ML_ASSERT(held_back.empty() || held_back.size() == measured.size(), "one hold-back flag per design");
  std::vector<double> fe, fm, he, hm;
  for (std::size_t i = 0; i < measured.size(); ++i) {
    const bool held = !held_back.empty() && held_back[i];
    (held ? he : fe).push_back(estimated[i]);
    (held ? hm : fm).push_back(measured[i]);
  }
  ResourceFit f;
  f.resource = resource;
  f.scale = fit_scale(fe, fm);
  f.before = relative_errors(fe, fm, 1.0);
  f.after = relative_errors(fe, fm, f.scale);
  f.held_before = relative_errors(he, hm, 1.0);
  f.held_after = relative_errors(he, hm, f.scale);
  return f;
}

}  // namespace nas4ml::synth
