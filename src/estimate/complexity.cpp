#include "nas4ml/estimate/complexity.hpp"

#include <bit>
#include <cmath>
#include <cstdlib>

namespace nas4ml::estimate {

int effective_bits(std::int64_t w) noexcept {
  // The width of the odd part: bit_width(u) - countr_zero(u), written so that 0 needs no branch
  // (half the weights of a pruned layer; the top bit only stops countr_zero at 63 for u = 0).
  const auto u = static_cast<std::uint64_t>(w < 0 ? -w : w);
  return static_cast<int>(std::bit_width(u >> std::countr_zero(u | std::uint64_t{1} << 63)));
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
  std::int64_t bits = 0;  // an integer sum: exact, and no floating-point chain per weight
  for (auto w : l.weights) bits += effective_bits(w);
  return ba * static_cast<double>(bits);
}

}  // namespace nas4ml::estimate
