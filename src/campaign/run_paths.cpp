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
}

std::filesystem::path RunPaths::child(const std::filesystem::path& parent, std::string_view id) const {
  if (!is_safe_id(id))
    throw ConfigError(root_.string(), "", "unsafe candidate id for a folder name",
                      "1-64 characters of A-Z, a-z, 0-9, _ and -", "\"" + std::string(id) + "\"");
  const auto p = (parent / std::string(id)).lexically_normal();
  // Belt and braces: the normalized path must still start with the run folder.
  const auto rel = p.lexically_relative(root_);
  NAS4ML_ASSERT(!rel.empty() && *rel.begin() != "..", "a candidate folder escaped the run folder");
  return p;
}

std::filesystem::path RunPaths::firmware_dir(std::string_view id) const { return child(firmware_root(), id); }
std::filesystem::path RunPaths::synth_dir(std::string_view id) const { return child(synth_root(), id); }

}  // namespace nas4ml::campaign
