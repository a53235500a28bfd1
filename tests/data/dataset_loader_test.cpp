#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>

#include "data_test_support.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/data/checksum.hpp"
#include "nas4ml/data/dataset_loader.hpp"
#include "support/shared_data.hpp"
#include "support/temp_dir.hpp"

using namespace nas4ml;
using namespace nas4ml::data;
using Catch::Detail::Approx;

namespace {
std::filesystem::path jets_spec() { return std::string(NAS4ML_SOURCE_DIR) + "/experiments/datasets/jets_hlf.json"; }

std::vector<std::size_t> class_counts(const Split& s, std::size_t k) {
  std::vector<std::size_t> n(k, 0);
  for (auto y : s.y) ++n[static_cast<std::size_t>(y)];
  return n;
}

double column_mean(const FeatureMatrix& x, Eigen::Index c) { return x.col(c).cast<double>().mean(); }
}  // namespace

TEST_CASE("jets spec reads the hand-made CSV by column name", "[data][loader][jets]") {
  LoadOverrides o;
  o.source = test::fixture("jets_small.csv");
  const LoadedDataset d = load_dataset(jets_spec(), o);
  CHECK(d.name == "jets_hlf");
  REQUIRE(d.n_features() == 16);
  CHECK(d.feature_names.front() == "zlogz");
  CHECK(d.feature_names[8] == "d2_a1_b1_mmdt");
  CHECK(d.feature_names.back() == "multiplicity");
  CHECK(d.class_names == std::vector<std::string>{"g", "q", "t", "w", "z"});
  // 4 jets per class, 0.6/0.2/0.2: 2 + 1 + 1 of each class (largest remainder).
  CHECK(d.train.rows() == 10);
  CHECK(d.validation.rows() == 5);
  CHECK(d.test.rows() == 5);
  CHECK(class_counts(d.train, 5) == std::vector<std::size_t>(5, 2));
  CHECK(class_counts(d.test, 5) == std::vector<std::size_t>(5, 1));
  REQUIRE(d.sources.size() == 1);
  CHECK(d.sources[0].sha256 == "1337f066aa5c1b708929abbc76d9583f8eebef7d4ad2c9085a85b379d2ac7fc8");
  CHECK(d.preprocessing.method == "standardize");
}

TEST_CASE("jets ARFF and CSV give the same data set", "[data][loader][jets]") {
  LoadOverrides csv, arff;
  csv.source = test::fixture("jets_small.csv");
  arff.source = test::fixture("jets_small.arff");  // the .arff extension selects the ARFF reader
  const auto a = load_dataset(jets_spec(), csv);
  const auto b = load_dataset(jets_spec(), arff);
  CHECK(a.feature_names == b.feature_names);
  CHECK(a.class_names == b.class_names);
  CHECK(a.train.y == b.train.y);
  CHECK(a.test.y == b.test.y);
  CHECK(a.train.x == b.train.x);
  CHECK(a.test.x == b.test.x);
}

TEST_CASE("preprocessing is fitted on the training split only", "[data][loader]") {
  LoadOverrides o;
  o.source = test::fixture("jets_small.csv");
  const auto d = load_dataset(jets_spec(), o);
  bool some_test_mean_off = false;
  for (Eigen::Index c = 0; c < d.train.x.cols(); ++c) {
    CHECK(column_mean(d.train.x, c) == Approx(0.0).margin(1e-5));
    if (std::abs(column_mean(d.test.x, c)) > 0.05) some_test_mean_off = true;
  }
  CHECK(some_test_mean_off);
  o.raw_features = true;
  const auto raw = load_dataset(jets_spec(), o);
  CHECK(raw.preprocessing.offset == d.preprocessing.offset);
  CHECK(raw.train.x(0, 15) == Approx((d.train.x(0, 15) / raw.preprocessing.scale[15]) + raw.preprocessing.offset[15]));
}

TEST_CASE("same seed, same rows; the seed override changes them", "[data][loader]") {
  LoadOverrides o;
  o.source = test::fixture("jets_small.csv");
  const auto a = load_dataset(jets_spec(), o);
  const auto b = load_dataset(jets_spec(), o);
  CHECK(a.train.x == b.train.x);
  CHECK(a.validation.x == b.validation.x);
  o.seed = 12345;
  const auto c = load_dataset(jets_spec(), o);
  CHECK(c.split_seed == 12345);
  CHECK_FALSE(c.train.x == a.train.x);
}

