#pragma once
/// \file The registered activation kinds (private to the nn module; the registry in
/// activation.cpp is their only user).
#include "nas4ml/nn/activation.hpp"

namespace nas4ml::nn::detail {

const ActivationKind& relu_activation();
const ActivationKind& linear_activation();
const ActivationKind& leaky_relu_activation();
const ActivationKind& hard_sigmoid_activation();
const ActivationKind& hard_tanh_activation();
const ActivationKind& tanh_activation();
const ActivationKind& sigmoid_activation();

}  // namespace nas4ml::nn::detail
