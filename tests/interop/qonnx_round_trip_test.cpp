// QONNX export and ONNX import in C++ (the Python tests check the graph with python3-onnx's checker
// and a NumPy reference executor): the wire format round trip, truncated and damaged files, the
// export -> import identity, and the AP_WRAP warning.
#include <catch2/catch.hpp>

#include "nas4ml/core/error.hpp"
#include "nas4ml/interop/onnx_import.hpp"
#include "nas4ml/interop/onnx_wire.hpp"
#include "nas4ml/interop/qonnx_export.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"

using namespace nas4ml;
using namespace nas4ml::interop;

namespace {

// 3 inputs -> 2 ReLU -> 2 linear; AP_RND results (the two-step pattern) and a kept zero weight.
nn::QuantizedModel small_model(const std::string& result = "ap_fixed<6,3,AP_RND,AP_SAT>") {
  nn::QuantizedModel m;
  m.name = "small";
  m.n_inputs = 3;
  m.input_format = parse_fixed_format("ap_fixed<8,3,AP_RND,AP_SAT>");
  m.feature_names = {"a", "b", "c"};
  m.class_names = {"bg", "sig"};
  m.input_offset = {0.5, -1, 2};
  m.input_scale = {1, 0.25, 4};
  m.training = {{"seed", 3}};
  nn::QuantizedLayer h;
  h.n_in = 3;
  h.n_out = 2;
  h.weight_format = parse_fixed_format("ap_fixed<4,2,AP_RND,AP_SAT>");
  h.bias_format = parse_fixed_format("ap_fixed<8,3>");
  h.result_format = parse_fixed_format(result);
  h.weights = {3, 0, -5, 0, 7, -8};
  h.mask = {1, 1, 1, 0, 1, 1};  // weights[1] is zero but kept; weights[3] pruned
  h.biases = {12, -40};
  h.reuse_factor = 2;
  nn::QuantizedLayer o = h;
  o.n_in = 2;
  o.activation = nn::Activation::linear;
  o.result_format = parse_fixed_format("ap_fixed<8,4,AP_TRN,AP_SAT>");
  o.weights = {1, -2, 4, 6};
  o.mask = {1, 1, 1, 1};
  o.biases = {-3, 9};
  o.strategy = nn::Strategy::resource;
  o.dc = 1;
  m.layers = {h, o};
  return m;
}

}  // namespace

TEST_CASE("the wire format round-trips a model and its metadata", "[interop][wire]") {
  const auto e = export_qonnx(small_model());
  const std::string bytes = serialize_onnx(e.model);
  const OnnxModel back = parse_onnx(bytes, "m.onnx");
  CHECK(back.ir_version == 8);
  CHECK(back.opsets == e.model.opsets);
  CHECK(back.metadata == e.model.metadata);
  REQUIRE(back.graph.nodes.size() == e.model.graph.nodes.size());
  for (std::size_t k = 0; k < back.graph.nodes.size(); ++k) {
    CHECK(back.graph.nodes[k].op_type == e.model.graph.nodes[k].op_type);
    CHECK(back.graph.nodes[k].inputs == e.model.graph.nodes[k].inputs);
    CHECK(back.graph.nodes[k].domain == e.model.graph.nodes[k].domain);
  }
  REQUIRE(back.graph.initializers.size() == e.model.graph.initializers.size());
  for (std::size_t k = 0; k < back.graph.initializers.size(); ++k) {
    CHECK(back.graph.initializers[k].values == e.model.graph.initializers[k].values);
    CHECK(back.graph.initializers[k].dims == e.model.graph.initializers[k].dims);
  }
  CHECK(back.graph.inputs[0].dims == std::vector<std::int64_t>{-1, 3});
  CHECK(back.graph.inputs[0].dim_params[0] == "N");
  CHECK(serialize_onnx(back) == bytes);
}

TEST_CASE("every truncation of a file is one DataError, never a crash", "[interop][wire]") {
  const std::string bytes = serialize_onnx(export_qonnx(small_model()).model);
  int refused = 0;
  for (std::size_t n = 0; n < bytes.size(); n += 7) {
    try {
      const OnnxModel m = parse_onnx(std::string_view(bytes).substr(0, n), "cut.onnx");
      (void)import_onnx(m, "cut.onnx");  // a cut at a message boundary parses; the import then refuses or succeeds
    } catch (const DataError& e) {
      ++refused;
      CHECK(std::string(e.what()).rfind("cut.onnx", 0) == 0);
    }
  }
  CHECK(refused > static_cast<int>(bytes.size() / 7) * 9 / 10);
  CHECK_THROWS_WITH(parse_onnx("", "e.onnx"), Catch::Contains("an empty file"));
  CHECK_THROWS_WITH(parse_onnx(bytes.substr(0, bytes.size() / 2), "half.onnx"), Catch::Contains("truncated"));
}

TEST_CASE("export then import gives the identical QuantizedModel", "[interop][qonnx]") {
  for (const std::string result : {"ap_fixed<6,3,AP_RND,AP_SAT>", "ap_ufixed<5,2>", "ap_fixed<7,2,AP_TRN,AP_SAT>"}) {
    const auto m = small_model(result);
    const auto e = export_qonnx(m);
    CHECK(e.float_type == OnnxType::float32);
    const auto r = import_onnx(parse_onnx(serialize_onnx(e.model), "m.onnx"), "m.onnx");
    CHECK(r.used_metadata);
    CHECK(r.quantized_graph);
    CHECK(nn::to_json(r.model) == nn::to_json(m));
  }
}

TEST_CASE("AP_WRAP layers that can overflow are reported; float64 when float32 cannot be exact", "[interop][qonnx]") {
  const auto wrap = export_qonnx(small_model("ap_fixed<4,1>"));  // AP_TRN, AP_WRAP, range [-1, 0.875]
  REQUIRE(wrap.warnings.size() == 1);
  CHECK_THAT(wrap.warnings[0], Catch::Contains("layer 0") && Catch::Contains("wraps"));
  CHECK(export_qonnx(small_model("ap_fixed<16,12>")).warnings.empty());  // wide enough: cannot overflow
  auto wide = small_model();
  wide.input_format = parse_fixed_format("ap_fixed<24,8,AP_RND,AP_SAT>");
  CHECK(exact_significand_bits(wide) > 24);
  CHECK(export_qonnx(wide).float_type == OnnxType::float64);
  CHECK(export_qonnx(wide, QonnxFloat::float32).warnings.at(0).find("float32") != std::string::npos);
}
