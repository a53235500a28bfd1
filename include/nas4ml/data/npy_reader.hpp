#pragma once
/// \file NumPy .npy files (format versions 1-3, https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
/// little-endian float32/float64/int8..int64/uint8..uint64 in C order; features in a 2-D (or
/// higher, flattened) array, integer class labels in a separate 1-D array.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "nas4ml/data/raw_table.hpp"

namespace nas4ml::data {

/// The header of an .npy file.
struct NpyHeader {
  std::string descr;               ///< dtype, e.g. "<f4"
  bool fortran_order = false;
  std::vector<std::size_t> shape;
  std::size_t data_offset = 0;     ///< where the array bytes start
  std::size_t item_size = 0;       ///< bytes per element
  std::size_t elements() const noexcept;
};

/// Parses and checks the header of `bytes` (a whole .npy file). Throws DataError for a bad magic
/// string or header, an unsupported dtype (big-endian, complex, object, ...), Fortran order, or
/// fewer data bytes than the shape needs.
NpyHeader parse_npy_header(std::string_view bytes, const std::string& file);

/// How to read an NPY features/labels pair.
struct NpyOptions {
  std::vector<std::string> column_names;  ///< names of the feature columns (optional)
  std::vector<ColumnRef> features;        ///< subset of columns; empty: all
  std::string spec_file;                  ///< named in column-selection errors
};

/// Reads features (rows x columns after flattening all but the first axis) and labels (1-D, or
/// rows x 1; integers, or floats holding integers). Throws DataError when the label count differs
/// from the feature rows or a float label is not a whole number.
RawTable read_npy(std::string_view features, const std::string& features_file, std::string_view labels,
                  const std::string& labels_file, const NpyOptions& options);

}  // namespace nas4ml::data
