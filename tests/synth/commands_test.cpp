// The synth, sim and calibrate subcommands, run as a user would (tests/support/run_cli.hpp).
#include <catch2/catch.hpp>

#include <fstream>

#include "firmware/random_model.hpp"
#include "nas4ml/core/json.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"
#include "nas4ml/synth/process.hpp"
#include "nas4ml/synth/synthesis_result.hpp"
#include "support/run_cli.hpp"
#include "support/shared_data.hpp"
#include "support/temp_dir.hpp"

using namespace nas4ml;

namespace {
// A MAGIC-shaped model: 10 inputs -> 6 (ReLU) -> 2.
nn::QuantizedModel magic_model(std::uint64_t seed, double sparsity) {
  test::RandomModelSpec spec;
  spec.name = "magic_random_" + std::to_string(seed);
  spec.sizes = {10, 6, 2};
  spec.input = parse_fixed_format("ap_fixed<8,3,AP_RND,AP_SAT>");
  spec.weight = parse_fixed_format("ap_fixed<5,1>");
  spec.hidden_result = parse_fixed_format("ap_fixed<7,3,AP_RND,AP_SAT>");
  spec.output_result = parse_fixed_format("ap_fixed<9,4>");
  spec.sparsity = sparsity;
  spec.seed = seed;
  return test::random_model(spec);
}
}  // namespace

