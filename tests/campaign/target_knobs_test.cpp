// Knobs a target ignores are never searched: an experiment whose target has no reuse factor
// (rtl) refuses a search space offering one, with one line naming the space file, the field,
// what is accepted and what was found; the hls target accepts it.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>

#include "nas4ml/campaign/experiment_config.hpp"
#include "support/run_cli.hpp"
#include "support/temp_dir.hpp"

using namespace nas4ml;

namespace {

std::string source_text(const std::string& path) {
  std::ifstream in(test::source_path(path));
  REQUIRE(in);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct Fixture {
  test::TempDir tmp;
  Fixture() {
    tmp.write("data/jets.json", R"({"name": "jets", "format": "csv", "source": "jets.csv", "header": false,
      "column_names": ["f0","f1","f2","f3","f4","f5","f6","f7","f8","f9","f10","f11","f12","f13","f14","f15","class"],
      "label_column": "class", "classes": ["a", "b", "c", "d", "e"]})");
    std::string rows;
    for (int r = 0; r < 50; ++r) {
      for (int f = 0; f < 16; ++f) rows += std::to_string((r * 5 + f) % 7) + ",";
      rows += std::string(1, static_cast<char>('a' + r % 5)) + "\n";
    }
    tmp.write("data/jets.csv", rows);
    tmp.write("spaces/jet_mlp.json", source_text("search_spaces/jet_mlp.json"));
    tmp.write("spaces/jet_mlp_hls.json", source_text("search_spaces/jet_mlp_hls.json"));
    tmp.write("estimators/xilinx/xcvu9p.json", "{}\n");
  }
  std::string error_of(const std::string& space, const std::string& hardware) const {
    const Json j = Json::parse(R"({"dataset": "data/jets.json", "search_space": ")" + space +
                               R"(", "objectives": ["accuracy", "lut"], "hardware": )" + hardware +
                               R"(, "search": {"population": 8, "generations": 2}})");
    const auto p = tmp.write("exp.json", j.dump(2));
    try {
      campaign::load_experiment(p);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "no error";
  }
};

}  // namespace

TEST_CASE("a search space offering reuse to the rtl target is refused", "[campaign][target]") {
  Fixture f;
  const std::string e = f.error_of("spaces/jet_mlp_hls.json", R"({"device": "xcvu9p"})");
  CHECK_THAT(e, Catch::Contains("jet_mlp_hls.json") && Catch::Contains("$.hidden.reuse_factor") &&
                    Catch::Contains("rtl target") && Catch::Contains("[1, 2, 4, 8]") && Catch::Contains("\"hls\""));
  CHECK(e.find('\n') == std::string::npos);
  CHECK_THAT(f.error_of("spaces/jet_mlp_hls.json", R"({"device": "xcvu9p", "target": "rtl"})"),
             Catch::Contains("$.hidden.reuse_factor"));
}

TEST_CASE("the resource strategy alone is refused for the rtl target too", "[campaign][target]") {
  Fixture f;
  Json sp = Json::parse(source_text("search_spaces/jet_mlp.json"));
  sp["hidden"]["strategy"] = {"latency", "resource"};
  f.tmp.write("spaces/strategy.json", sp.dump(2));
  CHECK_THAT(f.error_of("spaces/strategy.json", R"({"device": "xcvu9p"})"),
             Catch::Contains("$.hidden.strategy") && Catch::Contains("[\"latency\", \"resource\"]"));
}

TEST_CASE("the hls target searches reuse, and the shipped rtl space validates", "[campaign][target]") {
  Fixture f;
  CHECK(f.error_of("spaces/jet_mlp_hls.json", R"({"device": "xcvu9p", "target": "hls"})") == "no error");
  CHECK(f.error_of("spaces/jet_mlp.json", R"({"device": "xcvu9p"})") == "no error");
  CHECK_THAT(f.error_of("spaces/jet_mlp.json", R"({"device": "xcvu9p", "target": "vivado"})"),
             Catch::Contains("$.hardware.target") && Catch::Contains("one of rtl, hls"));
}

TEST_CASE("the target defaults the estimator flavor and enters the experiment's JSON only when not rtl",
          "[campaign][target]") {
  Fixture f;
  const Json j = Json::parse(R"({"dataset": "data/jets.json", "search_space": "spaces/jet_mlp_hls.json",
    "objectives": ["accuracy", "lut"], "hardware": {"device": "xcvu9p", "target": "hls"},
    "search": {"population": 8, "generations": 2}})");
  const auto c = campaign::load_experiment(f.tmp.write("hls.json", j.dump()));
  CHECK(c.hardware.target == "hls");
  CHECK(c.hardware.estimator == "hls");
  CHECK(campaign::to_json(c)["hardware"]["target"] == "hls");
  Json r = j;
  r["search_space"] = "spaces/jet_mlp.json";
  r["hardware"] = {{"device", "xcvu9p"}};
  const auto rtl = campaign::load_experiment(f.tmp.write("rtl.json", r.dump()));
  CHECK(rtl.hardware.estimator == "rtl");
  CHECK_FALSE(campaign::to_json(rtl)["hardware"].contains("target"));
}

