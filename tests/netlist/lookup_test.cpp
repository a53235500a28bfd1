// Activations other than relu and linear become lookup ROMs (netlist/lookup.hpp): the lowered
// network equals the golden model bit for bit, every bit origin holds, and a ROM too wide is refused.
#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>

#include "nas4ml/core/error.hpp"
#include "nas4ml/netlist/lookup.hpp"
#include "nas4ml/netlist/lower.hpp"
#include "nas4ml/netlist/simulate.hpp"
#include "nas4ml/nn/activation.hpp"
#include "nas4ml/nn/golden_inference.hpp"
#include "netlist/random_model.hpp"

using namespace nas4ml;
using namespace nas4ml::netlist;

namespace {
const nn::Activation kRom[] = {nn::Activation::leaky_relu, nn::Activation::hard_sigmoid, nn::Activation::hard_tanh,
                               nn::Activation::tanh, nn::Activation::sigmoid};

nn::QuantizedModel model_with(nn::Activation a, const char* result, std::uint64_t seed) {
  Rng rng = Rng::stream(seed, 0, 0, "netlist.lookup");
  nn::QuantizedModel m = test::random_model(rng, {6, 8, 5, 3}, parse_fixed_format("ap_fixed<8,3>"),
                                            parse_fixed_format("ap_fixed<5,1>"), parse_fixed_format("ap_fixed<8,3>"),
                                            parse_fixed_format(result), 0.2);
  for (std::size_t k = 0; k + 1 < m.layers.size(); ++k) m.layers[k].activation = a;
  return m;
}
}  // namespace

TEST_CASE("lookup ROMs of every activation equal the golden model bit for bit", "[netlist][lookup][golden]") {
  const char* formats[] = {"ap_fixed<8,3>", "ap_fixed<7,2,AP_RND,AP_SAT>", "ap_fixed<10,4,AP_TRN,AP_SAT>"};
  for (nn::Activation a : kRom) {
    for (const char* rf : formats) {
      for (const bool cse : {false, true}) {
        const nn::QuantizedModel m = model_with(a, rf, 7);
        LoweringOptions opt;
        opt.levels_per_stage = 2;
        opt.sharing = cse ? Sharing::cse : Sharing::none;
        const Netlist n = lower(m, opt);
        const auto roms = std::count_if(n.nodes.begin(), n.nodes.end(), [](const Node& x) { return x.kind == NodeKind::lookup; });
        INFO(nn::to_string(a) << " " << rf << (cse ? " cse" : ""));
        CHECK(roms >= 8);  // one per live hidden neuron of the first layer at least
        Rng rng = Rng::stream(3, 0, 0, "netlist.lookup.inputs");
        std::size_t bits = 0, distinct = 0;
        std::vector<std::int64_t> first;
        for (int s = 0; s < 400; ++s) {
          const std::vector<std::int64_t> x = test::random_input(rng, m);
          const auto values = simulate_nodes(n, x);
          bits += check_bit_origins(n, values);
          std::vector<std::int64_t> out;
          for (NodeId o : n.outputs) out.push_back(values[static_cast<std::size_t>(o)]);
          REQUIRE(out == nn::golden_forward(m, x));
          const auto trace = nn::golden_trace(m, x);
          for (std::size_t k = 0; k < n.layers.size(); ++k)
            for (std::size_t o = 0; o < n.layers[k].outputs.size(); ++o)
              if (n.layers[k].outputs[o] != no_node)
                REQUIRE(values[static_cast<std::size_t>(n.layers[k].outputs[o])] == trace[k][o]);
          if (s == 0) first = out;
          distinct += out != first;
        }
        CHECK(bits > 0);
        CHECK(distinct > 100);
      }
    }
  }
}

TEST_CASE("a ROM's constant output bits are constants of the netlist", "[netlist][lookup]") {
  // sigmoid outputs are never negative: the sign bit of every ROM is a constant 0.
  const nn::QuantizedModel m = model_with(nn::Activation::sigmoid, "ap_fixed<8,3>", 9);
  const Netlist n = lower(m);
  int roms = 0;
  for (std::size_t i = 0; i < n.nodes.size(); ++i) {
    const Node& x = n.nodes[i];
    if (x.kind != NodeKind::lookup) continue;
    ++roms;
    CHECK(x.lo >= 0);
    CHECK(n.origins(static_cast<NodeId>(i)).back().kind == BitOrigin::Kind::zero);
  }
  CHECK(roms > 0);
  const LookupContents c = lookup_contents(nn::Activation::hard_sigmoid, parse_fixed_format("ap_fixed<8,3>"), -128, 127);
  CHECK(c.values.size() == 256);
  CHECK(c.lo == 0);
  CHECK(c.hi == 32);
  CHECK(c.values[128 + 32] == 22);
  // A leaky ReLU's output bit j reads the input's bit j, bit j + 3 and the sign: one LUT each.
  const LookupContents leaky = lookup_contents(nn::Activation::leaky_relu, parse_fixed_format("ap_fixed<8,3>"), -128, 127);
  REQUIRE(leaky.depends.size() == 8);
  for (std::size_t j = 0; j + 1 < leaky.depends.size(); ++j) {
    INFO("bit " << j);
    CHECK(std::popcount(leaky.depends[j]) <= 3);
    CHECK((leaky.depends[j] >> j & 1) == 1);
    CHECK((leaky.depends[j] >> 7 & 1) == 1);
  }
  CHECK(rom_luts(leaky, 0xFF) == 8.0);
  // tanh's bits depend on most of the address: more than one LUT per bit.
  const LookupContents t = lookup_contents(nn::Activation::tanh, parse_fixed_format("ap_fixed<8,3>"), -128, 127);
  CHECK(rom_luts(t, 0xFF) > 12.0);
}

TEST_CASE("a ROM over more than 2^12 input values is refused with the layer named", "[netlist][lookup][errors]") {
  const nn::QuantizedModel m = model_with(nn::Activation::tanh, "ap_fixed<16,6>", 11);
  try {
    lower(m);
    FAIL("no error");
  } catch (const ConfigError& e) {
    const std::string what = e.what();
    CHECK(what.find("$.layers[0].activation") != std::string::npos);
    CHECK(what.find("at most 12 bits") != std::string::npos);
  }
  CHECK(rom_bit_luts(4) == 1.0);
  CHECK(rom_bit_luts(8) == 4.0);
  CHECK(rom_bit_luts(10) == 17.0);
}
