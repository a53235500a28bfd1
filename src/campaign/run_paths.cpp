#include "nas4ml/campaign/run_paths.hpp"

#include <algorithm>

#include "nas4ml/core/error.hpp"

namespace nas4ml::campaign {

bool is_safe_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

RunPaths::RunPaths(std::filesystem::path root) : root_(std::filesystem::absolute(std::move(root)).lexically_normal()) {
  if (root_.filename().empty() && root_.has_parent_path()) root_ = root_.parent_path();  // drop a trailing '/'
  // Resolved once, symlinks included: every candidate folder is checked against the real folder.
  std::error_code ec;
  real_root_ = std::filesystem::weakly_canonical(root_, ec);
  if (ec) real_root_ = root_;
}

bool RunPaths::contains(const std::filesystem::path& p) const {
  std::error_code ec;
  const auto real = std::filesystem::weakly_canonical(p, ec);
  if (ec) return false;
  const auto rel = real.lexically_relative(real_root_);
  return !rel.empty() && *rel.begin() != "..";
}

std::filesystem::path RunPaths::child(const std::filesystem::path& parent, std::string_view id) const {
  if (!is_safe_id(id))
    throw ConfigError(root_.string(), "", "unsafe candidate id for a folder name",
                      "1-64 characters of A-Z, a-z, 0-9, _ and -", "\"" + std::string(id) + "\"");
  const auto p = (parent / std::string(id)).lexically_normal();
  // Belt and braces: the normalized path must still start with the run folder.
  const auto rel = p.lexically_relative(root_);
  NAS4ML_ASSERT(!rel.empty() && *rel.begin() != "..", "a candidate folder escaped the run folder");
  // A symlinked firmware/ or synth/ (or <id>) leading elsewhere is refused, not followed.
  if (!contains(p))
    throw ConfigError(p.string(), "", "refusing to write outside the run folder (a symbolic link leads elsewhere)",
                      "a folder inside " + real_root_.string(), "a path leading outside it");
  return p;
}

std::filesystem::path RunPaths::firmware_dir(std::string_view id) const { return child(firmware_root(), id); }
std::filesystem::path RunPaths::synth_dir(std::string_view id) const { return child(synth_root(), id); }

}  // namespace nas4ml::campaign
