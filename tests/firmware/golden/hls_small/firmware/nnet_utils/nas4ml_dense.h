// Dense layer kernels of the generated HLS projects (nas4ml). Only the kept weights
// are stored, each with its input and output index, so a pruned weight costs no multiplier.
// The accumulator type is wide enough for every partial sum (no rounding, no overflow), so the
// order of the additions does not change the result, and the cast to the result type applies
// its AP_TRN/AP_RND and AP_WRAP/AP_SAT modes once, like the golden integer model.
//  - latency:  everything unrolled; PIPELINE II = reuse_factor and at most multiplier_limit
//              multipliers (hls4ml's dense_latency scheme);
//  - resource: the products are issued reuse_factor at a time per cycle group: an outer loop of
//              reuse_factor iterations at II = 1 over blocks of block_factor products (hls4ml's
//              dense_resource scheme).
#ifndef NAS4ML_DENSE_H_
#define NAS4ML_DENSE_H_

namespace nas4ml {

enum strategy_t { latency, resource };

template <class data_T, class res_T, class CONFIG_T>
void finish(typename CONFIG_T::accum_t acc[CONFIG_T::n_out], res_T res[CONFIG_T::n_out]) {
  for (unsigned o = 0; o < CONFIG_T::n_out; o++) {
#pragma HLS UNROLL
    res_T r = (res_T)acc[o];
    if (CONFIG_T::relu && r < 0) r = 0;
    res[o] = r;
  }
}

template <class data_T, class res_T, class CONFIG_T>
void dense_latency(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
                   const typename CONFIG_T::weight_t weights[], const unsigned short w_in[],
                   const unsigned short w_out[], const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
#pragma HLS INLINE
  const unsigned multiplier_limit = CONFIG_T::multiplier_limit;
#pragma HLS ALLOCATION operation instances=mul limit=multiplier_limit
  typename CONFIG_T::accum_t acc[CONFIG_T::n_out];
#pragma HLS ARRAY_PARTITION variable=acc complete
  for (unsigned o = 0; o < CONFIG_T::n_out; o++) {
#pragma HLS UNROLL
    acc[o] = (typename CONFIG_T::accum_t)biases[o];
  }
  for (unsigned k = 0; k < CONFIG_T::n_nonzero; k++) {
#pragma HLS UNROLL
    acc[w_out[k]] += data[w_in[k]] * weights[k];
  }
  finish<data_T, res_T, CONFIG_T>(acc, res);
}

template <class data_T, class res_T, class CONFIG_T>
void dense_resource(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
                    const typename CONFIG_T::weight_t weights[], const unsigned short w_in[],
                    const unsigned short w_out[], const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
#pragma HLS INLINE
  typename CONFIG_T::accum_t acc[CONFIG_T::n_out];
#pragma HLS ARRAY_PARTITION variable=acc complete
  for (unsigned o = 0; o < CONFIG_T::n_out; o++) {
#pragma HLS UNROLL
    acc[o] = (typename CONFIG_T::accum_t)biases[o];
  }
ReuseLoop:
  for (unsigned ir = 0; ir < CONFIG_T::reuse_factor; ir++) {
#pragma HLS PIPELINE II=1 rewind
  MultLoop:
    for (unsigned im = 0; im < CONFIG_T::block_factor; im++) {
#pragma HLS UNROLL
      const unsigned k = ir + CONFIG_T::reuse_factor * im;
      if (k < CONFIG_T::n_nonzero) acc[w_out[k]] += data[w_in[k]] * weights[k];
    }
  }
  finish<data_T, res_T, CONFIG_T>(acc, res);
}

template <class data_T, class res_T, class CONFIG_T>
void dense(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
           const typename CONFIG_T::weight_t weights[], const unsigned short w_in[], const unsigned short w_out[],
           const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
#pragma HLS INLINE
  if (CONFIG_T::strategy == resource)
    dense_resource<data_T, res_T, CONFIG_T>(data, res, weights, w_in, w_out, biases);
  else
    dense_latency<data_T, res_T, CONFIG_T>(data, res, weights, w_in, w_out, biases);
}

}  // namespace nas4ml

#endif
