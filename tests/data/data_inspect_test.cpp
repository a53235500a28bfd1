// `nas4ml data inspect` through the real binary: good output, and every bad input exits 2 with one
// `error: <file>:<where>: <what>, expected <x>, got <y>` line.
#include <catch2/catch.hpp>

#include <map>

#include <nlohmann/json.hpp>

#include "data_test_support.hpp"
#include "support/run_cli.hpp"
#include "support/temp_dir.hpp"

using nas4ml::test::run_cli;

namespace {

struct BadCase {
  std::string name;
  std::map<std::string, std::string> files;  // written to a temporary folder; "s.json" is the spec
  std::vector<std::string> expect;           // pieces the error line must contain ("{dir}" = the folder)
  std::vector<std::string> extra_args = {};
};

std::string csv_spec(const std::string& extra = "") {
  return R"({"name": "t", "format": "csv", "source": "d.csv")" + extra + "}";
}

// 12 rows, 2 balanced classes: splits fine with the defaults.
std::string good_csv(const std::string& header = "a,b,label\n") {
  std::string s = header;
  for (int i = 0; i < 12; ++i) s += std::to_string(i) + "," + std::to_string(i * 3) + "," + (i % 2 ? "x" : "y") + "\n";
  return s;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  return s;
}

std::vector<BadCase> bad_cases() {
  using nas4ml::test::gzip;
  using nas4ml::test::idx_images;
  using nas4ml::test::idx_labels;
  using nas4ml::test::npy_file;
  using nas4ml::test::raw_bytes;
  auto px = [](std::uint32_t i, std::uint32_t r, std::uint32_t c) { return (i + r + c) % 256; };
  const std::string idx_spec =
      R"({"name": "i", "format": "idx", "source": {"features": "img", "labels": "lab"}, "split": {"train": 0.5, "validation": 0.25, "test": 0.25}})";
  const std::string npy_spec = R"({"name": "n", "format": "npy", "source": {"features": "x.npy", "labels": "y.npy"}})";
  std::vector<std::uint8_t> labels8{0, 1, 0, 1, 0, 1, 0, 1};
  const std::string x_npy = npy_file("<f4", "(8, 2)", raw_bytes(std::vector<float>(16, 1.5f)));
  const std::string y_npy = npy_file("<i4", "(8,)", raw_bytes(std::vector<std::int32_t>{0, 1, 0, 1, 0, 1, 0, 1}));
  std::string packed = gzip(good_csv());
  return {
      {"ragged row", {{"s.json", csv_spec()}, {"d.csv", "a,b,label\n1,2,x\n3,4\n"}},
       {"{dir}/d.csv:line 3: row has the wrong number of cells", "expected 3 cells", "got 2 cells"}},
      {"non-numeric cell", {{"s.json", csv_spec()}, {"d.csv", "a,b,label\n1,2,x\n3,four,y\n"}},
       {"{dir}/d.csv:line 3, column b (index 1): not a number", "expected a number", "got \"four\""}},
      {"NaN with nan_policy error", {{"s.json", csv_spec()}, {"d.csv", good_csv() + "5,nan,x\n"}},
       {"{dir}/d.csv:line 14, column b: value is not finite", "\"nan_policy\": \"drop\"", "got nan"}},
      {"infinity", {{"s.json", csv_spec()}, {"d.csv", good_csv() + "-inf,1,x\n"}},
       {"{dir}/d.csv:line 14, column a: value is not finite", "got -inf"}},
      {"empty file", {{"s.json", csv_spec()}, {"d.csv", ""}},
       {"{dir}/d.csv: file is empty", "got 0 bytes"}},
      {"header-only file", {{"s.json", csv_spec()}, {"d.csv", "a,b,label\n"}},
       {"{dir}/d.csv: no data rows after the header", "expected at least one data row", "got only the header (line 1)"}},
      {"unknown label", {{"s.json", csv_spec(R"(, "classes": ["x", "y"])")}, {"d.csv", good_csv() + "1,2,zz\n"}},
       {"{dir}/d.csv:line 14: unknown label: not in the class order of {dir}/s.json", "expected one of x, y", "got \"zz\""}},
      {"a single class", {{"s.json", csv_spec()}, {"d.csv", "a,label\n1,x\n2,x\n3,x\n"}},
       {"{dir}/d.csv: the data hold a single class", "expected at least 2 classes", "got only \"x\" (3 rows)"}},
      {"NPY label length differs", {{"s.json", npy_spec}, {"x.npy", x_npy},
        {"y.npy", npy_file("<i4", "(7,)", raw_bytes(std::vector<std::int32_t>(7, 0)))}},
       {"{dir}/y.npy:header 'shape': label file length differs from the features", "expected 8 labels", "got 7 labels"}},
      {"IDX label count differs", {{"s.json", idx_spec}, {"img", idx_images(8, 28, 28, px)}, {"lab", idx_labels({0, 1, 0})}},
       {"{dir}/lab:header: label file length differs from the images", "expected 8 labels", "got 3 labels"}},
      {"bad IDX magic", {{"s.json", idx_spec}, {"img", idx_labels(labels8)}, {"lab", idx_labels(labels8)}},
       {"{dir}/img:header: bad IDX magic number", "expected 0x00000803", "got 0x00000801"}},
      {"truncated IDX", {{"s.json", idx_spec}, {"img", idx_images(8, 28, 28, px).substr(0, 3000)}, {"lab", idx_labels(labels8)}},
       {"{dir}/img:image 3: truncated IDX file", "expected 6288 bytes for 8 images of 28x28", "got 3000 bytes"}},
      {"bad NPY header", {{"s.json", npy_spec}, {"x.npy", "x,y\n1,2\n"}, {"y.npy", y_npy}},
       {"{dir}/x.npy:header: bad NPY header: not an .npy file", "expected magic bytes"}},
      {"unsupported NPY dtype", {{"s.json", npy_spec}, {"x.npy", npy_file("<f2", "(8, 2)", std::string(32, '\0'))}, {"y.npy", y_npy}},
       {"{dir}/x.npy:header 'descr': unsupported NPY dtype", "got '<f2'"}},
      {"truncated NPY", {{"s.json", npy_spec}, {"x.npy", x_npy.substr(0, x_npy.size() - 9)}, {"y.npy", y_npy}},
       {"{dir}/x.npy:index 6: truncated NPY data", "expected 64 data bytes", "got 55 bytes"}},
      {"truncated gzip", {{"s.json", csv_spec()}, {"d.csv", packed.substr(0, packed.size() - 12)}},
       {"{dir}/d.csv:byte ", "truncated gzip stream", "expected a complete gzip file"}},
      {"missing file", {{"s.json", csv_spec()}},
       {"{dir}/s.json:$.source: data file not found", "expected an existing file", "got {dir}/d.csv"}},
      {"missing label column name", {{"s.json", csv_spec(R"(, "label_column": "target")")}, {"d.csv", good_csv()}},
       {"{dir}/s.json:$.label_column: unknown label column \"target\" in {dir}/d.csv", "expected one of a, b, label", "got \"target\""}},
      {"unknown feature column", {{"s.json", csv_spec(R"(, "feature_columns": ["a", "c"])")}, {"d.csv", good_csv()}},
       {"{dir}/s.json:$.feature_columns[1]: unknown feature column \"c\"", "expected one of a, b, label", "got \"c\""}},
      {"bad ARFF attribute type",
       {{"s.json", R"({"name": "a", "format": "arff", "source": "d.arff"})"},
        {"d.arff", "@relation r\n@attribute a numeric\n@attribute when timestamp\n@attribute class {x,y}\n@data\n"}},
       {"{dir}/d.arff:line 3: bad ARFF attribute type for when", "got \"timestamp\""}},
      {"pooling that does not divide 28",
       {{"s.json", replace_all(idx_spec, "\"name\"", "\"pooling\": 3, \"name\"")}, {"img", idx_images(8, 28, 28, px)}, {"lab", idx_labels(labels8)}},
       {"{dir}/s.json:$.pooling: pooling does not divide the 28x28 images", "expected a common divisor of the image sides: 1, 2, 4, 7, 14, 28", "got 3"}},
      {"split fractions not summing to 1",
       {{"s.json", csv_spec(R"(, "split": {"train": 0.7, "validation": 0.2, "test": 0.2})")}, {"d.csv", good_csv()}},
       {"{dir}/s.json:$.split: split fractions do not sum to 1", "got 0.7 + 0.2 + 0.2 = 1.1"}},
      {"a split left empty for a class",
       {{"s.json", csv_spec()}, {"d.csv", good_csv() + "1,1,rare\n2,2,rare\n"}},
       {"{dir}/d.csv: the test split has no rows of class \"rare\"", "the class has 2 rows, test fraction 0.2", "got 0 rows"}},
      {"unknown key in the spec", {{"s.json", csv_spec(R"(, "preprocesing": "none")")}, {"d.csv", good_csv()}},
       {"{dir}/s.json:$.preprocesing: unknown key", "expected \"preprocessing\""}},
      {"--source on a two-file format", {{"s.json", npy_spec}, {"x.npy", x_npy}, {"y.npy", y_npy}},
       {"{dir}/s.json:$.source: --source replaces a single-file source"}, {"--source", "/tmp/whatever.csv"}},
  };
}

}  // namespace

