#pragma once
/// \file Weight inheritance: a child network of an evolutionary search starts training from a
/// parent's trained weights where the layer shapes allow, instead of from random weights only.
///
/// The idea is network morphism / Lamarckian weight inheritance in neuro-evolution: T. Elsken,
/// J. H. Metzen, F. Hutter, "Efficient multi-objective neural architecture search via Lamarckian
/// evolution" (LEMONADE), ICLR 2019; E. Real et al., "Large-scale evolution of image classifiers",
/// ICML 2017 (children keep their parent's weights where the mutation allows). Here the rule is
/// the simplest one that is exact and deterministic: layer k of the child takes layer k of the
/// parent (weights and biases, as the real values of the parent's stored integers) when both
/// have the same number of inputs and outputs; every other layer, and every batch-norm
/// parameter, keeps its usual random initialization (drawn first, so the random streams are
/// those of a run without inheritance).
#include <cstddef>
#include <vector>

#include "nas4ml/nn/mlp.hpp"
#include "nas4ml/nn/quantized_model.hpp"

namespace nas4ml::nn {

/// The indices of the child's layers whose shape (inputs, outputs) equals the parent's layer at
/// the same index. `child` is the Mlp being trained (its spec resolved).
std::vector<int> inheritable_layers(const Mlp& child, const QuantizedModel& parent);

/// The number of weights and biases the child would take from `parent`.
std::size_t inheritable_parameters(const Mlp& child, const QuantizedModel& parent);

/// Among `parents` (in order of preference; null entries skipped), the index of the one that
/// gives the child the most parameters; ties go to the earlier one. -1 when none gives any.
int choose_parent(const Mlp& child, const std::vector<const QuantizedModel*>& parents);

/// Overwrites the child's weights and biases of every inheritable layer with the parent's (real
/// values of its raw integers; pruned weights are 0 and stay trainable), then requantizes.
/// Returns the inherited layers.
std::vector<int> inherit_weights(Mlp& child, const QuantizedModel& parent);

}  // namespace nas4ml::nn
