#pragma once
/// \file What one candidate network is, before training: written by hand as JSON
/// (docs/model.md) or decoded from a genome by the search. The training engine takes it.
#include <cstdint>
#include <string>
#include <vector>

#include "nas4ml/core/fixed_point.hpp"

namespace nas4ml::nn {

/// Activation after a dense layer's cast (nn/activation.hpp: the registered kinds and their
/// arithmetic, docs/model.md "Activations"). The last layer is linear (softmax lives only in the loss).
enum class Activation { relu, linear, leaky_relu, hard_sigmoid, hard_tanh, tanh, sigmoid };

/// How hls4ml would implement a layer (read by the `hls` estimator and the HLS writer).
enum class Strategy { latency, resource };

/// One dense layer.
struct LayerSpec {
  int units = 0;
  Activation activation = Activation::relu;
  double sparsity = 0.0;          ///< target fraction of weights pruned to zero, in [0, 1)
  FixedFormat weight_format;      ///< e.g. ap_fixed<8,3>
  FixedFormat bias_format;
  FixedFormat result_format;      ///< the layer output after the cast (and ReLU)
  int reuse_factor = 1;           ///< hls4ml reuse factor R (II = R)
  Strategy strategy = Strategy::latency;
  int dc = -1;                    ///< rtl sharing: extra adder levels allowed (-1 = no limit)
  bool batch_norm = false;        ///< batch normalization, folded into this layer (nn/batch_norm.hpp)
};

/// Training knobs of one candidate.
struct TrainingSpec {
  std::string optimizer = "adam";   ///< adam, sgd (with momentum)
  double learning_rate = 1e-3;
  double momentum = 0.9;            ///< sgd only
  int batch_size = 256;
  int epochs = 20;
  std::string schedule = "cosine";  ///< cosine, step, constant
  int patience = 5;                 ///< early stopping on validation loss; 0 disables
  double l1 = 0.0;                  ///< L1 penalty on weights
  int prune_rounds = 1;             ///< iterative prune + fine-tune rounds
  bool structured_pruning = false;  ///< prune whole neurons instead of single weights
  bool quantization_aware = true;   ///< fake-quantized forward pass (off: float training)
  /// Knowledge distillation (nn/distillation.hpp): weight of the label loss; 1 = no teacher.
  double distillation_alpha = 1.0;
  double distillation_temperature = 1.0;  ///< softening temperature T of the teacher term
  /// Weight initialization (nn/mlp.hpp): "he" (He-normal weights for ReLU-like layers,
  /// Glorot-uniform otherwise, zero biases) or "uniform_fan_in" (weights and biases uniform in
  /// +-1/sqrt(fan_in), the default of PyTorch's nn.Linear).
  std::string init = "he";
};

/// A whole candidate. The last entry of `layers` is the output layer (units = classes, linear).
struct ModelSpec {
  std::string name;
  int n_inputs = 0;                  ///< 0: taken from the data set
  FixedFormat input_format;          ///< format of the (preprocessed) input features
  std::vector<LayerSpec> layers;
  TrainingSpec training;
};

}  // namespace nas4ml::nn
