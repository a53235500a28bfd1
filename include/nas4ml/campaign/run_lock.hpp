#pragma once
/// \file One writer per run folder: an exclusive flock(2) on `<run>/.nas4ml.lock`, taken by
/// `run`, `resume` and `emit` for as long as they work on the folder. The kernel releases it when
/// the process ends, however it ends (kill -9 included), so a stale lock never blocks a resume.
/// The file holds the holder's pid, host and command, for the message the next process prints.
#include <filesystem>
#include <string>

namespace nas4ml::campaign {

class RunLock {
 public:
  /// Takes the lock of run folder `root` for `command` ("run", "resume", "emit"). With
  /// `create_folder` the folder is created first (a `run`); otherwise a missing folder is a
  /// ConfigError. ConfigError naming the holder's pid and host when another process holds it.
  static RunLock acquire(const std::filesystem::path& root, const std::string& command, bool create_folder);

  RunLock(RunLock&& other) noexcept;
  RunLock& operator=(RunLock&&) = delete;
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;
  /// Releases the lock (closing the file releases the flock).
  ~RunLock();

  /// The lock file, `<root>/.nas4ml.lock`.
  const std::filesystem::path& file() const noexcept { return file_; }

 private:
  RunLock(int fd, std::filesystem::path file) : fd_(fd), file_(std::move(file)) {}
  int fd_ = -1;
  std::filesystem::path file_;
};

/// Name of the lock file inside a run folder.
inline constexpr const char* kRunLockFile = ".nas4ml.lock";

}  // namespace nas4ml::campaign
