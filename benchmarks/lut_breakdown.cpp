// Where a network's estimated LUT and FF go, per layer, with `"sharing": "none"` and `"cse"`
// (the `rtl` estimator's counts, src/estimate/rtl_counts.cpp, read node by node): adders that
// feed one neuron (its own tree) and adders that feed several (shared), each by adder level,
// with their XOR bit pairs (LUT), carry-chain bits and output bits; the adders that add the
// bias constant; saturating casts and activation ROMs; flip-flops inside the layer (pipeline
// registers between adder levels) and at its output. The totals per layer are the estimator's.
//   lut_breakdown model.q.json [--clock-ns 5] [--levels-per-stage K] [--sharing-effort E] [--width-weights] [--cut]
// --width-weights adds a third report: `cse` with the width-weighted pattern choice
// (LoweringOptions::sharing_width_weights). --cut adds, per layer of two or more cycles, the
// register bits crossing its inner stage boundaries as built and at the minimum cut
// (register_cut.hpp). The last line counts the XOR pairs of positions where an operand repeats
// its sign bit (sign extension, which nonnegative sums remove: docs/netlist.md).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "nas4ml/core/error.hpp"
#include "nas4ml/estimate/rtl_counts.hpp"
#include "nas4ml/netlist/lower.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"
#include "register_cut.hpp"

using namespace nas4ml;
using netlist::Node;
using netlist::NodeKind;

