#pragma once
/// \file The two matrix products of MLP training at small widths and a long batch (private to the
/// nn module). A general GEMM (Eigen's) copies both operands into packed panels on every call and
/// tiles for large square-ish shapes; here one operand is a narrow weight or gradient matrix that
/// stays in L1 and the other is a batch of column vectors, so register-tiled loops that read both
/// in place need no packing (packing was 13% of a training step with Eigen's GEMM), and the
/// result goes through an epilogue while still in registers (bias, cast and ReLU, or the
/// backward gates: result_cast.hpp) instead of through extra passes over memory.
///
/// Matrices with a "panel" layout are column-major with a leading dimension that is a multiple
/// of packet_floats (packet.hpp). Sums are taken in a fixed order whatever the thread count.
#include <algorithm>
#include <cstddef>

#include "packet.hpp"

namespace nas4ml::nn::detail {

namespace gemm {
// Register tiles: R packets of rows times NB columns of accumulators, at most 24 of the 32
// AVX-512 registers.
inline constexpr int max_row_packets = 4;
constexpr int cols_for(int r) { return r == 4 ? 6 : r == 3 ? 8 : 12; }

// epi(at, W * X[:, j] + bias) for the NB columns of a tile, R packets of rows; `at` is the offset
// of the packet in an m-row panel.
template <int R, int NB, class Epilogue>
void tile_x(int k, const float* w, int m, const float* x, std::size_t ldx, const float* bias, std::size_t at,
            const Epilogue& epi) {
  Packet acc[R][NB];
#pragma GCC unroll 4
  for (int r = 0; r < R; ++r) {
    const Packet b = bias ? load(bias + r * packet_floats) : broadcast(0.0f);
#pragma GCC unroll 12
    for (int j = 0; j < NB; ++j) acc[r][j] = b;
  }
  for (int p = 0; p < k; ++p) {
    Packet wr[R];
#pragma GCC unroll 4
    for (int r = 0; r < R; ++r) wr[r] = load(w + static_cast<std::size_t>(p) * m + r * packet_floats);
#pragma GCC unroll 12
    for (int j = 0; j < NB; ++j) {
      const Packet xv = broadcast(x[static_cast<std::size_t>(p) + j * ldx]);
#pragma GCC unroll 4
      for (int r = 0; r < R; ++r) acc[r][j] = Eigen::internal::pmadd(wr[r], xv, acc[r][j]);
    }
  }
#pragma GCC unroll 12
  for (int j = 0; j < NB; ++j)
#pragma GCC unroll 4
    for (int r = 0; r < R; ++r) epi(at + static_cast<std::size_t>(j) * m + r * packet_floats, acc[r][j]);
}

template <int R, class Epilogue>
void columns_x(int k, const float* w, int m, const float* x, std::size_t ldx, int n, const float* bias,
               std::size_t at, const Epilogue& epi) {
  constexpr int nb = cols_for(R);
  int j = 0;
  for (; j + nb <= n; j += nb)
    tile_x<R, nb>(k, w, m, x + j * ldx, ldx, bias, at + static_cast<std::size_t>(j) * m, epi);
  for (; j < n; ++j) tile_x<R, 1>(k, w, m, x + j * ldx, ldx, bias, at + static_cast<std::size_t>(j) * m, epi);
}
}  // namespace gemm

/// For every column j of X and packet of rows: epi(at, packet of bias + W * X[:, j]), where W is
/// an m x k panel (m a multiple of packet_floats), X a k x n column-major matrix with leading
/// dimension ldx (any), `bias` m floats or null for zero, and `at` the packet's offset in an
/// m x n panel (the epilogue stores it, transformed, wherever it likes).
template <class Epilogue>
void gemm_panel_x(int m, int k, const float* w, const float* x, std::size_t ldx, int n, const float* bias,
                  const Epilogue& epi) {
  using namespace gemm;
  // Row blocks of up to max_row_packets packets; W's block (at most 64 x k) stays in L1 while the
  // columns of X stream through.
  for (int r0 = 0; r0 < m; r0 += max_row_packets * packet_floats) {
    const int regs = std::min(max_row_packets, (m - r0) / packet_floats);
    const float* wb = w + r0;
    const float* bb = bias ? bias + r0 : nullptr;
    const auto at = static_cast<std::size_t>(r0);
    switch (regs) {
      case 1: columns_x<1>(k, wb, m, x, ldx, n, bb, at, epi); break;
      case 2: columns_x<2>(k, wb, m, x, ldx, n, bb, at, epi); break;
      case 3: columns_x<3>(k, wb, m, x, ldx, n, bb, at, epi); break;
      default: columns_x<4>(k, wb, m, x, ldx, n, bb, at, epi); break;
    }
  }
}

/// G = D * X^T and gb = D * 1 (the row sums of D): D is an m x n panel (leading dimension ldd, m a
/// multiple of packet_floats), X an nx x n column-major matrix (leading dimension ldx), G an
/// m x nx panel (leading dimension m), gb m floats. The sums run over the n columns in order.
void gemm_panel_xt(int m, int n, const float* d, std::size_t ldd, int nx, const float* x, std::size_t ldx, float* g,
                   float* gb);

}  // namespace nas4ml::nn::detail
