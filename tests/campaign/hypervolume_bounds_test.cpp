#include <catch2/catch.hpp>

#include <string>

#include "nas4ml/campaign/hypervolume_bounds.hpp"
#include "nas4ml/core/error.hpp"

using nas4ml::ConfigError;
using nas4ml::Json;
using namespace nas4ml::campaign;

namespace {
/// The message of the ConfigError that reading `state` throws ("" when it reads).
std::string read_error(const Json& state, std::size_t objectives = 2) {
  try {
    read_hypervolume_bounds(state, objectives, "run/campaign.sqlite");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("hypervolume bounds are the ideal and nadir, widened where an objective has no spread",
          "[campaign][hypervolume]") {
  CHECK_FALSE(bounds_of({}).has_value());
  const auto b = bounds_of({{-0.8, 300.0, 5.0}, {-0.6, 100.0, 5.0}, {-0.7, 200.0, 5.0}});
  REQUIRE(b);
  CHECK(b->lo == std::vector<double>{-0.8, 100.0, 5.0});
  CHECK(b->hi == std::vector<double>{-0.6, 300.0, 6.0});
  const auto back = read_hypervolume_bounds(Json{{"hv_bounds", to_json(*b)}}, 3, "x");
  REQUIRE(back);
  CHECK(back->lo == b->lo);
  CHECK(back->hi == b->hi);
}

TEST_CASE("absent or null hypervolume bounds read as none", "[campaign][hypervolume]") {
  CHECK_FALSE(read_hypervolume_bounds(Json::object(), 2, "x").has_value());
  CHECK_FALSE(read_hypervolume_bounds(Json{{"hv_bounds", nullptr}}, 2, "x").has_value());
}

TEST_CASE("damaged hypervolume bounds are a store error naming the field", "[campaign][hypervolume][bad_input]") {
  const Json good = {{"lo", {0.0, 1.0}}, {"hi", {1.0, 2.0}}};
  auto with = [&](const char* key, const Json& value) {
    Json b = good;
    b[key] = value;
    return Json{{"hv_bounds", b}};
  };
  CHECK(read_error(Json{{"hv_bounds", "x"}}).find("$.hv_bounds") != std::string::npos);
  CHECK(read_error(Json{{"hv_bounds", Json::array()}}).find("$.hv_bounds") != std::string::npos);
  CHECK(read_error(Json{{"hv_bounds", {{"lo", {0.0, 1.0}}}}}).find("$.hv_bounds.hi") != std::string::npos);
  CHECK(read_error(with("lo", {0.0})).find("wrong number of objectives") != std::string::npos);
  CHECK(read_error(with("hi", {1.0, "2"})).find("$.hv_bounds.hi[1]") != std::string::npos);
  CHECK(read_error(with("hi", {1.0, nullptr})).find("a finite number") != std::string::npos);
  CHECK(read_error(with("hi", {1.0, 1.0})).find("upper bound not above the lower bound") != std::string::npos);
  CHECK(read_error(with("extra", 1)).find("extra") != std::string::npos);
  CHECK(read_error(Json{{"hv_bounds", good}}).empty());
  CHECK(read_error(Json{{"hv_bounds", good}}, 3).find("wrong number of objectives") != std::string::npos);
}
