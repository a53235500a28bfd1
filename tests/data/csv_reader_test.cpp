#include <catch2/catch.hpp>

#include <cmath>

#include "data_test_support.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/data/csv_reader.hpp"
#include "nas4ml/data/gzip_file.hpp"

using namespace nas4ml;
using namespace nas4ml::data;

namespace {
ColumnRef by_name(const std::string& n) { return ColumnRef{n, -1, "$.x"}; }
ColumnRef by_index(std::int64_t i) { return ColumnRef{std::nullopt, i, "$.x"}; }
}  // namespace

TEST_CASE("CSV with a header: label by name, quoted cells, column selection", "[data][csv]") {
  const std::string text =
      "id,a,\"b, quoted\",note,label\n"
      "1,1.5,-2,\"x, y\",\"cat\"\n"
      "\n"
      "2, +3 ,4e2,z,dog\r\n"
      "3,5,6,w,cat\n";
  CsvOptions opt;
  opt.label = by_name("label");
  opt.features = {by_name("b, quoted"), by_name("a")};
  const RawTable t = read_csv(text, "t.csv", opt);
  REQUIRE(t.rows() == 3);
  CHECK(t.feature_names == std::vector<std::string>{"b, quoted", "a"});
  CHECK(t.values == std::vector<float>{-2, 1.5f, 400, 3, 6, 5});
  CHECK(t.label_names == std::vector<std::string>{"cat", "dog"});
  CHECK(t.labels == std::vector<std::int32_t>{0, 1, 0});
  CHECK(t.row_location == std::vector<std::size_t>{2, 4, 5});  // the blank line is skipped
  CHECK(t.location(1) == "line 4");
}

TEST_CASE("CSV without a header: label by index from the end, all other columns", "[data][csv]") {
  CsvOptions opt;
  opt.header = false;
  const RawTable t = read_csv("1,2,g\n3,4,h\n", "t.csv", opt);
  CHECK(t.feature_names == std::vector<std::string>{"column_0", "column_1"});
  CHECK(t.values == std::vector<float>{1, 2, 3, 4});
  CHECK(t.label_names == std::vector<std::string>{"g", "h"});
  opt.label = by_index(0);
  opt.column_names = {"cls", "x", "y"};
  const RawTable u = read_csv("a,2,3\nb,4,5\n", "u.csv", opt);
  CHECK(u.feature_names == std::vector<std::string>{"x", "y"});
  CHECK(u.values == std::vector<float>{2, 3, 4, 5});
}

TEST_CASE("CSV missing values become NaN, inf stays inf (the loader's nan_policy decides)", "[data][csv]") {
  CsvOptions opt;
  const RawTable t = read_csv("a,b,c,d,l\n,?,NA,inf,x\n", "t.csv", opt);
  REQUIRE(t.values.size() == 4);
  CHECK(std::isnan(t.values[0]));
  CHECK(std::isnan(t.values[1]));
  CHECK(std::isnan(t.values[2]));
  CHECK(std::isinf(t.values[3]));
}

TEST_CASE("CSV jets fixture: the 16 named columns are selected, the text column skipped", "[data][csv]") {
  const auto content = read_source(test::fixture("jets_small.csv"), "jets_small.csv");
  CsvOptions opt;
  opt.label = by_name("class");
  for (const char* n : {"zlogz", "c1_b0_mmdt", "mass_mmdt", "multiplicity"}) opt.features.push_back(by_name(n));
  const RawTable t = read_csv(content.text, "jets_small.csv", opt);
  CHECK(t.rows() == 20);
  CHECK(t.n_features() == 4);
  CHECK(t.label_names == std::vector<std::string>{"g", "q", "t", "w", "z"});
  CHECK(t.values[0] == -2.5f);  // row 0 zlogz
  CHECK(t.values[3] == 15.0f);  // row 0 multiplicity
}

