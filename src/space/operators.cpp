#include "nas4ml/space/operators.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"

namespace nas4ml::space {

namespace {
void check_probability(const char* field, double p) {
  if (!(p >= 0.0 && p <= 1.0))
    throw ConfigError("", fmt::format("space_operators.{}", field), "value out of range", "a number in [0, 1]",
                      fmt::format("{}", p));
}

std::vector<std::int32_t> all_sizes(const SearchSpace& s, int n_hidden) {
  std::vector<std::int32_t> sizes = s.global_sizes;
  sizes.insert(sizes.end(), s.output_sizes.begin(), s.output_sizes.end());
  for (int l = 0; l < n_hidden; ++l) sizes.insert(sizes.end(), s.hidden_sizes.begin(), s.hidden_sizes.end());
  return sizes;
}

std::size_t fixed_length(const SearchSpace& s) { return s.global_sizes.size() + s.output_sizes.size(); }

std::vector<Genes> split_layers(const SearchSpace& s, const Genes& g) {
  const std::size_t f = fixed_length(s), h = s.hidden_sizes.size();
  std::vector<Genes> layers;
  for (std::size_t at = f; at + h <= g.size(); at += h)
    layers.emplace_back(g.begin() + static_cast<std::ptrdiff_t>(at), g.begin() + static_cast<std::ptrdiff_t>(at + h));
  return layers;
}

Genes join(const Genes& fixed, const std::vector<Genes>& layers) {
  Genes out = fixed;
  for (const auto& l : layers) out.insert(out.end(), l.begin(), l.end());
  return out;
}

Genes random_layer(const SearchSpace& s, Rng& rng) {
  Genes l;
  for (auto n : s.hidden_sizes) l.push_back(static_cast<std::int32_t>(rng.below(static_cast<std::uint64_t>(n))));
  return l;
}
}  // namespace

void validate(const OperatorOptions& o) {
  check_probability("crossover_probability", o.crossover_probability);
  if (o.gene_rate >= 0.0 || std::isnan(o.gene_rate)) check_probability("gene_rate", o.gene_rate);
  check_probability("step_probability", o.step_probability);
  check_probability("insert_probability", o.insert_probability);
  check_probability("delete_probability", o.delete_probability);
  if (!(o.de_f > 0.0 && o.de_f <= 2.0))
    throw ConfigError("", "space_operators.de_f", "value out of range", "a number in (0, 2]", fmt::format("{}", o.de_f));
  check_probability("de_cr", o.de_cr);
  if (o.de_bounds != "random" && o.de_bounds != "clamp")
    throw ConfigError("", "space_operators.de_bounds", "invalid choice", "one of random, clamp", "\"" + o.de_bounds + "\"");
  if (o.insert_probability + o.delete_probability > 1.0)
    throw ConfigError("", "space_operators.delete_probability", "insert and delete probabilities sum above 1",
                      fmt::format("at most {}", 1.0 - o.insert_probability), fmt::format("{}", o.delete_probability));
}

Genes random_genome(const SearchSpace& s, Rng& rng) {
  const int n = s.min_hidden + static_cast<int>(rng.below(static_cast<std::uint64_t>(s.max_hidden - s.min_hidden + 1)));
  Genes g;
  for (auto size : all_sizes(s, n)) g.push_back(static_cast<std::int32_t>(rng.below(static_cast<std::uint64_t>(size))));
  canonicalize(s, g);
  return g;
}

namespace {
/// n values in [0, k): stratum i of n (in a random order) mapped to the choices, so each of the k
/// choices is taken about n / k times.
std::vector<std::int32_t> stratified(std::uint64_t k, std::size_t n, Rng& rng) {
  std::vector<std::size_t> strata(n);
  for (std::size_t i = 0; i < n; ++i) strata[i] = i;
  rng.shuffle(strata.begin(), strata.end());
  std::vector<std::int32_t> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double at = (static_cast<double>(strata[i]) + rng.uniform()) / static_cast<double>(n);
    out[i] = static_cast<std::int32_t>(std::min<std::uint64_t>(k - 1, static_cast<std::uint64_t>(at * static_cast<double>(k))));
  }
  return out;
}
}  // namespace

