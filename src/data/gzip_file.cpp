#include "nas4ml/data/gzip_file.hpp"

#include <zlib.h>

#include <algorithm>
#include <fstream>
#include <limits>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/data/checksum.hpp"

namespace nas4ml::data {

bool is_gzip(std::string_view bytes) noexcept {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

std::string gunzip(std::string_view compressed, const std::string& file) {
  std::string out;
  // The gzip trailer holds the uncompressed size modulo 2^32: a good first guess for the buffer,
  // capped by deflate's largest ratio (1032:1, RFC 1951 blocks) so that the last bytes of a
  // truncated file cannot ask for gigabytes.
  if (compressed.size() >= 18) {
    const auto* t = reinterpret_cast<const unsigned char*>(compressed.data() + compressed.size() - 4);
    const std::size_t isize = t[0] | (t[1] << 8) | (t[2] << 16) | (std::size_t{t[3]} << 24);
    out.reserve(std::min(isize, compressed.size() * 1032) + 1);
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
    if (produced == out.size()) out.resize(std::max({out.capacity(), chunk, out.size() * 2}));
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
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw DataError(display, "", "file not found", "an existing file", "no such file");
  if (std::filesystem::is_directory(path, ec))
    throw DataError(display, "", "is a directory", "a data file", "a directory");
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw DataError(display, "", "cannot open file", "a readable file", "open failed");
  const auto size = static_cast<std::size_t>(in.tellg());
  in.seekg(0);
  std::string bytes(size, '\0');
  if (size > 0 && !in.read(bytes.data(), static_cast<std::streamsize>(size)))
    throw DataError(display, "", "read error", "a readable file", "I/O error");
  SourceContent content;
  content.info.path = display;
  content.info.bytes = size;
  content.info.sha256 = sha256_hex(bytes);
  content.text = is_gzip(bytes) ? gunzip(bytes, display) : std::move(bytes);
  return content;
}

}  // namespace nas4ml::data
