#include <catch2/catch.hpp>

#include <algorithm>

#include "nas4ml/core/error.hpp"
#include "nas4ml/space/operators.hpp"
#include "nas4ml/space/search_space.hpp"
#include "support/run_cli.hpp"

using namespace nas4ml;
using namespace nas4ml::space;

namespace {
// A minimal valid space; tests patch one field at a time.
Json base_space() {
  return Json::parse(R"({
    "name": "t",
    "inputs": 4,
    "outputs": 3,
    "hidden_layers": {"min": 1, "max": 2},
    "hidden": {
      "units": [4, 8],
      "weight_format": {"total_bits": {"min": 3, "max": 6}, "integer_bits": [0, 1]},
      "sparsity": [0.0, 0.5]
    },
    "training": {"learning_rate": [0.001, 0.01], "optimizer": ["adam", "sgd"], "momentum": [0.0, 0.9]}
  })");
}

SearchSpace parse(const Json& j) { return parse_search_space(JsonView(j, "space.json")); }

std::string error_of(const Json& j) {
  try {
    parse(j);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST_CASE("the ready search spaces load and decode", "[space][search_space]") {
  for (const char* file : {"jet_mlp.json", "image_mlp.json", "physics_binary.json"}) {
    INFO(file);
    const SearchSpace s = load_search_space(test::source_path(std::string("search_spaces/") + file));
    CHECK(s.size() > 1e6);
    Rng rng(1);
    const Genes g = random_genome(s, rng);
    CHECK(check(s, g).empty());
    const nn::ModelSpec m = decode(s, g, "cand");
    CHECK(m.name == "cand");
    CHECK(m.layers.back().units == s.outputs);
    CHECK(m.layers.back().activation == nn::Activation::linear);
    CHECK(static_cast<int>(m.layers.size()) - 1 >= s.min_hidden);
    CHECK(m.training.epochs <= 10);  // campaigns of 500 candidates must stay short
    // canonical JSON parses back to the same space
    const Json canon = to_json(s);
    CHECK(fingerprint(parse_search_space(JsonView(canon, "canon"))) == fingerprint(s));
  }
  const SearchSpace jets = load_search_space(test::source_path("search_spaces/jet_mlp.json"));
  CHECK(jets.inputs == 16);
  CHECK(jets.outputs == 5);
  CHECK(jets.hidden.units.front() == 8);
  CHECK(jets.hidden.units.back() == 64);
  CHECK(jets.hidden.weight_format.total_bits == std::vector<int>{3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  CHECK(jets.hidden.sparsity.back() == 0.9);
  const SearchSpace phys = load_search_space(test::source_path("search_spaces/physics_binary.json"));
  CHECK(phys.inputs == 0);
  CHECK(phys.accepts_inputs(10));
  CHECK(phys.accepts_inputs(28));
  CHECK_FALSE(phys.accepts_inputs(31));
  CHECK(load_search_space(test::source_path("search_spaces/image_mlp.json")).inputs == 49);
}

TEST_CASE("decoding maps every gene to the model spec", "[space][search_space]") {
  const SearchSpace s = parse(base_space());
  // layout: input_format (2) + 11 training | output: sparsity, w(2), b(2), r(2), rf, strat = 9 |
  // hidden: units, act, sparsity, w(2), b(2), r(2), rf, strat = 11
  REQUIRE(s.global_sizes.size() == 13);
  REQUIRE(s.output_sizes.size() == 9);
  REQUIRE(s.hidden_sizes.size() == 11);
  const auto names = gene_names(s, 2);
  REQUIRE(names.size() == s.genome_length(2));
  CHECK(names[0] == "input_format.total_bits");
  CHECK(names[13] == "output.sparsity");
  CHECK(names[22] == "hidden[0].units");
  CHECK(names[33] == "hidden[1].units");
  Genes g(s.genome_length(2), 0);
  g[2] = 1;       // optimizer sgd
  g[3] = 1;       // learning rate 0.01
  g[4] = 1;       // momentum 0.9 (matters: sgd)
  g[22] = 1;      // hidden[0].units = 8
  g[24] = 1;      // hidden[0].sparsity = 0.5
  g[25] = 3;      // hidden[0] weight total bits = 6
  g[26] = 1;      // hidden[0] weight integer bits = 1
  g[33] = 0;      // hidden[1].units = 4
  REQUIRE(check(s, g).empty());
  const nn::ModelSpec m = decode(s, g);
  CHECK(m.n_inputs == 4);
  REQUIRE(m.layers.size() == 3);
  CHECK(m.layers[0].units == 8);
  CHECK(m.layers[0].sparsity == 0.5);
  CHECK(m.layers[0].weight_format == parse_fixed_format("ap_fixed<6,1>"));
  CHECK(m.layers[0].result_format == parse_fixed_format("ap_fixed<16,6>"));  // hls4ml default
  CHECK(m.layers[1].units == 4);
  CHECK(m.layers[2].units == 3);
  CHECK(m.training.optimizer == "sgd");
  CHECK(m.training.learning_rate == 0.01);
  CHECK(m.training.momentum == 0.9);
  CHECK(m.training.epochs == nn::TrainingSpec{}.epochs);
  CHECK(summary(m).find("> 8r w6,1") != std::string::npos);
  // out of range gene, wrong length, wrong depth
  Genes bad = g;
  bad[22] = 2;
  CHECK_THAT(check(s, bad), Catch::Contains("hidden[0].units") && Catch::Contains("[0, 1]"));
  bad = g;
  bad.pop_back();
  CHECK_THAT(check(s, bad), Catch::Contains("fits no depth"));
  CHECK_THAT(check(s, Genes(s.genome_length(0), 0)), Catch::Contains("0 hidden layers, outside [1, 2]"));
  CHECK_THROWS_AS(decode(s, bad), InternalError);
  // momentum without sgd has no effect: not canonical
  Genes adam = g;
  adam[2] = 0;
  CHECK_THAT(check(s, adam), Catch::Contains("training.momentum") && Catch::Contains("no effect"));
}

TEST_CASE("bad search spaces get one clear message each", "[space][search_space]") {
  Json j = base_space();
  j["hiden"] = j["hidden"];
  CHECK_THAT(error_of(j), Catch::Contains("space.json:$.hiden: unknown key, expected \"hidden\""));

  j = base_space();
  j["hidden"]["unit"] = j["hidden"]["units"];
  CHECK_THAT(error_of(j), Catch::Contains("$.hidden.unit") && Catch::Contains("\"units\""));

  j = base_space();
  j["hidden_layers"] = {{"min", 3}, {"max", 2}};
  CHECK_THAT(error_of(j), Catch::Contains("$.hidden_layers.max: empty range, expected max >= min (3), got 2"));

  j = base_space();
  j["hidden"]["units"] = Json::array();
  CHECK_THAT(error_of(j), Catch::Contains("$.hidden.units: empty choice list"));

  j = base_space();
  j["hidden"]["weight_format"] = {"ap_fixed<8,3>", "ap_fixd<6,2>"};
  CHECK_THAT(error_of(j), Catch::Contains("$.hidden.weight_format[1]: invalid fixed-point format"));

  j = base_space();
  j["hidden"]["weight_format"]["integer_bits"] = {1, 4};
  CHECK_THAT(error_of(j), Catch::Contains("$.hidden.weight_format.integer_bits[1]: integer bits exceed total bits") &&
                              Catch::Contains("at most 3"));

  j = base_space();
  j["hidden"]["result_format"] = {"ap_fixed<4,6>"};
  CHECK_THAT(error_of(j), Catch::Contains("$.hidden.result_format[0]: integer bits exceed total bits"));

  j = base_space();
  j["hidden"]["sparsity"] = {0.0, 1.0};
  CHECK_THAT(error_of(j), Catch::Contains("$.hidden.sparsity[1]: value out of range, expected a number in [0, 1)"));

  j = base_space();
  j["hidden"]["reuse_factor"] = {0, 2};
  CHECK_THAT(error_of(j), Catch::Contains("$.hidden.reuse_factor[0]: value out of range") && Catch::Contains("[1, 4096]"));

  j = base_space();
  j["hidden"]["units"] = {8, 16, 8};
  CHECK_THAT(error_of(j), Catch::Contains("$.hidden.units[2]: duplicate choice"));

  j = base_space();
  j["hidden"]["activation"] = {"rleu"};
  CHECK_THAT(error_of(j), Catch::Contains("$.hidden.activation[0]: invalid choice, expected \"relu\""));

  j = base_space();
  j["hidden"].erase("units");
  CHECK_THAT(error_of(j), Catch::Contains("$.hidden.units: missing required key"));

  j = base_space();
  j["training"]["learning_rate"] = {0.0};
  CHECK_THAT(error_of(j), Catch::Contains("$.training.learning_rate[0]: value out of range"));

  j = base_space();
  j["inputs"] = {{"min", 30}, {"max", 10}};
  CHECK_THAT(error_of(j), Catch::Contains("$.inputs.max: empty range"));

  j = base_space();
  j["hidden"]["units"] = "8";
  CHECK_THAT(error_of(j), Catch::Contains("$.hidden.units: wrong type"));

  j = base_space();
  j["output"] = {{"units", {5}}};
  CHECK_THAT(error_of(j), Catch::Contains("$.output.units: unknown key"));

  CHECK_THROWS_WITH(load_search_space("/nonexistent/space.json"), Catch::Contains("file not found"));
}

TEST_CASE("the output layer inherits the hidden layers' choices unless given", "[space][search_space]") {
  Json j = base_space();
  SearchSpace s = parse(j);
  CHECK(s.output.weight_format.total_bits == s.hidden.weight_format.total_bits);
  CHECK(s.output.units == std::vector<int>{3});
  j["output"] = {{"sparsity", {0.0}}};
  s = parse(j);
  CHECK(s.output.sparsity == std::vector<double>{0.0});
  CHECK(s.output.weight_format.total_bits == s.hidden.weight_format.total_bits);
}

TEST_CASE("a space that lists dc gets one dc gene per layer; others keep their genomes", "[space][search_space]") {
  const SearchSpace plain = parse(base_space());
  Json j = base_space();
  j["hidden"]["dc"] = Json::array({-1, 0, 2});
  const SearchSpace s = parse(j);
  REQUIRE(s.hidden_sizes.size() == plain.hidden_sizes.size() + 1);
  REQUIRE(s.output_sizes.size() == plain.output_sizes.size() + 1);  // the output layer inherits it
  const auto names = gene_names(s, 1);
  const auto at = std::find(names.begin(), names.end(), "hidden[0].dc");
  REQUIRE(at != names.end());
  Genes g(s.genome_length(1), 0);
  g[static_cast<std::size_t>(at - names.begin())] = 2;
  const nn::ModelSpec m = decode(s, g);
  CHECK(m.layers[0].dc == 2);
  CHECK(m.layers[1].dc == -1);
  CHECK(decode(plain, Genes(plain.genome_length(1), 0)).layers[0].dc == -1);
  CHECK(summary(m).find("dc2") != std::string::npos);
  j["hidden"]["dc"] = Json::array({-2});
  CHECK_THAT(error_of(j), Catch::Contains("hidden.dc"));
}

TEST_CASE("a space that lists batch_norm gets one gene per hidden layer; others keep their genomes",
          "[space][search_space][batch_norm]") {
  const SearchSpace plain = parse(base_space());
  Json j = base_space();
  j["hidden"]["batch_norm"] = Json::array({false, true});
  const SearchSpace s = parse(j);
  REQUIRE(s.hidden_sizes.size() == plain.hidden_sizes.size() + 1);
  CHECK(s.output_sizes == plain.output_sizes);  // the output layer never normalizes
  CHECK(s.hidden_names.back() == "hidden.batch_norm");
  CHECK(s.hidden_sizes.back() == 2);
  const auto names = gene_names(s, 2);
  const auto at = std::find(names.begin(), names.end(), "hidden[1].batch_norm");
  REQUIRE(at != names.end());
  Genes g(s.genome_length(2), 0);
  g[static_cast<std::size_t>(at - names.begin())] = 1;
  const nn::ModelSpec m = decode(s, g);
  CHECK_FALSE(m.layers[0].batch_norm);
  CHECK(m.layers[1].batch_norm);
  CHECK_FALSE(m.layers[2].batch_norm);
  CHECK(summary(m).find(" bn") != std::string::npos);
  CHECK(summary(decode(s, Genes(s.genome_length(2), 0))).find(" bn") == std::string::npos);
  // Written back only where listed, so every other space keeps its JSON (and fingerprint).
  CHECK(to_json(s)["hidden"]["batch_norm"] == Json::array({false, true}));
  CHECK_FALSE(to_json(plain)["hidden"].contains("batch_norm"));
  CHECK(parse(to_json(s)).hidden_sizes == s.hidden_sizes);
  // Bad lists and the output layer are refused with the key named.
  j["hidden"]["batch_norm"] = Json::array({"yes"});
  CHECK_THAT(error_of(j), Catch::Contains("hidden.batch_norm[0]") && Catch::Contains("wrong type"));
  j["hidden"]["batch_norm"] = Json::array({true, true});
  CHECK_THAT(error_of(j), Catch::Contains("hidden.batch_norm"));
  j = base_space();
  j["output"] = {{"batch_norm", {true}}};
  CHECK_THAT(error_of(j), Catch::Contains("output.batch_norm"));
}
