#include <catch2/catch.hpp>

#include "data_test_support.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/data/idx_reader.hpp"

using namespace nas4ml;
using namespace nas4ml::data;

namespace {
// Image i, pixel (r, c) = 16 * r + c + i: distinct values so pooling is checkable by hand.
std::string images(std::uint32_t n = 3) {
  return test::idx_images(n, 4, 4, [](std::uint32_t i, std::uint32_t r, std::uint32_t c) { return 16 * r + c + i; });
}
}  // namespace

TEST_CASE("IDX images and labels without pooling", "[data][idx]") {
  const RawTable t = read_idx(images(), "img", test::idx_labels({7, 2, 7}), "lab", {});
  REQUIRE(t.rows() == 3);
  REQUIRE(t.n_features() == 16);
  CHECK(t.feature_names[5] == "pixel_r1_c1");
  CHECK(t.values[16 + 5] == 16 + 1 + 1);  // image 1, r1 c1
  CHECK(t.label_names == std::vector<std::string>{"7", "2"});
  CHECK(t.labels == std::vector<std::int32_t>{0, 1, 0});
  CHECK(t.location(2) == "index 2");
}

TEST_CASE("IDX average pooling 2x2 of a 4x4 image", "[data][idx]") {
  IdxOptions opt;
  opt.pooling = 2;
  const RawTable t = read_idx(images(), "img", test::idx_labels({0, 1, 0}), "lab", opt);
  REQUIRE(t.n_features() == 4);
  CHECK(t.feature_names == std::vector<std::string>{"pixel_r0_c0", "pixel_r0_c1", "pixel_r1_c0", "pixel_r1_c1"});
  // Image 0, top-left block: (0 + 1 + 16 + 17) / 4 = 8.5; bottom-right: (34 + 35 + 50 + 51) / 4 = 42.5.
  CHECK(t.values[0] == 8.5f);
  CHECK(t.values[3] == 42.5f);
  CHECK(t.values[4 + 0] == 9.5f);  // image 1 adds 1 to every pixel
  opt.pooling = 4;
  const RawTable u = read_idx(images(), "img", test::idx_labels({0, 1, 0}), "lab", opt);
  REQUIRE(u.n_features() == 1);
  CHECK(u.values[0] == 25.5f);  // mean of 16 r + c over the image
}

TEST_CASE("IDX errors", "[data][idx]") {
  const auto labels = test::idx_labels({0, 1, 0});
  SECTION("bad magic") {
    std::string bad = images();
    bad[3] = 0x01;  // 0x801 is a label file
    const auto m = test::message_of<DataError>([&] { read_idx(bad, "img.idx", labels, "lab", {}); });
    CHECK(m == "img.idx:header: bad IDX magic number, expected 0x00000803 (unsigned-byte images, 3 dimensions), got 0x00000801");
  }
  SECTION("truncated images") {
    const std::string cut = images().substr(0, 16 + 16 + 5);
    const auto m = test::message_of<DataError>([&] { read_idx(cut, "img.idx", labels, "lab", {}); });
    CHECK(m == "img.idx:image 1: truncated IDX file, expected 64 bytes for 3 images of 4x4, got 37 bytes");
  }
  SECTION("truncated labels") {
    const auto m = test::message_of<DataError>([&] { read_idx(images(), "img", labels.substr(0, 10), "lab.idx", {}); });
    CHECK(m == "lab.idx:label 2: truncated IDX file, expected 11 bytes for 3 labels, got 10 bytes");
  }
  SECTION("label count differs from the image count") {
    const auto m = test::message_of<DataError>([&] { read_idx(images(), "img", test::idx_labels({1, 2}), "lab.idx", {}); });
    CHECK(m == "lab.idx:header: label file length differs from the images, expected 3 labels (img has 3 images), got 2 labels");
  }
  SECTION("no images with forged huge sides (found by fuzzing: sized the feature list from the sides)") {
    std::string none = test::idx_images(0, 4, 4, [](std::uint32_t, std::uint32_t, std::uint32_t) { return 0u; });
    none.replace(8, 8, std::string("\x0a\x00\x00\x00\x60\x00\x00\x80", 8));
    const auto m = test::message_of<DataError>([&] { read_idx(none, "img.idx", test::idx_labels({}), "lab", {}); });
    CHECK(m == "img.idx:header: no images, expected at least one image, got 0 images");
  }
  SECTION("images of zero pixels") {
    const std::string flat = test::idx_images(3, 0, 4, [](std::uint32_t, std::uint32_t, std::uint32_t) { return 0u; });
    const auto m = test::message_of<DataError>([&] { read_idx(flat, "img.idx", labels, "lab", {}); });
    CHECK(m == "img.idx:header: empty images, expected images of at least 1x1 pixel, got 0x4");
  }
  SECTION("pooling that does not divide the image") {
    IdxOptions opt;
    opt.pooling = 3;
    opt.spec_file = "spec.json";
    const auto m = test::message_of<ConfigError>([&] { read_idx(images(), "img", labels, "lab", opt); });
    CHECK(m == "spec.json:$.pooling: pooling does not divide the 4x4 images of img, expected a common divisor of the "
               "image sides: 1, 2, 4, got 3");
  }
}