TEST_CASE("nan_policy drop removes rows and counts them; max_rows subsamples by class", "[data][loader]") {
  test::TempDir tmp;
  std::string csv = "a,b,label\n";
  for (int i = 0; i < 40; ++i) csv += std::to_string(i) + "," + (i % 10 == 3 ? "nan" : std::to_string(i * 2)) + "," + (i % 4 == 0 ? "s" : "b") + "\n";
  tmp.write("d.csv", csv);
  tmp.write("s.json", R"({"name": "d", "format": "csv", "source": "d.csv", "nan_policy": "drop",
                          "split": {"train": 0.5, "validation": 0.25, "test": 0.25, "seed": 3}})");
  const auto d = load_dataset(tmp.path() / "s.json");
  CHECK(d.rows_dropped == 4);
  CHECK(d.train.rows() + d.validation.rows() + d.test.rows() == 36);
  CHECK(d.class_names == std::vector<std::string>{"b", "s"});
  LoadOverrides o;
  o.max_rows = 20;
  const auto small = load_dataset(tmp.path() / "s.json", o);
  CHECK(small.train.rows() + small.validation.rows() + small.test.rows() == 20);
  // 36 rows: 26 "b", 10 "s" -> 20 rows keep 14 and 6 (largest remainder of 14.4 and 5.6).
  std::vector<std::size_t> n(2, 0);
  for (const auto* s : {&small.train, &small.validation, &small.test})
    for (auto y : s->y) ++n[static_cast<std::size_t>(y)];
  CHECK(n == std::vector<std::size_t>{14, 6});
}

TEST_CASE("numeric labels sort numerically by default", "[data][loader]") {
  test::TempDir tmp;
  std::string csv;
  for (int i = 0; i < 33; ++i) csv += std::to_string(i) + "," + std::to_string(i % 11) + "\n";
  tmp.write("n.csv", csv);
  tmp.write("s.json", R"({"name": "n", "format": "csv", "source": "n.csv", "header": false,
                          "split": {"train": 1.0, "validation": 0.0, "test": 0.0}})");
  const auto d = load_dataset(tmp.path() / "s.json");
  CHECK(d.class_names == std::vector<std::string>{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"});
  CHECK(d.train.rows() == 33);
  CHECK(d.validation.rows() == 0);
}

TEST_CASE("IDX spec with gzip files and a separate test file", "[data][loader][idx]") {
  test::TempDir tmp;
  auto pixel = [](std::uint32_t i, std::uint32_t r, std::uint32_t c) { return (i * 31 + r * 7 + c) % 256; };
  std::vector<std::uint8_t> train_labels, test_labels;
  for (int i = 0; i < 30; ++i) train_labels.push_back(static_cast<std::uint8_t>(i % 3));
  for (int i = 0; i < 9; ++i) test_labels.push_back(static_cast<std::uint8_t>(i % 3));
  tmp.write("tr-img.gz", test::gzip(test::idx_images(30, 28, 28, pixel)));
  tmp.write("tr-lab.gz", test::gzip(test::idx_labels(train_labels)));
  tmp.write("te-img", test::idx_images(9, 28, 28, pixel));
  tmp.write("te-lab", test::idx_labels(test_labels));
  tmp.write("s.json", R"({"name": "mini", "format": "idx", "pooling": 4, "preprocessing": "minmax",
    "source": {"features": "tr-img.gz", "labels": "tr-lab.gz"},
    "test_source": {"features": "te-img", "labels": "te-lab"}})");
  const auto d = load_dataset(tmp.path() / "s.json");
  CHECK(d.n_features() == 49);
  CHECK(d.train.rows() == 24);
  CHECK(d.validation.rows() == 6);
  CHECK(d.test.rows() == 9);
  CHECK(d.class_names == std::vector<std::string>{"0", "1", "2"});
  REQUIRE(d.sources.size() == 4);
  CHECK(d.sources[0].sha256 == sha256_file(tmp.path() / "tr-img.gz"));
  CHECK(d.train.x.minCoeff() == 0.0f);
  CHECK(d.train.x.maxCoeff() == 1.0f);
}

