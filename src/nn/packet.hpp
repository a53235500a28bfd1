#pragma once
/// \file The SIMD register type of the nn training kernels (private to the nn module): Eigen's
/// packet of floats for the instruction set the build targets (16 floats with AVX-512, 8 with
/// AVX, 4 with SSE), and the row padding of the kernels' panels.
#include <Eigen/Core>

namespace nas4ml::nn::detail {

using Packet = Eigen::internal::packet_traits<float>::type;
/// Floats per packet. (GCC warns that the vector type's alignment attribute is dropped as a
/// template argument; only the trait's size is read here.)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wignored-attributes"
inline constexpr int packet_floats = Eigen::internal::unpacket_traits<Packet>::size;
#pragma GCC diagnostic pop

/// `n` rounded up to a whole number of packets: the leading dimension of a panel (a column-major
/// matrix whose columns start on packet boundaries; padding rows hold values nobody reads).
constexpr int padded_rows(int n) noexcept { return (n + packet_floats - 1) / packet_floats * packet_floats; }

inline Packet load(const float* p) noexcept { return Eigen::internal::ploadu<Packet>(p); }
inline void store(float* p, const Packet& v) noexcept { Eigen::internal::pstoreu(p, v); }
inline Packet broadcast(float v) noexcept { return Eigen::internal::pset1<Packet>(v); }

/// The correctly rounded square root of every lane (the instruction set's sqrt instruction).
/// Eigen's psqrt is an approximation under EIGEN_FAST_MATH (reciprocal square root and one Newton
/// step on AVX and AVX-512) that differs from std::sqrt in the last bit for about a third of the
/// inputs, so code that mixes it with scalar code would depend on where a vector starts.
inline Packet sqrt_exact(const Packet& v) noexcept {
#if defined(EIGEN_VECTORIZE_AVX512)
  return _mm512_sqrt_ps(v);
#elif defined(EIGEN_VECTORIZE_AVX)
  return _mm256_sqrt_ps(v);
#elif defined(EIGEN_VECTORIZE_SSE)
  return _mm_sqrt_ps(v);
#else
  return Eigen::internal::psqrt(v);  // other instruction sets: still the same code for every lane
#endif
}

}  // namespace nas4ml::nn::detail