namespace {

struct Bucket {
  int adders = 0;
  double lut = 0, pairs = 0, carry_bits = 0, width = 0, sext = 0;
};

/// XOR positions of adder x where an operand bit repeats that operand's bit below (its sign).
int sign_extension_pairs(const netlist::Netlist& n, const Node& x) {
  auto lit = [&](const netlist::Operand& o, int i, bool flip) -> std::uint32_t {
    const Node& s = n.nodes[static_cast<std::size_t>(o.node)];
    const int j = i - o.shift;
    std::uint32_t l = j < 0 ? 0u : n.literals[s.first_bit + static_cast<std::uint32_t>(std::min(j, s.width - 1))];
    return flip ? l ^ 1u : l;
  };
  const bool sub = x.kind == NodeKind::sub;
  int count = 0;
  for (int i = std::max<int>(1, x.adder.carry_from); i < x.width - 1; ++i) {
    const auto a = lit(x.a, i, false), b = lit(x.b, i, sub);
    if (a < 2 || b < 2 || (a ^ b) <= 1) continue;
    const bool ra = i - x.a.shift >= n.nodes[static_cast<std::size_t>(x.a.node)].width;
    const bool rb = i - x.b.shift >= n.nodes[static_cast<std::size_t>(x.b.node)].width;
    count += ra || rb;
  }
  return count;
}

/// Per node: how many neurons' casts read it (through adders and registers), capped at 2.
std::vector<int> readers(const netlist::Netlist& n, const netlist::NetlistLayer& l) {
  std::vector<int> count(n.nodes.size(), 0);
  std::vector<int> mark(n.nodes.size(), -1);
  for (int id = l.first_node; id < l.end_node; ++id) {
    const Node& c = n.nodes[static_cast<std::size_t>(id)];
    if (c.kind != NodeKind::cast) continue;
    std::vector<int> stack{c.a.node};
    while (!stack.empty()) {
      const int x = stack.back();
      stack.pop_back();
      if (x < l.first_node || mark[static_cast<std::size_t>(x)] == id) continue;
      mark[static_cast<std::size_t>(x)] = id;
      count[static_cast<std::size_t>(x)] = std::min(2, count[static_cast<std::size_t>(x)] + 1);
      const Node& nx = n.nodes[static_cast<std::size_t>(x)];
      if (nx.kind == NodeKind::add || nx.kind == NodeKind::sub) {
        stack.push_back(nx.a.node);
        stack.push_back(nx.b.node);
      } else if (nx.kind == NodeKind::reg) {
        stack.push_back(nx.a.node);
      }
    }
  }
  return count;
}

void report(const nn::QuantizedModel& model, netlist::Sharing sharing, double clock_ns, int K, bool weights, bool cut,
            int effort) {
  netlist::LoweringOptions lo;
  lo.sharing_effort = effort;
  lo.sharing_width_weights = weights;
  lo.clock_ns = clock_ns;
  lo.levels_per_stage = K;
  lo.sharing = sharing;
  const netlist::Netlist n = netlist::lower(model, lo);
  const auto est = estimate::count_netlist(n);
  std::printf("== sharing %s%s: latency %d cycles\n", netlist::to_string(sharing).c_str(), weights ? " (width-weighted)" : "",
              n.latency_cycles);
  double total_lut = 0, total_ff = 0, total_sext = 0, total_pairs = 0;
  std::int64_t cut_built = 0, cut_least = 0;
  for (std::size_t k = 0; k < n.layers.size(); ++k) {
    const auto& l = n.layers[k];
    const auto rd = readers(n, l);
    std::map<std::pair<int, int>, Bucket> by;  // (shared?, level) -> adders
    Bucket bias;
    int ff_inner = 0, ff_out = 0, regs_inner = 0;
    std::map<int, std::pair<int, int>> inner_by_stage;  // register stage -> (registers, flip-flops)
    for (int id = l.first_node; id < l.end_node; ++id) {
      const Node& x = n.nodes[static_cast<std::size_t>(id)];
      auto live = [&](int j) { return n.live[x.first_bit + static_cast<std::uint32_t>(j)] != 0; };
      int live_any = 0;
      for (int j = 0; j < x.width; ++j) live_any += live(j);
      if ((x.kind == NodeKind::add || x.kind == NodeKind::sub) && live_any) {
        const bool with_const = n.nodes[static_cast<std::size_t>(x.a.node)].kind == NodeKind::constant ||
                                n.nodes[static_cast<std::size_t>(x.b.node)].kind == NodeKind::constant;
        Bucket& b = with_const ? bias : by[{rd[static_cast<std::size_t>(id)] >= 2 ? 1 : 0, x.level}];
        ++b.adders;
        b.lut += x.adder.new_pairs;
        b.pairs += x.adder.xor_pairs;
        b.carry_bits += x.adder.live_bits;
        b.width += x.width;
        b.sext += sign_extension_pairs(n, x);
      } else if (x.kind == NodeKind::reg) {
        const NodeKind src = n.nodes[static_cast<std::size_t>(x.a.node)].kind;
        int ffs = 0;
        for (int j = 0; j < x.width; ++j) ffs += live(j);
        const bool output = src == NodeKind::relu || src == NodeKind::cast || src == NodeKind::lookup || x.neuron >= 0;
        if (output) ff_out += ffs;
        else {
          ff_inner += ffs;
          ++regs_inner;
          auto& st = inner_by_stage[x.stage - l.first_stage];
          ++st.first;
          st.second += ffs;
        }
      }
    }
    double adder_lut = bias.lut;
    for (const auto& [key, b] : by) adder_lut += b.lut, total_sext += b.sext, total_pairs += b.pairs;
    const auto& e = est[k];
    std::printf("layer %zu (%d -> %d, K %d, levels %d, %d cycles): LUT %.0f = adders %.0f + casts/ROMs %.0f; "
                "FF %.0f (SRL %.0f) = inner %d in %d regs + output/pass %d; CARRY4 %.0f; adders %d\n",
                k, l.n_in, l.n_out, l.levels_per_stage, l.adder_levels, l.output_stage - l.first_stage, e.lut,
                adder_lut, e.lut - adder_lut, e.ff, e.srl, ff_inner, regs_inner, ff_out, e.carry, e.adders);
    for (const auto& [stage, c] : inner_by_stage)
      std::printf("   inner registers into stage +%d: %d registers, %d flip-flops\n", stage, c.first, c.second);
    for (const auto& [key, b] : by)
      std::printf("   %-6s level %2d: %4d adders, LUT %6.0f (XOR pairs %6.0f), carry bits %6.0f, out bits %6.0f, "
                  "LUT/adder %.1f\n",
                  key.first ? "shared" : "own", key.second, b.adders, b.lut, b.pairs, b.carry_bits, b.width,
                  b.adders ? b.lut / b.adders : 0.0);
    std::printf("   + constant: %4d adders, LUT %6.0f (XOR pairs %6.0f), carry bits %6.0f\n", bias.adders, bias.lut,
                bias.pairs, bias.carry_bits);
    if (cut) {
      const bench::RegisterCut c = bench::register_cut(n, l);
      if (c.multi_cycle) {
        std::printf("   register cut: %lld bits as built, %lld at the minimum cut\n", static_cast<long long>(c.as_built),
                    static_cast<long long>(c.least));
        cut_built += c.as_built;
        cut_least += c.least;
      }
    }
    total_lut += e.lut;
    total_ff += e.ff;
  }
  std::printf("total LUT %.0f FF %.0f\n", total_lut, total_ff);
  std::printf("sign-extension XOR positions %.0f of %.0f XOR pairs\n", total_sext, total_pairs);
  if (cut)
    std::printf("register cut of the multi-cycle layers: %lld bits as built, %lld at the minimum cut\n",
                static_cast<long long>(cut_built), static_cast<long long>(cut_least));
}

int run(int argc, char** argv) {
  std::string path;
  double clock_ns = 5.0;
  int K = 0;
  bool weights = false, cut = false;
  int effort = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--clock-ns" && i + 1 < argc) clock_ns = std::atof(argv[++i]);
    else if (a == "--levels-per-stage" && i + 1 < argc) K = std::atoi(argv[++i]);
    else if (a == "--width-weights") weights = true;
    else if (a == "--cut") cut = true;
    else if (a == "--sharing-effort" && i + 1 < argc) effort = std::atoi(argv[++i]);
    else path = a;
  }
  if (path.empty()) {
    std::fprintf(stderr, "error: lut_breakdown: expected a model file, got no argument\n");
    return 2;
  }
  const nn::QuantizedModel model = nn::load_quantized_model(path);
  for (auto s : {netlist::Sharing::none, netlist::Sharing::cse}) report(model, s, clock_ns, K, false, cut, effort);
  if (weights) report(model, netlist::Sharing::cse, clock_ns, K, true, cut, effort);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
}
