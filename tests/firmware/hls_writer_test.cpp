// The template engine and the HLS project writer: slots and sections, errors naming the
// template, and a golden-file test of one small generated project (every file compared).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <regex>

#include <fmt/format.h>

#include "firmware/random_model.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/firmware/hls4ml_config.hpp"
#include "nas4ml/firmware/hls_writer.hpp"
#include "nas4ml/firmware/template_engine.hpp"
#include "nas4ml/nn/activation.hpp"
#include "support/read_text.hpp"
#include "support/run_cli.hpp"
#include "support/temp_dir.hpp"

using namespace nas4ml;
using nas4ml::test::read_text;

TEST_CASE("template slots, sections and inverted sections", "[firmware][template]") {
  const Json ctx = {{"name", "top"}, {"n", 3}, {"on", true}, {"off", false},
                    {"items", Json::array({{{"i", 0}}, {{"i", 1}}})}};
  CHECK(firmware::render_template("void {{name}}(int x[{{n}}]);", ctx, "t") == "void top(int x[3]);");
  CHECK(firmware::render_template("{{#items}}[{{i}} of {{name}}]{{/items}}", ctx, "t") == "[0 of top][1 of top]");
  CHECK(firmware::render_template("{{#on}}yes{{/on}}{{#off}}no{{/off}}{{^off}}not off{{/off}}", ctx, "t") ==
        "yesnot off");
  CHECK(firmware::render_template("{{^missing}}absent{{/missing}}", ctx, "t") == "absent");
  CHECK(firmware::render_template("a { b } {c}", ctx, "t") == "a { b } {c}");
  // A section tag alone on its line leaves no blank line behind.
  CHECK(firmware::render_template("x\n  {{#items}}\n{{i}}\n  {{/items}}\ny\n", ctx, "t") == "x\n0\n1\ny\n");
}

TEST_CASE("template errors name the template and the slot", "[firmware][template]") {
  const Json ctx = {{"x", 1}};
  CHECK_THROWS_WITH(firmware::render_template("{{y}}", ctx, "demo.tpl"),
                    Catch::Contains("demo.tpl") && Catch::Contains("{{y}}"));
  CHECK_THROWS_WITH(firmware::render_template("{{#x}}open", ctx, "demo.tpl"), Catch::Contains("not closed"));
  CHECK_THROWS_WITH(firmware::render_template("{{x", ctx, "demo.tpl"), Catch::Contains("unterminated"));
  CHECK_THROWS_AS(firmware::embedded_template("hls/none.tpl"), InternalError);
}

TEST_CASE("every HLS template is embedded and every slot of it is filled", "[firmware][hls]") {
  const auto paths = firmware::embedded_template_paths();
  for (const char* p : {"hls/firmware.cpp.tpl", "hls/firmware.h.tpl", "hls/defines.h.tpl", "hls/parameters.h.tpl",
                        "hls/weights.h.tpl", "hls/test_bench.cpp.tpl", "hls/build_prj.tcl.tpl",
                        "hls/nnet_utils/nas4ml_dense.h.tpl"})
    CHECK(std::find(paths.begin(), paths.end(), p) != paths.end());
  test::RandomModelSpec spec;
  spec.sizes = {5, 4, 4, 3};
  const auto project = firmware::write_hls_project(test::random_model(spec));
  for (const auto& [path, text] : project.files) {
    INFO(path);
    CHECK(text.find("{{") == std::string::npos);
  }
}

namespace {

// 3 inputs -> 2 (ReLU, one pruned weight, reuse 2) -> 2 (resource strategy).
nn::QuantizedModel small_model() {
  nn::QuantizedModel m;
  m.name = "small";
  m.n_inputs = 3;
  m.input_format = parse_fixed_format("ap_fixed<6,3>");
  nn::QuantizedLayer h;
  h.n_in = 3;
  h.n_out = 2;
  h.weight_format = parse_fixed_format("ap_fixed<4,1>");
  h.bias_format = parse_fixed_format("ap_fixed<6,3>");
  h.result_format = parse_fixed_format("ap_ufixed<6,3,AP_RND,AP_SAT>");
  h.weights = {3, -5, 0, 7, 2, -8};
  h.mask = {1, 1, 0, 1, 1, 1};
  h.biases = {4, -3};
  h.reuse_factor = 2;
  nn::QuantizedLayer o = h;
  o.n_in = 2;
  o.activation = nn::Activation::linear;
  o.result_format = parse_fixed_format("ap_fixed<8,4>");
  o.weights = {5, -3, -6, 1};
  o.mask = {1, 1, 1, 1};
  o.biases = {0, 2};
  o.reuse_factor = 1;
  o.strategy = nn::Strategy::resource;
  m.layers = {h, o};
  m.feature_names = {"a", "b", "c"};
  m.class_names = {"p", "q"};
  m.input_offset = {0, 0, 0};
  m.input_scale = {1, 1, 1};
  return m;
}

}  // namespace

