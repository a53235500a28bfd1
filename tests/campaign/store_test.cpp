#include <catch2/catch.hpp>

#include <fstream>

#include <sqlite3.h>

#include <functional>

#include "nas4ml/campaign/store.hpp"
#include "support/temp_dir.hpp"

using nas4ml::ConfigError;
using nas4ml::Json;
using nas4ml::campaign::EvaluationRecord;
using nas4ml::campaign::Store;

namespace {
EvaluationRecord record(int generation, int index, const std::string& hash, bool ok = true) {
  EvaluationRecord r;
  r.generation = generation;
  r.index = index;
  r.genome_hash = hash;
  r.genome = {1, 2, index};
  r.model_spec = {{"layers", 2}};
  r.model = ok ? Json{{"name", hash}} : Json();
  r.metrics = {{"accuracy", 0.5 + 0.01 * index}};
  r.estimates = {{"lut", 100 * index}};
  r.objectives = {0.5, 100.0 * index};
  r.violation = index == 2 ? 1.5 : 0.0;
  r.status = ok ? "ok" : "failed";
  r.failure_reason = ok ? "" : "training diverged (loss nan at epoch 3)";
  r.train_seconds = 1.25;
  r.estimate_seconds = 0.001;
  r.seed = 0xFFFFFFFFFFFFFFF0ULL + static_cast<std::uint64_t>(index);  // full 64-bit range survives
  return r;
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST_CASE("a store keeps the experiment, generations, evaluations and fronts", "[campaign][store]") {
  nas4ml::test::TempDir tmp;
  const auto path = tmp.path() / "campaign.sqlite";
  const Json exp = {{"seed", 3}};
  {
    auto store = Store::create(path, exp, "abc123", {{"engine", "0.1.0"}});
    CHECK_FALSE(store.last_generation().has_value());
    store.commit_generation(0, {record(0, 0, "h0"), record(0, 1, "h1", false)}, {{"rng", {1, 2, 3, 4}}},
                            Json::array({"h0"}), 0.25);
    store.commit_generation(1, {record(1, 2, "h2")}, {{"rng", {5, 6, 7, 8}}}, Json::array({"h0", "h2"}), 0.5);
  }
  auto store = Store::open(path);
  CHECK(store.experiment() == exp);
  CHECK(store.experiment_hash() == "abc123");
  CHECK(store.manifest()["engine"] == "0.1.0");
  CHECK(store.last_generation() == 1);
  CHECK(store.optimizer_state(0)["rng"] == Json({1, 2, 3, 4}));
  const auto all = store.evaluations();
  REQUIRE(all.size() == 3);
  CHECK(all[1].status == "failed");
  CHECK(all[1].failure_reason == "training diverged (loss nan at epoch 3)");
  CHECK(all[1].model.is_null());
  CHECK(all[0].seed == 0xFFFFFFFFFFFFFFF0ULL);
  CHECK(all[2].violation == 1.5);
  CHECK(store.evaluations(1).size() == 1);
  CHECK(store.evaluation("h2")->index == 2);
  CHECK_FALSE(store.evaluation("nope").has_value());
  CHECK(store.count_evaluations() == 3);
  CHECK(store.count_evaluations(true) == 1);
  CHECK(store.front() == Json::array({"h0", "h2"}));
  CHECK(store.front(0) == Json::array({"h0"}));
  const auto hv = store.hypervolume_history();
  REQUIRE(hv.size() == 2);
  CHECK(hv[1] == std::pair<int, double>{1, 0.5});
}

TEST_CASE("a generation commits all or nothing", "[campaign][store]") {
  nas4ml::test::TempDir tmp;
  const auto path = tmp.path() / "c.sqlite";
  auto store = Store::create(path, Json::object(), "x", Json::object());
  store.commit_generation(0, {record(0, 0, "h0")}, Json::object(), Json::array(), 0.0);
  // A duplicate genome hash violates the UNIQUE constraint: the whole generation is rolled back.
  CHECK_THROWS_AS(store.commit_generation(1, {record(1, 0, "h1"), record(1, 1, "h0")}, Json::object(),
                                          Json::array(), 0.0),
                  ConfigError);
  CHECK(store.last_generation() == 0);
  CHECK(store.count_evaluations() == 1);
  CHECK_FALSE(store.evaluation("h1").has_value());
}

TEST_CASE("counts follow the commits and genome hashes are listed up to a generation", "[campaign][store]") {
  nas4ml::test::TempDir tmp;
  const auto path = tmp.path() / "c.sqlite";
  auto store = Store::create(path, Json::object(), "x", Json::object());
  CHECK(store.count_evaluations() == 0);  // counted once here, then kept up to date by the commits
  store.commit_generation(0, {record(0, 0, "a0"), record(0, 1, "a1", false)}, Json::object(), Json::array(), 0.0);
  store.commit_generation(1, {record(1, 0, "b0", false), record(1, 1, "b1")}, Json::object(), Json::array(), 0.0);
  CHECK(store.count_evaluations() == 4);
  CHECK(store.count_evaluations(true) == 2);
  CHECK_THROWS_AS(store.commit_generation(2, {record(2, 0, "a0")}, Json::object(), Json::array(), 0.0), ConfigError);
  CHECK(store.count_evaluations() == 4);  // a rolled-back generation counts nothing
  CHECK(Store::open(path).count_evaluations(true) == 2);
  using V = std::vector<std::string>;
  CHECK(store.genome_hashes(0) == V{"a0", "a1"});
  CHECK(store.genome_hashes(1) == V{"a0", "a1", "b0", "b1"});
  CHECK(store.genome_hashes(-1).empty());
}

TEST_CASE("foreign, corrupt and missing stores are refused with a clear error", "[campaign][store]") {
  nas4ml::test::TempDir tmp;
  CHECK(message_of([&] { Store::open(tmp.path() / "none.sqlite"); }) ==
        (tmp.path() / "none.sqlite").string() +
            ": campaign store not found, expected an existing campaign.sqlite, got no such file");
  const auto text = tmp.write("notes.txt", "this is not a database, just some text of enough length\n");
  CHECK(message_of([&] { Store::open(text); }) ==
        text.string() + ": not a campaign store, expected an SQLite file written by nas4ml, got a file that is not SQLite");
  // A valid SQLite file of another application.
  const auto foreign = tmp.path() / "foreign.sqlite";
  {
    auto s = Store::create(foreign, Json::object(), "x", Json::object());
  }
  {
    // Rewrite its application id as another program would have it.
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(foreign.c_str(), &db) == SQLITE_OK);
    sqlite3_exec(db, "PRAGMA application_id=42", nullptr, nullptr, nullptr);
    sqlite3_close(db);
  }
  CHECK_THAT(message_of([&] { Store::open(foreign); }), Catch::Contains("not a campaign store") &&
                                                            Catch::Contains("got application id 0x2a"));
  // A store whose pages were overwritten with garbage.
  const auto corrupt = tmp.path() / "corrupt.sqlite";
  {
    auto s = Store::create(corrupt, Json::object(), "x", Json::object());
    s.commit_generation(0, {record(0, 0, "h0")}, Json::object(), Json::array(), 0.0);
  }
  {
    std::fstream f(corrupt, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(100);
    const std::string junk(3000, '\x5a');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  CHECK_THAT(message_of([&] {
               auto s = Store::open(corrupt);
               s.evaluations();
             }),
             Catch::Contains("corrupt") || Catch::Contains("campaign store error"));
}

TEST_CASE("create refuses to overwrite an existing store", "[campaign][store]") {
  nas4ml::test::TempDir tmp;
  const auto path = tmp.path() / "c.sqlite";
  { auto s = Store::create(path, Json::object(), "x", Json::object()); }
  CHECK_THAT(message_of([&] { Store::create(path, Json::object(), "x", Json::object()); }),
             Catch::Contains("campaign store already exists"));
}
