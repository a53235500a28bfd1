#include <catch2/catch.hpp>

#include "data_test_support.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/data/npy_reader.hpp"

using namespace nas4ml;
using namespace nas4ml::data;
using test::npy_file;
using test::raw_bytes;

TEST_CASE("NPY float32 features and int64 labels", "[data][npy]") {
  const auto x = npy_file("<f4", "(3, 2)", raw_bytes(std::vector<float>{1, 2, 3, 4, 5, 6}));
  const auto y = npy_file("<i8", "(3,)", raw_bytes(std::vector<std::int64_t>{1, 0, 1}));
  const RawTable t = read_npy(x, "x.npy", y, "y.npy", {});
  CHECK(t.rows() == 3);
  CHECK(t.feature_names == std::vector<std::string>{"f0", "f1"});
  CHECK(t.values == std::vector<float>{1, 2, 3, 4, 5, 6});
  CHECK(t.label_names == std::vector<std::string>{"1", "0"});
  CHECK(t.labels == std::vector<std::int32_t>{0, 1, 0});
}

TEST_CASE("NPY dtypes: float64, int8, uint8, int16, uint32; 3-D features flattened", "[data][npy]") {
  const auto y = npy_file("|u1", "(2,)", raw_bytes(std::vector<std::uint8_t>{3, 4}));
  CHECK(read_npy(npy_file("<f8", "(2, 1)", raw_bytes(std::vector<double>{0.25, -1e3})), "x", y, "y", {}).values ==
        std::vector<float>{0.25f, -1000.f});
  CHECK(read_npy(npy_file("|i1", "(2, 1)", raw_bytes(std::vector<std::int8_t>{-5, 7})), "x", y, "y", {}).values ==
        std::vector<float>{-5, 7});
  CHECK(read_npy(npy_file("<i2", "(2, 1)", raw_bytes(std::vector<std::int16_t>{-300, 300})), "x", y, "y", {}).values ==
        std::vector<float>{-300, 300});
  CHECK(read_npy(npy_file("<u4", "(2, 1)", raw_bytes(std::vector<std::uint32_t>{1u << 20, 9})), "x", y, "y", {}).values ==
        std::vector<float>{1 << 20, 9});
  const auto t = read_npy(npy_file("|u1", "(2, 2, 2)", raw_bytes(std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6, 7, 8})), "x",
                          y, "y", {});
  CHECK(t.n_features() == 4);
  CHECK(t.values[4] == 5);
  // Float labels holding whole numbers are accepted.
  const auto yf = npy_file("<f4", "(2,)", raw_bytes(std::vector<float>{2, 0}));
  CHECK(read_npy(npy_file("|u1", "(2, 1)", raw_bytes(std::vector<std::uint8_t>{1, 2})), "x", yf, "y", {}).label_names ==
        std::vector<std::string>{"2", "0"});
}

TEST_CASE("NPY column names and feature selection", "[data][npy]") {
  NpyOptions opt;
  opt.column_names = {"a", "b", "c"};
  opt.features = {ColumnRef{"c", -1, "$.feature_columns[0]"}, ColumnRef{std::nullopt, 0, "$.feature_columns[1]"}};
  const auto x = npy_file("<f4", "(2, 3)", raw_bytes(std::vector<float>{1, 2, 3, 4, 5, 6}));
  const auto y = npy_file("<i4", "(2,)", raw_bytes(std::vector<std::int32_t>{0, 1}));
  const RawTable t = read_npy(x, "x", y, "y", opt);
  CHECK(t.feature_names == std::vector<std::string>{"c", "a"});
  CHECK(t.values == std::vector<float>{3, 1, 6, 4});
}