TEST_CASE("data inspect: every bad input is one error line and exit code 2", "[data][inspect][bad-input]") {
  const auto cases = bad_cases();
  CHECK(cases.size() >= 20);
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      nas4ml::test::TempDir tmp;
      for (const auto& [name, content] : c.files) tmp.write(name, content);
      // --log-level warn: a loaded host may take over a second even on a tiny file, and the
      // progress line ("loading ...") is not what this test is about.
      std::vector<std::string> args{"--log-level", "warn", "data", "inspect", (tmp.path() / "s.json").string()};
      args.insert(args.end(), c.extra_args.begin(), c.extra_args.end());
      const auto r = run_cli(args);
      INFO(r.err);
      CHECK(r.exit_code == 2);
      CHECK(r.out.empty());
      CHECK_THAT(r.err, Catch::StartsWith("error: "));
      CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
      for (const auto& piece : c.expect) CHECK_THAT(r.err, Catch::Contains(replace_all(piece, "{dir}", tmp.path().string())));
    }
  }
}

TEST_CASE("data inspect on the hand-made jets CSV", "[data][inspect]") {
  const auto r = run_cli({"data", "inspect", "experiments/datasets/jets_hlf.json", "--source",
                          nas4ml::test::fixture("jets_small.csv")});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("data set       jets_hlf (experiments/datasets/jets_hlf.json)"));
  CHECK_THAT(r.out, Catch::Contains("rows           20 in all: train 10, validation 5, test 5; 0 dropped"));
  CHECK_THAT(r.out, Catch::Contains("features       16"));
  CHECK_THAT(r.out, Catch::Contains("    4  z               2           1           1           4"));
  CHECK_THAT(r.out, Catch::Contains("... 6 more features omitted (--all-features shows all)"));
  CHECK_THAT(r.out, Catch::Contains("sha256 1337f066aa5c1b708929abbc76d9583f8eebef7d4ad2c9085a85b379d2ac7fc8"));
  CHECK_THAT(r.out, !Catch::Contains("multiplicity"));
  const auto all = run_cli({"data", "inspect", "experiments/datasets/jets_hlf.json", "--source",
                            nas4ml::test::fixture("jets_small.csv"), "--all-features"});
  CHECK_THAT(all.out, Catch::Contains("multiplicity"));
  CHECK_THAT(all.out, !Catch::Contains("omitted"));
}

