#include <catch2/catch.hpp>

#include "nas4ml/core/json.hpp"
#include "nas4ml/estimate/estimator.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"
#include "netlist/random_model.hpp"
#include "support/run_cli.hpp"
#include "support/temp_dir.hpp"

using namespace nas4ml;

// Needs the nas4ml binary (build target `nas4ml`).
TEST_CASE("nas4ml estimate prints the library's estimate, as a table or JSON", "[estimate][cli]") {
  Rng rng(31);
  const auto m = test::random_model(rng, {8, 6, 3}, FixedFormat{8, 3}, FixedFormat{6, 1}, FixedFormat{8, 3},
                                    FixedFormat{10, 4}, 0.5);
  test::TempDir tmp;
  const auto path = tmp.path() / "m.q.json";
  nn::save_quantized_model(m, path);
  const auto dev = estimate::find_device("xczu9eg", test::source_path("estimators"));
  for (const char* flavor : {"rtl", "hls"}) {
    const auto r = test::run_cli({"estimate", path.string(), "--device", "xczu9eg", "--flavor", flavor, "--json"});
    REQUIRE(r.exit_code == 0);
    const Json j = Json::parse(r.out);
    const auto e = estimate::make_estimator(flavor)->estimate(m, dev, {});
    CHECK(j["lut"].get<double>() == e.lut);
    CHECK(j["ff"].get<double>() == e.ff);
    CHECK(j["latency_cycles"].get<int>() == e.latency_cycles);
    CHECK(j["layers"].size() == 2);
  }
  const auto table = test::run_cli({"estimate", path.string(), "--device", "xcvu9p", "--clock-ns", "2.5"});
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.find("total") != std::string::npos);
  CHECK(table.out.find("2.5 ns") != std::string::npos);
  const auto bad = test::run_cli({"estimate", path.string(), "--device", "xcvu9"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("unknown device") != std::string::npos);
}
