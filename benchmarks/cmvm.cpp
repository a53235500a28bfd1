// The CMVM benchmark (constant matrix-vector multiplication): random N x N matrices of 8-bit
// signed integers, uniform in [-128, 127] (`--entries signed`, the default), or integers uniform
// in [129, 255] (`--entries da4ml`: the matrices of da4ml's published table 2, whose artifact
// draws floor(127 u) + 129, u uniform in [0, 1)), each lowered as one N -> N layer (8-bit integer
// inputs, no bias, linear output wide enough never to overflow) by the netlist lowering. Reports
// per N and per delay limit dc the mean number of adders (add/sub nodes), the mean adder depth
// of the layer and the median lowering time (thread CPU time), for `"sharing": "none"` (every weight's CSD terms in
// per-neuron trees) and `"sharing": "cse"`, beside the published da4ml and H_cmvm figures
// (benchmarks/README.md). Every lowered netlist is simulated on random and extreme inputs and
// compared with the integer product (exit 1 on a mismatch). The row "cse dc=0/row" is the search
// alone (netlist::share_subexpressions, adders = netlist::cmvm_adders) with dc = 0 read per output:
// each output within its own ceil(log2 terms), the literature's reading of a minimum depth.
// The rows "search alone", "cols+search", "rows+search", "both+search" are the search alone at
// dc = -1 without and with the spanning-tree factorings (netlist::Factoring); their graphs are
// evaluated against the integer product on the first ten matrices (exit 1 on a mismatch).
// The rows "effort E dc=D" are netlist::search_subexpressions (the best of E runs, cmvm_search.hpp)
// at dc = D, adders = netlist::cmvm_adders, graphs checked the same way; "cse E32" rows are the
// lowering with LoweringOptions::sharing_effort = E ("cse E32"). "cse wide" is the lowering with the
// width-weighted pattern choice (LoweringOptions::sharing_width_weights).
// `--efforts` and `--efforts-dc0` list the E of the "effort E" rows at dc = -1 and 0; `--rows
// effort` prints only those rows (the lowerings and the factorings are skipped).
//   cmvm [--matrices M] [--sizes 4,8,16,32] [--seed S] [--entries signed|da4ml]
//        [--efforts 8,32,128] [--efforts-dc0 8,32] [--rows all|effort]
#include <algorithm>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "nas4ml/core/error.hpp"
#include "nas4ml/core/rng.hpp"
#include "nas4ml/netlist/cmvm.hpp"
#include "nas4ml/netlist/cmvm_search.hpp"
#include "nas4ml/netlist/lower.hpp"
#include "nas4ml/netlist/simulate.hpp"

using namespace nas4ml;

