#include "nas4ml/data/idx_reader.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"

namespace nas4ml::data {
namespace {

std::uint32_t be32(std::string_view b, std::size_t at) {
  const auto* p = reinterpret_cast<const unsigned char*>(b.data() + at);
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

void check_magic(std::string_view bytes, const std::string& file, std::uint32_t expected, const char* what) {
  if (bytes.size() < 4)
    throw DataError(file, "header", "truncated IDX file", fmt::format("a 4-byte magic number 0x{:08x} ({})", expected, what),
                    fmt::format("{} bytes", bytes.size()));
  const auto magic = be32(bytes, 0);
  if (magic != expected)
    throw DataError(file, "header", "bad IDX magic number", fmt::format("0x{:08x} ({})", expected, what),
                    fmt::format("0x{:08x}", magic));
}

}  // namespace

RawTable read_idx(std::string_view images, const std::string& images_file, std::string_view labels,
                  const std::string& labels_file, const IdxOptions& options) {
  check_magic(images, images_file, 0x00000803, "unsigned-byte images, 3 dimensions");
  if (images.size() < 16)
    throw DataError(images_file, "header", "truncated IDX file", "a 16-byte header", fmt::format("{} bytes", images.size()));
  const std::size_t n = be32(images, 4), h = be32(images, 8), w = be32(images, 12);
  // Zero images would let forged sides pass the size check below and size the feature list.
  if (n == 0) throw DataError(images_file, "header", "no images", "at least one image", "0 images");
  if (h == 0 || w == 0)
    throw DataError(images_file, "header", "empty images", "images of at least 1x1 pixel", fmt::format("{}x{}", h, w));
  // Overflow-safe: forged 32-bit dimensions must not wrap around to a small size.
  std::size_t pixels = 0, need = 0;
  if (__builtin_mul_overflow(h, w, &pixels) || __builtin_mul_overflow(n, pixels, &need) ||
      __builtin_add_overflow(need, std::size_t{16}, &need))
    throw DataError(images_file, "header", "IDX dimensions too large for the file",
                    fmt::format("{} bytes of images", images.size()), fmt::format("{} images of {}x{}", n, h, w));
  if (images.size() < need)
    throw DataError(images_file, fmt::format("image {}", (images.size() - 16) / std::max<std::size_t>(pixels, 1)),
                    "truncated IDX file", fmt::format("{} bytes for {} images of {}x{}", need, n, h, w),
                    fmt::format("{} bytes", images.size()));
  if (images.size() > need)
    throw DataError(images_file, "", "trailing bytes after the IDX images",
                    fmt::format("{} bytes for {} images of {}x{}", need, n, h, w), fmt::format("{} bytes", images.size()));

  check_magic(labels, labels_file, 0x00000801, "unsigned-byte labels, 1 dimension");
  if (labels.size() < 8)
    throw DataError(labels_file, "header", "truncated IDX file", "an 8-byte header", fmt::format("{} bytes", labels.size()));
  const std::size_t m = be32(labels, 4);
  if (m != n)
    throw DataError(labels_file, "header", "label file length differs from the images",
                    fmt::format("{} labels ({} has {} images)", n, images_file, n), fmt::format("{} labels", m));
  if (labels.size() != 8 + m)
    throw DataError(labels_file, fmt::format("label {}", labels.size() < 8 + m ? labels.size() - 8 : m),
                    labels.size() < 8 + m ? "truncated IDX file" : "trailing bytes after the IDX labels",
                    fmt::format("{} bytes for {} labels", 8 + m, m), fmt::format("{} bytes", labels.size()));

  const int p = options.pooling;
  if (p < 1 || h % static_cast<std::size_t>(p) != 0 || w % static_cast<std::size_t>(p) != 0) {
    std::string divisors;
    for (std::size_t d = 1; d <= std::min(h, w); ++d)
      if (h % d == 0 && w % d == 0) divisors += (divisors.empty() ? "" : ", ") + std::to_string(d);
    throw ConfigError(options.spec_file, "$.pooling",
                      fmt::format("pooling does not divide the {}x{} images of {}", h, w, images_file),
                      "a common divisor of the image sides: " + divisors, std::to_string(p));
  }
  const std::size_t ph = h / p, pw = w / p;
  RawTable table;
  table.file = images_file;
  table.located_by_line = false;
  table.feature_names.reserve(ph * pw);
  for (std::size_t r = 0; r < ph; ++r)
    for (std::size_t c = 0; c < pw; ++c) table.feature_names.push_back(fmt::format("pixel_r{}_c{}", r, c));
  table.values.resize(n * ph * pw);
  const auto* src = reinterpret_cast<const unsigned char*>(images.data() + 16);
  const float inv = 1.0f / static_cast<float>(p * p);
  std::vector<std::uint32_t> sums(pw);
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char* img = src + i * pixels;
    float* out = table.values.data() + i * ph * pw;
    if (p == 1) {
      for (std::size_t k = 0; k < pixels; ++k) out[k] = img[k];
      continue;
    }
    for (std::size_t r = 0; r < ph; ++r) {
      std::fill(sums.begin(), sums.end(), 0u);
      for (std::size_t dr = 0; dr < static_cast<std::size_t>(p); ++dr) {
        const unsigned char* row = img + (r * p + dr) * w;
        for (std::size_t c = 0; c < w; ++c) sums[c / p] += row[c];
      }
      for (std::size_t c = 0; c < pw; ++c) out[r * pw + c] = static_cast<float>(sums[c]) * inv;
    }
  }
  std::array<std::int32_t, 256> ids;
  ids.fill(-1);
  const auto* lab = reinterpret_cast<const unsigned char*>(labels.data() + 8);
  table.labels.resize(n);
  table.row_location.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto& id = ids[lab[i]];
    if (id < 0) {
      id = static_cast<std::int32_t>(table.label_names.size());
      table.label_names.push_back(std::to_string(lab[i]));
    }
    table.labels[i] = id;
    table.row_location[i] = i;
  }
  return table;
}

}  // namespace nas4ml::data
