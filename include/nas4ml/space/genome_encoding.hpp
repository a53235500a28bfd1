#pragma once
/// \file The inverse of decode(): the genome of a search space that stands for a given model spec
/// (e.g. a hand-written reference design that seeds a search's first generation). A spec is
/// representable when its depth is within the space's and every gene's value is one of that
/// gene's choices; knobs that cannot change the trained model (momentum unless sgd, pruning knobs
/// of an unpruned model) are not compared and take their canonical value, as canonicalize() does.
#include <string>

#include "nas4ml/nn/model_spec.hpp"
#include "nas4ml/space/search_space.hpp"

namespace nas4ml::space {

/// A genome, or why the spec has none in the space.
struct Encoding {
  Genes genes;          ///< canonical, valid (check() is empty) when `gene` is empty
  std::string gene;     ///< the gene that does not fit ("hidden[1].units", "depth"); empty = ok
  std::string expected; ///< the gene's choices, e.g. "one of 8, 16, 32"
  std::string got;      ///< the spec's value
};

/// Encodes `spec` (output units 0 = the space's outputs, n_inputs 0 = any) in `space`.
Encoding encode(const SearchSpace& space, const nn::ModelSpec& spec);

}  // namespace nas4ml::space
