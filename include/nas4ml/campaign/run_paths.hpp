#pragma once
/// \file The layout of one campaign's folder, runs/NAME/:
///   campaign.sqlite   the store (every evaluation, optimizer state, synthesis runs, fronts)
///   experiment.json   the experiment as given (canonical form)
///   synth/<id>/       synthesis runs of front members during the search
///   firmware/<id>/    emitted Pareto winners (Verilog, test bench, model, report.md, manifest)
///   report.html       the campaign report
/// Candidate ids become folder names only through firmware_dir()/synth_dir(), which accept
/// nothing but [A-Za-z0-9_-] and check the result, symlinks resolved, stays inside the run folder.
#include <filesystem>
#include <string>
#include <string_view>

namespace nas4ml::campaign {

class RunPaths {
 public:
  /// The run folder `root` (need not exist yet).
  explicit RunPaths(std::filesystem::path root);

  const std::filesystem::path& root() const noexcept { return root_; }
  std::filesystem::path store() const { return root_ / "campaign.sqlite"; }
  std::filesystem::path experiment() const { return root_ / "experiment.json"; }
  std::filesystem::path report() const { return root_ / "report.html"; }
  std::filesystem::path firmware_root() const { return root_ / "firmware"; }
  std::filesystem::path synth_root() const { return root_ / "synth"; }
  std::filesystem::path synth_cache() const { return root_ / "synth" / "cache"; }

  /// runs/NAME/firmware/<id>; ConfigError when `id` is not a safe folder name.
  std::filesystem::path firmware_dir(std::string_view id) const;
  /// runs/NAME/synth/<id>; same rule.
  std::filesystem::path synth_dir(std::string_view id) const;
  /// true when `p`, with every symbolic link resolved, lies inside the run folder (itself resolved
  /// once, at construction).
  bool contains(const std::filesystem::path& p) const;

 private:
  std::filesystem::path child(const std::filesystem::path& parent, std::string_view id) const;
  std::filesystem::path root_;
  std::filesystem::path real_root_;  ///< root_ with symlinks resolved
};

/// true when `id` is 1..64 characters of [A-Za-z0-9_-] (and so cannot name another folder).
bool is_safe_id(std::string_view id) noexcept;

}  // namespace nas4ml::campaign
