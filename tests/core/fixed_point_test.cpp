#include <catch2/catch.hpp>

#include <stdexcept>

#include "nas4ml/core/fixed_point.hpp"

using nas4ml::FixedFormat;
using nas4ml::Overflow;
using nas4ml::Rounding;

namespace {
FixedFormat fmt(int w, int i, Rounding q = Rounding::truncate, Overflow o = Overflow::wrap, bool s = true) {
  FixedFormat f;
  f.width = w;
  f.integer = i;
  f.rounding = q;
  f.overflow = o;
  f.is_signed = s;
  return f;
}
}  // namespace

TEST_CASE("ap_fixed<4,2> range and lsb", "[core][fixed_point]") {
  const auto f = fmt(4, 2);
  CHECK(f.fractional() == 2);
  CHECK(f.min_raw() == -8);
  CHECK(f.max_raw() == 7);
  CHECK(f.lsb() == 0.25);
  CHECK(f.min_value() == -2.0);
  CHECK(f.max_value() == 1.75);
  const auto u = fmt(4, 2, Rounding::truncate, Overflow::wrap, false);
  CHECK(u.min_raw() == 0);
  CHECK(u.max_raw() == 15);
  CHECK(u.max_value() == 3.75);
}

TEST_CASE("truncation rounds toward minus infinity, AP_RND rounds halves up", "[core][fixed_point]") {
  const auto trn = fmt(4, 2);
  const auto rnd = fmt(4, 2, Rounding::round_half_up);
  CHECK(nas4ml::quantize(0.3, trn) == 1);
  CHECK(nas4ml::quantize(0.3, rnd) == 1);
  CHECK(nas4ml::quantize(0.375, trn) == 1);
  CHECK(nas4ml::quantize(0.375, rnd) == 2);
  CHECK(nas4ml::quantize(-0.375, trn) == -2);  // floor(-1.5)
  CHECK(nas4ml::quantize(-0.375, rnd) == -1);  // -1.5 rounds up to -1
  CHECK(nas4ml::quantize(-0.3, trn) == -2);    // floor(-1.2)
  CHECK(nas4ml::quantize(-0.3, rnd) == -1);
  CHECK(nas4ml::quantize(-0.25, trn) == -1);   // exact values are unchanged
  CHECK(nas4ml::quantize(0.0, rnd) == 0);
}

TEST_CASE("wrap keeps the low bits, saturate clamps", "[core][fixed_point]") {
  const auto wrap = fmt(4, 2);
  const auto sat = fmt(4, 2, Rounding::truncate, Overflow::saturate);
  CHECK(nas4ml::quantize(2.0, wrap) == -8);
  CHECK(nas4ml::quantize(2.0, sat) == 7);
  CHECK(nas4ml::quantize(-2.25, wrap) == 7);
  CHECK(nas4ml::quantize(-2.25, sat) == -8);
  CHECK(nas4ml::quantize(3.9, wrap) == -1);  // raw 15 -> 0b1111 -> -1
  CHECK(nas4ml::quantize(3.9, sat) == 7);
  CHECK(nas4ml::quantize(1.75, sat) == 7);   // edges of the range are representable
  CHECK(nas4ml::quantize(-2.0, wrap) == -8);
  CHECK(nas4ml::quantize(1e300, sat) == 7);
  CHECK(nas4ml::quantize(-1e300, sat) == -8);
  // Rounding happens before the overflow check: 1.875 rounds up to 2.0, which overflows.
  CHECK(nas4ml::quantize(1.875, fmt(4, 2, Rounding::round_half_up, Overflow::saturate)) == 7);
  CHECK(nas4ml::quantize(1.875, fmt(4, 2, Rounding::round_half_up, Overflow::wrap)) == -8);
}

TEST_CASE("unsigned formats wrap modulo 2^W and saturate at zero", "[core][fixed_point]") {
  const auto wrap = fmt(4, 2, Rounding::truncate, Overflow::wrap, false);
  const auto sat = fmt(4, 2, Rounding::truncate, Overflow::saturate, false);
  CHECK(nas4ml::quantize(-0.25, wrap) == 15);
  CHECK(nas4ml::quantize(-0.25, sat) == 0);
  CHECK(nas4ml::quantize(4.0, wrap) == 0);
  CHECK(nas4ml::quantize(4.0, sat) == 15);
}

