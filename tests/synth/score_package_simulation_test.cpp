// The firmware package's top level of an autoencoder carries the anomaly score after the
// reconstruction on m_axis_tdata: its stream bench under Verilator (reset mid-stream, random
// back-pressure) is bit-exact with the golden outputs and the golden score, the latency is the
// core's + 2, and there is no class port.
#include <catch2/catch.hpp>

#include <algorithm>

#include "firmware/random_model.hpp"
#include "nas4ml/firmware/rtl_package.hpp"
#include "nas4ml/firmware/verilog_writer.hpp"
#include "nas4ml/netlist/lower.hpp"
#include "nas4ml/nn/anomaly_score.hpp"
#include "nas4ml/synth/package_simulation.hpp"
#include "nas4ml/synth/process.hpp"
#include "support/read_text.hpp"
#include "support/temp_dir.hpp"

using namespace nas4ml;

TEST_CASE("the rtl package's stream bench checks an autoencoder's score bit-exactly", "[synth][package][verilator][score]") {
  if (!synth::find_program("verilator")) FAIL("verilator is not installed: run scripts/install-deps.sh");
  test::RandomModelSpec spec;
  spec.sizes = {6, 4, 6};
  spec.input = parse_fixed_format("ap_fixed<8,3,AP_RND,AP_SAT>");
  spec.output_result = parse_fixed_format("ap_fixed<9,4,AP_RND,AP_SAT>");
  spec.seed = 61;
  nn::QuantizedModel model = test::random_model(spec);
  model.anomaly_score = nn::AnomalyScore{"squared", parse_fixed_format("ap_ufixed<12,7,AP_TRN,AP_SAT>")};
  const auto net = netlist::lower(model, {});
  firmware::RtlPackageOptions options;
  options.top = "nas4ml_top_axis";
  const auto layout = firmware::rtl_package_layout(firmware::port_layout(net), options);
  CHECK_FALSE(layout.argmax);  // outputs of two formats: no class port
  const std::string top = firmware::rtl_package_top(model, layout, options);
  const auto vectors = firmware::make_test_vectors(model, test::random_inputs(model, 400, 62));
  REQUIRE(vectors.scores_raw == nn::anomaly_scores(model, vectors.inputs_raw));
  const auto max = model.anomaly_score->format.max_raw();
  const auto saturated = std::count(vectors.scores_raw.begin(), vectors.scores_raw.end(), max);
  CHECK(saturated < 380);  // the score varies: most samples are below the format's limit

  test::TempDir tmp;
  const auto r = synth::simulate_rtl_package(firmware::write_verilog(net, {}), top, layout, options.top, vectors,
                                             tmp.path() / "ok");
  INFO(test::read_text(tmp.path() / "ok" / "simulation.log"));
  CHECK(r.counts.samples == 400);
  CHECK(r.counts.mismatches == 0);
  CHECK(r.counts.checked + r.counts.dropped == 400);
  CHECK(r.counts.dropped >= 2);
  CHECK(r.counts.latency == layout.core.latency_cycles + 2);
  CHECK(r.ok());

  // A wrong expected score is caught: the bench compares the score field too.
  auto wrong = vectors;
  for (auto& s : wrong.scores_raw) s = s == 0 ? 1 : s - 1;
  const auto bad = synth::simulate_rtl_package(firmware::write_verilog(net, {}), top, layout, options.top, wrong,
                                               tmp.path() / "bad");
  CHECK(bad.counts.mismatches == bad.counts.checked);
  CHECK(bad.counts.checked > 300);
  CHECK_FALSE(bad.ok());
}
