#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "nas4ml/nn/model_spec_json.hpp"
#include "nas4ml/space/genome_encoding.hpp"
#include "nas4ml/space/operators.hpp"
#include "support/read_text.hpp"
#include "support/run_cli.hpp"

#include <set>

using namespace nas4ml;
using namespace nas4ml::space;

TEST_CASE("encode is the inverse of decode on random genomes of the ready spaces", "[space][encoding]") {
  for (const char* file : {"jet_mlp.json", "image_mlp.json", "physics_binary.json"}) {
    INFO(file);
    const SearchSpace s = load_search_space(test::source_path(std::string("search_spaces/") + file));
    Rng rng(7);
    for (int i = 0; i < 200; ++i) {
      const Genes g = random_genome(s, rng);
      const Encoding e = encode(s, decode(s, g, "x"));
      INFO(e.gene << ": expected " << e.expected << ", got " << e.got);
      REQUIRE(e.gene.empty());
      CHECK(e.genes == g);
    }
  }
}

TEST_CASE("encode names the first gene a spec does not fit", "[space][encoding]") {
  const SearchSpace s = load_search_space(test::source_path("search_spaces/jet_mlp.json"));
  Rng rng(3);
  const Genes g = random_genome(s, rng);
  nn::ModelSpec m = decode(s, g, "x");
  const std::size_t hidden = m.layers.size() - 1;

  nn::ModelSpec units = m;
  units.layers[0].units = 13;  // jet_mlp offers 8..64 in steps
  Encoding e = encode(s, units);
  CHECK(e.gene == "hidden[0].units");
  CHECK(e.got == "13");
  CHECK(e.expected.rfind("one of 8, ", 0) == 0);

  nn::ModelSpec width = m;
  width.layers[hidden - 1].weight_format.width = 23;
  e = encode(s, width);
  CHECK(e.gene == fmt::format("hidden[{}].weight_format.total_bits", hidden - 1));
  CHECK(e.got == "23");

  nn::ModelSpec lr = m;
  lr.training.learning_rate = 0.123456;
  e = encode(s, lr);
  CHECK(e.gene == "training.learning_rate");

  nn::ModelSpec deep = m;
  while (static_cast<int>(deep.layers.size()) - 1 <= s.max_hidden) deep.layers.insert(deep.layers.begin(), m.layers[0]);
  e = encode(s, deep);
  CHECK(e.gene == "depth");

  nn::ModelSpec classes = m;
  classes.layers.back().units = 3;
  CHECK(encode(s, classes).gene == "output.units");

  nn::ModelSpec normalized = m;
  normalized.layers[0].batch_norm = true;  // no search space offers batch normalization
  e = encode(s, normalized);
  CHECK(e.gene == "hidden[0].batch_norm");
  CHECK(e.got == "true");

  // The hls4ml jet network (16 > 64 > 32 > 32 > 5): its truncating, wrapping formats and training
  // knobs are not among the jet space's choices.
  const nn::ModelSpec jet = nn::load_model_spec(test::source_path("experiments/models/jet_16_64_32_32_5.json"));
  e = encode(s, jet);
  CHECK_FALSE(e.gene.empty());
}

TEST_CASE("a space offering activations decodes to every one of them and encodes back", "[space][encoding][activation]") {
  Json j = Json::parse(test::read_text(test::source_path("search_spaces/physics_binary.json")));
  j["hidden"]["activation"] = {"relu", "leaky_relu", "hard_sigmoid", "hard_tanh", "tanh", "sigmoid"};
  const SearchSpace s = parse_search_space(JsonView(j, "s.json"));
  Rng rng(11);
  std::set<nn::Activation> seen;
  for (int i = 0; i < 300; ++i) {
    const Genes g = random_genome(s, rng);
    const nn::ModelSpec spec = decode(s, g, "x");
    for (std::size_t k = 0; k + 1 < spec.layers.size(); ++k) seen.insert(spec.layers[k].activation);
    CHECK(spec.layers.back().activation == nn::Activation::linear);
    const Encoding e = encode(s, spec);
    REQUIRE(e.gene.empty());
    CHECK(e.genes == g);
  }
  CHECK(seen.size() == 6);
}

TEST_CASE("a space offering batch normalization decodes to both and encodes back", "[space][encoding][batch_norm]") {
  Json j = Json::parse(test::read_text(test::source_path("search_spaces/physics_binary.json")));
  j["hidden"]["batch_norm"] = {false, true};
  const SearchSpace s = parse_search_space(JsonView(j, "s.json"));
  Rng rng(12);
  int with = 0, without = 0;
  for (int i = 0; i < 200; ++i) {
    const Genes g = random_genome(s, rng);
    const nn::ModelSpec spec = decode(s, g, "x");
    for (std::size_t k = 0; k + 1 < spec.layers.size(); ++k) (spec.layers[k].batch_norm ? with : without) += 1;
    CHECK_FALSE(spec.layers.back().batch_norm);
    const Encoding e = encode(s, spec);
    REQUIRE(e.gene.empty());
    CHECK(e.genes == g);
  }
  CHECK(with > 0);
  CHECK(without > 0);
  // A space listing only false refuses a normalized baseline, naming the gene and the choices.
  j["hidden"]["batch_norm"] = {false};
  const SearchSpace off = parse_search_space(JsonView(j, "s.json"));
  nn::ModelSpec spec = decode(off, random_genome(off, rng), "x");
  spec.layers[0].batch_norm = true;
  const Encoding e = encode(off, spec);
  CHECK(e.gene == "hidden[0].batch_norm");
  CHECK(e.got == "true");
}
