#include <catch2/catch.hpp>

#include "data_test_support.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/data/checksum.hpp"
#include "nas4ml/data/gzip_file.hpp"

using namespace nas4ml;
using namespace nas4ml::data;

TEST_CASE("sha256_hex matches the FIPS 180-4 test vectors", "[data][checksum]") {
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("sha256 of a fixture file matches sha256sum", "[data][checksum]") {
  // Digest computed once with `sha256sum tests/data/fixtures/jets_small.csv`.
  const std::string expected = "1337f066aa5c1b708929abbc76d9583f8eebef7d4ad2c9085a85b379d2ac7fc8";
  CHECK(sha256_file(test::fixture("jets_small.csv")) == expected);
  const auto content = read_source(test::fixture("jets_small.csv"), "jets_small.csv");
  CHECK(content.info.sha256 == expected);
  CHECK(content.info.bytes == content.text.size());
  CHECK(content.info.path == "jets_small.csv");
}

TEST_CASE("sha256_file of a missing file is a DataError naming it", "[data][checksum]") {
  const auto m = test::message_of<DataError>([] { sha256_file("/nonexistent/file.bin"); });
  CHECK_THAT(m, Catch::Contains("/nonexistent/file.bin") && Catch::Contains("cannot open"));
}
