#include "nas4ml/data/npy_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <unordered_map>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"
#include "text_rows.hpp"

namespace nas4ml::data {
namespace {

enum class Kind { f, i, u };

struct Dtype {
  Kind kind;
  std::size_t size;
};

bool parse_dtype(const std::string& descr, Dtype& out) {
  if (descr.size() < 3) return false;
  const char order = descr[0];
  const char kind = descr[1];
  const std::string size_text = descr.substr(2);
  if (size_text != "1" && size_text != "2" && size_text != "4" && size_text != "8") return false;
  const std::size_t size = static_cast<std::size_t>(size_text[0] - '0');
  if (order != '<' && order != '|' && order != '=') return false;  // '>' is big-endian
  if (order == '|' && size != 1) return false;
  if (kind == 'f' && (size == 4 || size == 8)) {
    out = {Kind::f, size};
    return true;
  }
  if (kind == 'i' || kind == 'u') {
    out = {kind == 'i' ? Kind::i : Kind::u, size};
    return true;
  }
  return false;
}

template <class T>
T load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

double element(const char* p, const Dtype& d) {
  switch (d.kind) {
    case Kind::f: return d.size == 4 ? load<float>(p) : load<double>(p);
    case Kind::i:
      switch (d.size) {
        case 1: return load<std::int8_t>(p);
        case 2: return load<std::int16_t>(p);
        case 4: return load<std::int32_t>(p);
        default: return static_cast<double>(load<std::int64_t>(p));
      }
    case Kind::u:
      switch (d.size) {
        case 1: return load<std::uint8_t>(p);
        case 2: return load<std::uint16_t>(p);
        case 4: return load<std::uint32_t>(p);
        default: return static_cast<double>(load<std::uint64_t>(p));
      }
  }
  return 0;
}

// The value of 'key' in the header dict: the text after "'key':" up to the matching end.
std::string dict_value(std::string_view header, std::string_view key, const std::string& file) {
  const std::string quoted = fmt::format("'{}'", key);
  auto k = header.find(quoted);
  if (k == std::string_view::npos)
    throw DataError(file, "header", fmt::format("bad NPY header: no '{}' entry", key),
                    "a dict with 'descr', 'fortran_order' and 'shape'", fmt::format("\"{}\"", header));
  auto p = header.find(':', k + quoted.size());
  if (p == std::string_view::npos) throw DataError(file, "header", "bad NPY header", "'key': value", std::string(header));
  ++p;
  while (p < header.size() && header[p] == ' ') ++p;
  if (p < header.size() && header[p] == '(') {
    const auto e = header.find(')', p);
    if (e == std::string_view::npos) throw DataError(file, "header", "bad NPY header: unterminated shape", "(n, m)", std::string(header));
    return std::string(header.substr(p, e - p + 1));
  }
  if (p < header.size() && (header[p] == '\'' || header[p] == '"')) {
    const auto e = header.find(header[p], p + 1);
    if (e == std::string_view::npos) throw DataError(file, "header", "bad NPY header: unterminated string", "'...'", std::string(header));
    return std::string(header.substr(p + 1, e - p - 1));
  }
  auto e = header.find_first_of(",}", p);
  std::string v(header.substr(p, e - p));
  while (!v.empty() && v.back() == ' ') v.pop_back();
  return v;
}

}  // namespace

std::size_t NpyHeader::elements() const noexcept {
  std::size_t n = 1;
  for (auto s : shape) n *= s;
  return n;
}

NpyHeader parse_npy_header(std::string_view bytes, const std::string& file) {
  static constexpr std::string_view magic("\x93NUMPY", 6);
  if (bytes.size() < 10 || bytes.substr(0, 6) != magic) {
    std::string got;
    for (std::size_t i = 0; i < std::min<std::size_t>(bytes.size(), 6); ++i)
      got += fmt::format("{:02x} ", static_cast<unsigned char>(bytes[i]));
    throw DataError(file, "header", "bad NPY header: not an .npy file", "magic bytes 93 4e 55 4d 50 59 (\\x93NUMPY)",
                    bytes.empty() ? "an empty file" : got.substr(0, got.size() - 1));
  }
  const int major = static_cast<unsigned char>(bytes[6]);
  std::size_t header_len = 0, start = 0;
  if (major == 1) {
    header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<std::size_t>(static_cast<unsigned char>(bytes[9])) << 8);
    start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) throw DataError(file, "header", "truncated NPY header", "at least 12 bytes", fmt::format("{} bytes", bytes.size()));
    for (int i = 0; i < 4; ++i) header_len |= static_cast<std::size_t>(static_cast<unsigned char>(bytes[8 + i])) << (8 * i);
    start = 12;
  } else {
    throw DataError(file, "header", "unsupported NPY format version", "1, 2 or 3", std::to_string(major));
  }
  if (bytes.size() < start + header_len)
    throw DataError(file, "header", "truncated NPY header", fmt::format("{} header bytes", header_len),
                    fmt::format("{} bytes in the file", bytes.size()));
  const std::string_view header = bytes.substr(start, header_len);
  NpyHeader h;
  h.data_offset = start + header_len;
  h.descr = dict_value(header, "descr", file);
  Dtype d{};
  if (!parse_dtype(h.descr, d))
    throw DataError(file, "header 'descr'", "unsupported NPY dtype",
                    "little-endian float32/float64, int8..int64 or uint8..uint64 ('<f4', '<f8', '|i1', '<i2', '<i4', "
                    "'<i8', '|u1', '<u2', '<u4', '<u8')",
                    fmt::format("'{}'", h.descr));
  h.item_size = d.size;
  const std::string fortran = dict_value(header, "fortran_order", file);
  if (fortran == "True")
    throw DataError(file, "header 'fortran_order'", "unsupported NPY layout", "C order ('fortran_order': False)", "True");
  if (fortran != "False")
    throw DataError(file, "header 'fortran_order'", "bad NPY header", "True or False", fortran);
  const std::string shape = dict_value(header, "shape", file);
  if (shape.size() < 2 || shape.front() != '(')
    throw DataError(file, "header 'shape'", "bad NPY header", "a tuple like (100, 16)", shape);
  std::size_t p = 1;
  while (p < shape.size() - 1) {
    while (p < shape.size() && (shape[p] == ' ' || shape[p] == ',')) ++p;
    if (p >= shape.size() - 1) break;
    std::size_t v = 0;
    const auto [end, ec] = std::from_chars(shape.data() + p, shape.data() + shape.size() - 1, v);
    if (ec != std::errc() || end == shape.data() + p)
      throw DataError(file, "header 'shape'", "bad NPY header", "a tuple of integers like (100, 16)", shape);
    h.shape.push_back(v);
    p = static_cast<std::size_t>(end - shape.data());
  }
  // Overflow-safe: a forged shape like (60, 2^63+1, 2) must not wrap around to a small size.
  std::size_t need = h.item_size;
  for (auto d : h.shape)
    if (__builtin_mul_overflow(need, d, &need))
      throw DataError(file, "header 'shape'", "NPY shape too large for the file",
                      fmt::format("at most {} data bytes", bytes.size() - h.data_offset), shape);
  const std::size_t have = bytes.size() - h.data_offset;
  if (have < need) {
    const std::size_t per_row = h.shape.empty() || h.shape[0] == 0 ? need : need / h.shape[0];
    throw DataError(file, fmt::format("index {}", per_row ? have / per_row : 0), "truncated NPY data",
                    fmt::format("{} data bytes for shape {} of '{}'", need, shape, h.descr),
                    fmt::format("{} bytes", have));
  }
  return h;
}

