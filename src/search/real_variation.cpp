#include "nas4ml/search/real_variation.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"

namespace nas4ml::search {

namespace {
void check_range(const char* field, double value, double lo, double hi) {
  if (!(value >= lo && value <= hi))
    throw ConfigError("", fmt::format("real_variation.{}", field), "value out of range",
                      fmt::format("a number in [{}, {}]", lo, hi), fmt::format("{}", value));
}

struct RealParams {
  std::vector<double> lower, upper;
  RealVariationOptions opt;
  double m = 0.0;  // resolved mutation probability
};

double clamp(double x, double lo, double hi) { return std::min(std::max(x, lo), hi); }

// Bounded SBX on one variable pair, Deb's formulation.
void sbx_pair(double& a, double& b, double lo, double hi, double eta, Rng& rng) {
  double y1 = std::min(a, b), y2 = std::max(a, b);
  const double r = rng.uniform();
  const double e = 1.0 / (eta + 1.0);
  auto betaq_for = [&](double beta) {
    const double alpha = 2.0 - std::pow(beta, -(eta + 1.0));
    return r <= 1.0 / alpha ? std::pow(r * alpha, e) : std::pow(1.0 / (2.0 - r * alpha), e);
  };
  const double span = y2 - y1;
  const double c1 = clamp(0.5 * ((y1 + y2) - betaq_for(1.0 + 2.0 * (y1 - lo) / span) * span), lo, hi);
  const double c2 = clamp(0.5 * ((y1 + y2) + betaq_for(1.0 + 2.0 * (hi - y2) / span) * span), lo, hi);
  if (rng.uniform() <= 0.5) {
    a = c2;
    b = c1;
  } else {
    a = c1;
    b = c2;
  }
}

void polynomial_mutation(double& y, double lo, double hi, double eta, Rng& rng) {
  const double d1 = (y - lo) / (hi - lo), d2 = (hi - y) / (hi - lo);
  const double r = rng.uniform();
  const double p = 1.0 / (eta + 1.0);
  double dq;
  if (r <= 0.5) {
    const double v = 2.0 * r + (1.0 - 2.0 * r) * std::pow(1.0 - d1, eta + 1.0);
    dq = std::pow(v, p) - 1.0;
  } else {
    const double v = 2.0 * (1.0 - r) + 2.0 * (r - 0.5) * std::pow(1.0 - d2, eta + 1.0);
    dq = 1.0 - std::pow(v, p);
  }
  y = clamp(y + dq * (hi - lo), lo, hi);
}
}  // namespace

void validate(const RealVariationOptions& o) {
  check_range("crossover_probability", o.crossover_probability, 0.0, 1.0);
  check_range("eta_c", o.eta_c, 1.0, 100.0);
  if (o.mutation_probability >= 0.0 || std::isnan(o.mutation_probability))
    check_range("mutation_probability", o.mutation_probability, 0.0, 1.0);
  check_range("eta_m", o.eta_m, 1.0, 100.0);
  check_range("de_f", o.de_f, 1e-9, 2.0);
  check_range("de_cr", o.de_cr, 0.0, 1.0);
  if (o.de_bounds != "random" && o.de_bounds != "clamp")
    throw ConfigError("", "real_variation.de_bounds", "invalid choice", "one of random, clamp", "\"" + o.de_bounds + "\"");
}

Variation make_real_variation(const std::vector<double>& lower, const std::vector<double>& upper,
                              const RealVariationOptions& options) {
  validate(options);
  if (lower.empty() || lower.size() != upper.size())
    throw ConfigError("", "real_variation.bounds", "bad bounds", "non-empty lower and upper bounds of equal size",
                      fmt::format("{} lower and {} upper", lower.size(), upper.size()));
  for (std::size_t i = 0; i < lower.size(); ++i)
    if (!(std::isfinite(lower[i]) && std::isfinite(upper[i]) && lower[i] < upper[i]))
      throw ConfigError("", fmt::format("real_variation.bounds[{}]", i), "bad bounds", "finite lower < upper",
                        fmt::format("[{}, {}]", lower[i], upper[i]));
  auto p = std::make_shared<RealParams>();
  p->lower = lower;
  p->upper = upper;
  p->opt = options;
  p->m = options.mutation_probability < 0.0 ? 1.0 / static_cast<double>(lower.size()) : options.mutation_probability;

  Variation v;
  std::string bounds;
  for (std::size_t i = 0; i < lower.size(); ++i) bounds += fmt::format("{}[{},{}]", i ? "," : "", lower[i], upper[i]);
  v.fingerprint = fmt::format("real(n={},cr={},eta_c={},m={},eta_m={},bounds={})", lower.size(),
                              options.crossover_probability, options.eta_c, p->m, options.eta_m, bounds);
  if (options.de_f != 0.5 || options.de_cr != 0.5)  // the defaults keep the older fingerprint
    v.fingerprint += fmt::format(",de_f={},de_cr={}", options.de_f, options.de_cr);
  if (options.de_bounds != "random") v.fingerprint += ",de_bounds=" + options.de_bounds;
  v.random = [p](Rng& rng) {
    Genome g;
    g.reals.resize(p->lower.size());
    for (std::size_t i = 0; i < g.reals.size(); ++i) g.reals[i] = rng.uniform(p->lower[i], p->upper[i]);
    return g;
  };
  v.design = [p](std::size_t n, Rng& rng) {
    std::vector<Genome> out(n);
    std::vector<std::size_t> strata(n);
    for (std::size_t i = 0; i < p->lower.size(); ++i) {
      for (std::size_t k = 0; k < n; ++k) strata[k] = k;
      rng.shuffle(strata.begin(), strata.end());
      const double width = (p->upper[i] - p->lower[i]) / static_cast<double>(n);
      for (std::size_t k = 0; k < n; ++k)
        out[k].reals.push_back(p->lower[i] + width * (static_cast<double>(strata[k]) + rng.uniform()));
    }
    return out;
  };
  v.crossover = [p](const Genome& a, const Genome& b, Rng& rng) {
    std::pair<Genome, Genome> out{a, b};
    if (rng.uniform() > p->opt.crossover_probability) return out;
    auto& x = out.first.reals;
    auto& y = out.second.reals;
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (rng.uniform() > 0.5) continue;
      if (std::abs(x[i] - y[i]) <= 1e-14) continue;
      sbx_pair(x[i], y[i], p->lower[i], p->upper[i], p->opt.eta_c, rng);
    }
    return out;
  };
  v.differential = [p](const Genome& target, const Genome& base, const Genome& a, const Genome& b, Rng& rng) {
    Genome child = target;
    const std::size_t n = child.reals.size();
    const auto forced = static_cast<std::size_t>(rng.below(n));  // at least one gene from the mutant
    for (std::size_t i = 0; i < n; ++i) {
      if (i != forced && rng.uniform() >= p->opt.de_cr) continue;
      const double x = base.reals[i] + p->opt.de_f * (a.reals[i] - b.reals[i]);
      // Outside the box: the bound ("clamp") or a uniform point between the base and the bound.
      if ((x < p->lower[i] || x > p->upper[i]) && p->opt.de_bounds == "clamp") child.reals[i] = clamp(x, p->lower[i], p->upper[i]);
      else if (x < p->lower[i]) child.reals[i] = p->lower[i] + rng.uniform() * (base.reals[i] - p->lower[i]);
      else if (x > p->upper[i]) child.reals[i] = p->upper[i] - rng.uniform() * (p->upper[i] - base.reals[i]);
      else child.reals[i] = x;
    }
    return child;
  };
  v.mutate = [p](Genome& g, Rng& rng) {
    for (std::size_t i = 0; i < g.reals.size(); ++i)
      if (rng.uniform() < p->m) polynomial_mutation(g.reals[i], p->lower[i], p->upper[i], p->opt.eta_m, rng);
  };
  v.repair = [p](Genome& g) {
    g.choices.clear();
    g.reals.resize(p->lower.size(), 0.0);
    for (std::size_t i = 0; i < g.reals.size(); ++i) {
      double& x = g.reals[i];
      if (std::isnan(x)) x = p->lower[i];
      x = clamp(x, p->lower[i], p->upper[i]);
      if (x == 0.0) x = 0.0;  // fold -0.0
    }
  };
  v.check = [p](const Genome& g) -> std::string {
    if (!g.choices.empty()) return "a real-valued genome has no discrete genes";
    if (g.reals.size() != p->lower.size())
      return fmt::format("expected {} real genes, got {}", p->lower.size(), g.reals.size());
    for (std::size_t i = 0; i < g.reals.size(); ++i)
      if (!(g.reals[i] >= p->lower[i] && g.reals[i] <= p->upper[i]))
        return fmt::format("gene {} = {} outside [{}, {}]", i, g.reals[i], p->lower[i], p->upper[i]);
    return {};
  };
  return v;
}

}  // namespace nas4ml::search
