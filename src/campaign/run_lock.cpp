#include "nas4ml/campaign/run_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"

namespace nas4ml::campaign {
namespace fs = std::filesystem;
namespace {

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown host";
  return buf;
}

/// The holder's line ("pid 123 host node7 command run"), or a placeholder when unreadable.
std::string read_holder(int fd) {
  char buf[512] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string s = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\0')) s.pop_back();
  return s.empty() ? std::string("an unknown process") : s;
}

void ensure_folder(const fs::path& root, bool create_folder) {
  std::error_code ec;
  if (create_folder) {
    fs::create_directories(root, ec);
    if (ec && !fs::is_directory(root))
      throw ConfigError(root.string(), "", "cannot create the run folder: " + ec.message(),
                        "a writable folder path", fs::exists(root) ? "an existing file" : "an error");
  }
  if (!fs::is_directory(root, ec)) {
    if (create_folder || fs::exists(root, ec))
      throw ConfigError(root.string(), "", "not a run folder", "a folder holding a campaign", "a file");
    throw ConfigError(root.string(), "", "campaign store not found (no run folder)", "a run folder holding campaign.sqlite",
                      "no such folder");
  }
}

}  // namespace

RunLock RunLock::acquire(const fs::path& root, const std::string& command, bool create_folder) {
  ensure_folder(root, create_folder);
  const fs::path file = root / kRunLockFile;
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) {
    const int e = errno;
    // Without write access there is nothing run/resume/emit could do in the folder anyway.
    throw ConfigError(file.string(), "", fmt::format("cannot open the run folder's lock file: {}", std::strerror(e)),
                      "a run folder you can write to", e == EROFS ? "a read-only file system" : std::strerror(e));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int e = errno;
    const std::string holder = read_holder(fd);
    ::close(fd);
    if (e == EWOULDBLOCK)
      throw ConfigError(root.string(), "", "run folder is in use by another nas4ml (" + holder + ")",
                        "one process at a time per run folder; wait for it or stop it", "a held lock");
    throw ConfigError(file.string(), "", std::string("cannot lock the run folder: ") + std::strerror(e));
  }
  const std::string me = fmt::format("pid {} host {} command {}\n", ::getpid(), host_name(), command);
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, me.data(), me.size(), 0) != static_cast<ssize_t>(me.size())) {
    // The lock holds without its description; the next process then names "an unknown process".
  }
  return RunLock(fd, file);
}

RunLock::RunLock(RunLock&& other) noexcept : fd_(other.fd_), file_(std::move(other.file_)) { other.fd_ = -1; }

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace nas4ml::campaign