std::vector<Genes> latin_hypercube(const SearchSpace& s, std::size_t n, Rng& rng) {
  const auto layers = stratified(static_cast<std::uint64_t>(s.max_hidden - s.min_hidden + 1), n, rng);
  const auto sizes = all_sizes(s, s.max_hidden);
  std::vector<std::vector<std::int32_t>> columns;
  for (auto size : sizes) columns.push_back(stratified(static_cast<std::uint64_t>(size), n, rng));
  std::vector<Genes> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t length = all_sizes(s, s.min_hidden + layers[i]).size();
    for (std::size_t j = 0; j < length; ++j) out[i].push_back(columns[j][i]);
    canonicalize(s, out[i]);
  }
  return out;
}

void mutate(const SearchSpace& s, Genes& g, Rng& rng, const OperatorOptions& o) {
  repair(s, g);
  const int n = hidden_layers(s, g);
  const auto sizes = all_sizes(s, n);
  const double rate = o.gene_rate < 0.0 ? 1.0 / static_cast<double>(g.size()) : o.gene_rate;
  for (std::size_t i = 0; i < g.size(); ++i) {
    const std::int32_t size = sizes[i];
    if (size < 2 || !rng.bernoulli(rate)) continue;
    if (rng.bernoulli(o.step_probability)) {
      std::int32_t next = g[i] + (rng.bernoulli(0.5) ? 1 : -1);
      if (next < 0) next = 1;            // reflect at the ends
      if (next >= size) next = size - 2;
      g[i] = next;
    } else {
      auto other = static_cast<std::int32_t>(rng.below(static_cast<std::uint64_t>(size - 1)));
      g[i] = other >= g[i] ? other + 1 : other;  // any other choice
    }
  }
  const double r = rng.uniform();
  if (r < o.insert_probability && n < s.max_hidden) {
    const std::size_t f = fixed_length(s);
    Genes fixed(g.begin(), g.begin() + static_cast<std::ptrdiff_t>(f));
    auto layers = split_layers(s, g);
    const std::size_t pos = rng.below(layers.size() + 1);
    Genes fresh;
    if (layers.empty()) {
      fresh = random_layer(s, rng);
    } else {
      // a copy of a neighbour keeps the network's shape plausible; mutation changes it later
      std::size_t src;
      if (pos == 0) src = 0;
      else if (pos == layers.size()) src = pos - 1;
      else src = rng.bernoulli(0.5) ? pos - 1 : pos;
      fresh = layers[src];
    }
    layers.insert(layers.begin() + static_cast<std::ptrdiff_t>(pos), fresh);
    g = join(fixed, layers);
  } else if (r < o.insert_probability + o.delete_probability && n > s.min_hidden) {
    const std::size_t f = fixed_length(s);
    Genes fixed(g.begin(), g.begin() + static_cast<std::ptrdiff_t>(f));
    auto layers = split_layers(s, g);
    layers.erase(layers.begin() + static_cast<std::ptrdiff_t>(rng.below(layers.size())));
    g = join(fixed, layers);
  }
  repair(s, g);
}

