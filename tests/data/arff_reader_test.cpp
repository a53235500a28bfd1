#include <catch2/catch.hpp>

#include <cmath>

#include "data_test_support.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/data/arff_reader.hpp"
#include "nas4ml/data/gzip_file.hpp"

using namespace nas4ml;
using namespace nas4ml::data;

TEST_CASE("ARFF jets fixture: 16 numeric attributes and the nominal class", "[data][arff]") {
  const auto content = read_source(test::fixture("jets_small.arff"), "jets_small.arff");
  const RawTable t = read_arff(content.text, "jets_small.arff", {});
  CHECK(t.rows() == 20);
  REQUIRE(t.n_features() == 16);
  CHECK(t.feature_names.front() == "zlogz");
  CHECK(t.feature_names.back() == "multiplicity");
  CHECK(t.label_names == std::vector<std::string>{"g", "q", "t", "w", "z"});
  CHECK(t.values[0] == -2.5f);
  CHECK(t.values[15] == 15.0f);
  // Lines: 1 comment, @RELATION, blank, 17 attributes, blank, @DATA on line 22; the comment at row 10.
  CHECK(t.row_location.front() == 23);
  CHECK(t.row_location[10] == 34);
}

TEST_CASE("ARFF: quoted names, mixed-case keywords, missing values, label by name", "[data][arff]") {
  const std::string text =
      "% comment\n"
      "@Relation 'toy set'\n"
      "@attribute 'first value' REAL\n"
      "@attribute kind {\"a b\", c}\n"
      "@attribute n integer\n"
      "@data\n"
      "1.5,'a b',3\n"
      "?,c,4\n";
  ArffOptions opt;
  opt.label = ColumnRef{"kind", -1, "$.label_column"};
  const RawTable t = read_arff(text, "toy.arff", opt);
  CHECK(t.feature_names == std::vector<std::string>{"first value", "n"});
  CHECK(t.label_names == std::vector<std::string>{"a b", "c"});
  CHECK(t.values[0] == 1.5f);
  CHECK(std::isnan(t.values[2]));
}

TEST_CASE("ARFF errors", "[data][arff]") {
  const std::string head = "@relation r\n@attribute x numeric\n@attribute class {g,h}\n@data\n";
  SECTION("bad attribute type") {
    const auto m = test::message_of<DataError>(
        [] { read_arff("@relation r\n@attribute x floating\n@attribute class {g,h}\n@data\n1,g\n", "b.arff", {}); });
    CHECK(m == "b.arff:line 2: bad ARFF attribute type for x, expected numeric, real, integer, string, date or a "
               "nominal {a, b, ...}, got \"floating\"");
  }
  SECTION("string attribute used as a feature") {
    const auto m = test::message_of<DataError>(
        [] { read_arff("@relation r\n@attribute s string\n@attribute class {g,h}\n@data\nab,g\n", "s.arff", {}); });
    CHECK_THAT(m, Catch::StartsWith("s.arff:line 2: bad ARFF attribute type for feature s") && Catch::EndsWith("got string"));
  }
  SECTION("label outside the declared nominal values") {
    const auto m = test::message_of<DataError>([&] { read_arff(head + "1,g\n2,k\n", "u.arff", {}); });
    CHECK(m == "u.arff:line 6, column class (index 1): unknown label: not a declared value of attribute class, "
               "expected one of g, h, got \"k\"");
  }
  SECTION("sparse rows") {
    const auto m = test::message_of<DataError>([&] { read_arff(head + "{0 1, 1 g}\n", "sp.arff", {}); });
    CHECK_THAT(m, Catch::StartsWith("sp.arff:line 5: sparse ARFF rows are not supported"));
  }
  SECTION("ragged data row") {
    const auto m = test::message_of<DataError>([&] { read_arff(head + "1,g,3\n", "r.arff", {}); });
    CHECK(m == "r.arff:line 5: row has the wrong number of cells, expected 2 cells (one per @attribute, 2 declared), got 3 cells");
  }
  SECTION("no data rows") {
    const auto m = test::message_of<DataError>([&] { read_arff(head, "h.arff", {}); });
    CHECK_THAT(m, Catch::StartsWith("h.arff: no data rows after @data"));
  }
  SECTION("empty file") {
    const auto m = test::message_of<DataError>([] { read_arff("  \n", "e.arff", {}); });
    CHECK(m == "e.arff: file is empty, expected an ARFF header and data, got only blank lines");
  }
}