TEST_CASE("synthesis.csim asks the run to C-simulate its winners and enters the JSON only when true",
          "[campaign][target]") {
  Fixture f;
  Json j = Json::parse(R"({"dataset": "data/jets.json", "search_space": "spaces/jet_mlp.json",
    "objectives": ["accuracy", "lut"], "hardware": {"device": "xcvu9p"},
    "search": {"population": 8, "generations": 2}, "synthesis": {"csim": true}})");
  const auto c = campaign::load_experiment(f.tmp.write("csim.json", j.dump()));
  CHECK(c.synthesis.csim);
  CHECK(campaign::to_json(c)["synthesis"]["csim"] == true);
  j["synthesis"] = Json::object();
  const auto plain = campaign::load_experiment(f.tmp.write("plain.json", j.dump()));
  CHECK_FALSE(plain.synthesis.csim);
  CHECK_FALSE(campaign::to_json(plain)["synthesis"].contains("csim"));
  j["synthesis"] = {{"csim", "yes"}};
  CHECK_THROWS_WITH(campaign::load_experiment(f.tmp.write("bad.json", j.dump())),
                    Catch::Contains("$.synthesis.csim") && Catch::Contains("\"yes\""));
}

TEST_CASE("synthesis.fold_standardization enters the JSON only when true; synthesis.backend matches the target",
          "[campaign][target]") {
  Fixture f;
  Json j = Json::parse(R"({"dataset": "data/jets.json", "search_space": "spaces/jet_mlp.json",
    "objectives": ["accuracy", "lut"], "hardware": {"device": "xcvu9p"},
    "search": {"population": 8, "generations": 2}, "synthesis": {"fold_standardization": true}})");
  const auto c = campaign::load_experiment(f.tmp.write("fold.json", j.dump()));
  CHECK(c.synthesis.fold_standardization);
  CHECK(campaign::to_json(c)["synthesis"]["fold_standardization"] == true);
  j["synthesis"] = Json::object();
  const auto plain = campaign::load_experiment(f.tmp.write("plain.json", j.dump()));
  CHECK_FALSE(plain.synthesis.fold_standardization);
  CHECK_FALSE(campaign::to_json(plain)["synthesis"].contains("fold_standardization"));
  j["synthesis"] = {{"fold_standardization", 1}};
  CHECK_THROWS_WITH(campaign::load_experiment(f.tmp.write("bad.json", j.dump())),
                    Catch::Contains("$.synthesis.fold_standardization"));
  j["synthesis"] = {{"backend", "vivado"}};
  CHECK(campaign::load_experiment(f.tmp.write("vivado.json", j.dump())).synthesis.backend == "vivado");
  j["synthesis"] = {{"backend", "vitis_hls"}};
  CHECK_THROWS_WITH(campaign::load_experiment(f.tmp.write("vitis.json", j.dump())),
                    Catch::Contains("$.synthesis.backend") && Catch::Contains("for target rtl"));
  j["synthesis"] = {{"backend", "quartus"}};
  CHECK_THROWS_WITH(campaign::load_experiment(f.tmp.write("quartus.json", j.dump())),
                    Catch::Contains("$.synthesis.backend") && Catch::Contains("\"quartus\""));
}

TEST_CASE("the hls target searches table activations whose result formats its tables cover", "[campaign][target][activation]") {
  Fixture f;
  Json sp = Json::parse(source_text("search_spaces/jet_mlp_hls.json"));
  sp["hidden"]["activation"] = {"relu", "tanh", "sigmoid", "leaky_relu"};
  sp["hidden"]["result_format"]["total_bits"] = {6, 8, 10, 12};
  f.tmp.write("spaces/tables.json", sp.dump(2));
  CHECK(f.error_of("spaces/tables.json", R"({"device": "xcvu9p", "target": "hls"})") == "no error");
  sp["hidden"]["result_format"]["total_bits"] = {8, 16};  // a 16-bit table would have 65,536 entries
  f.tmp.write("spaces/wide.json", sp.dump(2));
  const std::string e = f.error_of("spaces/wide.json", R"({"device": "xcvu9p", "target": "hls"})");
  CHECK_THAT(e, Catch::Contains("wide.json") && Catch::Contains("$.hidden.result_format") &&
                    Catch::Contains("tabulates tanh") && Catch::Contains("at most 12 bits") && Catch::Contains("got 16 bits"));
  // The rtl target lowers tables itself and is not concerned by this check.
  sp["hidden"]["reuse_factor"] = {1};
  sp["hidden"].erase("strategy");
  f.tmp.write("spaces/wide_rtl.json", sp.dump(2));
  CHECK(f.error_of("spaces/wide_rtl.json", R"({"device": "xcvu9p"})").find("result_format") == std::string::npos);
}
