// Activations other than relu and linear in the generated HLS projects (nas4ml): tanh, sigmoid,
// hard_sigmoid, hard_tanh, leaky_relu. Each is a ROM over every value of the layer's result type,
// read at the cast output's bits with the sign bit flipped (offset binary, so entry 0 holds the
// most negative value). The table holds the golden integer model's activation of each value, so
// the result is bit-exact by construction; it costs a ROM of 2^table_bits entries per neuron.
#ifndef NAS4ML_LOOKUP_H_
#define NAS4ML_LOOKUP_H_

namespace nas4ml {

template <class res_T, class CONFIG_T>
void lookup(res_T res[CONFIG_T::n_out], const res_T table[1 << CONFIG_T::table_bits]) {
#pragma HLS INLINE
  for (unsigned o = 0; o < CONFIG_T::n_out; o++) {
#pragma HLS UNROLL
    ap_uint<CONFIG_T::table_bits> index = res[o].range(CONFIG_T::table_bits - 1, 0);
    if (CONFIG_T::table_signed) index[CONFIG_T::table_bits - 1] = !index[CONFIG_T::table_bits - 1];
    res[o] = table[index];
  }
}

}  // namespace nas4ml

#endif