namespace {

/// Where the matrices' entries are drawn from.
enum class Entries { signed8, da4ml };

nn::QuantizedModel random_matrix_model(int n, Entries entries, Rng& rng) {
  nn::QuantizedModel m;
  m.name = "cmvm";
  m.n_inputs = n;
  m.input_format = FixedFormat{8, 8};
  nn::QuantizedLayer l;
  l.n_in = l.n_out = n;
  l.activation = nn::Activation::linear;
  l.weight_format = entries == Entries::signed8 ? FixedFormat{8, 8} : FixedFormat{9, 9};
  l.bias_format = FixedFormat{8, 8};
  l.result_format = FixedFormat{32, 32};
  for (int i = 0; i < n * n; ++i)
    l.weights.push_back(entries == Entries::signed8 ? static_cast<std::int64_t>(rng.below(256)) - 128
                                                    : static_cast<std::int64_t>(rng.below(127)) + 129);
  for (auto w : l.weights) l.mask.push_back(w != 0);
  l.biases.assign(static_cast<std::size_t>(n), 0);
  m.layers.push_back(l);
  return m;
}

/// Netlist outputs == W x on `trials` random inputs and the two extreme ones; every bit origin checked.
bool exact(const nn::QuantizedModel& m, const netlist::Netlist& net, Rng& rng, int trials) {
  const auto& l = m.layers[0];
  for (int t = 0; t < trials + 2; ++t) {
    std::vector<std::int64_t> x(static_cast<std::size_t>(m.n_inputs));
    for (auto& v : x) v = t == 0 ? -128 : t == 1 ? 127 : static_cast<std::int64_t>(rng.below(256)) - 128;
    const auto values = netlist::simulate_nodes(net, x);
    netlist::check_bit_origins(net, values);
    const auto y = netlist::simulate(net, x);
    for (int o = 0; o < l.n_out; ++o) {
      std::int64_t want = 0;
      for (int i = 0; i < l.n_in; ++i) want += l.weight(o, i) * x[static_cast<std::size_t>(i)];
      if (y[static_cast<std::size_t>(o)] != want) return false;
    }
  }
  return true;
}

/// The search's graph evaluated on `trials` random 8-bit inputs (and the two extremes) == W x.
bool exact_graph(const netlist::CmvmGraph& g, const std::vector<std::int64_t>& w, int cols, Rng& rng, int trials) {
  std::vector<std::int64_t> v(g.depth.size());
  for (int t = 0; t < trials + 2; ++t) {
    for (int i = 0; i < cols; ++i)
      v[std::size_t(i)] = t == 0 ? -128 : t == 1 ? 127 : static_cast<std::int64_t>(rng.below(256)) - 128;
    for (std::size_t k = 0; k < g.ops.size(); ++k) {
      const auto& op = g.ops[k];
      const std::int64_t b = v[std::size_t(op.b)] * (std::int64_t{1} << op.shift);
      v[std::size_t(cols) + k] = op.subtract ? v[std::size_t(op.a)] - b : v[std::size_t(op.a)] + b;
    }
    for (std::size_t r = 0; r < g.rows.size(); ++r) {
      std::int64_t y = 0, want = 0;
      for (const auto& term : g.rows[r]) {
        const std::int64_t x = v[std::size_t(term.signal)] * (std::int64_t{1} << term.shift);
        y += term.negative ? -x : x;
      }
      for (int i = 0; i < cols; ++i) want += w[r * std::size_t(cols) + std::size_t(i)] * v[std::size_t(i)];
      if (y != want) return false;
    }
  }
  return true;
}

/// Thread CPU time in ms (on a shared host the wall clock also counts waiting for a core).
double cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
}

struct Row {
  double adders = 0, depth = 0;
  bool graph = false;      // a row of the search's graphs (not of the lowering's netlists)
  double zero_terms = 0;   // graph rows: rows summed as 0 - (...) (counted in adders)
  std::vector<double> ms;
};

}  // namespace

