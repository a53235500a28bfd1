#include <catch2/catch.hpp>

#include "nas4ml/core/rng.hpp"
#include "nas4ml/nn/golden_inference.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"
#include "support/temp_dir.hpp"

using namespace nas4ml;
using namespace nas4ml::nn;

namespace {
QuantizedModel random_model() {
  Rng rng(12);
  QuantizedModel m;
  m.name = "rt";
  m.n_inputs = 3;
  m.input_format = parse_fixed_format("ap_fixed<8,3,AP_RND,AP_SAT>");
  m.feature_names = {"a", "b", "c"};
  m.class_names = {"x", "y"};
  m.input_offset = {0.5, -1.25, 3.0};
  m.input_scale = {2.0, 0.1, 1.0 / 3.0};
  int n_in = 3;
  for (int units : {4, 2}) {
    QuantizedLayer l;
    l.n_in = n_in;
    l.n_out = units;
    l.activation = units == 2 ? Activation::linear : Activation::relu;
    l.weight_format = parse_fixed_format("ap_fixed<6,2>");
    l.bias_format = parse_fixed_format("ap_ufixed<5,1>");
    l.result_format = parse_fixed_format("ap_fixed<10,4,AP_TRN,AP_SAT>");
    l.reuse_factor = units == 2 ? 2 : 1;
    l.strategy = units == 2 ? Strategy::resource : Strategy::latency;
    for (int i = 0; i < n_in * units; ++i) {
      const bool kept = rng.bernoulli(0.6);
      l.mask.push_back(kept ? 1 : 0);
      l.weights.push_back(kept ? static_cast<std::int64_t>(rng.below(64)) - 32 : 0);
    }
    for (int o = 0; o < units; ++o) l.biases.push_back(static_cast<std::int64_t>(rng.below(32)));
    m.layers.push_back(l);
    n_in = units;
  }
  m.training = {{"seed", 3}, {"metrics", {{"test", {{"accuracy", 0.75}}}}}};
  return m;
}

void expect_equal(const QuantizedModel& a, const QuantizedModel& b) {
  CHECK(a.name == b.name);
  CHECK(a.n_inputs == b.n_inputs);
  CHECK(a.input_format == b.input_format);
  CHECK(a.feature_names == b.feature_names);
  CHECK(a.class_names == b.class_names);
  CHECK(a.input_offset == b.input_offset);
  CHECK(a.input_scale == b.input_scale);
  CHECK(a.training == b.training);
  REQUIRE(a.layers.size() == b.layers.size());
  for (std::size_t k = 0; k < a.layers.size(); ++k) {
    const auto &x = a.layers[k], &y = b.layers[k];
    CHECK(x.n_in == y.n_in);
    CHECK(x.n_out == y.n_out);
    CHECK(x.activation == y.activation);
    CHECK(x.weight_format == y.weight_format);
    CHECK(x.bias_format == y.bias_format);
    CHECK(x.result_format == y.result_format);
    CHECK(x.weights == y.weights);
    CHECK(x.biases == y.biases);
    CHECK(x.mask == y.mask);
    CHECK(x.reuse_factor == y.reuse_factor);
    CHECK(x.strategy == y.strategy);
  }
}
}  // namespace

TEST_CASE("quantized model save/load round-trip is lossless", "[nn][model_json]") {
  const auto m = random_model();
  check_golden_computable(m);
  test::TempDir dir;
  const auto path = dir.path() / "m.q.json";
  save_quantized_model(m, path);
  const auto back = load_quantized_model(path);
  expect_equal(m, back);
  // Same golden outputs after the round trip.
  const std::vector<std::int64_t> x = {100, -7, 127};
  CHECK(golden_forward(m, x) == golden_forward(back, x));
  // Layout: weights are rows per output neuron.
  const Json j = to_json(m);
  CHECK(j["layers"][0]["weights"].size() == 4);
  CHECK(j["layers"][0]["weights"][0].size() == 3);
  CHECK(j["layers"][1]["strategy"] == "resource");
  CHECK_FALSE(j["layers"][0].contains("dc"));  // the default (-1) is not written
}

TEST_CASE("a layer's delay limit dc survives the round trip", "[nn][model_json]") {
  auto m = random_model();
  m.layers[0].dc = 2;
  const Json j = to_json(m);
  CHECK(j["layers"][0]["dc"] == 2);
  const auto back = quantized_model_from_json(JsonView(j, "m.q.json"));
  CHECK(back.layers[0].dc == 2);
  CHECK(back.layers[1].dc == -1);
}

TEST_CASE("bad quantized model files are refused with the JSON path", "[nn][model_json]") {
  const Json good = to_json(random_model());
  auto refused = [&](auto edit, const std::string& needle) {
    Json j = good;
    edit(j);
    INFO(needle);
    CHECK_THROWS_WITH(quantized_model_from_json(JsonView(j, "m.q.json")), Catch::Contains(needle));
  };
  refused([](Json& j) { j["format"] = "something"; }, "m.q.json:$.format: not a nas4ml quantized model");
  refused([](Json& j) { j["layers"][0]["weights"][0][1] = 40; }, "$.layers[0].weights[0][1]");
  refused([](Json& j) { j["layers"][0]["weights"].erase(0); }, "wrong number of rows");
  refused([](Json& j) { j["layers"][1]["n_in"] = 5; }, "layer sizes do not chain");
  refused([](Json& j) {
    j["layers"][0]["mask"][0] = {0, 0, 0};
    j["layers"][0]["weights"][0] = {0, 0, 3};
  }, "pruned weight is not zero");
  refused([](Json& j) { j["layers"][0]["bias_format"] = "ap_fixed<8>"; }, "$.layers[0].bias_format");
  refused([](Json& j) { j["layers"][1]["activation"] = "swish"; }, "$.layers[1].activation");
  refused([](Json& j) { j["layers"][0]["wieghts"] = 1; }, "unknown key");
  refused([](Json& j) { j["layers"][0]["dc"] = -2; }, "$.layers[0].dc");
  refused([](Json& j) { j["class_names"] = {"only one"}; }, "$.class_names");
}
