// C simulation of generated HLS projects against Xilinx's ap_types headers (the oracle of what
// Vitis HLS's csim computes): bit-exact with the golden integer model on 1,000 samples for format
// sets covering AP_TRN/AP_RND, AP_WRAP/AP_SAT, 2- to 18-bit weights, pruned layers, reuse factors
// 1/2/4 and both strategies.
#include <catch2/catch.hpp>

#include <filesystem>

#include "firmware/random_model.hpp"
#include "nas4ml/firmware/hls_writer.hpp"
#include "nas4ml/nn/golden_inference.hpp"
#include "nas4ml/synth/hls_csim.hpp"
#include "support/temp_dir.hpp"

using namespace nas4ml;

namespace {

void require_ap_types() {
  const auto dir = synth::default_ap_types_dir();
  if (!std::filesystem::exists(dir / "ap_fixed.h"))
    FAIL("Xilinx's ap_types headers are missing: expected ap_fixed.h in "
         << dir << " (CMake cache variable NAS4ML_AP_TYPES_DIR, default ../shared/third_party/ap_types/include "
         << "beside the repository, or $NAS4ML_AP_TYPES); get them from "
         << "github.com/Xilinx/HLS_arbitrary_Precision_Types (include/)");
}

struct Case {
  const char* name;
  test::RandomModelSpec spec;
  std::vector<int> reuse;  // per layer
  nn::Strategy strategy = nn::Strategy::latency;
};

FixedFormat fmt(int w, int i, bool sign, Rounding r, Overflow o) { return FixedFormat{w, i, sign, r, o}; }

synth::CsimReport csim(const Case& c, std::size_t rows, const std::filesystem::path& dir) {
  nn::QuantizedModel m = test::random_model(c.spec);
  for (std::size_t k = 0; k < m.layers.size(); ++k) {
    m.layers[k].reuse_factor = c.reuse.at(k);
    m.layers[k].strategy = c.strategy;
  }
  const auto project = firmware::write_hls_project(m);
  firmware::save_hls_project(project, dir);
  firmware::save_hls_testbench_data(firmware::make_test_vectors(m, test::random_inputs(m, rows, c.spec.seed + 7)), dir);
  return synth::run_hls_csim(dir, project.project);
}

}  // namespace

TEST_CASE("generated HLS projects C-simulate bit-exactly with the golden model", "[synth][hls][csim]") {
  require_ap_types();
  const auto T = Rounding::truncate, R = Rounding::round_half_up;
  const auto W = Overflow::wrap, S = Overflow::saturate;
  std::vector<Case> cases;
  {  // hls defaults (AP_TRN, AP_WRAP) everywhere; narrow results so sums wrap; reuse 1
    Case c{"trn-wrap-6bit", {}, {1, 1}};
    c.spec.sizes = {8, 6, 3};
    c.spec.weight = fmt(6, 1, true, T, W);
    c.spec.hidden_result = fmt(6, 2, true, T, W);
    c.spec.output_result = fmt(7, 3, true, T, W);
    cases.push_back(c);
  }
  {  // rounding and saturation, 2-bit weights, reuse 2
    Case c{"rnd-sat-2bit", {}, {2, 2, 2}};
    c.spec.sizes = {10, 8, 6, 4};
    c.spec.input = fmt(10, 4, true, R, S);
    c.spec.weight = fmt(2, 1, true, R, S);
    c.spec.hidden_result = fmt(6, 2, true, R, S);
    c.spec.output_result = fmt(8, 3, true, R, S);
    c.spec.seed = 2;
    cases.push_back(c);
  }
  {  // 18-bit weights, resource strategy, reuse 4, unsigned ReLU results
    Case c{"18bit-resource-r4", {}, {4, 4}, nn::Strategy::resource};
    c.spec.sizes = {12, 9, 5};
    c.spec.weight = fmt(18, 2, true, R, S);
    c.spec.bias = fmt(12, 4, true, T, W);
    c.spec.hidden_result = fmt(9, 4, false, R, S);
    c.spec.output_result = fmt(16, 6, true, T, S);
    c.spec.seed = 3;
    cases.push_back(c);
  }
  {  // heavily pruned (90 %), unsigned input, integer bits outside 0..W, latency with reuse 4
    Case c{"pruned-90-odd-formats", {}, {4, 1}};
    c.spec.sizes = {16, 12, 5};
    c.spec.input = fmt(8, 10, false, T, W);
    c.spec.weight = fmt(5, -1, true, T, W);
    c.spec.hidden_result = fmt(8, 6, true, R, W);
    c.spec.output_result = fmt(6, 4, true, T, S);
    c.spec.sparsity = 0.9;
    c.spec.seed = 4;
    cases.push_back(c);
  }
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      test::TempDir tmp;
      const auto r = csim(c, 1000, tmp.path());
      CHECK(r.samples == 1000);
      CHECK(r.checked == 1000 * static_cast<std::size_t>(c.spec.sizes.back()));
      CHECK(r.mismatches == 0);
    }
  }
}

