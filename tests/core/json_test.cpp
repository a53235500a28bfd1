#include <catch2/catch.hpp>

#include "nas4ml/core/json.hpp"
#include "support/temp_dir.hpp"

using nas4ml::ConfigError;
using nas4ml::Json;
using nas4ml::JsonView;

namespace {
// Runs `f` and returns the ConfigError's message; fails the test when nothing is thrown.
template <class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  FAIL("expected a ConfigError");
  return {};
}
}  // namespace

TEST_CASE("syntax errors name the file, line and column", "[core][json]") {
  nas4ml::test::TempDir tmp;
  const auto p = tmp.write("bad.json", "{\n  \"a\": 1,\n  \"b\": ,\n}\n");
  const auto m = message_of([&] { nas4ml::load_json_file(p); });
  CHECK_THAT(m, Catch::Contains("bad.json:line 3 column"));
  CHECK_THAT(m, Catch::Contains("invalid JSON"));
}

TEST_CASE("a missing file is a clear error", "[core][json]") {
  const auto m = message_of([] { nas4ml::load_json_file("/nonexistent/x.json"); });
  CHECK(m == "/nonexistent/x.json: file not found, expected an existing JSON file, got no such file");
}

TEST_CASE("an empty file is invalid JSON", "[core][json]") {
  nas4ml::test::TempDir tmp;
  const auto p = tmp.write("empty.json", "");
  CHECK_THAT(message_of([&] { nas4ml::load_json_file(p); }), Catch::Contains("invalid JSON"));
}

TEST_CASE("unknown keys suggest the nearest valid key", "[core][json]") {
  const Json j = Json::parse(R"({"search": {"populaton": 10}})");
  const JsonView root(j, "exp.json");
  const auto m = message_of([&] { root.at("search").check_keys({"population", "generations"}); });
  CHECK(m == "exp.json:$.search.populaton: unknown key, expected \"population\", got \"populaton\"");
}

TEST_CASE("typed getters report wrong types and ranges with the JSON path", "[core][json]") {
  const Json j = Json::parse(R"({"n": "ten", "m": 0, "x": 1.5, "f": "ap_fixed<8>", "c": "adma", "b": 1})");
  const JsonView v(j, "e.json");
  CHECK(message_of([&] { v.get_int("n", 1, 10); }) == "e.json:$.n: wrong type, expected an integer, got \"ten\"");
  CHECK(message_of([&] { v.get_int("m", 1, 10); }) ==
        "e.json:$.m: value out of range, expected an integer in [1, 10], got 0");
  CHECK(message_of([&] { v.get_int("x", 1, 10); }) == "e.json:$.x: wrong type, expected an integer, got 1.5");
  CHECK(message_of([&] { v.get_int("missing", 1, 10); }) ==
        "e.json:$.missing: missing required key, expected \"missing\", got nothing");
  CHECK(v.get_int("missing", 1, 10, 4) == 4);
  CHECK_THAT(message_of([&] { v.at("f").as_fixed_format(); }), Catch::StartsWith("e.json:$.f: invalid fixed-point format"));
  CHECK(message_of([&] { v.get_choice("c", {"adam", "sgd"}); }) ==
        "e.json:$.c: invalid choice, expected one of adam, sgd, got \"adma\"");
  CHECK(message_of([&] { v.get_bool("b"); }) == "e.json:$.b: wrong type, expected true or false, got 1");
  CHECK(v.get_number("x", 0, 2) == 1.5);
}

TEST_CASE("array elements carry their index in the path", "[core][json]") {
  const Json j = Json::parse(R"({"layers": [{"units": 4}, {"units": -1}]})");
  const JsonView v(j, "m.json");
  CHECK(message_of([&] { v.at("layers").at(std::size_t{1}).get_int("units", 1, 1024); }) ==
        "m.json:$.layers[1].units: value out of range, expected an integer in [1, 1024], got -1");
}

TEST_CASE("save_json_file round-trips", "[core][json]") {
  nas4ml::test::TempDir tmp;
  const Json j = {{"a", 1}, {"b", {1, 2, 3}}};
  nas4ml::save_json_file(tmp.path() / "x.json", j);
  CHECK(nas4ml::load_json_file(tmp.path() / "x.json") == j);
}

TEST_CASE("edit distance and nearest word", "[core][json]") {
  CHECK(nas4ml::edit_distance("kitten", "sitting") == 3);
  CHECK(nas4ml::nearest_word("seeed", {"seed", "threads"}) == std::optional<std::string>("seed"));
  CHECK_FALSE(nas4ml::nearest_word("zzzzzzzz", {"seed", "threads"}).has_value());
}
