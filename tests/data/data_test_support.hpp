#pragma once
// Helpers for the data tests: build small IDX, NPY and gzip files byte by byte.
#include <zlib.h>

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace nas4ml::test {

inline void put_be32(std::string& s, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) s.push_back(static_cast<char>((v >> shift) & 0xff));
}

/// An idx3-ubyte image file: n images of h x w, pixel (i, r, c) = pixel(i, r, c).
template <class F>
std::string idx_images(std::uint32_t n, std::uint32_t h, std::uint32_t w, F pixel) {
  std::string s;
  put_be32(s, 0x00000803);
  put_be32(s, n);
  put_be32(s, h);
  put_be32(s, w);
  for (std::uint32_t i = 0; i < n; ++i)
    for (std::uint32_t r = 0; r < h; ++r)
      for (std::uint32_t c = 0; c < w; ++c) s.push_back(static_cast<char>(pixel(i, r, c)));
  return s;
}

/// An idx1-ubyte label file.
inline std::string idx_labels(const std::vector<std::uint8_t>& labels) {
  std::string s;
  put_be32(s, 0x00000801);
  put_be32(s, static_cast<std::uint32_t>(labels.size()));
  for (auto l : labels) s.push_back(static_cast<char>(l));
  return s;
}

/// An .npy (version 1.0) file with dtype `descr`, `shape` text like "(3, 2)" and raw data bytes.
inline std::string npy_file(const std::string& descr, const std::string& shape, const std::string& data,
                            bool fortran = false) {
  std::string header = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") +
                       ", 'shape': " + shape + ", }";
  while ((10 + header.size() + 1) % 64 != 0) header.push_back(' ');
  header.push_back('\n');
  std::string s("\x93NUMPY\x01\x00", 8);
  s.push_back(static_cast<char>(header.size() & 0xff));
  s.push_back(static_cast<char>(header.size() >> 8));
  return s + header + data;
}

/// The bytes of a vector of plain values (little-endian on this machine).
template <class T>
std::string raw_bytes(const std::vector<T>& values) {
  std::string s(values.size() * sizeof(T), '\0');
  if (!values.empty()) std::memcpy(s.data(), values.data(), s.size());
  return s;
}

/// gzip-compresses `text` (RFC 1952) with zlib.
inline std::string gzip(const std::string& text) {
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) throw std::runtime_error("deflateInit2");
  std::string out(deflateBound(&z, static_cast<uLong>(text.size())) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("deflate");
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

/// Runs `f`, requires it to throw E, and returns the message.
template <class E, class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  FAIL("expected an exception, none was thrown");
  return {};
}

/// The fixture folder tests/data/fixtures.
inline std::string fixture(const std::string& name) {
  return std::string(NAS4ML_SOURCE_DIR) + "/tests/data/fixtures/" + name;
}

}  // namespace nas4ml::test