TEST_CASE("CSV errors name the file, the line and the column", "[data][csv]") {
  CsvOptions opt;
  SECTION("ragged row") {
    const auto m = test::message_of<DataError>([&] { read_csv("a,b,l\n1,2,x\n3,x\n", "r.csv", opt); });
    CHECK(m == "r.csv:line 3: row has the wrong number of cells, expected 3 cells (as in the header, line 1), got 2 cells");
  }
  SECTION("non-numeric cell") {
    const auto m = test::message_of<DataError>([&] { read_csv("a,b,l\n1,2,x\n3,abc,x\n", "n.csv", opt); });
    CHECK(m == "n.csv:line 3, column b (index 1): not a number, expected a number, got \"abc\"");
  }
  SECTION("empty file") {
    const auto m = test::message_of<DataError>([&] { read_csv("", "e.csv", opt); });
    CHECK(m == "e.csv: file is empty, expected a header line and data rows, got 0 bytes");
  }
  SECTION("header only") {
    const auto m = test::message_of<DataError>([&] { read_csv("a,b,label\n\n", "h.csv", opt); });
    CHECK(m == "h.csv: no data rows after the header, expected at least one data row, got only the header (line 1)");
  }
  SECTION("missing label") {
    const auto m = test::message_of<DataError>([&] { read_csv("a,l\n1,\n", "m.csv", opt); });
    CHECK_THAT(m, Catch::StartsWith("m.csv:line 2, column l (index 1): missing label"));
  }
  SECTION("unknown feature column suggests the nearest name") {
    opt.spec_file = "spec.json";
    opt.features = {ColumnRef{"mass_mmdtt", -1, "$.feature_columns[0]"}};
    const auto m = test::message_of<ConfigError>([&] { read_csv("mass_mmdt,l\n1,x\n", "j.csv", opt); });
    CHECK(m == "spec.json:$.feature_columns[0]: unknown feature column \"mass_mmdtt\" in j.csv (did you mean "
               "\"mass_mmdt\"?), expected one of mass_mmdt, l, got \"mass_mmdtt\"");
  }
  SECTION("label column by name in a file without a header") {
    opt.header = false;
    opt.spec_file = "spec.json";
    opt.label = ColumnRef{"class", -1, "$.label_column"};
    const auto m = test::message_of<ConfigError>([&] { read_csv("1,x\n", "n.csv", opt); });
    CHECK_THAT(m, Catch::StartsWith("spec.json:$.label_column: label column given by name but n.csv has no header"));
  }
}

TEST_CASE("CSV: a UTF-8 byte-order mark does not become part of the first column name", "[data][csv]") {
  CsvOptions opt;
  opt.features = {ColumnRef{"zlogz", -1, "$.x"}};
  const RawTable t = read_csv("\xEF\xBB\xBFzlogz,class\n1.5,g\n", "bom.csv", opt);
  CHECK(t.feature_names == std::vector<std::string>{"zlogz"});
  CHECK(t.values == std::vector<float>{1.5f});
}

TEST_CASE("a feature column listed twice is refused", "[data][csv][hardening]") {
  CsvOptions opt;
  opt.label = by_name("y");
  opt.features = {by_name("a"), by_name("b"), by_name("a")};
  opt.features[2].json_path = "$.feature_columns[2]";
  opt.spec_file = "s.json";
  CHECK_THROWS_WITH(read_csv("a,b,y\n1,2,p\n3,4,q\n", "t.csv", opt),
                    Catch::Contains("s.json:$.feature_columns[2]: feature column repeated"));
}

TEST_CASE("1e308 is reported as too large for float32, not as infinity", "[data][csv][hardening]") {
  CsvOptions opt;
  CHECK_THROWS_WITH(read_csv("a,y\n1e308,p\n", "t.csv", opt),
                    Catch::Contains("t.csv:line 2") && Catch::Contains("too large for 32-bit floating point") &&
                        Catch::Contains("\"1e308\""));
  CHECK(read_csv("a,y\n3e38,p\n", "t.csv", opt).values[0] == Approx(3e38f));
}