TEST_CASE("nas4ml synth synthesizes a small network and attaches the rtl estimate", "[synth][cli]") {
  test::TempDir dir;
  const auto model_path = dir.path() / "model.q.json";
  nn::save_quantized_model(magic_model(3, 0.5), model_path);
  const auto out = dir.path() / "synth";
  const auto r = test::run_cli({"synth", model_path.string(), "--backend", "yosys", "--out", out.string(),
                                "--clock-ns", "5"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("LUT") != std::string::npos);
  CHECK(r.out.find("rtl estimate") != std::string::npos);
  const synth::SynthesisResult s = synth::load_synthesis_result(out / "result.json");
  CHECK(s.resources.lut > 0);
  CHECK(s.resources.ff > 0);
  CHECK(s.resources.dsp == 0);
  CHECK(s.logic_depth > 0);
  REQUIRE(s.estimate.is_object());
  CHECK(s.estimate.at("estimator") == "rtl");
  CHECK(s.estimate.at("calibrated") == false);
  CHECK(s.estimate.at("lut").get<double>() > 0);
  CHECK(std::filesystem::exists(out / "design.v"));
  CHECK(std::filesystem::exists(out / "yosys.log"));

  {  // --json prints the result
    const auto j = test::run_cli({"synth", model_path.string(), "--out", (dir.path() / "s2").string(), "--json",
                                  "--cache", (dir.path() / "cache").string()});
    REQUIRE(j.exit_code == 0);
    const Json parsed = Json::parse(j.out);
    CHECK(parsed.at("resources").at("lut") == s.resources.lut);
    CHECK(parsed.at("cache_hit") == false);
  }
  {  // bad options are one clear error
    const auto b = test::run_cli({"synth", model_path.string(), "--backend", "quartus", "--out", out.string()});
    CHECK(b.exit_code == 2);
    CHECK(b.err.find("unknown synthesis backend") != std::string::npos);
    if (!synth::find_program("vivado")) {  // a vendor backend whose tool is absent says where to get it
      const auto v = test::run_cli({"synth", model_path.string(), "--backend", "vivado", "--out", (dir.path() / "v").string()});
      CHECK(v.exit_code == 2);
      CHECK(v.err.find("put vivado on PATH") != std::string::npos);
    }
    const auto y = test::run_cli({"synth", model_path.string(), "--out", out.string(), "--yosys", "/nonexistent/yosys"});
    CHECK(y.exit_code == 2);
    CHECK(y.err.find("scripts/install-deps.sh") != std::string::npos);
  }
}

TEST_CASE("nas4ml sim is bit-exact on the MAGIC test split", "[synth][cli][simulation]") {
  NAS4ML_REQUIRE_SHARED_DATA(data_dir);
  test::TempDir dir;
  const auto model_path = dir.path() / "model.q.json";
  auto model = magic_model(4, 0.3);
  nn::save_quantized_model(model, model_path);
  const auto r = test::run_cli({"sim", model_path.string(), "--data", test::source_path("experiments/datasets/magic.json"),
                                "--samples", "1000", "--json", "--out", (dir.path() / "sim").string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const Json j = Json::parse(r.out);
  CHECK(j.at("samples") == 1000);
  CHECK(j.at("checked") == 1000);
  CHECK(j.at("mismatches") == 0);
  CHECK(j.at("latency_cycles") == j.at("netlist_latency_cycles"));
  CHECK(j.at("bit_exact") == true);

  {  // a data set that does not fit the model is one clear error
    test::RandomModelSpec spec;
    spec.sizes = {3, 2};
    nn::save_quantized_model(test::random_model(spec), dir.path() / "small.q.json");
    const auto b = test::run_cli({"sim", (dir.path() / "small.q.json").string(), "--data",
                                  test::source_path("experiments/datasets/magic.json")});
    CHECK(b.exit_code == 2);
    CHECK(b.err.find("does not fit the model") != std::string::npos);
  }
}

TEST_CASE("nas4ml sim checks a target's design: the firmware top level, the HLS C simulation", "[synth][cli][simulation][target]") {
  NAS4ML_REQUIRE_SHARED_DATA(data_dir);
  test::TempDir dir;
  const auto model_path = dir.path() / "model.q.json";
  nn::save_quantized_model(magic_model(4, 0.3), model_path);
  const std::string data = test::source_path("experiments/datasets/magic.json");
  const auto p = test::run_cli({"sim", model_path.string(), "--data", data, "--samples", "200", "--package", "--json",
                                "--out", (dir.path() / "pkg").string()});
  INFO(p.err);
  REQUIRE(p.exit_code == 0);
  const Json j = Json::parse(p.out);
  CHECK(j.at("target") == "rtl");
  CHECK(j.at("tool") == "verilator");
  CHECK(j.at("bit_exact") == true);
  CHECK(j.at("mismatches") == 0);
  CHECK(j.at("protocol_errors") == 0);
  CHECK(j.at("argmax_stages") == 1);  // two classes: one comparison, registered
  CHECK(j.at("latency_cycles") == j.at("netlist_latency_cycles").get<int>() + 1 + 2);  // registered ports
  CHECK(std::filesystem::exists(dir.path() / "pkg" / "rtl" / "nas4ml_top_axis.v"));

  const auto h = test::run_cli({"sim", model_path.string(), "--data", data, "--samples", "200", "--target", "hls",
                                "--json", "--out", (dir.path() / "hls").string()});
  INFO(h.err);
  REQUIRE(h.exit_code == 0);
  const Json k = Json::parse(h.out);
  CHECK(k.at("target") == "hls");
  CHECK(k.at("tool") == "g++ C simulation");
  CHECK(k.at("samples") == 200);
  CHECK(k.at("mismatches") == 0);
  CHECK(k.at("bit_exact") == true);
  CHECK(std::filesystem::exists(dir.path() / "hls" / "hls" / "build_prj.tcl"));

  const auto bad = test::run_cli({"sim", model_path.string(), "--data", data, "--target", "hls", "--package"});
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("error: --package: only the rtl target has a firmware package, expected --target rtl, got --target hls"));
  const auto unknown = test::run_cli({"sim", model_path.string(), "--data", data, "--target", "quartus"});
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.err, Catch::Contains("--target: unknown implementation target") && Catch::Contains("\"quartus\""));
}

TEST_CASE("nas4ml calibrate fits and writes the device file", "[synth][cli][calibration]") {
  test::TempDir dir;
  // Hand-made results: the estimator is 10% high on LUT and exact on FF.
  std::vector<std::string> files;
  for (int i = 0; i < 4; ++i) {
    synth::SynthesisResult s;
    s.tool_version = "Yosys 0.23";
    s.top = "t";
    s.cells = {{"LUT4", 100 * (i + 1)}, {"FDRE", 50 * (i + 1)}};
    s.resources = synth::resources_from_cells(s.cells);
    s.key = std::string(64, 'a' + i);
    s.estimate = Json{{"estimator", "rtl"}, {"calibrated", false}, {"lut", 110.0 * (i + 1)}, {"ff", 50.0 * (i + 1)},
                      {"srl", 0}, {"dsp", 0}, {"bram18", 0}};
    const auto p = dir.path() / ("r" + std::to_string(i) + ".json");
    save_json_file(p, synth::to_json(s));
    files.push_back(p.string());
  }
  // A private copy of the estimators folder so --write does not touch the source tree.
  const auto est = dir.path() / "estimators";
  std::filesystem::create_directories(est / "xilinx");
  std::filesystem::copy_file(test::source_path("estimators/xilinx/xcvu9p.json"), est / "xilinx" / "xcvu9p.json");
  std::vector<std::string> args = {"calibrate"};
  args.insert(args.end(), files.begin(), files.end());
  for (const char* a : {"--device", "xcvu9p", "--estimators"}) args.push_back(a);
  args.push_back(est.string());
  args.push_back("--write");
  args.push_back("--holdout");
  const auto r = test::run_cli(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("held-back designs") != std::string::npos);
  CHECK(r.out.find("10.00%") != std::string::npos);  // LUT error before
  const Json device = load_json_file(est / "xilinx" / "xcvu9p.json");
  CHECK(device["calibration"]["rtl"]["lut"]["scale"].get<double>() == Approx(1.0 / 1.1));
  CHECK(device["calibration"]["rtl"]["ff"]["scale"].get<double>() == Approx(1.0));
  CHECK(device["calibration"]["hls"]["lut"]["scale"].get<double>() == 1.0);

  SECTION("a result without an estimate is rejected") {
    synth::SynthesisResult s;
    s.key = std::string(64, 'f');
    save_json_file(dir.path() / "bare.json", synth::to_json(s));
    const auto b = test::run_cli({"calibrate", (dir.path() / "bare.json").string(), files[0], "--device", "xcvu9p",
                                  "--estimators", est.string()});
    CHECK(b.exit_code == 2);
    CHECK(b.err.find("no estimate") != std::string::npos);
  }
}
