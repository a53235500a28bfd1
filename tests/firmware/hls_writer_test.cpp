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

namespace {

// The small model with a 3-output reconstruction and an anomaly score.
nn::QuantizedModel small_autoencoder(const std::string& error) {
  nn::QuantizedModel m = small_model();
  nn::QuantizedLayer& o = m.layers.back();
  o.n_out = 3;
  o.weights = {5, -3, -6, 1, 2, 2};
  o.mask = {1, 1, 1, 1, 1, 1};
  o.biases = {0, 2, -1};
  m.class_names = {"a", "b", "c"};
  m.anomaly_score = nn::AnomalyScore{error, parse_fixed_format("ap_ufixed<12,7,AP_RND,AP_SAT>")};
  return m;
}

}  // namespace

TEST_CASE("the HLS writer computes an autoencoder's anomaly score with exact intermediate types", "[firmware][hls][score]") {
  // input ap_fixed<6,3> (LSB 2^-3), reconstruction ap_fixed<8,4> (LSB 2^-4): d = y - x at 2^-4 in
  // [-128 - 2*31, 127 + 2*32] = [-190, 191] -> 9 bits; d^2 <= 191^2 = 36481 (16 bits at 2^-8),
  // three of them 109443 (17 bits); |d| <= 191 (8 bits at 2^-4), three 573 (10 bits).
  const auto sq = firmware::hls_score_types(small_autoencoder("squared"));
  CHECK(sq.difference == "ap_fixed<9,5>");
  CHECK(sq.term == "ap_ufixed<16,8>");
  CHECK(sq.sum == "ap_ufixed<17,9>");
  CHECK(sq.score == "ap_ufixed<12,7,AP_RND,AP_SAT>");
  CHECK(sq.n == 3);
  CHECK(sq.reference);
  const auto ab = firmware::hls_score_types(small_autoencoder("absolute"));
  CHECK(ab.difference == "ap_fixed<9,5>");
  CHECK(ab.term == "ap_ufixed<8,4>");
  CHECK(ab.sum == "ap_ufixed<10,6>");

  const auto project = firmware::write_hls_project(small_autoencoder("absolute"));
  for (const auto& [path, text] : project.files) {
    INFO(path);
    CHECK(text.find("{{") == std::string::npos);
  }
  CHECK_THAT(project.file("firmware/defines.h"), Catch::Contains("typedef ap_fixed<9,5> score_diff_t;") &&
                                                     Catch::Contains("typedef ap_ufixed<10,6> score_sum_t;") &&
                                                     Catch::Contains("typedef ap_ufixed<12,7,AP_RND,AP_SAT> score_t;"));
  CHECK_THAT(project.file("firmware/parameters.h"),
             Catch::Contains("#include \"nnet_utils/nas4ml_score.h\"") && Catch::Contains("struct score_config") &&
                 Catch::Contains("error = nas4ml::absolute;") && Catch::Contains("static const bool reference = true;") &&
                 Catch::Contains("static const unsigned n = 3;"));
  CHECK_THAT(project.file("firmware/nas4ml_top.h"),
             Catch::Contains("void nas4ml_top(const input_t x[N_INPUT], result_t y[N_OUTPUT], score_t& score);"));
  CHECK_THAT(project.file("firmware/nas4ml_top.cpp"),
             Catch::Contains("nas4ml::anomaly_score<input_t, result_t, score_config>(x, layer1_out, score);") &&
                 Catch::Contains("port=x,y,score"));
  CHECK_THAT(project.file("nas4ml_top_test.cpp"), Catch::Contains("nas4ml_top(x, y, score);"));
  CHECK_THAT(project.file("firmware/nnet_utils/nas4ml_score.h"), Catch::Contains("void anomaly_score("));
  // A model without a score has none of it.
  const auto plain = firmware::write_hls_project(small_model());
  for (const auto& [path, text] : plain.files) CHECK(text.find("score") == std::string::npos);

  // The test bench data: each expected line ends with the score.
  test::TempDir tmp;
  const nn::QuantizedModel m = small_autoencoder("squared");
  const auto v = firmware::make_test_vectors(m, {-32, 31, 5, 7, -8, 0});
  firmware::save_hls_testbench_data(v, tmp.path());
  std::ifstream in(tmp.path() / "tb_data" / "tb_output_raw.dat");
  std::string line;
  std::getline(in, line);
  CHECK(line == fmt::format("{} {} {} {}", v.outputs_raw[0], v.outputs_raw[1], v.outputs_raw[2], v.scores_raw[0]));

  // Refusals: an unknown error kind, outputs that do not match the inputs.
  nn::QuantizedModel bad = small_autoencoder("squared");
  bad.anomaly_score->error = "cubic";
  CHECK_THROWS_WITH(firmware::write_hls_project(bad), Catch::Contains("$.anomaly_score.error") && Catch::Contains("cubic"));
  nn::QuantizedModel mismatched = small_model();
  mismatched.anomaly_score = nn::AnomalyScore{};
  CHECK_THROWS_WITH(firmware::write_hls_project(mismatched), Catch::Contains("$.anomaly_score"));
}

TEST_CASE("the hls4ml configuration describes the anomaly score under a key of its own", "[firmware][hls4ml][score]") {
  const Json c = firmware::hls4ml_config(small_autoencoder("squared"));
  REQUIRE(c.contains("AnomalyScore"));
  const Json& s = c["AnomalyScore"];
  CHECK(s["Error"] == "squared");
  CHECK(s["Inputs"]["y"] == "dense_1");
  CHECK(s["Inputs"]["x"] == "input_1");
  CHECK(s["Precision"]["result"] == "ap_ufixed<12,7,AP_RND,AP_SAT>");
  CHECK(s["Precision"]["sum"] == "ap_ufixed<17,9>");
  CHECK_THAT(s["Note"].get<std::string>(), Catch::Contains("not an hls4ml layer"));
  CHECK_FALSE(c["HLSConfig"]["LayerName"].contains("AnomalyScore"));
  CHECK_FALSE(firmware::hls4ml_config(small_model()).contains("AnomalyScore"));
}