TEST_CASE("NPY errors", "[data][npy]") {
  const auto x = npy_file("<f4", "(3, 2)", raw_bytes(std::vector<float>{1, 2, 3, 4, 5, 6}));
  const auto y = npy_file("<i8", "(3,)", raw_bytes(std::vector<std::int64_t>{1, 0, 1}));
  SECTION("bad magic") {
    const auto m = test::message_of<DataError>([&] { read_npy("PK\x03\x04 not numpy", "x.npy", y, "y", {}); });
    CHECK(m == "x.npy:header: bad NPY header: not an .npy file, expected magic bytes 93 4e 55 4d 50 59 (\\x93NUMPY), "
               "got 50 4b 03 04 20 6e");
  }
  SECTION("big-endian dtype") {
    const auto m = test::message_of<DataError>(
        [&] { read_npy(npy_file(">f4", "(3, 2)", std::string(24, '\0')), "x.npy", y, "y", {}); });
    CHECK_THAT(m, Catch::StartsWith("x.npy:header 'descr': unsupported NPY dtype, expected little-endian") &&
                      Catch::EndsWith("got '>f4'"));
  }
  SECTION("complex dtype") {
    const auto m = test::message_of<DataError>(
        [&] { read_npy(npy_file("<c8", "(3, 2)", std::string(48, '\0')), "x.npy", y, "y", {}); });
    CHECK_THAT(m, Catch::EndsWith("got '<c8'"));
  }
  SECTION("Fortran order") {
    const auto m = test::message_of<DataError>(
        [&] { read_npy(npy_file("<f4", "(3, 2)", std::string(24, '\0'), true), "x.npy", y, "y", {}); });
    CHECK(m == "x.npy:header 'fortran_order': unsupported NPY layout, expected C order ('fortran_order': False), got True");
  }
  SECTION("truncated data") {
    const std::string cut = x.substr(0, x.size() - 10);
    const auto m = test::message_of<DataError>([&] { read_npy(cut, "x.npy", y, "y", {}); });
    CHECK(m == "x.npy:index 1: truncated NPY data, expected 24 data bytes for shape (3, 2) of '<f4', got 14 bytes");
  }
  SECTION("label file length differs from the features") {
    const auto y2 = npy_file("<i8", "(2,)", raw_bytes(std::vector<std::int64_t>{1, 0}));
    const auto m = test::message_of<DataError>([&] { read_npy(x, "x.npy", y2, "y.npy", {}); });
    CHECK(m == "y.npy:header 'shape': label file length differs from the features, expected 3 labels (x.npy has 3 "
               "rows), got 2 labels");
  }
  SECTION("fractional label") {
    const auto yf = npy_file("<f8", "(3,)", raw_bytes(std::vector<double>{1, 0.5, 1}));
    const auto m = test::message_of<DataError>([&] { read_npy(x, "x.npy", yf, "y.npy", {}); });
    CHECK(m == "y.npy:index 1: label is not a whole number, expected an integer class label, got 0.5");
  }
  SECTION("1-D features") {
    const auto m = test::message_of<DataError>([&] { read_npy(y, "x.npy", y, "y.npy", {}); });
    CHECK_THAT(m, Catch::StartsWith("x.npy:header 'shape': features must be a 2-D array"));
  }
}

TEST_CASE("an NPY shape whose product overflows is refused, not wrapped around", "[data][npy][hardening]") {
  const auto y = npy_file("<i4", "(60,)", std::string(240, '\0'));
  const auto x = npy_file("<f4", "(60, 9223372036854775809, 2)", std::string(120, '\0'));
  const auto m = test::message_of<DataError>([&] { read_npy(x, "x.npy", y, "y.npy", {}); });
  CHECK_THAT(m, Catch::Contains("x.npy:header 'shape': NPY shape too large for the file"));
  const auto x2 = npy_file("<f4", "(4294967296, 4294967296)", std::string(16, '\0'));
  CHECK_THROWS_AS(read_npy(x2, "x.npy", y, "y.npy", {}), DataError);
}

TEST_CASE("NPY data with zero feature columns is a data error", "[data][npy][hardening]") {
  const auto y = npy_file("<i4", "(3,)", raw_bytes(std::vector<std::int32_t>{0, 1, 0}));
  const auto m = test::message_of<DataError>([&] { read_npy(npy_file("<f4", "(3, 0)", ""), "x.npy", y, "y.npy", {}); });
  CHECK_THAT(m, Catch::Contains("no feature columns"));
}

TEST_CASE("a float NPY label beyond int64 is refused, not cast with undefined behaviour", "[data][npy][hardening][fuzz]") {
  // Found by the npy fuzz target (UBSan: 4.7e30 outside the range of long).
  const auto x = npy_file("<f4", "(2, 1)", raw_bytes(std::vector<float>{1, 2}));
  const auto y = npy_file("<f8", "(2,)", raw_bytes(std::vector<double>{0, 4.74179e30}));
  const auto m = test::message_of<DataError>([&] { read_npy(x, "x.npy", y, "y.npy", {}); });
  CHECK_THAT(m, Catch::Contains("y.npy:index 1: label out of range"));
  const auto y2 = npy_file("<u8", "(2,)", raw_bytes(std::vector<std::uint64_t>{0, ~std::uint64_t{0}}));
  CHECK_THROWS_AS(read_npy(x, "x.npy", y2, "y.npy", {}), DataError);
}
