#include "nas4ml/core/private_temp_dir.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <system_error>
#include <vector>

#include "nas4ml/core/error.hpp"

namespace nas4ml {

PrivateTempDir::PrivateTempDir(const std::string& prefix) {
  std::error_code ec;
  std::filesystem::path base = std::filesystem::temp_directory_path(ec);
  if (ec) base = "/tmp";
  const std::string pattern = (base / (prefix + "XXXXXX")).string();
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr)
    throw ToolError(pattern, {}, std::string("cannot create a private temporary folder: ") + std::strerror(errno));
  path_ = buf.data();
}

PrivateTempDir::~PrivateTempDir() {
  if (keep_ || path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace nas4ml
