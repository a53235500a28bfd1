#include "nas4ml/nn/activation.hpp"

#include <array>
#include <utility>

#include "activation_kinds.hpp"
#include "nas4ml/core/error.hpp"

namespace nas4ml::nn {

namespace {
/// The registry: one line per kind, in the order of the Activation enumerators.
const std::array<std::pair<Activation, const ActivationKind*>, 7>& registry() {
  static const std::array<std::pair<Activation, const ActivationKind*>, 7> kinds{{
      {Activation::relu, &detail::relu_activation()},
      {Activation::linear, &detail::linear_activation()},
      {Activation::leaky_relu, &detail::leaky_relu_activation()},
      {Activation::hard_sigmoid, &detail::hard_sigmoid_activation()},
      {Activation::hard_tanh, &detail::hard_tanh_activation()},
      {Activation::tanh, &detail::tanh_activation()},
      {Activation::sigmoid, &detail::sigmoid_activation()},
  }};
  return kinds;
}
}  // namespace

const ActivationKind& activation_kind(Activation a) {
  for (const auto& [id, kind] : registry())
    if (id == a) return *kind;
  throw InternalError("activation without a registered kind");
}

std::string to_string(Activation a) { return std::string(activation_kind(a).name()); }

const std::vector<std::string>& activation_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& entry : registry()) v.emplace_back(entry.second->name());
    return v;
  }();
  return names;
}

Activation parse_activation(const std::string& name, const std::string& file, const std::string& field) {
  for (const auto& [id, kind] : registry())
    if (kind->name() == name) return id;
  std::string expected = "one of";
  for (std::size_t i = 0; i < activation_names().size(); ++i) expected += (i ? ", " : " ") + activation_names()[i];
  throw ConfigError(file, field, "unknown activation", expected, "\"" + name + "\"");
}

}  // namespace nas4ml::nn
