#include <catch2/catch.hpp>

#include "nas4ml/nn/model_spec_json.hpp"
#include "support/run_cli.hpp"

using namespace nas4ml;
using namespace nas4ml::nn;

namespace {
ModelSpec parse(const std::string& text) {
  const Json j = Json::parse(text);
  return parse_model_spec(JsonView(j, "spec.json"));
}
}  // namespace

TEST_CASE("a hand-written model spec with defaults", "[nn][model_spec]") {
  const auto s = parse(R"({
    "name": "magic", "inputs": 10, "outputs": 2, "input_format": "ap_fixed<12,4>",
    "defaults": {"weight_format": "ap_fixed<8,2>", "result_format": "ap_fixed<8,4,AP_RND,AP_SAT>", "sparsity": 0.5},
    "layers": [{"units": 32}, {"units": 32, "sparsity": 0.25, "reuse_factor": 4, "strategy": "resource"}, {}],
    "training": {"optimizer": "sgd", "epochs": 7, "batch_size": 128, "schedule": "step", "prune_rounds": 2}
  })");
  CHECK(s.name == "magic");
  CHECK(s.n_inputs == 10);
  CHECK(s.input_format.to_string() == "ap_fixed<12,4>");
  REQUIRE(s.layers.size() == 3);
  CHECK(s.layers[0].units == 32);
  CHECK(s.layers[0].activation == Activation::relu);
  CHECK(s.layers[0].sparsity == 0.5);
  CHECK(s.layers[0].weight_format.to_string() == "ap_fixed<8,2>");
  CHECK(s.layers[0].bias_format.to_string() == "ap_fixed<16,6>");  // hls4ml's default
  CHECK(s.layers[0].result_format.to_string() == "ap_fixed<8,4,AP_RND,AP_SAT>");
  CHECK(s.layers[1].sparsity == 0.25);
  CHECK(s.layers[1].reuse_factor == 4);
  CHECK(s.layers[1].strategy == Strategy::resource);
  CHECK(s.layers[2].units == 2);
  CHECK(s.layers[2].activation == Activation::linear);
  CHECK(s.training.optimizer == "sgd");
  CHECK(s.training.epochs == 7);
  CHECK(s.training.schedule == "step");
  CHECK(s.training.prune_rounds == 2);
  CHECK(s.training.learning_rate == 1e-3);  // default
  // Round trip through to_json.
  const Json j = to_json(s);
  const auto back = parse_model_spec(JsonView(j, "rt"));
  CHECK(to_json(back) == j);
  // Left out: inputs and the output units come from the data set.
  const auto open = parse(R"({"layers": [{"units": 8}, {}]})");
  CHECK(open.n_inputs == 0);
  CHECK(open.layers.back().units == 0);
  const auto resolved = resolve_model_spec(open, 5, 3, "x");
  CHECK(resolved.n_inputs == 5);
  CHECK(resolved.layers.back().units == 3);
}

TEST_CASE("bad model specs get one clear message with the JSON path", "[nn][model_spec]") {
  struct Bad {
    const char* text;
    const char* message;
  };
  const Bad cases[] = {
      {R"({"layers": [{"units": 8}, {}], "trainng": {}})", "spec.json:$.trainng: unknown key"},
      {R"({"layers": [{"units": 0}, {}]})", "$.layers[0].units: value out of range, expected an integer in [1,"},
      {R"({"layers": [{"unit": 8}, {}]})", "$.layers[0].unit: unknown key, expected \"units\""},
      {R"({"layers": [{"units": 8, "sparsity": 1.0}, {}]})", "$.layers[0].sparsity: value out of range, expected a fraction in [0, 1)"},
      {R"({"layers": [{"units": 8, "weight_format": "ap_fixed<8"}, {}]})", "$.layers[0].weight_format: invalid fixed-point format"},
      {R"({"layers": [{"units": 8, "result_format": "ap_fixed<32,8>"}, {}]})", "$.layers[0].result_format: format too wide to train, expected a width of at most 24 bits, got 32 bits"},
      {R"({"layers": [{"units": 8}, {"activation": "relu"}]})", "$.layers[1].activation: the output layer must be linear"},
      {R"({"layers": [{"units": 8}, {"units": 3}], "outputs": 2})", "$.outputs: differs from the last layer's units, expected 3, got 2"},
      {R"({"layers": []})", "$.layers: no layers"},
      {R"({"layers": [{"units": 8}, {}], "training": {"optimizer": "adamw"}})", "$.training.optimizer: invalid choice"},
      {R"({"layers": [{"units": 8}, {}], "training": {"learning_rate": 0}})", "$.training.learning_rate: value out of range"},
      {R"({"layers": [{"units": 8}, {}], "training": {"batch_size": 2.5}})", "$.training.batch_size: wrong type, expected an integer"},
      {R"({"layers": [{"units": 8, "strategy": "fast"}, {}]})", "$.layers[0].strategy: invalid choice"},
      {R"({"layers": [{"units": 8}, {}], "inputs": -1})", "$.inputs: value out of range"},
      {R"({"name": "x"})", "missing required key"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    CHECK_THROWS_AS(parse(c.text), ConfigError);
    CHECK_THROWS_WITH(parse(c.text), Catch::Contains(c.message));
  }
}

TEST_CASE("the ready model specs in experiments/models parse", "[nn][model_spec]") {
  for (const char* name : {"magic_10_32_32_2.json", "jet_16_64_32_32_5.json", "letter_16_64_32_32_26.json"}) {
    INFO(name);
    const auto s = load_model_spec(test::source_path(std::string("experiments/models/") + name));
    CHECK(s.layers.size() >= 2);
  }
}