RawTable read_npy(std::string_view features, const std::string& features_file, std::string_view labels,
                  const std::string& labels_file, const NpyOptions& options) {
  const NpyHeader fh = parse_npy_header(features, features_file);
  if (fh.shape.size() < 2)
    throw DataError(features_file, "header 'shape'", "features must be a 2-D array (rows x features)",
                    "a shape (rows, features)", fmt::format("{} dimension(s)", fh.shape.size()));
  const std::size_t rows = fh.shape[0];
  const std::size_t cols = rows == 0 ? 0 : fh.elements() / rows;
  const NpyHeader lh = parse_npy_header(labels, labels_file);
  if (!(lh.shape.size() == 1 || (lh.shape.size() == 2 && lh.shape[1] == 1)))
    throw DataError(labels_file, "header 'shape'", "labels must be a 1-D array", "a shape (rows,) or (rows, 1)",
                    fmt::format("{} dimensions", lh.shape.size()));
  if (lh.shape[0] != rows)
    throw DataError(labels_file, "header 'shape'", "label file length differs from the features",
                    fmt::format("{} labels ({} has {} rows)", rows, features_file, rows),
                    fmt::format("{} labels", lh.shape[0]));
  if (rows == 0) throw DataError(features_file, "", "no rows", "at least one row", "shape (0, ...)");
  if (cols == 0) throw DataError(features_file, "header 'shape'", "no feature columns", "at least one feature", "shape (n, 0)");

  std::vector<std::string> names = options.column_names;
  const bool names_are_real = !names.empty();
  if (names_are_real && names.size() != cols)
    throw ConfigError(options.spec_file, "$.column_names", fmt::format("column_names does not match {}", features_file),
                      fmt::format("{} names", cols), fmt::format("{} names", names.size()));
  if (!names_are_real)
    for (std::size_t c = 0; c < cols; ++c) names.push_back(fmt::format("f{}", c));
  std::vector<std::size_t> selected;
  if (options.features.empty()) {
    for (std::size_t c = 0; c < cols; ++c) selected.push_back(c);
  } else {
    for (const auto& ref : options.features)
      detail::add_feature_column(selected,
                                 detail::resolve_column(ref, names, names_are_real, options.spec_file, features_file, "feature"),
                                 ref, names, options.spec_file);
  }

  Dtype fd{}, ld{};
  parse_dtype(fh.descr, fd);
  parse_dtype(lh.descr, ld);
  RawTable table;
  table.file = features_file;
  table.located_by_line = false;
  for (auto c : selected) table.feature_names.push_back(names[c]);
  table.values.resize(rows * selected.size());
  const char* base = features.data() + fh.data_offset;
  for (std::size_t r = 0; r < rows; ++r) {
    const char* row = base + r * cols * fh.item_size;
    float* out = table.values.data() + r * selected.size();
    for (std::size_t k = 0; k < selected.size(); ++k)
      out[k] = static_cast<float>(element(row + selected[k] * fh.item_size, fd));
  }
  std::unordered_map<std::int64_t, std::int32_t> ids;
  table.labels.resize(rows);
  table.row_location.resize(rows);
  const char* lbase = labels.data() + lh.data_offset;
  for (std::size_t r = 0; r < rows; ++r) {
    const double v = element(lbase + r * lh.item_size, ld);
    if (!std::isfinite(v) || std::floor(v) != v)
      throw DataError(labels_file, fmt::format("index {}", r), "label is not a whole number", "an integer class label",
                      fmt::format("{}", v));
    // Beyond 2^53 a float label is no longer one integer (and beyond 2^63 it has no int64): refuse.
    if (std::fabs(v) > 9007199254740992.0)
      throw DataError(labels_file, fmt::format("index {}", r), "label out of range", "an integer class label within +-2^53",
                      fmt::format("{}", v));
    const auto key = static_cast<std::int64_t>(v);
    auto [it, inserted] = ids.try_emplace(key, static_cast<std::int32_t>(table.label_names.size()));
    if (inserted) table.label_names.push_back(std::to_string(key));
    table.labels[r] = it->second;
    table.row_location[r] = r;
  }
  return table;
}

}  // namespace nas4ml::data
