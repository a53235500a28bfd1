#include <catch2/catch.hpp>

#include "data_test_support.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/data/dataset_spec.hpp"

using namespace nas4ml;
using namespace nas4ml::data;

namespace {
DatasetSpec parse(const std::string& text) { return parse_dataset_spec(Json::parse(text), "s.json", "/data/specs"); }
}  // namespace

TEST_CASE("dataset spec defaults and path resolution", "[data][spec]") {
  const auto s = parse(R"({"name": "m", "format": "csv", "source": "../raw/m.csv"})");
  CHECK(s.source.features == "/data/raw/m.csv");
  CHECK(s.source.features_field == "$.source");
  CHECK(s.header);
  CHECK(s.label_column.index == -1);
  CHECK_FALSE(s.label_column.name);
  CHECK(s.preprocessing == "standardize");
  CHECK(s.split.train == 0.6);
  CHECK(s.split.validation == 0.2);
  CHECK(s.split.test == 0.2);
  CHECK(s.seed == 1);
  CHECK(s.nan_policy == NanPolicy::error);
  CHECK(s.max_rows == 0);
  CHECK(s.pooling == 1);
  const auto a = parse(R"({"name": "m", "format": "csv", "source": "/abs/m.csv"})");
  CHECK(a.source.features == "/abs/m.csv");
}

TEST_CASE("dataset spec with features/labels pairs and a separate test file", "[data][spec]") {
  const auto s = parse(R"({"name": "f", "format": "idx", "pooling": 4,
    "source": {"features": "tr-img.gz", "labels": "tr-lab.gz"},
    "test_source": {"features": "te-img.gz", "labels": "te-lab.gz"},
    "classes": [0, 1, 2], "split": {"seed": 9}})");
  CHECK(s.source.labels == "/data/specs/tr-lab.gz");
  REQUIRE(s.test_source);
  CHECK(s.test_source->features_field == "$.test_source.features");
  CHECK(s.split.train == 0.8);
  CHECK(s.split.validation == 0.2);
  CHECK(s.split.test == 0.0);
  CHECK(s.seed == 9);
  CHECK(s.pooling == 4);
  CHECK(s.classes == std::vector<std::string>{"0", "1", "2"});
}

TEST_CASE("dataset spec errors name the JSON path", "[data][spec]") {
  using test::message_of;
  CHECK(message_of<ConfigError>([] {
          parse(R"({"name": "m", "format": "csv", "source": "m.csv", "split": {"train": 0.5, "validation": 0.2, "test": 0.2}})");
        }) == "s.json:$.split: split fractions do not sum to 1, expected train + validation + test = 1, got 0.5 + 0.2 + 0.2 = 0.9");
  CHECK(message_of<ConfigError>([] { parse(R"({"name": "m", "format": "csv", "source": "m.csv", "labl_column": 1})"); }) ==
        "s.json:$.labl_column: unknown key, expected \"label_column\", got \"labl_column\"");
  CHECK(message_of<ConfigError>([] { parse(R"({"name": "m", "format": "csv", "source": "m.csv", "pooling": 2})"); }) ==
        "s.json:$.pooling: \"pooling\" does not apply to format csv, expected format idx (or leave the key out), got format csv");
  CHECK(message_of<ConfigError>([] { parse(R"({"name": "m", "format": "idx", "source": "m.csv"})"); }) ==
        "s.json:$.source: wrong type, expected {\"features\": path, \"labels\": path} for format idx, got \"m.csv\"");
  CHECK(message_of<ConfigError>([] { parse(R"({"name": "m", "format": "csv", "source": "m.csv", "classes": ["a"]})"); }) ==
        "s.json:$.classes: a single class, expected at least 2 classes, got 1 class(es)");
  CHECK(message_of<ConfigError>([] { parse(R"({"name": "m", "format": "xls", "source": "m.csv"})"); }) ==
        "s.json:$.format: invalid choice, expected one of csv, arff, idx, npy, got \"xls\"");
  CHECK(message_of<ConfigError>([] { parse(R"({"name": "m", "format": "csv", "source": "m.csv", "nan_policy": "ignore"})"); }) ==
        "s.json:$.nan_policy: invalid choice, expected one of error, drop, got \"ignore\"");
  CHECK_THAT(message_of<ConfigError>([] {
               parse(R"({"name": "m", "format": "idx", "source": {"features": "a", "labels": "b"},
                         "test_source": {"features": "c", "labels": "d"}, "split": {"train": 0.6, "validation": 0.2, "test": 0.2}})");
             }),
             Catch::StartsWith("s.json:$.split.test: the test split comes from \"test_source\""));
  CHECK_THAT(message_of<ConfigError>([] { parse(R"({"name": "m", "format": "csv", "source": "m.csv", "column_names": ["a"]})"); }),
             Catch::StartsWith("s.json:$.column_names: \"column_names\" is for a file without a header"));
}
