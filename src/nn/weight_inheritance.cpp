#include "nas4ml/nn/weight_inheritance.hpp"

namespace nas4ml::nn {

std::vector<int> inheritable_layers(const Mlp& child, const QuantizedModel& parent) {
  std::vector<int> out;
  const auto& layers = child.spec().layers;
  int n_in = child.n_inputs();
  for (int k = 0; k < child.n_layers() && k < static_cast<int>(parent.layers.size()); ++k) {
    const int n_out = layers[static_cast<std::size_t>(k)].units;
    const QuantizedLayer& p = parent.layers[static_cast<std::size_t>(k)];
    if (p.n_in == n_in && p.n_out == n_out && p.weights.size() == static_cast<std::size_t>(n_in) * n_out &&
        p.biases.size() == static_cast<std::size_t>(n_out))
      out.push_back(k);
    n_in = n_out;
  }
  return out;
}

std::size_t inheritable_parameters(const Mlp& child, const QuantizedModel& parent) {
  std::size_t n = 0;
  for (int k : inheritable_layers(child, parent)) {
    const QuantizedLayer& p = parent.layers[static_cast<std::size_t>(k)];
    n += p.weights.size() + p.biases.size();
  }
  return n;
}

int choose_parent(const Mlp& child, const std::vector<const QuantizedModel*>& parents) {
  int best = -1;
  std::size_t most = 0;
  for (std::size_t i = 0; i < parents.size(); ++i) {
    if (!parents[i]) continue;
    const std::size_t n = inheritable_parameters(child, *parents[i]);
    if (n > most) {
      most = n;
      best = static_cast<int>(i);
    }
  }
  return best;
}

std::vector<int> inherit_weights(Mlp& child, const QuantizedModel& parent) {
  const std::vector<int> layers = inheritable_layers(child, parent);
  auto params = child.params();
  for (int k : layers) {
    const QuantizedLayer& p = parent.layers[static_cast<std::size_t>(k)];
    const std::size_t w = child.weight_offset(k), b = child.bias_offset(k);
    for (int o = 0; o < p.n_out; ++o) {  // the Mlp's blocks are column-major n_out x n_in
      for (int i = 0; i < p.n_in; ++i)
        params[w + static_cast<std::size_t>(o) + static_cast<std::size_t>(i) * p.n_out] =
            static_cast<float>(to_real(p.weight(o, i), p.weight_format));
      params[b + static_cast<std::size_t>(o)] =
          static_cast<float>(to_real(p.biases[static_cast<std::size_t>(o)], p.bias_format));
    }
  }
  if (!layers.empty()) child.quantize_params();
  return layers;
}

}  // namespace nas4ml::nn
