#pragma once
/// \file IDX files as used by MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/):
/// a big-endian header (magic 0x00000803 for unsigned-byte images n x rows x cols, 0x00000801 for
/// n unsigned-byte labels) followed by the bytes. Images can be average-pooled p x p on read.
#include <string>
#include <string_view>

#include "nas4ml/data/raw_table.hpp"

namespace nas4ml::data {

/// How to read an IDX image/label pair.
struct IdxOptions {
  int pooling = 1;        ///< average-pool p x p blocks: 1 keeps 28x28, 2 gives 14x14, 4 gives 7x7
  std::string spec_file;  ///< named when the pooling does not divide the image size
};

/// Reads decompressed IDX images and labels into a table of rows x (rows/p * cols/p) features in
/// raw pixel units (0..255), named `pixel_r<i>_c<j>` on the pooled grid, labels as decimal text.
/// Throws DataError for a bad magic number, a truncated file or trailing bytes, a label count
/// that differs from the image count; ConfigError when the pooling does not divide the image.
RawTable read_idx(std::string_view images, const std::string& images_file, std::string_view labels,
                  const std::string& labels_file, const IdxOptions& options);

}  // namespace nas4ml::data
