#pragma once
/// \file Fixed-point formats with the semantics of Vivado/Vitis HLS `ap_fixed<W,I,Q,O>`
/// (docs/model.md "Arithmetic"). A value is stored as a raw integer `raw` and means
/// raw * 2^-(W-I). Every cast in nas4ml (the golden integer model, QAT's fake quantization, the
/// netlist's casts) goes through these functions, so they cannot disagree.
#include <cstdint>
#include <string>
#include <string_view>

namespace nas4ml {

/// Quantization mode applied when fractional bits are dropped.
enum class Rounding : std::uint8_t {
  truncate,      ///< AP_TRN: toward minus infinity (the HLS default)
  round_half_up  ///< AP_RND: to nearest, halves toward plus infinity
};

/// Overflow mode applied when the value does not fit the integer bits.
enum class Overflow : std::uint8_t {
  wrap,     ///< AP_WRAP: keep the low W bits (two's complement wrap-around; the HLS default)
  saturate  ///< AP_SAT: clamp to the largest or smallest representable value
};

/// `ap_fixed<W,I,Q,O>` (signed) or `ap_ufixed<W,I,Q,O>` (unsigned).
struct FixedFormat {
  int width = 16;        ///< W: total bits, sign included (1..62)
  int integer = 6;       ///< I: integer bits, sign included; may be < 0 or > W
  bool is_signed = true; ///< ap_fixed (true) or ap_ufixed (false)
  Rounding rounding = Rounding::truncate;
  Overflow overflow = Overflow::wrap;

  /// Number of fractional bits, W - I (may be negative).
  int fractional() const noexcept { return width - integer; }
  /// Smallest raw integer: -2^(W-1) when signed, 0 when unsigned.
  std::int64_t min_raw() const noexcept;
  /// Largest raw integer: 2^(W-1)-1 when signed, 2^W-1 when unsigned.
  std::int64_t max_raw() const noexcept;
  /// Value of one raw step, 2^-(W-I).
  double lsb() const noexcept;
  double min_value() const noexcept { return static_cast<double>(min_raw()) * lsb(); }
  double max_value() const noexcept { return static_cast<double>(max_raw()) * lsb(); }
  /// The HLS spelling, e.g. "ap_fixed<8,3>" or "ap_ufixed<6,0,AP_RND,AP_SAT>"; modes are written only
  /// when they differ from the defaults (AP_TRN, AP_WRAP).
  std::string to_string() const;

  friend bool operator==(const FixedFormat&, const FixedFormat&) = default;
};

/// Parses the HLS spelling: `ap_fixed<W,I>`, `ap_fixed<W,I,Q>`, `ap_fixed<W,I,Q,O>` or the
/// `ap_ufixed` forms, with Q in {AP_TRN, AP_RND} and O in {AP_WRAP, AP_SAT}; spaces allowed.
/// Throws std::invalid_argument with a readable reason when `text` is not such a format or W is
/// outside 1..62. Callers that know the file and field wrap it into a ConfigError.
FixedFormat parse_fixed_format(std::string_view text);

/// Casts a raw integer that has `from_fractional` fractional bits to format `to`, applying `to`'s
/// rounding then overflow mode exactly as HLS does. Returns the raw integer of `to`.
std::int64_t cast_raw(std::int64_t raw, int from_fractional, const FixedFormat& to) noexcept;

/// Quantizes a real number to `to` (rounding, then overflow) and returns the raw integer.
/// Exact for every double; NaN quantizes to 0 (callers reject NaN before, see nn's divergence check).
std::int64_t quantize(double value, const FixedFormat& to) noexcept;

/// The real value of a raw integer of format `f`: raw * 2^-(W-I).
double to_real(std::int64_t raw, const FixedFormat& f) noexcept;

/// Applies `to`'s overflow mode to an integer already on `to`'s grid (no rounding needed).
std::int64_t apply_overflow(std::int64_t raw, const FixedFormat& to) noexcept;

}  // namespace nas4ml
