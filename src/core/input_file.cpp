#include "nas4ml/core/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"

namespace nas4ml {
namespace {

std::uint64_t limit_from_env(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  errno = 0;
  const unsigned long long n = std::strtoull(v, &end, 10);
  if (errno != 0 || end == v || *end != '\0' || n == 0 || v[0] == '-')
    throw ConfigError({}, name, "bad environment variable", "a positive number of bytes", fmt::format("\"{}\"", v));
  return n;
}

[[noreturn]] void fail(bool data_file, const std::string& file, const std::string& problem, const std::string& expected,
                       const std::string& got) {
  if (data_file) throw DataError(file, {}, problem, expected, got);
  throw ConfigError(file, {}, problem, expected, got);
}

std::string file_kind(mode_t m) {
  if (S_ISDIR(m)) return "a directory";
  if (S_ISFIFO(m)) return "a FIFO (named pipe)";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISSOCK(m)) return "a socket";
  return "not a regular file";
}

/// Closes the descriptor on every path out.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::uint64_t max_input_bytes() { return limit_from_env("NAS4ML_MAX_INPUT_BYTES", std::uint64_t{4} << 30); }
std::uint64_t max_json_bytes() { return limit_from_env("NAS4ML_MAX_JSON_BYTES", std::uint64_t{256} << 20); }

std::string read_input_file(const std::filesystem::path& path, const std::string& display, std::uint64_t limit,
                            bool data_file) {
  // O_NONBLOCK: opening a FIFO without a writer returns at once (then refused below).
  const Fd f{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
  if (f.fd < 0) {
    const int e = errno;
    if (e == ENOENT)
      fail(data_file, display, "file not found", data_file ? "an existing file" : "an existing JSON file", "no such file");
    if (e == EACCES) fail(data_file, display, "cannot read file", "a file you may read", "permission denied");
    if (e == ENAMETOOLONG) fail(data_file, display, "path too long", "a shorter path", "file name too long");
    fail(data_file, display, "cannot open file", "a readable file", std::strerror(e));
  }
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) fail(data_file, display, "cannot stat file", "a readable file", std::strerror(errno));
  if (S_ISDIR(st.st_mode)) fail(data_file, display, "is a directory", data_file ? "a data file" : "a JSON file", "a directory");
  if (!S_ISREG(st.st_mode)) fail(data_file, display, "not a regular file", "a regular file", file_kind(st.st_mode));
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (size > limit)
    fail(data_file, display, "file too large",
         fmt::format("at most {} bytes ({} to raise the limit)", limit,
                     data_file ? "NAS4ML_MAX_INPUT_BYTES" : "NAS4ML_MAX_JSON_BYTES"),
         fmt::format("{} bytes", size));
  std::string bytes(static_cast<std::size_t>(size), '\0');
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::read(f.fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(data_file, display, "read error", "a readable file", std::strerror(errno));
    if (n == 0) break;  // shrank while reading
    done += static_cast<std::size_t>(n);
  }
  bytes.resize(done);
  return bytes;
}

}  // namespace nas4ml
