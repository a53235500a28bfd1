// `nas4ml targets` and `nas4ml csim`, run as a user would (tests/support/run_cli.hpp).
#include <catch2/catch.hpp>

#include "firmware/random_model.hpp"
#include "nas4ml/core/json.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"
#include "support/run_cli.hpp"
#include "support/shared_data.hpp"
#include "support/temp_dir.hpp"

using namespace nas4ml;

TEST_CASE("nas4ml targets lists rtl and hls with their options", "[synth][cli][target]") {
  const auto r = test::run_cli({"targets", "--json"});
  REQUIRE(r.exit_code == 0);
  const Json j = Json::parse(r.out);
  REQUIRE(j.size() == 2);
  CHECK(j[0]["name"] == "rtl");
  CHECK(j[0]["reuse_factor_and_strategy"] == false);
  CHECK(j[1]["name"] == "hls");
  CHECK(j[1]["estimator"] == "hls");
  CHECK(j[1]["reuse_factor_and_strategy"] == true);
  CHECK(j[1]["options"][0]["name"] == "hardware.clock_ns");
  const auto text = test::run_cli({"targets"});
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("hls  hls4ml-style") != std::string::npos);
}

TEST_CASE("nas4ml csim is bit-exact on the MAGIC test split", "[synth][cli][csim]") {
  NAS4ML_REQUIRE_SHARED_DATA(data_dir);
  test::TempDir dir;
  test::RandomModelSpec spec;
  spec.sizes = {10, 6, 2};
  spec.input = parse_fixed_format("ap_fixed<8,3,AP_RND,AP_SAT>");
  spec.weight = parse_fixed_format("ap_fixed<5,1>");
  spec.hidden_result = parse_fixed_format("ap_fixed<7,3,AP_RND,AP_SAT>");
  spec.output_result = parse_fixed_format("ap_fixed<9,4>");
  auto model = test::random_model(spec);
  model.layers[0].reuse_factor = 2;
  nn::save_quantized_model(model, dir.path() / "model.q.json");
  const std::string data = test::source_path("experiments/datasets/magic.json");
  const auto r = test::run_cli({"csim", (dir.path() / "model.q.json").string(), "--data", data, "--samples", "1000",
                                "--json", "--out", (dir.path() / "out").string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const Json j = Json::parse(r.out);
  CHECK(j.at("samples") == 1000);
  CHECK(j.at("checked") == 2000);
  CHECK(j.at("mismatches") == 0);
  CHECK(j.at("bit_exact") == true);
  CHECK(std::filesystem::exists(dir.path() / "out" / "hls" / "build_prj.tcl"));

  // Headers that are not there: exit status 2 and one line saying where they were looked for.
  const auto b = test::run_cli({"csim", (dir.path() / "model.q.json").string(), "--data", data, "--samples", "10",
                                "--ap-types", (dir.path() / "no-headers").string()});
  CHECK(b.exit_code == 2);
  CHECK(b.err.find("no-headers") != std::string::npos);
  CHECK(b.err.find("ap_types headers are missing") != std::string::npos);
}
