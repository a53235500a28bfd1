// The anomaly score of an autoencoder in the generated HLS projects (nas4ml), computed beside the
// reconstruction exactly as nas4ml's golden integer model computes it: for each output i the
// difference d_i = y_i - x_i (reconstruction minus input, both exact in diff_t, whose
// fractional bits are the finer of the two), the error term d_i^2 ("squared") or |d_i|
// ("absolute") exact in term_t, the sum of the terms exact in sum_t, and one cast to the score's
// own type, which applies its AP_TRN/AP_RND and AP_WRAP/AP_SAT modes once. Since no step before
// the cast rounds or overflows, the order of the additions does not matter.
// With reference = false the score reads the outputs alone (d_i = y_i): the sum of their squares
// or magnitudes, as an encoder-only deployment scores its latent means.
#ifndef NAS4ML_SCORE_H_
#define NAS4ML_SCORE_H_

namespace nas4ml {

enum score_error_t { squared, absolute };

template <class in_T, class res_T, class CONFIG_T>
void anomaly_score(const in_T x[], const res_T y[CONFIG_T::n], typename CONFIG_T::out_t& score) {
#pragma HLS INLINE
  typename CONFIG_T::sum_t sum = 0;
  for (unsigned i = 0; i < CONFIG_T::n; i++) {
#pragma HLS UNROLL
    typename CONFIG_T::diff_t d;
    if (CONFIG_T::reference)
      d = y[i] - x[i];  // exact: ap_fixed's difference type is wide enough, diff_t holds its range
    else
      d = y[i];
    typename CONFIG_T::term_t t;
    if (CONFIG_T::error == squared)
      t = d * d;
    else
      t = d < 0 ? typename CONFIG_T::term_t(-d) : typename CONFIG_T::term_t(d);
    sum += t;
  }
  score = (typename CONFIG_T::out_t)sum;
}

}  // namespace nas4ml

#endif
