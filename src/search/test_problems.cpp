#include "nas4ml/search/test_problems.hpp"

#include <cmath>
#include <limits>
#include <numbers>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/core/json.hpp"

namespace nas4ml::search {

namespace {
using Vec = std::vector<double>;
constexpr double kPi = std::numbers::pi;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Problem box(std::string name, std::size_t n, double lo, double hi, std::size_t m, double ref) {
  Problem p;
  p.name = std::move(name);
  p.n_objectives = m;
  p.lower.assign(n, lo);
  p.upper.assign(n, hi);
  p.reference.assign(m, ref);
  return p;
}

double zdt_g(const Vec& x) {
  double s = 0.0;
  for (std::size_t i = 1; i < x.size(); ++i) s += x[i];
  return 1.0 + 9.0 * s / static_cast<double>(x.size() - 1);
}

void check_n(const std::string& name, std::size_t n, std::size_t lo, std::size_t hi) {
  if (n < lo || n > hi)
    throw ConfigError("", "moo-bench --n-var", fmt::format("bad number of variables for {}", name),
                      fmt::format("an integer in [{}, {}]", lo, hi), std::to_string(n));
}
}  // namespace

std::vector<std::string> problem_names() { return {"zdt1", "zdt2", "zdt3", "zdt4", "zdt6", "dtlz1", "dtlz2", "bnh", "tnk"}; }

Problem make_problem(const std::string& name, std::size_t n, std::size_t m) {
  if (name == "zdt1" || name == "zdt2" || name == "zdt3") {
    if (n == 0) n = 30;
    check_n(name, n, 2, 10000);
    Problem p = box(name, n, 0.0, 1.0, 2, 1.1);
    const int which = name[3] - '0';
    p.true_front_hypervolume = which == 1 ? 1.21 - 1.0 / 3.0 : which == 2 ? 1.21 - 2.0 / 3.0 : kNaN;
    p.objectives = [which](const Vec& x) {
      const double f1 = x[0], g = zdt_g(x), r = f1 / g;
      double h;
      if (which == 1) h = 1.0 - std::sqrt(r);
      else if (which == 2) h = 1.0 - r * r;
      else h = 1.0 - std::sqrt(r) - r * std::sin(10.0 * kPi * f1);
      return Vec{f1, g * h};
    };
    return p;
  }
  if (name == "zdt4") {
    if (n == 0) n = 10;
    check_n(name, n, 2, 10000);
    Problem p = box(name, n, -5.0, 5.0, 2, 1.1);
    p.lower[0] = 0.0;
    p.upper[0] = 1.0;
    p.true_front_hypervolume = 1.21 - 1.0 / 3.0;
    p.objectives = [](const Vec& x) {
      double g = 1.0 + 10.0 * static_cast<double>(x.size() - 1);
      for (std::size_t i = 1; i < x.size(); ++i) g += x[i] * x[i] - 10.0 * std::cos(4.0 * kPi * x[i]);
      return Vec{x[0], g * (1.0 - std::sqrt(x[0] / g))};
    };
    return p;
  }
  if (name == "zdt6") {
    if (n == 0) n = 10;
    check_n(name, n, 2, 10000);
    Problem p = box(name, n, 0.0, 1.0, 2, 1.1);
    // Front: f2 = 1 - f1^2 for f1 in [a, 1], a = min over x1 of 1 - exp(-4 x1) sin^6(6 pi x1).
    // Found by a grid over x1 refined with a ternary search around the best grid point.
    const auto f1_of = [](double x) { return 1.0 - std::exp(-4.0 * x) * std::pow(std::sin(6.0 * kPi * x), 6); };
    double best_x = 0.0;
    for (int i = 0; i <= 20000; ++i)
      if (f1_of(i / 20000.0) < f1_of(best_x)) best_x = i / 20000.0;
    double lo = std::max(0.0, best_x - 1e-4), hi = std::min(1.0, best_x + 1e-4);
    for (int it = 0; it < 200; ++it) {
      const double a1 = lo + (hi - lo) / 3.0, a2 = hi - (hi - lo) / 3.0;
      if (f1_of(a1) < f1_of(a2)) hi = a2;
      else lo = a1;
    }
    const double a = f1_of(0.5 * (lo + hi));
    p.true_front_hypervolume = 0.1 * (1.0 - a) + (1.0 - a * a * a) / 3.0 + 0.1 * 1.1;
    p.objectives = [](const Vec& x) {
      const double f1 = 1.0 - std::exp(-4.0 * x[0]) * std::pow(std::sin(6.0 * kPi * x[0]), 6);
      double s = 0.0;
      for (std::size_t i = 1; i < x.size(); ++i) s += x[i];
      const double g = 1.0 + 9.0 * std::pow(s / static_cast<double>(x.size() - 1), 0.25);
      const double r = f1 / g;
      return Vec{f1, g * (1.0 - r * r)};
    };
    return p;
  }
  if (name == "dtlz1" || name == "dtlz2") {
    if (m == 0) m = 3;
    if (m < 2 || m > 16)
      throw ConfigError("", "moo-bench --objectives", "bad number of objectives for " + name, "an integer in [2, 16]",
                        std::to_string(m));
    const bool one = name == "dtlz1";
    if (n == 0) n = m - 1 + (one ? 5 : 10);
    check_n(name, n, m, 10000);
    Problem p = box(name, n, 0.0, 1.0, m, 1.1);
    const double ref_volume = std::pow(1.1, static_cast<double>(m));
    if (one) {
      // Front: the simplex sum f = 1/2; the non-dominated part of the box has volume 0.5^m / m!.
      double fact = 1.0;
      for (std::size_t i = 2; i <= m; ++i) fact *= static_cast<double>(i);
      p.true_front_hypervolume = ref_volume - std::pow(0.5, static_cast<double>(m)) / fact;
    } else {
      // Front: the unit sphere's positive orthant, of volume pi^(m/2) / Gamma(m/2 + 1) / 2^m.
      const double md = static_cast<double>(m);
      p.true_front_hypervolume = ref_volume - std::pow(kPi, md / 2.0) / std::tgamma(md / 2.0 + 1.0) / std::pow(2.0, md);
    }
    p.objectives = [one, m](const Vec& x) {
      const std::size_t k0 = m - 1;  // first distance variable
      double g = 0.0;
      for (std::size_t i = k0; i < x.size(); ++i) {
        const double d = x[i] - 0.5;
        g += one ? d * d - std::cos(20.0 * kPi * d) : d * d;
      }
      if (one) g = 100.0 * (static_cast<double>(x.size() - k0) + g);
      Vec f(m);
      for (std::size_t j = 0; j < m; ++j) {  // objective j+1
        double v = one ? 0.5 * (1.0 + g) : 1.0 + g;
        const std::size_t prod_n = m - 1 - j;
        for (std::size_t i = 0; i < prod_n; ++i) v *= one ? x[i] : std::cos(x[i] * kPi / 2.0);
        if (j > 0) v *= one ? 1.0 - x[prod_n] : std::sin(x[prod_n] * kPi / 2.0);
        f[j] = v;
      }
      return f;
    };
    return p;
  }
  if (name == "bnh") {
    if (n == 0) n = 2;
    check_n(name, n, 2, 2);
    Problem p = box(name, 2, 0.0, 5.0, 2, 0.0);
    p.upper[1] = 3.0;
    p.reference = {140.0, 55.0};
    p.true_front_hypervolume = kNaN;
    p.objectives = [](const Vec& x) {
      return Vec{4 * x[0] * x[0] + 4 * x[1] * x[1], (x[0] - 5) * (x[0] - 5) + (x[1] - 5) * (x[1] - 5)};
    };
    p.constraints = [](const Vec& x) {
      return Vec{(x[0] - 5) * (x[0] - 5) + x[1] * x[1] - 25.0, 7.7 - (x[0] - 8) * (x[0] - 8) - (x[1] + 3) * (x[1] + 3)};
    };
    return p;
  }
  if (name == "tnk") {
    if (n == 0) n = 2;
    check_n(name, n, 2, 2);
    Problem p = box(name, 2, 0.0, kPi, 2, 1.2);
    p.true_front_hypervolume = kNaN;
    p.objectives = [](const Vec& x) { return Vec{x[0], x[1]}; };
    p.constraints = [](const Vec& x) {
      const double c1 = x[0] * x[0] + x[1] * x[1] - 1.0 - 0.1 * std::cos(16.0 * std::atan2(x[0], x[1]));
      const double c2 = (x[0] - 0.5) * (x[0] - 0.5) + (x[1] - 0.5) * (x[1] - 0.5) - 0.5;
      return Vec{-c1, c2};
    };
    return p;
  }
  const auto names = problem_names();
  const auto near = nearest_word(name, names);
  std::string expected = "one of";
  for (std::size_t i = 0; i < names.size(); ++i) expected += (i ? ", " : " ") + names[i];
  if (near) expected = "\"" + *near + "\" (" + expected + ")";
  throw ConfigError("", "moo-bench --problem", "unknown test problem", expected, "\"" + name + "\"");
}

}  // namespace nas4ml::search
