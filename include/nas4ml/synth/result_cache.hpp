#pragma once
/// \file A content-addressed cache of synthesis results: the key is the SHA-256 of the Verilog
/// text, the tool's version line and the synthesis script, so a changed design, tool or script
/// never returns a stale result, and an unchanged one never runs the tool again.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "nas4ml/synth/synthesis_result.hpp"

namespace nas4ml::synth {

/// Lower-case hex SHA-256 of `bytes` (OpenSSL EVP).
std::string sha256_hex(std::string_view bytes);

/// The cache key of a synthesis: SHA-256 over the three parts, each prefixed by its length so
/// that no two different triples hash the same byte string.
std::string synthesis_key(std::string_view verilog, std::string_view tool_version, std::string_view script);

/// A folder of <key>/result.json entries (plus the tool's log, kept for reading).
class ResultCache {
 public:
  /// `dir` is created on the first store().
  explicit ResultCache(std::filesystem::path dir) : dir_(std::move(dir)) {}
  const std::filesystem::path& dir() const noexcept { return dir_; }

  /// The stored result for `key`, marked cache_hit, or nothing. A corrupt entry is a ToolError
  /// naming its file (delete it to re-run), never silently ignored.
  std::optional<SynthesisResult> find(const std::string& key) const;
  /// Stores `result` under result.key, with a copy of `log_file` when it exists. Written to a
  /// temporary folder and renamed, so a concurrent reader never sees half an entry.
  void store(const SynthesisResult& result, const std::filesystem::path& log_file = {}) const;

 private:
  std::filesystem::path dir_;
};

}  // namespace nas4ml::synth
