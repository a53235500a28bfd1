#pragma once
/// \file A private temporary folder: created by mkdtemp(3) with mode 0700 and an unpredictable
/// name, so nothing planted in /tmp (a symlink, a folder of another user) can redirect a write.
/// Removed with its content when the object goes out of scope, unless keep() was called.
#include <filesystem>
#include <string>

namespace nas4ml {

class PrivateTempDir {
 public:
  /// Creates `<$TMPDIR or /tmp>/<prefix>XXXXXX`; ToolError when it cannot be created.
  explicit PrivateTempDir(const std::string& prefix);
  ~PrivateTempDir();
  PrivateTempDir(const PrivateTempDir&) = delete;
  PrivateTempDir& operator=(const PrivateTempDir&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }
  /// Leaves the folder in place at destruction (kept for inspection after a failure).
  void keep() noexcept { keep_ = true; }

 private:
  std::filesystem::path path_;
  bool keep_ = false;
};

}  // namespace nas4ml
