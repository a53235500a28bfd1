#pragma once
/// \file Test helper: a fresh temporary folder removed when the object goes out of scope.
#include <filesystem>
#include <string>

namespace nas4ml::test {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const noexcept { return path_; }
  /// Writes `content` to `name` inside the folder and returns its full path.
  std::filesystem::path write(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

}  // namespace nas4ml::test