TEST_CASE("cast_raw drops fractional bits like HLS", "[core][fixed_point]") {
  const auto trn = fmt(4, 2);
  const auto rnd = fmt(4, 2, Rounding::round_half_up);
  // 13 with 3 fractional bits = 1.625
  CHECK(nas4ml::cast_raw(13, 3, trn) == 6);
  CHECK(nas4ml::cast_raw(13, 3, rnd) == 7);
  CHECK(nas4ml::cast_raw(-13, 3, trn) == -7);
  CHECK(nas4ml::cast_raw(-13, 3, rnd) == -6);
  // More fractional bits in the target: exact left shift.
  CHECK(nas4ml::cast_raw(3, 1, trn) == 6);
  // Wide accumulator into a narrow format wraps.
  CHECK(nas4ml::cast_raw(1000, 4, trn) == nas4ml::apply_overflow(250, trn));
  CHECK(nas4ml::apply_overflow(250, trn) == -6);  // 250 = 0b1111'1010 -> 0b1010 -> -6
  // cast_raw and quantize agree on every value of a fine grid.
  for (int raw = -300; raw <= 300; ++raw) {
    for (auto f : {trn, rnd, fmt(5, 1, Rounding::round_half_up, Overflow::saturate), fmt(6, 3, Rounding::truncate, Overflow::saturate, false)}) {
      INFO("raw " << raw << " format " << f.to_string());
      CHECK(nas4ml::cast_raw(raw, 5, f) == nas4ml::quantize(raw / 32.0, f));
    }
  }
}

TEST_CASE("negative integer bits and integer bits beyond the width", "[core][fixed_point]") {
  const auto small = fmt(4, -1);  // lsb 2^-5, range [-0.25, 0.21875]
  CHECK(small.lsb() == 1.0 / 32);
  CHECK(nas4ml::quantize(0.1, small) == 3);
  const auto coarse = fmt(4, 6);  // lsb 4
  CHECK(coarse.lsb() == 4.0);
  CHECK(nas4ml::quantize(9.0, coarse) == 2);
  CHECK(nas4ml::to_real(2, coarse) == 8.0);
}

TEST_CASE("format strings parse and print in HLS spelling", "[core][fixed_point]") {
  CHECK(nas4ml::parse_fixed_format("ap_fixed<8,3>") == fmt(8, 3));
  CHECK(nas4ml::parse_fixed_format(" ap_fixed< 8 , 3 , AP_RND , AP_SAT > ") ==
        fmt(8, 3, Rounding::round_half_up, Overflow::saturate));
  CHECK(nas4ml::parse_fixed_format("ap_ufixed<6,0,AP_TRN>") ==
        fmt(6, 0, Rounding::truncate, Overflow::wrap, false));
  CHECK(fmt(8, 3).to_string() == "ap_fixed<8,3>");
  CHECK(fmt(8, 3, Rounding::truncate, Overflow::saturate).to_string() == "ap_fixed<8,3,AP_TRN,AP_SAT>");
  CHECK(fmt(6, 0, Rounding::round_half_up, Overflow::wrap, false).to_string() == "ap_ufixed<6,0,AP_RND>");
  for (const char* s : {"ap_fixed<8,3,AP_RND,AP_SAT>", "ap_ufixed<12,4>", "ap_fixed<2,1>"})
    CHECK(nas4ml::parse_fixed_format(s).to_string() == s);
}

TEST_CASE("malformed format strings are rejected with a reason", "[core][fixed_point]") {
  for (const char* bad : {"", "fixed<8,3>", "ap_fixed<8>", "ap_fixed<8,3", "ap_fixed<x,3>",
                          "ap_fixed<0,0>", "ap_fixed<63,3>", "ap_fixed<8,3,AP_RNDZ>",
                          "ap_fixed<8,3,AP_RND,AP_SAT_SYM>", "ap_fixed<8,3,AP_RND,AP_SAT,1>"}) {
    INFO(bad);
    CHECK_THROWS_AS(nas4ml::parse_fixed_format(bad), std::invalid_argument);
  }
}
