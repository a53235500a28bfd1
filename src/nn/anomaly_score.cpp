#include "nas4ml/nn/anomaly_score.hpp"

#include <algorithm>
#include <bit>
#include <cstdlib>

#include "nas4ml/core/error.hpp"
#include "nas4ml/nn/golden_inference.hpp"
#include "nas4ml/nn/quantized_model.hpp"

namespace nas4ml::nn {

namespace {
const AnomalyScore& score_of(const QuantizedModel& m) {
  NAS4ML_ASSERT(m.anomaly_score.has_value(), "the model computes no anomaly score");
  NAS4ML_ASSERT(m.anomaly_score->against_zero() || m.n_outputs() == m.n_inputs,
                "an autoencoder's outputs must match its inputs");
  return *m.anomaly_score;
}
}  // namespace

int score_difference_fractional(const QuantizedModel& m) {
  if (score_of(m).against_zero()) return m.layers.back().result_format.fractional();
  return std::max(m.input_format.fractional(), m.layers.back().result_format.fractional());
}

int score_sum_fractional(const QuantizedModel& m) {
  const int f = score_difference_fractional(m);
  return score_of(m).error == "squared" ? 2 * f : f;
}

int score_sum_width(const QuantizedModel& m) {
  const auto& out = m.layers.back().result_format;
  const int f = score_difference_fractional(m);
  // |d| < 2^(integer bits of the wider operand) with f fractional bits: magnitude bits below.
  const bool zero = score_of(m).against_zero();
  const int magnitude = (zero ? out.integer : std::max(m.input_format.integer, out.integer)) + f;
  const int term = score_of(m).error == "squared" ? 2 * magnitude : magnitude;
  const int terms = zero ? m.n_outputs() : m.n_inputs;
  return term + std::bit_width(static_cast<unsigned>(std::max(1, terms - 1)));
}

std::int64_t anomaly_score_raw(const QuantizedModel& m, std::span<const std::int64_t> in,
                               std::span<const std::int64_t> out) {
  const AnomalyScore& s = score_of(m);
  const int f = score_difference_fractional(m);
  const int shift_in = f - m.input_format.fractional(), shift_out = f - m.layers.back().result_format.fractional();
  std::int64_t sum = 0;
  const bool zero = s.against_zero();
  for (int i = 0; i < (zero ? m.n_outputs() : m.n_inputs); ++i) {
    const std::int64_t d = out[static_cast<std::size_t>(i)] * (std::int64_t{1} << shift_out) -
                           (zero ? 0 : in[static_cast<std::size_t>(i)] * (std::int64_t{1} << shift_in));
    sum += s.error == "squared" ? d * d : std::abs(d);
  }
  return cast_raw(sum, score_sum_fractional(m), s.format);
}

std::vector<std::int64_t> anomaly_scores(const QuantizedModel& m, std::span<const std::int64_t> inputs) {
  const auto n = static_cast<std::size_t>(m.n_inputs);
  NAS4ML_ASSERT(n > 0 && inputs.size() % n == 0, "inputs are not whole rows");
  if (score_sum_width(m) > 62)
    throw ConfigError(m.name, "$.anomaly_score", "the score's full-width sum does not fit 62 bits",
                      "narrower input/output formats", std::to_string(score_sum_width(m)) + " bits");
  const std::vector<std::int64_t> outputs = golden_forward_batch(m, inputs);
  const auto n_out = static_cast<std::size_t>(m.n_outputs());
  std::vector<std::int64_t> scores(inputs.size() / n);
  for (std::size_t r = 0; r < scores.size(); ++r)
    scores[r] = anomaly_score_raw(m, inputs.subspan(r * n, n), std::span(outputs).subspan(r * n_out, n_out));
  return scores;
}

}  // namespace nas4ml::nn
