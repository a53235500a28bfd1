#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "data_test_support.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/data/checksum.hpp"
#include "nas4ml/data/gzip_file.hpp"
#include "support/temp_dir.hpp"

using namespace nas4ml;
using namespace nas4ml::data;

namespace {
std::string sample_text() {
  std::string s;
  for (int i = 0; i < 5000; ++i) s += std::to_string(i * 37 % 1001) + ",x\n";
  return s;
}
}  // namespace

TEST_CASE("gzip files are detected by magic bytes and decompressed", "[data][gzip]") {
  test::TempDir tmp;
  const std::string text = sample_text();
  const std::string packed = test::gzip(text);
  CHECK(is_gzip(packed));
  CHECK_FALSE(is_gzip(text));
  // The name does not matter: detection is by content.
  const auto path = tmp.write("no_extension", packed);
  const auto content = read_source(path, "no_extension");
  CHECK(content.text == text);
  CHECK(content.info.bytes == packed.size());
  CHECK(content.info.sha256 == sha256_hex(packed));  // checksum of the stored bytes
  const auto plain = read_source(tmp.write("plain.csv", text), "plain.csv");
  CHECK(plain.text == text);
}

TEST_CASE("concatenated gzip members are read as one stream", "[data][gzip]") {
  const std::string a = "first part\n", b = "second part\n";
  CHECK(gunzip(test::gzip(a) + test::gzip(b), "two.gz") == a + b);
}

TEST_CASE("a truncated gzip file is a DataError", "[data][gzip]") {
  const std::string packed = test::gzip(sample_text());
  const std::string cut = packed.substr(0, packed.size() / 2);
  const auto m = test::message_of<DataError>([&] { gunzip(cut, "cut.csv.gz"); });
  CHECK_THAT(m, Catch::StartsWith("cut.csv.gz:byte ") && Catch::Contains("truncated gzip stream") &&
                    Catch::Contains("expected a complete gzip file"));
}

TEST_CASE("a corrupt gzip file is a DataError", "[data][gzip]") {
  std::string packed = test::gzip(sample_text());
  for (std::size_t i = 20; i < 60; ++i) packed[i] = static_cast<char>(packed[i] ^ 0x5a);
  const auto m = test::message_of<DataError>([&] { gunzip(packed, "bad.gz"); });
  CHECK_THAT(m, Catch::Contains("bad.gz") && Catch::Contains("gzip"));
}

TEST_CASE("read_source of a missing file is a DataError", "[data][gzip]") {
  const auto m = test::message_of<DataError>([] { read_source("/nonexistent/x.csv", "x.csv"); });
  CHECK(m == "x.csv: file not found, expected an existing file, got no such file");
}

TEST_CASE("a gzip bomb is inflated only up to the limit", "[data][gzip][hardening]") {
  const std::string zeros(8u << 20, '0');
  const std::string packed = test::gzip(zeros);
  CHECK(packed.size() < 100000);
  const auto m = test::message_of<DataError>([&] { gunzip(packed, "bomb.gz", 1u << 20); });
  CHECK_THAT(m, Catch::Contains("decompressed data too large") && Catch::Contains("NAS4ML_MAX_INPUT_BYTES"));
  CHECK(gunzip(packed, "bomb.gz", 16u << 20) == zeros);
}

TEST_CASE("a forged gzip size trailer reserves nothing and still decompresses", "[data][gzip][hardening]") {
  const std::string text = sample_text();
  std::string packed = test::gzip(text);
  for (int i = 1; i <= 4; ++i) packed[packed.size() - i] = '\xff';
  // zlib checks ISIZE at the end: a forged one is a corrupt stream, reported as such, and the
  // 4 GB it claims is never reserved (the reservation is capped by deflate's 1032:1 ratio).
  const auto m = test::message_of<DataError>([&] { gunzip(packed, "forged.gz"); });
  CHECK_THAT(m, Catch::Contains("forged.gz"));
}

TEST_CASE("a FIFO as a data source is refused at once", "[data][gzip][hardening]") {
  test::TempDir tmp;
  const auto fifo = tmp.path() / "data.csv";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const auto m = test::message_of<DataError>([&] { read_source(fifo, "data.csv"); });
  CHECK_THAT(m, Catch::Contains("not a regular file") && Catch::Contains("FIFO"));
}
