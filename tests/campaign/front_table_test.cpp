// `nas4ml front` follows the experiment: objectives first (named), then the constrained metrics,
// then the rest; the progress line's best values are the objectives'.
#include <catch2/catch.hpp>

#include "nas4ml/campaign/front_table.hpp"
#include "nas4ml/campaign/store.hpp"
#include "support/temp_dir.hpp"

using namespace nas4ml;
using namespace nas4ml::campaign;

namespace {
EvaluationRecord evaluation(int index, double auc, double ebops, double latency) {
  EvaluationRecord r;
  r.index = index;
  r.genome_hash = "h" + std::to_string(index);
  r.genome = {index};
  r.model_spec = Json::object();
  r.model = Json::object();
  r.metrics = {{"validation", {{"accuracy", 0.7 + 0.01 * index}, {"auc", auc}}},
               {"test", {{"accuracy", 0.69}, {"auc", 0.75}}}};
  r.estimates = {{"lut", 1000.0 * (index + 1)}, {"ff", 50},           {"dsp", 0},  {"bram18", 0},
                 {"latency_ns", latency},       {"latency_cycles", 4}, {"ii", 1},   {"bops", 9000},
                 {"ebops", ebops},              {"utilization_pct", {{"lut", 0.1}, {"ff", 0.01}, {"dsp", 0}, {"bram18", 0}}}};
  return r;
}

Json experiment(const Json& objectives) {
  return {{"objectives", objectives},
          {"constraints", Json::array({{{"metric", "latency_ns"}, {"max", 100}}})},
          {"training", {{"metrics_split", "validation"}}}};
}
}  // namespace

TEST_CASE("front columns follow an auc + ebops campaign", "[campaign][front]") {
  test::TempDir tmp;
  auto store = Store::create(tmp.path() / "s.sqlite",
                             experiment(Json::array({{{"metric", "auc"}, {"direction", "maximize"}},
                                                     {{"metric", "ebops"}, {"direction", "minimize"}}})),
                             "hash", Json::object());
  std::vector<EvaluationRecord> recs = {evaluation(0, 0.80, 500, 20), evaluation(1, 0.85, 900, 30)};
  for (auto& r : recs) r.objectives = {r.metrics["validation"]["auc"], r.estimates["ebops"]};
  const Json front = Json::array({{{"id", "h0"}, {"objectives", {0.80, 500}}}, {{"id", "h1"}, {"objectives", {0.85, 900}}}});
  store.commit_generation(0, recs, Json::object(), front, 0.4);

  const FrontTable t = front_table(store);
  REQUIRE(t.columns.size() >= 5);
  CHECK(std::vector<std::string>(t.columns.begin(), t.columns.begin() + 5) ==
        std::vector<std::string>{"id", "gen", "auc", "ebops", "latency_ns"});
  CHECK(std::count(t.columns.begin(), t.columns.end(), "latency_ns") == 1);
  CHECK(t.header == "objectives: auc (maximize), ebops (minimize); constraints: latency_ns <= 100; accuracy and auc "
                    "on the validation split");
  // Best auc first; the cells and the JSON agree.
  REQUIRE(t.rows.size() == 2);
  CHECK(t.rows[0][0] == "h1");
  CHECK(t.rows[0][2] == "0.8500");
  CHECK(t.rows[0][3] == "900");
  CHECK(t.rows[0][4] == "30.0");
  CHECK(t.json[0]["auc"] == 0.85);
  CHECK(t.json[0]["test_auc"] == 0.75);
  CHECK(t.json[0]["synth_lut"].is_null());
  CHECK(t.json[0].begin().key() == "id");
  CHECK(std::next(t.json[0].begin(), 2).key() == "auc");
  const std::string csv = format_table(t, true);
  CHECK(csv.rfind("id,gen,auc,ebops,latency_ns,accuracy,", 0) == 0);
  CHECK(format_table(t, false).rfind("objectives: auc (maximize)", 0) == 0);
  CHECK(best_objectives(front, objective_setup(store.experiment(), "s")) == "auc 0.8500, ebops 500");
}

TEST_CASE("front columns follow a 3-objective campaign", "[campaign][front]") {
  test::TempDir tmp;
  auto store = Store::create(tmp.path() / "s.sqlite",
                             experiment(Json::array({{{"metric", "accuracy"}, {"direction", "maximize"}},
                                                     {{"metric", "lut"}, {"direction", "minimize"}},
                                                     {{"metric", "latency_ns"}, {"direction", "minimize"}}})),
                             "hash", Json::object());
  auto r = evaluation(0, 0.8, 500, 20);
  r.objectives = {0.7, 1000, 20};
  store.commit_generation(0, {r}, Json::object(), Json::array({{{"id", "h0"}, {"objectives", {0.7, 1000, 20}}}}), 0.1);
  const FrontTable t = front_table(store);
  CHECK(std::vector<std::string>(t.columns.begin(), t.columns.begin() + 6) ==
        std::vector<std::string>{"id", "gen", "accuracy", "lut", "latency_ns", "auc"});
  CHECK(best_objectives(store.front(), objective_setup(store.experiment(), "s")) == "accuracy 0.7000, lut 1000, latency_ns 20.0");
}

TEST_CASE("a stored experiment without objectives is refused in one line", "[campaign][front]") {
  CHECK_THROWS_WITH(objective_setup(Json{{"seed", 1}}, "runs/x/campaign.sqlite"),
                    Catch::Contains("runs/x/campaign.sqlite") && Catch::Contains("objectives"));
}