int main(int argc, char** argv) {
  int matrices = 100;
  std::uint64_t seed = 1;
  std::vector<int> sizes = {4, 8, 16, 32};
  Entries entries = Entries::signed8;
  std::vector<int> efforts_m1 = {8, 32, 128}, efforts_0 = {8, 32};
  bool all_rows = true;
  // A comma-separated list of integers in [lo, hi] into out; false (message printed) when not.
  const auto parse_list = [](const std::string& arg, const std::string& v, long lo, long hi, std::vector<int>& out) {
    out.clear();
    std::stringstream ss(v);
    for (std::string s; std::getline(ss, s, ',');) {
      char* end = nullptr;
      const long n = std::strtol(s.c_str(), &end, 10);
      if (s.empty() || *end || n < lo || n > hi) {
        std::fprintf(stderr, "error: %s: expected integers in [%ld, %ld], got %s\n", arg.c_str(), lo, hi, s.c_str());
        return false;
      }
      out.push_back(static_cast<int>(n));
    }
    return true;
  };
  for (int a = 1; a < argc; ++a) {
    const std::string arg = argv[a];
    if (a + 1 >= argc) {
      std::fprintf(stderr, "error: %s: expected a value after it, got nothing\n", arg.c_str());
      return 2;
    }
    const std::string v = argv[++a];
    char* end = nullptr;
    if (arg == "--matrices") {
      matrices = static_cast<int>(std::strtol(v.c_str(), &end, 10));
      if (*end || matrices < 1) { std::fprintf(stderr, "error: --matrices: expected an integer >= 1, got %s\n", v.c_str()); return 2; }
    } else if (arg == "--seed") {
      seed = std::strtoull(v.c_str(), &end, 10);
      if (*end) { std::fprintf(stderr, "error: --seed: expected an integer, got %s\n", v.c_str()); return 2; }
    } else if (arg == "--sizes") {
      if (!parse_list(arg, v, 1, 256, sizes)) return 2;
    } else if (arg == "--efforts") {
      if (!parse_list(arg, v, 1, netlist::kMaxSharingEffort, efforts_m1)) return 2;
    } else if (arg == "--efforts-dc0") {
      if (!parse_list(arg, v, 1, netlist::kMaxSharingEffort, efforts_0)) return 2;
    } else if (arg == "--entries") {
      if (v != "signed" && v != "da4ml") { std::fprintf(stderr, "error: --entries: expected signed or da4ml, got %s\n", v.c_str()); return 2; }
      entries = v == "signed" ? Entries::signed8 : Entries::da4ml;
    } else if (arg == "--rows") {
      if (v != "all" && v != "effort") { std::fprintf(stderr, "error: --rows: expected all or effort, got %s\n", v.c_str()); return 2; }
      all_rows = v == "all";
    } else {
      std::fprintf(stderr, "error: %s: expected --matrices, --sizes, --seed, --entries, --efforts, --efforts-dc0 or --rows\n", arg.c_str());
      return 2;
    }
  }
  struct Setting { const char* name; netlist::Sharing sharing; int dc; int effort = 1; bool weights = false; };
  const Setting settings[] = {{"none", netlist::Sharing::none, -1}, {"cse dc=-1", netlist::Sharing::cse, -1},
                              {"cse dc=0", netlist::Sharing::cse, 0}, {"cse dc=1", netlist::Sharing::cse, 1},
                              {"cse E32 dc=-1", netlist::Sharing::cse, -1, 32}, {"cse E32 dc=0", netlist::Sharing::cse, 0, 32},
                              {"cse wide dc=-1", netlist::Sharing::cse, -1, 1, true}, {"cse wide dc=0", netlist::Sharing::cse, 0, 1, true}};
  std::printf("%d matrices per N, entries %s, seed %llu\n", matrices,
              entries == Entries::signed8 ? "8-bit signed uniform in [-128, 127]" : "uniform in [129, 255] (da4ml's table 2)",
              static_cast<unsigned long long>(seed));
  // "0-rows": rows whose terms are all negative, summed as 0 - (...) with one adder more than
  // terms - 1 (counted in adders); where an output's negation is free (da4ml's count), adders
  // minus 0-rows.
  std::printf("%4s  %-16s %10s %8s %12s %8s\n", "N", "lowering", "adders", "depth", "median ms", "0-rows");
  for (int n : sizes) {
    Rng rng = Rng::stream(seed, 0, static_cast<std::uint64_t>(n), "bench.cmvm");
    Rng check = Rng::stream(seed, 1, static_cast<std::uint64_t>(n), "bench.cmvm.check");
    std::vector<Row> rows(std::size(settings));
    Row per_row;
    const netlist::Factoring factorings[] = {netlist::Factoring::none, netlist::Factoring::columns,
                                             netlist::Factoring::rows, netlist::Factoring::both};
    const char* factoring_names[] = {"search alone", "cols+search", "rows+search", "both+search"};
    std::vector<Row> factored(std::size(factorings));
    struct Effort { int effort, dc; std::string name; };
    std::vector<Effort> efforts;
    for (int e : efforts_m1) efforts.push_back({e, -1, "effort " + std::to_string(e) + " dc=-1"});
    for (int e : efforts_0) efforts.push_back({e, 0, "effort " + std::to_string(e) + " dc=0"});
    std::vector<Row> searched(efforts.size());
    for (int t = 0; t < matrices; ++t) {
      const auto model = random_matrix_model(n, entries, rng);
      for (std::size_t s = 0; all_rows && s < std::size(settings); ++s) {
        netlist::LoweringOptions o;
        o.sharing = settings[s].sharing;
        o.sharing_effort = settings[s].effort;
        o.sharing_width_weights = settings[s].weights;
        auto model_dc = model;
        model_dc.layers[0].dc = settings[s].dc;
        o.levels_per_stage = 64;  // no pipeline registers: adders only
        const double t0 = cpu_ms();
        const auto net = netlist::lower(model_dc, o);
        rows[s].ms.push_back(cpu_ms() - t0);
        for (const auto& node : net.nodes)
          rows[s].adders += node.kind == netlist::NodeKind::add || node.kind == netlist::NodeKind::sub;
        rows[s].depth += net.layers[0].adder_levels;
        if (t < 10 && !exact(model, net, check, 20)) {
          std::fprintf(stderr, "error: N = %d, matrix %d, %s: the netlist differs from the integer product\n", n, t,
                       settings[s].name);
          return 1;
        }
      }
      std::vector<std::int64_t> w;
      const auto& l = model.layers[0];
      for (int o = 0; o < l.n_out; ++o)
        for (int i = 0; i < l.n_in; ++i) w.push_back(l.weight(o, i));
      for (std::size_t f = 0; all_rows && f < std::size(factorings); ++f) {  // dc = -1, the search alone
        const double t1 = cpu_ms();
        const auto gf = netlist::share_subexpressions(w, l.n_out, l.n_in, {}, -1, netlist::DelayScope::layer, factorings[f]);
        factored[f].ms.push_back(cpu_ms() - t1);
        factored[f].adders += static_cast<double>(netlist::cmvm_adders(gf));
        factored[f].graph = true;
        factored[f].zero_terms += static_cast<double>(std::count(gf.zero_term.begin(), gf.zero_term.end(), 1));
        int d = 0;
        for (int o = 0; o < l.n_out; ++o) d = std::max(d, netlist::cmvm_row_depth(gf, o));
        factored[f].depth += d;
        if (t < 10 && !exact_graph(gf, w, l.n_in, check, 20)) {
          std::fprintf(stderr, "error: N = %d, matrix %d, %s: the graph differs from the integer product\n", n, t,
                       factoring_names[f]);
          return 1;
        }
      }
      for (std::size_t e = 0; e < efforts.size(); ++e) {  // the wider search
        const double t1 = cpu_ms();
        const auto ge = netlist::search_subexpressions(w, l.n_out, l.n_in, {}, efforts[e].dc, efforts[e].effort);
        searched[e].ms.push_back(cpu_ms() - t1);
        searched[e].adders += static_cast<double>(netlist::cmvm_adders(ge));
        searched[e].graph = true;
        searched[e].zero_terms += static_cast<double>(std::count(ge.zero_term.begin(), ge.zero_term.end(), 1));
        searched[e].depth += netlist::cmvm_depth(ge);
        if (t < 10 && !exact_graph(ge, w, l.n_in, check, 20)) {
          std::fprintf(stderr, "error: N = %d, matrix %d, %s: the graph differs from the integer product\n", n, t,
                       efforts[e].name.c_str());
          return 1;
        }
      }
      if (!all_rows) continue;
      const double t0 = cpu_ms();
      const auto g = netlist::share_subexpressions(w, l.n_out, l.n_in, {}, 0, netlist::DelayScope::row);
      per_row.ms.push_back(cpu_ms() - t0);
      per_row.adders += static_cast<double>(netlist::cmvm_adders(g));
      int depth = 0;
      for (int o = 0; o < l.n_out; ++o) depth = std::max(depth, netlist::cmvm_row_depth(g, o));
      per_row.depth += depth;
    }
    std::vector<std::string> names;
    for (const auto& s : settings) names.push_back(s.name);
    names.push_back("cse dc=0/row");
    rows.push_back(per_row);
    for (std::size_t f = 0; f < std::size(factorings); ++f) {
      names.push_back(factoring_names[f]);
      rows.push_back(factored[f]);
    }
    if (!all_rows) {  // the effort rows alone
      names.clear();
      rows.clear();
    }
    for (std::size_t e = 0; e < efforts.size(); ++e) {
      names.push_back(efforts[e].name);
      rows.push_back(searched[e]);
    }
    for (std::size_t s = 0; s < rows.size(); ++s) {
      auto& ms = rows[s].ms;
      std::nth_element(ms.begin(), ms.begin() + static_cast<std::ptrdiff_t>(ms.size() / 2), ms.end());
      std::printf("%4d  %-16s %10.1f %8.2f %12.3f", n, names[s].c_str(), rows[s].adders / matrices,
                  rows[s].depth / matrices, ms[ms.size() / 2]);
      if (rows[s].graph) std::printf(" %8.2f", rows[s].zero_terms / matrices);
      std::printf("\n");
    }
  }
  return 0;
}
