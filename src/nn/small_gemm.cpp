#include "small_gemm.hpp"

namespace nas4ml::nn::detail {

namespace {
using namespace gemm;
constexpr int L = packet_floats;

// G[:, 0..NB) = D * X[0..NB, :]^T over n columns, and (Sum) gb = row sums of D.
template <int R, int NB, bool Sum>
void tile_xt(int n, const float* d, std::size_t ldd, const float* x, std::size_t ldx, float* g, int ldg, float* gb) {
  using Eigen::internal::padd;
  using Eigen::internal::pmadd;
  Packet acc[R][NB];
  Packet s[R];
#pragma GCC unroll 4
  for (int r = 0; r < R; ++r) {
    s[r] = broadcast(0.0f);
#pragma GCC unroll 12
    for (int j = 0; j < NB; ++j) acc[r][j] = broadcast(0.0f);
  }
  for (int col = 0; col < n; ++col) {
    Packet dr[R];
#pragma GCC unroll 4
    for (int r = 0; r < R; ++r) {
      dr[r] = load(d + static_cast<std::size_t>(col) * ldd + r * L);
      if constexpr (Sum) s[r] = padd(s[r], dr[r]);
    }
#pragma GCC unroll 12
    for (int j = 0; j < NB; ++j) {
      const Packet xv = broadcast(x[static_cast<std::size_t>(col) * ldx + j]);
#pragma GCC unroll 4
      for (int r = 0; r < R; ++r) acc[r][j] = pmadd(dr[r], xv, acc[r][j]);
    }
  }
#pragma GCC unroll 12
  for (int j = 0; j < NB; ++j)
#pragma GCC unroll 4
    for (int r = 0; r < R; ++r) store(g + static_cast<std::size_t>(j) * ldg + r * L, acc[r][j]);
  if constexpr (Sum)
#pragma GCC unroll 4
    for (int r = 0; r < R; ++r) store(gb + r * L, s[r]);
}

// Calls F::template run<NB>(args...) for a runtime nb in 1..12 (the column remainder of a tile).
template <class F, class... Args>
void with_cols(int nb, Args... args) {
  switch (nb) {
    case 1: return F::template run<1>(args...);
    case 2: return F::template run<2>(args...);
    case 3: return F::template run<3>(args...);
    case 4: return F::template run<4>(args...);
    case 5: return F::template run<5>(args...);
    case 6: return F::template run<6>(args...);
    case 7: return F::template run<7>(args...);
    case 8: return F::template run<8>(args...);
    case 9: return F::template run<9>(args...);
    case 10: return F::template run<10>(args...);
    case 11: return F::template run<11>(args...);
    default: return F::template run<12>(args...);
  }
}

template <int R, bool Sum>
struct TileXt {
  template <int NB>
  static void run(int n, const float* d, std::size_t ldd, const float* x, std::size_t ldx, float* g, int ldg,
                  float* gb) {
    tile_xt<R, NB, Sum>(n, d, ldd, x, ldx, g, ldg, gb);
  }
};

template <int R>
void columns_xt(int n, const float* d, std::size_t ldd, int nx, const float* x, std::size_t ldx, float* g, int ldg,
                float* gb) {
  constexpr int nb = cols_for(R);
  for (int i = 0; i < nx; i += nb) {
    const int cols = std::min(nb, nx - i);
    if (i == 0)
      with_cols<TileXt<R, true>>(cols, n, d, ldd, x, ldx, g, ldg, gb);
    else
      with_cols<TileXt<R, false>>(cols, n, d, ldd, x + i, ldx, g + static_cast<std::size_t>(i) * ldg, ldg, gb);
  }
}
}  // namespace

void gemm_panel_xt(int m, int n, const float* d, std::size_t ldd, int nx, const float* x, std::size_t ldx, float* g,
                   float* gb) {
  for (int r0 = 0; r0 < m; r0 += max_row_packets * L) {
    const int regs = std::min(max_row_packets, (m - r0) / L);
    const float* db = d + r0;
    float* g0 = g + r0;
    float* gb0 = gb + r0;
    switch (regs) {
      case 1: columns_xt<1>(n, db, ldd, nx, x, ldx, g0, m, gb0); break;
      case 2: columns_xt<2>(n, db, ldd, nx, x, ldx, g0, m, gb0); break;
      case 3: columns_xt<3>(n, db, ldd, nx, x, ldx, g0, m, gb0); break;
      default: columns_xt<4>(n, db, ldd, nx, x, ldx, g0, m, gb0); break;
    }
  }
}

}  // namespace nas4ml::nn::detail