TEST_CASE("NPY spec with named columns", "[data][loader][npy]") {
  test::TempDir tmp;
  std::vector<float> x;
  std::vector<std::int64_t> y;
  for (int i = 0; i < 20; ++i) {
    x.insert(x.end(), {static_cast<float>(i), static_cast<float>(i * i), -1.0f});
    y.push_back(i % 2);
  }
  tmp.write("x.npy", test::npy_file("<f4", "(20, 3)", test::raw_bytes(x)));
  tmp.write("y.npy", test::npy_file("<i8", "(20,)", test::raw_bytes(y)));
  tmp.write("s.json", R"({"name": "n", "format": "npy", "source": {"features": "x.npy", "labels": "y.npy"},
    "column_names": ["lin", "sq", "const"], "feature_columns": ["sq", "lin"], "preprocessing": "none"})");
  const auto d = load_dataset(tmp.path() / "s.json");
  CHECK(d.feature_names == std::vector<std::string>{"sq", "lin"});
  CHECK(d.train.rows() == 12);
  for (Eigen::Index r = 0; r < d.train.x.rows(); ++r) CHECK(d.train.x(r, 0) == d.train.x(r, 1) * d.train.x(r, 1));
}

// ---- integration tests on ../shared/data (skipped with a message when absent) -------------------

namespace {
std::filesystem::path spec_path(const std::string& name) {
  return std::string(NAS4ML_SOURCE_DIR) + "/experiments/datasets/" + name + ".json";
}
std::vector<std::size_t> totals(const LoadedDataset& d) {
  std::vector<std::size_t> n(d.n_classes(), 0);
  for (const auto* s : {&d.train, &d.validation, &d.test})
    for (auto y : s->y) ++n[static_cast<std::size_t>(y)];
  return n;
}
}  // namespace

// MAGIC and HIGGS ship in experiments/data (CC BY 4.0, gzip); the others come from ../shared/data.
TEST_CASE("MAGIC: 19,020 rows, 10 features, g 12332 / h 6688", "[data][loader]") {
  const auto d = load_dataset(spec_path("magic"));
  CHECK(d.n_features() == 10);
  CHECK(d.feature_names.front() == "fLength");
  CHECK(d.class_names == std::vector<std::string>{"g", "h"});
  CHECK(totals(d) == std::vector<std::size_t>{12332, 6688});
  CHECK(d.train.rows() == 11412);
  // The shipped file is the one experiments/data/magic/README.md names.
  CHECK(d.sources[0].sha256 == "318f3f9d066a87b9a36cf3dcad60af14b9446a50f25dc408b308aa61108671f7");
}

TEST_CASE("HIGGS subset: 10,984 x 28, label 0: 5163 / 1: 5821", "[data][loader]") {
  const auto d = load_dataset(spec_path("higgs"));
  CHECK(d.n_features() == 28);
  CHECK(d.feature_names.back() == "m_wwbb");
  CHECK(totals(d) == std::vector<std::size_t>{5163, 5821});
}

TEST_CASE("digits: 1797 x 64 from gzip CSV, 10 classes", "[data][loader][shared]") {
  NAS4ML_REQUIRE_SHARED_DATA(dir);
  LoadOverrides o;
  o.source = dir / "sklearn" / "digits.csv.gz";
  const auto d = load_dataset(spec_path("digits"), o);
  CHECK(d.n_features() == 64);
  CHECK(d.n_classes() == 10);
  CHECK(d.train.rows() + d.validation.rows() + d.test.rows() == 1797);
}

TEST_CASE("LetterRecognition: 20,000 x 16, 26 classes, label in the first column", "[data][loader][shared]") {
  NAS4ML_REQUIRE_SHARED_DATA(dir);
  LoadOverrides o;
  o.source = dir / "uci-mlbench" / "LetterRecognition.csv";
  const auto d = load_dataset(spec_path("letter"), o);
  CHECK(d.n_features() == 16);
  CHECK(d.feature_names.front() == "x.box");
  CHECK(d.n_classes() == 26);
  CHECK(d.class_names.front() == "A");
  CHECK(d.train.rows() + d.validation.rows() + d.test.rows() == 20000);
}

TEST_CASE("Fashion-MNIST spec: 60k + 10k images pooled to 7x7", "[data][loader][fashion]") {
  if (!std::filesystem::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")) {
    WARN("skipped: /usr/share/datasets/fashion-mnist absent (apt-get install dataset-fashion-mnist)");
    return;
  }
  const auto d = load_dataset(spec_path("fashion_mnist"));
  CHECK(d.n_features() == 49);
  CHECK(d.n_classes() == 10);
  CHECK(d.train.rows() == 48000);
  CHECK(d.validation.rows() == 12000);
  CHECK(d.test.rows() == 10000);
  CHECK(totals(d) == std::vector<std::size_t>(10, 7000));
  CHECK(d.sources.size() == 4);
}
