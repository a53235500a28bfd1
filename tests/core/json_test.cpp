#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cstdlib>

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

TEST_CASE("a duplicate JSON key is refused, not silently the last value", "[core][json][hardening]") {
  const std::string m = message_of([] { nas4ml::parse_json_text(R"({"a": {"b": 1, "b": 2}})", "x.json"); });
  CHECK_THAT(m, Catch::Contains("x.json:$.a: duplicate key \"b\""));
  // The same key in different objects, and in objects inside arrays, is fine.
  CHECK_NOTHROW(nas4ml::parse_json_text(R"({"a": {"b": 1}, "c": [{"b": 2}, {"b": 3}], "b": 4})", "x.json"));
  const std::string m2 = message_of([] { nas4ml::parse_json_text(R"({"c": [{"b": 2}, {"b": 3, "b": 4}]})", "x.json"); });
  CHECK_THAT(m2, Catch::Contains("$.c[1]"));
}

TEST_CASE("1e400 in JSON is a user error naming the number", "[core][json][hardening]") {
  const std::string m = message_of([] { nas4ml::parse_json_text(R"({"seed": 1e400})", "e.json"); });
  CHECK_THAT(m, Catch::Contains("e.json: number out of range") && Catch::Contains("1e400"));
}

TEST_CASE("a FIFO or a device as a JSON file is refused without reading", "[core][json][hardening]") {
  nas4ml::test::TempDir tmp;
  const auto fifo = tmp.path() / "fifo.json";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK_THAT(message_of([&] { nas4ml::load_json_file(fifo); }), Catch::Contains("not a regular file") && Catch::Contains("FIFO"));
  CHECK_THAT(message_of([] { nas4ml::load_json_file("/dev/zero"); }), Catch::Contains("character device"));
}

TEST_CASE("a JSON file over the size limit is refused before reading", "[core][json][hardening]") {
  nas4ml::test::TempDir tmp;
  const auto f = tmp.write("big.json", std::string(200, ' ') + "{}");
  ::setenv("NAS4ML_MAX_JSON_BYTES", "100", 1);
  const std::string m = message_of([&] { nas4ml::load_json_file(f); });
  ::unsetenv("NAS4ML_MAX_JSON_BYTES");
  CHECK_THAT(m, Catch::Contains("file too large") && Catch::Contains("202 bytes"));
  CHECK_NOTHROW(nas4ml::load_json_file(f));
}