TEST_CASE("C simulation reports a mismatch when the expected outputs are wrong", "[synth][hls][csim]") {
  require_ap_types();
  test::TempDir tmp;
  test::RandomModelSpec spec;
  const nn::QuantizedModel m = test::random_model(spec);
  firmware::save_hls_project(firmware::write_hls_project(m), tmp.path());
  auto v = firmware::make_test_vectors(m, test::random_inputs(m, 50, 1));
  v.outputs_raw[7] += 1;  // one wrong expected value
  firmware::save_hls_testbench_data(v, tmp.path());
  const auto r = synth::run_hls_csim(tmp.path(), "nas4ml_top");
  CHECK(r.samples == 50);
  CHECK(r.mismatches == 1);
  CHECK_FALSE(r.ok());
}

TEST_CASE("C simulation without the ap_types headers says where they should be", "[synth][hls][csim]") {
  test::TempDir tmp;
  synth::CsimOptions o;
  o.ap_types_dir = tmp.path() / "nowhere";
  try {
    synth::run_hls_csim(tmp.path(), "nas4ml_top", o);
    FAIL("expected a ToolError");
  } catch (const ToolError& e) {
    CHECK(std::string(e.what()).find("nowhere") != std::string::npos);
    CHECK(std::string(e.what()).find("HLS_arbitrary_Precision_Types") != std::string::npos);
  }
}

TEST_CASE("ROM activations C-simulate bit-exactly with the golden model", "[synth][hls][csim][activation]") {
  require_ap_types();
  const auto T = Rounding::truncate, R = Rounding::round_half_up;
  const auto W = Overflow::wrap, S = Overflow::saturate;
  struct ActCase {
    const char* name;
    test::RandomModelSpec spec;
    std::vector<nn::Activation> hidden;
  };
  std::vector<ActCase> cases;
  {  // signed 8-bit results, rounding and saturation: the hls4ml-style tables and hard_tanh
    ActCase c{"tanh-sigmoid-hard_tanh", {}, {nn::Activation::tanh, nn::Activation::sigmoid, nn::Activation::hard_tanh}};
    c.spec.sizes = {6, 7, 5, 4, 3};
    c.spec.input = fmt(10, 4, true, R, S);
    c.spec.hidden_result = fmt(8, 3, true, R, S);
    c.spec.seed = 21;
    cases.push_back(c);
  }
  {  // unsigned 7-bit results (truncating, wrapping) and a 12-bit signed one: leaky_relu, hard_sigmoid
    ActCase c{"hard_sigmoid-leaky_relu", {}, {nn::Activation::hard_sigmoid, nn::Activation::leaky_relu}};
    c.spec.sizes = {5, 6, 4, 2};
    c.spec.hidden_result = fmt(7, 2, false, T, W);
    c.spec.seed = 22;
    cases.push_back(c);
  }
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      test::TempDir tmp;
      nn::QuantizedModel m = test::random_model(c.spec);
      for (std::size_t k = 0; k < c.hidden.size(); ++k) m.layers[k].activation = c.hidden[k];
      if (c.hidden.back() == nn::Activation::leaky_relu) m.layers[1].result_format = fmt(12, 4, true, R, S);
      const auto project = firmware::write_hls_project(m);
      firmware::save_hls_project(project, tmp.path());
      const auto inputs = test::random_inputs(m, 1000, c.spec.seed + 7);
      firmware::save_hls_testbench_data(firmware::make_test_vectors(m, inputs), tmp.path());
      // The activations really act: the same network with linear hidden layers computes otherwise.
      nn::QuantizedModel linear = m;
      for (std::size_t k = 0; k < c.hidden.size(); ++k) linear.layers[k].activation = nn::Activation::linear;
      CHECK(firmware::make_test_vectors(m, inputs).outputs_raw != firmware::make_test_vectors(linear, inputs).outputs_raw);
      const auto r = synth::run_hls_csim(tmp.path(), project.project);
      CHECK(r.samples == 1000);
      CHECK(r.checked == 1000 * static_cast<std::size_t>(c.spec.sizes.back()));
      CHECK(r.mismatches == 0);
    }
  }
}
