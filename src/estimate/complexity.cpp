#include "nas4ml/estimate/complexity.hpp"

#include <bit>
#include <cmath>
#include <cstdlib>

namespace nas4ml::estimate {

int effective_bits(std::int64_t w) noexcept {
  if (w == 0) return 0;
  const auto u = static_cast<std::uint64_t>(w < 0 ? -w : w);
  return static_cast<int>(std::bit_width(u)) - std::countr_zero(u);
}

namespace {
const FixedFormat& input_format(const nn::QuantizedModel& m, std::size_t k) {
  return k == 0 ? m.input_format : m.layers[k - 1].result_format;
}
}  // namespace

double layer_bops(const nn::QuantizedModel& model, std::size_t k) {
  const auto& l = model.layers[k];
  const double n = l.n_in, m = l.n_out;
  std::size_t kept = 0;
  for (auto w : l.weights) kept += w != 0;
  const double p = l.weights.empty() ? 0.0 : static_cast<double>(kept) / static_cast<double>(l.weights.size());
  const double ba = input_format(model, k).width, bw = l.weight_format.width;
  return m * n * (p * ba * bw + ba + bw + std::log2(n));
}

double layer_ebops(const nn::QuantizedModel& model, std::size_t k) {
  const auto& l = model.layers[k];
  const double ba = input_format(model, k).width;
  double sum = 0;
  for (auto w : l.weights) sum += ba * effective_bits(w);
  return sum;
}

}  // namespace nas4ml::estimate
