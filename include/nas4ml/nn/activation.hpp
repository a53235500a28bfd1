#pragma once
/// \file The activation seam: every activation a dense layer may end with is a registered
/// ActivationKind (docs/model.md "Activations"). One object answers what each stage needs:
///  - training: the real function (float training) and its derivative (the straight-through
///    gradient of quantization-aware training, which evaluates the integer function itself);
///  - the golden model: the integer function from the raw integer of the layer's result format
///    to the raw integer of the same format (that format's rounding and overflow modes apply);
///  - the netlist: relu and linear have their own nodes (and cost); every other kind is lowered
///    to a lookup ROM over its input's value range filled from the integer function, costed by
///    the `rtl` estimator and printed as a Verilog `case` ROM (netlist/lower.hpp);
///  - the HLS writer: kinds it cannot emit bit-exactly are refused with a one-line error.
/// Adding a kind: an enumerator in model_spec.hpp, a file defining the ActivationKind, and its
/// line in the registry (src/nn/activation.cpp).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "nas4ml/core/fixed_point.hpp"
#include "nas4ml/nn/model_spec.hpp"

namespace nas4ml::nn {

/// One activation kind.
class ActivationKind {
 public:
  virtual ~ActivationKind() = default;
  /// The JSON name ("relu", "tanh", ...).
  virtual std::string_view name() const = 0;
  /// The integer function: `x` is a raw integer of `format` (the layer's result format, after
  /// the accumulator's cast); returns a raw integer of `format` after its rounding and overflow.
  virtual std::int64_t apply_raw(std::int64_t x, const FixedFormat& format) const = 0;
  /// The real function, used when training in float.
  virtual double apply_real(double x) const = 0;
  /// Its derivative at `x` (quantization-aware training's straight-through gradient).
  virtual double derivative(double x) const = 0;
  /// Whether He initialization suits it (ReLU-like); otherwise Glorot.
  virtual bool relu_like() const { return false; }
  /// Whether the HLS writer emits it (bit-exact hls4ml nnet functions); false: refused.
  virtual bool hls_supported() const { return false; }
};

/// The kind of `a`.
const ActivationKind& activation_kind(Activation a);
/// "relu", "linear", ... (the JSON name).
std::string to_string(Activation a);
/// Every registered name, in registry order.
const std::vector<std::string>& activation_names();
/// The activation named `name`; throws ConfigError(file, field) listing the names otherwise.
Activation parse_activation(const std::string& name, const std::string& file, const std::string& field);

/// The integer function of `a` (inline fast paths for relu and linear).
inline std::int64_t apply_activation(Activation a, std::int64_t x, const FixedFormat& format) {
  if (a == Activation::linear) return x;
  if (a == Activation::relu) return x < 0 ? 0 : x;
  return activation_kind(a).apply_raw(x, format);
}

}  // namespace nas4ml::nn
