#pragma once
// Test helper (estimate and synth tests): y = x cast to ap_fixed<4,4,AP_TRN,AP_SAT> with no adder,
// a saturating cast alone. With a 6-bit signed input it clamps on both sides, with a 5-bit
// unsigned one only above.
#include "nas4ml/nn/quantized_model.hpp"

namespace nas4ml::test {

inline nn::QuantizedModel cast_model(const FixedFormat& in, nn::Activation act) {
  nn::QuantizedModel m;
  m.name = "cast";
  m.n_inputs = 1;
  m.input_format = in;
  nn::QuantizedLayer l;
  l.n_in = 1;
  l.n_out = 1;
  l.activation = act;
  l.weight_format = l.bias_format = FixedFormat{4, 4, true, Rounding::truncate, Overflow::wrap};
  l.result_format = FixedFormat{4, 4, true, Rounding::truncate, Overflow::saturate};
  l.weights = {1};
  l.biases = {0};
  l.mask = {1};
  m.layers.push_back(l);
  return m;
}

}  // namespace nas4ml::test