TEST_CASE("golden HLS project of a small model", "[firmware][hls]") {
  firmware::HlsOptions o;
  o.project = "small_top";
  const auto project = firmware::write_hls_project(small_model(), o);
  const std::filesystem::path golden = test::source_path("tests/firmware/golden/hls_small");
  if (const char* u = std::getenv("NAS4ML_UPDATE_GOLDEN"); u != nullptr && std::string(u) == "1") {
    std::filesystem::remove_all(golden);
    firmware::save_hls_project(project, golden);
    WARN("golden project rewritten: " << golden);
  }
  std::size_t on_disk = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(golden)) on_disk += e.is_regular_file() ? 1 : 0;
  CHECK(on_disk == project.files.size());
  for (const auto& [path, text] : project.files) {
    INFO(path << " differs from " << (golden / path) << " (NAS4ML_UPDATE_GOLDEN=1 rewrites it after review)");
    REQUIRE(std::filesystem::exists(golden / path));
    CHECK(text == read_text(golden / path));
  }
  // What the golden files must show: the pruned weight has no entry, per-layer types, reuse, strategy.
  const std::string& w0 = project.file("firmware/weights/w0.h");
  CHECK(w0.find("w0[5] = { 0.375, -0.625, 0.875, 0.25, -1 }") != std::string::npos);
  const std::string& defines = project.file("firmware/defines.h");
  CHECK(defines.find("typedef ap_ufixed<6,3,AP_RND,AP_SAT> layer0_result_t;") != std::string::npos);
  CHECK(defines.find("typedef ap_fixed<12,6> layer0_accum_t;") != std::string::npos);
  const std::string& params = project.file("firmware/parameters.h");
  CHECK(params.find("n_nonzero = 5;") != std::string::npos);
  CHECK(params.find("multiplier_limit = 3;") != std::string::npos);
  CHECK(params.find("strategy = nas4ml::resource;") != std::string::npos);
  CHECK(project.file("firmware/small_top.cpp").find("#pragma HLS PIPELINE II=2") != std::string::npos);
  CHECK(project.file("build_prj.tcl").find("set_part xcvu9p-flga2104-2L-e") != std::string::npos);
}

TEST_CASE("the HLS writer refuses a project name that is not a C identifier", "[firmware][hls]") {
  firmware::HlsOptions o;
  o.project = "my-top";
  CHECK_THROWS_AS(firmware::write_hls_project(small_model(), o), ConfigError);
}

TEST_CASE("the hls4ml configuration holds every layer's precisions, reuse factor and strategy", "[firmware][hls4ml]") {
  firmware::Hls4mlConfigOptions o;
  o.part = "xcku115-flvb2104-2-e";
  o.clock_ns = 4.0;
  const Json c = firmware::hls4ml_config(small_model(), o);
  CHECK(c["Part"] == "xcku115-flvb2104-2-e");
  CHECK(c["ClockPeriod"] == 4.0);
  CHECK(c["IOType"] == "io_parallel");
  const Json& layers = c["HLSConfig"]["LayerName"];
  CHECK(layers["input_1"]["Precision"]["result"] == "ap_fixed<6,3>");
  const Json& d0 = layers["dense_0"];
  CHECK(d0["Precision"]["weight"] == "ap_fixed<4,1>");
  CHECK(d0["Precision"]["bias"] == "ap_fixed<6,3>");
  CHECK(d0["Precision"]["result"] == "ap_ufixed<6,3,AP_RND,AP_SAT>");
  CHECK(d0["Precision"]["accum"] == "ap_fixed<12,6>");
  CHECK(d0["ReuseFactor"] == 2);
  CHECK(d0["Strategy"] == "Latency");
  CHECK(layers["dense_0_relu"]["Precision"]["result"] == "ap_ufixed<6,3,AP_RND,AP_SAT>");
  CHECK(layers["dense_1"]["Strategy"] == "Resource");
  CHECK_FALSE(layers.contains("dense_1_relu"));  // linear output layer
  CHECK(c["HLSConfig"]["Model"]["ReuseFactor"] == 2);
  CHECK(c["HLSConfig"]["Model"]["Strategy"] == "Resource");
  CHECK(layers.size() == 4);
}

TEST_CASE("the HLS writer tabulates a ROM activation; a result format over 12 bits is refused", "[firmware][hls][activation]") {
  test::RandomModelSpec spec;
  spec.sizes = {4, 3, 2};
  spec.hidden_result = FixedFormat{6, 2, true, Rounding::round_half_up, Overflow::saturate};
  nn::QuantizedModel m = test::random_model(spec);
  m.layers[0].activation = nn::Activation::tanh;
  const auto p = firmware::write_hls_project(m);
  // One entry per raw value of ap_fixed<6,2>, from -32 up: the golden model's tanh of each.
  const std::string& table = p.file("firmware/weights/a0.h");
  CHECK_THAT(table, Catch::Contains("static const layer0_result_t a0[64] = {"));
  std::string expected;
  for (std::int64_t raw = -32; raw < 32; ++raw) {
    const std::int64_t y = nn::apply_activation(nn::Activation::tanh, raw, spec.hidden_result);
    expected += (raw == -32 ? "" : ", ") + fmt::format("{}", static_cast<double>(y) / 16.0);
  }
  CHECK_THAT(table, Catch::Contains("{ " + expected + " }"));
  CHECK_THAT(p.file("firmware/parameters.h"), Catch::Contains("#include \"weights/a0.h\"") &&
                                                  Catch::Contains("static const unsigned table_bits = 6;"));
  CHECK_THAT(p.file("firmware/nas4ml_top.cpp"),
             Catch::Contains("nas4ml::lookup<layer0_result_t, config0>(layer0_out, a0);  // tanh"));
  CHECK_THROWS(p.file("firmware/weights/a1.h"));  // the linear output layer has no table
  m.layers[0].result_format = FixedFormat{13, 4, true, Rounding::round_half_up, Overflow::saturate};
  try {
    firmware::write_hls_project(m);
    FAIL("no error");
  } catch (const ConfigError& e) {
    const std::string what = e.what();
    CHECK(what.find("$.layers[0].result_format") != std::string::npos);
    CHECK(what.find("at most 12 bits") != std::string::npos);
  }
}
