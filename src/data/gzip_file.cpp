#include "nas4ml/data/gzip_file.hpp"

#include <zlib.h>

#include <algorithm>
#include <fstream>
#include <limits>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/core/input_file.hpp"
#include "nas4ml/data/checksum.hpp"

namespace nas4ml::data {

bool is_gzip(std::string_view bytes) noexcept {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

std::string gunzip(std::string_view compressed, const std::string& file, std::uint64_t max_output) {
  std::string out;
  const std::uint64_t limit = max_output;
  // The gzip trailer holds the uncompressed size modulo 2^32: a first guess for the buffer, trusted
  // only as far as deflate can expand (at most ~1032:1) and the limit allow (it may be forged).
  if (compressed.size() >= 18) {
    const auto* t = reinterpret_cast<const unsigned char*>(compressed.data() + compressed.size() - 4);
    const std::uint64_t isize = t[0] | (t[1] << 8) | (t[2] << 16) | (std::uint64_t{t[3]} << 24);
    const std::uint64_t plausible = std::uint64_t{compressed.size()} * 1032;
    if (isize <= plausible && isize <= limit) out.reserve(static_cast<std::size_t>(isize) + 1);
  }
  z_stream z{};
  // 15 + 16: gzip wrapper only.
  if (inflateInit2(&z, 15 + 16) != Z_OK) throw InternalError("zlib: inflateInit2 failed");
  std::size_t offset = 0;  // input consumed so far
  std::size_t produced = 0;
  const std::size_t chunk = std::size_t{1} << 20;
  for (;;) {
    const std::size_t avail_in = std::min<std::size_t>(compressed.size() - offset,
                                                       std::numeric_limits<uInt>::max());
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data() + offset));
    z.avail_in = static_cast<uInt>(avail_in);
    if (produced >= limit && produced == out.size()) {
      inflateEnd(&z);
      throw DataError(file, fmt::format("byte {}", offset), "decompressed data too large",
                      fmt::format("at most {} bytes (NAS4ML_MAX_INPUT_BYTES to raise the limit)", limit),
                      fmt::format("more than {} bytes from {} compressed", produced, compressed.size()));
    }
    if (produced == out.size())
      out.resize(static_cast<std::size_t>(std::min<std::uint64_t>(std::max({out.capacity(), chunk, out.size() * 2}), limit)));
    z.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    z.avail_out = static_cast<uInt>(std::min<std::size_t>(out.size() - produced,
                                                          std::numeric_limits<uInt>::max()));
    const uInt before_out = z.avail_out;
    const int rc = inflate(&z, Z_NO_FLUSH);
    offset += avail_in - z.avail_in;
    produced += before_out - z.avail_out;
    if (rc == Z_STREAM_END) {
      // Another gzip member may follow (concatenated streams are valid gzip).
      if (offset < compressed.size() && is_gzip(compressed.substr(offset))) {
        inflateReset(&z);
        continue;
      }
      break;
    }
    if (rc == Z_OK) continue;
    if (rc == Z_BUF_ERROR && offset >= compressed.size() && z.avail_out != 0) {
      inflateEnd(&z);
      throw DataError(file, fmt::format("byte {}", compressed.size()), "truncated gzip stream",
                      "a complete gzip file", fmt::format("end of file after {} compressed bytes", compressed.size()));
    }
    if (rc == Z_BUF_ERROR) continue;  // needs more output space
    const std::string reason = z.msg ? z.msg : fmt::format("zlib error {}", rc);
    inflateEnd(&z);
    throw DataError(file, fmt::format("byte {}", offset), "corrupt gzip stream", "valid gzip data", reason);
  }
  inflateEnd(&z);
  out.resize(produced);
  return out;
}

SourceContent read_source(const std::filesystem::path& path, const std::string& display) {
  std::string bytes = read_input_file(path, display, max_input_bytes(), /*data_file=*/true);
  const std::size_t size = bytes.size();
  SourceContent content;
  content.info.path = display;
  content.info.bytes = size;
  content.info.sha256 = sha256_hex(bytes);
  content.text = is_gzip(bytes) ? gunzip(bytes, display) : std::move(bytes);
  return content;
}

}  // namespace nas4ml::data
