// An autoencoder's firmware with its anomaly score: the Verilog names the score, the rtl package
// accepts the score's own width (and then has no argmax), and the rtl benches expect the score
// after the reconstruction.
#include <catch2/catch.hpp>

#include "firmware/random_model.hpp"
#include "nas4ml/firmware/rtl_package.hpp"
#include "nas4ml/firmware/testbench.hpp"
#include "nas4ml/firmware/verilog_writer.hpp"
#include "nas4ml/netlist/lower.hpp"
#include "nas4ml/nn/anomaly_score.hpp"
#include "support/read_text.hpp"
#include "support/temp_dir.hpp"

using namespace nas4ml;

TEST_CASE("an autoencoder's firmware carries the anomaly score as its last output", "[firmware][score]") {
  test::RandomModelSpec spec;
  spec.sizes = {4, 3, 4};  // 4 x 8-bit inputs, 4 x 10-bit reconstruction outputs
  nn::QuantizedModel model = test::random_model(spec);
  model.anomaly_score = nn::AnomalyScore{"absolute", parse_fixed_format("ap_ufixed<14,8>")};
  const auto net = netlist::lower(model, {});
  const auto ports = firmware::port_layout(net);
  REQUIRE(ports.output_bits == std::vector<int>{10, 10, 10, 10, 14});
  CHECK(ports.out_width == 54);
  CHECK(ports.latency_cycles == net.latency_cycles);
  const std::string v = firmware::write_verilog(net, {});
  CHECK_THAT(v, Catch::Contains("// Output 4 is the anomaly score: the sum of the absolute differences") &&
                    Catch::Contains("module nas4ml_top_layer2 (") && Catch::Contains("output wire [53:0] out_data"));

  // The rtl package: one width per output is not required any more; no argmax over the score.
  firmware::RtlPackageOptions o;
  o.top = "ae_top";
  const auto layout = firmware::rtl_package_layout(ports, o);
  CHECK_FALSE(layout.argmax);
  CHECK(layout.m_width == 56);
  test::TempDir tmp;
  firmware::write_rtl_package(tmp.path(), model, layout, o, "nas4ml_top.v");
  CHECK_THAT(test::read_text(tmp.path() / "README.md"),
             Catch::Contains("the reconstruction of each of the 4 inputs, then the anomaly score (the top 14 bits") &&
                 Catch::Contains("output o of 4 at bits `[o*10 +: 10]`, each `ap_fixed<10,4>`, then the anomaly score "
                                 "at bits `[40 +: 14]`, `ap_ufixed<14,8>`; bits 54 and up are zero"));
  // The top level's port comment gives the score its own field and width.
  CHECK_THAT(test::read_text(tmp.path() / "ae_top.v"),
             Catch::Contains("output o (of 4) at bits [o*10 +: 10], ap_fixed<10,4>") &&
                 Catch::Contains("then the anomaly score at bits [40 +: 14], ap_ufixed<14,8>"));

  // The benches: every row's expected word holds the 4 outputs and then the golden score.
  const auto vectors = firmware::make_test_vectors(model, {1, -2, 3, 4, 100, -100, 50, 7});
  REQUIRE(vectors.scores_raw == nn::anomaly_scores(model, vectors.inputs_raw));
  const auto rtl = firmware::rtl_outputs(vectors);
  CHECK(rtl.n_outputs == 5);
  CHECK(rtl.outputs_raw[4] == vectors.scores_raw[0]);
  CHECK(rtl.outputs_raw[9] == vectors.scores_raw[1]);
  CHECK(rtl.outputs_raw[5] == vectors.outputs_raw[4]);
  firmware::write_testbench_files(tmp.path() / "tb", ports, "nas4ml_top", vectors);
  firmware::write_stream_bench_files(tmp.path() / "stream", layout, "ae_top", vectors);
  const std::string expected = test::read_text(tmp.path() / "tb" / "expected.hex");
  CHECK(expected.size() == 2 * (14 + 1));  // 54 bits: 14 hex digits and a newline per row
}