std::pair<Genes, Genes> crossover(const SearchSpace& s, const Genes& a_in, const Genes& b_in, Rng& rng,
                                  const OperatorOptions& o) {
  Genes a = a_in, b = b_in;
  repair(s, a);
  repair(s, b);
  if (!rng.bernoulli(o.crossover_probability)) return {a, b};
  const std::size_t f = fixed_length(s);
  Genes fa(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(f)), fb(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(f));
  for (std::size_t i = 0; i < f; ++i)
    if (rng.bernoulli(0.5)) std::swap(fa[i], fb[i]);
  const auto la = split_layers(s, a), lb = split_layers(s, b);
  const int na = static_cast<int>(la.size()), nb = static_cast<int>(lb.size());
  std::vector<std::pair<int, int>> cuts;
  for (int i = 0; i <= na; ++i)
    for (int j = 0; j <= nb; ++j) {
      const int d1 = i + nb - j, d2 = j + na - i;
      if (d1 >= s.min_hidden && d1 <= s.max_hidden && d2 >= s.min_hidden && d2 <= s.max_hidden) cuts.emplace_back(i, j);
    }
  NAS4ML_ASSERT(!cuts.empty(), "crossover: no valid cut (parents must be valid)");
  const auto [i, j] = cuts[rng.below(cuts.size())];
  std::vector<Genes> l1(la.begin(), la.begin() + i), l2(lb.begin(), lb.begin() + j);
  l1.insert(l1.end(), lb.begin() + j, lb.end());
  l2.insert(l2.end(), la.begin() + i, la.end());
  std::pair<Genes, Genes> out{join(fa, l1), join(fb, l2)};
  repair(s, out.first);
  repair(s, out.second);
  return out;
}

namespace {
/// Gene i of the target's layout read from genome g: a fixed gene at its place, a hidden-layer
/// gene from the same layer or g's last one; `fallback` when g has no hidden layer.
double gene_of(const SearchSpace& s, const Genes& g, std::size_t i, std::int32_t fallback) {
  const std::size_t f = fixed_length(s), h = s.hidden_sizes.size();
  if (i < f) return g[i];
  const std::size_t layers = (g.size() - f) / h;
  if (layers == 0) return fallback;
  const std::size_t layer = std::min((i - f) / h, layers - 1);
  return g[f + layer * h + (i - f) % h];
}
}  // namespace

Genes differential(const SearchSpace& s, const Genes& target, const Genes& base_in, const Genes& a_in,
                   const Genes& b_in, Rng& rng, const OperatorOptions& o) {
  Genes child = target, base = base_in, a = a_in, b = b_in;
  repair(s, child);
  repair(s, base);
  repair(s, a);
  repair(s, b);
  const auto sizes = all_sizes(s, hidden_layers(s, child));
  const auto forced = static_cast<std::size_t>(rng.below(child.size()));  // at least one gene from the mutant
  for (std::size_t i = 0; i < child.size(); ++i) {
    if (i != forced && rng.uniform() >= o.de_cr) continue;
    const double x0 = gene_of(s, base, i, child[i]);
    const double x = x0 + o.de_f * (gene_of(s, a, i, child[i]) - gene_of(s, b, i, child[i]));
    const double hi = sizes[i] - 1;
    double y = x;
    if (x < 0.0) y = o.de_bounds == "clamp" ? 0.0 : rng.uniform() * x0;
    else if (x > hi) y = o.de_bounds == "clamp" ? hi : hi - rng.uniform() * (hi - x0);
    child[i] = static_cast<std::int32_t>(std::clamp(std::lround(y), 0L, static_cast<long>(hi)));
  }
  repair(s, child);
  return child;
}

void repair(const SearchSpace& s, Genes& g) {
  const std::size_t f = fixed_length(s), h = s.hidden_sizes.size();
  if (g.size() < f) g.resize(f, 0);
  g.resize(g.size() - (g.size() - f) % h);
  int n = static_cast<int>((g.size() - f) / h);
  if (n > s.max_hidden) {
    g.resize(f + static_cast<std::size_t>(s.max_hidden) * h);
    n = s.max_hidden;
  }
  while (n < s.min_hidden) {
    if (n > 0) {
      const Genes last(g.end() - static_cast<std::ptrdiff_t>(h), g.end());
      g.insert(g.end(), last.begin(), last.end());
    } else {
      g.insert(g.end(), h, 0);
    }
    ++n;
  }
  const auto sizes = all_sizes(s, n);
  for (std::size_t i = 0; i < g.size(); ++i) g[i] = std::clamp<std::int32_t>(g[i], 0, sizes[i] - 1);
  canonicalize(s, g);
}

}  // namespace nas4ml::space
