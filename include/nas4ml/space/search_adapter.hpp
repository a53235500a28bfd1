#pragma once
/// \file Glue between a search space and the generic NSGA-II: the search::Variation whose genomes
/// are space genomes (search::Genome::choices). Header-only so that `space` does not depend on
/// `search` (docs/architecture.md); include it where both are linked (campaign, tests).
#include <fmt/format.h>

#include "nas4ml/search/variation.hpp"
#include "nas4ml/space/operators.hpp"
#include "nas4ml/space/search_space.hpp"

namespace nas4ml::space {

/// The Variation of `space` with operator probabilities `options` (validated here). The space is
/// copied into the functions, so it may go out of scope. Its fingerprint names the space's content
/// and the options, so a resumed search refuses a changed space.
inline search::Variation make_variation(const SearchSpace& space, const OperatorOptions& options = {}) {
  validate(options);
  auto s = std::make_shared<const SearchSpace>(space);
  search::Variation v;
  v.fingerprint = fmt::format("space({},cr={},gene_rate={},step={},insert={},delete={})", fingerprint(space),
                              options.crossover_probability, options.gene_rate, options.step_probability,
                              options.insert_probability, options.delete_probability);
  if (options.de_f != 0.5 || options.de_cr != 0.5 || options.de_bounds != "random")  // defaults: older fingerprint
    v.fingerprint += fmt::format(",de(f={},cr={},bounds={})", options.de_f, options.de_cr, options.de_bounds);
  v.random = [s](Rng& rng) { return search::Genome{random_genome(*s, rng), {}}; };
  v.design = [s](std::size_t n, Rng& rng) {
    std::vector<search::Genome> out;
    for (auto& g : latin_hypercube(*s, n, rng)) out.push_back(search::Genome{std::move(g), {}});
    return out;
  };
  v.crossover = [s, options](const search::Genome& a, const search::Genome& b, Rng& rng) {
    auto [x, y] = crossover(*s, a.choices, b.choices, rng, options);
    return std::pair<search::Genome, search::Genome>{search::Genome{std::move(x), {}}, search::Genome{std::move(y), {}}};
  };
  v.differential = [s, options](const search::Genome& target, const search::Genome& base, const search::Genome& a,
                                const search::Genome& b, Rng& rng) {
    return search::Genome{differential(*s, target.choices, base.choices, a.choices, b.choices, rng, options), {}};
  };
  v.mutate = [s, options](search::Genome& g, Rng& rng) { mutate(*s, g.choices, rng, options); };
  v.repair = [s](search::Genome& g) {
    g.reals.clear();
    repair(*s, g.choices);
  };
  v.check = [s](const search::Genome& g) -> std::string {
    if (!g.reals.empty()) return "a search-space genome has no real genes";
    return check(*s, g.choices);
  };
  return v;
}

}  // namespace nas4ml::space