TEST_CASE("data inspect --json", "[data][inspect]") {
  const auto r = run_cli({"data", "inspect", "experiments/datasets/jets_hlf.json", "--source",
                          nas4ml::test::fixture("jets_small.arff"), "--json", "--seed", "5"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["name"] == "jets_hlf");
  CHECK(j["format"] == "csv");  // the spec's format; the .arff source was read as ARFF
  CHECK(j["n_features"] == 16);
  CHECK(j["rows"]["total"] == 20);
  CHECK(j["split"]["seed"] == 5);
  CHECK(j["classes"].size() == 5);
  CHECK(j["classes"][2]["name"] == "t");
  CHECK(j["features"].size() == 16);
  CHECK(j["features"][15]["name"] == "multiplicity");
  CHECK(j["features"][15]["min"] == 11.0);  // 10 + (3 i + 5) mod 40 over i = 0..19
  CHECK(j["sources"][0]["sha256"] == "e0e9a5f63067ea59a12a5bdcd374bb51a075c047ba783bcf2b40ad1a846835f7");
}

TEST_CASE("data inspect: the missing jets file says where to get the data", "[data][inspect]") {
  const auto r = run_cli({"data", "inspect", "experiments/datasets/jets_hlf.json", "--source", "/nonexistent/jets.csv"});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::StartsWith("error: experiments/datasets/jets_hlf.json:$.source (given by --source): data file not found"));
  CHECK_THAT(r.err, Catch::Contains("OpenML data set 42468"));
  CHECK_THAT(r.err, Catch::EndsWith("got /nonexistent/jets.csv\n"));
}

TEST_CASE("data inspect --help explains the options", "[data][inspect]") {
  const auto r = run_cli({"data", "inspect", "--help"});
  CHECK(r.exit_code == 0);
  for (const char* opt : {"--source", "--json", "--all-features", "--max-rows", "--seed"}) CHECK_THAT(r.out, Catch::Contains(opt));
}
