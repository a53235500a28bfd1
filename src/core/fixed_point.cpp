#include "nas4ml/core/fixed_point.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace nas4ml {

std::int64_t FixedFormat::min_raw() const noexcept {
  return is_signed ? -(std::int64_t{1} << (width - 1)) : 0;
}

std::int64_t FixedFormat::max_raw() const noexcept {
  return is_signed ? (std::int64_t{1} << (width - 1)) - 1 : (std::int64_t{1} << width) - 1;
}

double FixedFormat::lsb() const noexcept { return std::ldexp(1.0, -fractional()); }

std::string FixedFormat::to_string() const {
  std::string s = is_signed ? "ap_fixed<" : "ap_ufixed<";
  s += std::to_string(width) + "," + std::to_string(integer);
  const bool rnd = rounding == Rounding::round_half_up;
  const bool sat = overflow == Overflow::saturate;
  if (rnd || sat) s += rnd ? ",AP_RND" : ",AP_TRN";
  if (sat) s += ",AP_SAT";
  return s + ">";
}

namespace {
std::string trim(std::string_view t) {
  std::size_t b = 0, e = t.size();
  while (b < e && std::isspace(static_cast<unsigned char>(t[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(t[e - 1]))) --e;
  return std::string(t.substr(b, e - b));
}

int parse_int(const std::string& s, std::string_view whole, const char* what) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size())
    throw std::invalid_argument("'" + std::string(whole) + "' has a non-integer " + what + " '" + s +
                                "'");
  return v;
}
}  // namespace

FixedFormat parse_fixed_format(std::string_view text) {
  const std::string t = trim(text);
  FixedFormat f;
  std::string_view rest;
  if (t.rfind("ap_fixed<", 0) == 0) {
    f.is_signed = true;
    rest = std::string_view(t).substr(9);
  } else if (t.rfind("ap_ufixed<", 0) == 0) {
    f.is_signed = false;
    rest = std::string_view(t).substr(10);
  } else {
    throw std::invalid_argument("'" + t + "' is not ap_fixed<W,I> or ap_ufixed<W,I>");
  }
  if (rest.empty() || rest.back() != '>')
    throw std::invalid_argument("'" + t + "' lacks the closing '>'");
  rest.remove_suffix(1);
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= rest.size(); ++i) {
    if (i == rest.size() || rest[i] == ',') {
      parts.push_back(trim(rest.substr(start, i - start)));
      start = i + 1;
    }
  }
  if (parts.size() < 2 || parts.size() > 4)
    throw std::invalid_argument("'" + t + "' needs 2 to 4 parameters <W,I[,Q[,O]]>");
  f.width = parse_int(parts[0], t, "width");
  f.integer = parse_int(parts[1], t, "integer-bit count");
  if (f.width < 1 || f.width > 62)
    throw std::invalid_argument("'" + t + "' has width " + parts[0] + ", outside 1..62");
  if (f.integer < -62 || f.integer > 124)
    throw std::invalid_argument("'" + t + "' has integer bits " + parts[1] + ", outside -62..124");
  if (parts.size() >= 3) {
    if (parts[2] == "AP_TRN") f.rounding = Rounding::truncate;
    else if (parts[2] == "AP_RND") f.rounding = Rounding::round_half_up;
    else throw std::invalid_argument("'" + t + "' has quantization mode '" + parts[2] + "', expected AP_TRN or AP_RND");
  }
  if (parts.size() == 4) {
    if (parts[3] == "AP_WRAP") f.overflow = Overflow::wrap;
    else if (parts[3] == "AP_SAT") f.overflow = Overflow::saturate;
    else throw std::invalid_argument("'" + t + "' has overflow mode '" + parts[3] + "', expected AP_WRAP or AP_SAT");
  }
  return f;
}

std::int64_t apply_overflow(std::int64_t raw, const FixedFormat& to) noexcept {
  if (to.overflow == Overflow::saturate) return std::clamp(raw, to.min_raw(), to.max_raw());
  // Wrap: keep the low W bits, then reinterpret (sign-extend when signed).
  const auto u = static_cast<std::uint64_t>(raw);
  const std::uint64_t mask = (std::uint64_t{1} << to.width) - 1;
  std::uint64_t low = u & mask;
  if (to.is_signed && (low >> (to.width - 1)) != 0) low |= ~mask;
  return static_cast<std::int64_t>(low);
}

std::int64_t cast_raw(std::int64_t raw, int from_fractional, const FixedFormat& to) noexcept {
  const int shift = from_fractional - to.fractional();
  std::int64_t r;
  if (shift <= 0) {
    r = raw * (std::int64_t{1} << -shift);  // exact: more fractional bits
  } else if (shift >= 63) {
    // Every bit is dropped: the result is floor (or round) of a value with |x| < 1 raw step.
    r = raw < 0 ? -1 : 0;
    if (to.rounding == Rounding::round_half_up) r = 0;
  } else {
    if (to.rounding == Rounding::round_half_up) raw += std::int64_t{1} << (shift - 1);
    r = raw >> shift;  // arithmetic shift: floor toward minus infinity (C++20)
  }
  return apply_overflow(r, to);
}

std::int64_t quantize(double value, const FixedFormat& to) noexcept {
  if (std::isnan(value)) return 0;
  double scaled = std::ldexp(value, to.fractional());
  scaled = to.rounding == Rounding::round_half_up ? std::floor(scaled + 0.5) : std::floor(scaled);
  // Keep the conversion defined; anything this large saturates (or wraps from the clamp point).
  constexpr double limit = 4611686018427387904.0;  // 2^62
  scaled = std::clamp(scaled, -limit, limit);
  return apply_overflow(static_cast<std::int64_t>(scaled), to);
}

double to_real(std::int64_t raw, const FixedFormat& f) noexcept {
  return std::ldexp(static_cast<double>(raw), -f.fractional());
}

}  // namespace nas4ml
