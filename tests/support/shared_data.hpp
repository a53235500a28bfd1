#pragma once
/// \file Test helper: where ../shared/data is, for integration tests that use the real data sets.
#include <filesystem>
#include <optional>

namespace nas4ml::test {

/// ../shared/data beside the source tree (or $NAS4ML_SHARED_DATA), if it exists.
std::optional<std::filesystem::path> shared_data_dir();

}  // namespace nas4ml::test

/// Skips the current Catch2 test with a message when ../shared/data is absent; otherwise
/// declares `data_dir` (a std::filesystem::path) in the enclosing scope.
#define NAS4ML_REQUIRE_SHARED_DATA(data_dir)                                                   \
  const auto data_dir##_opt = ::nas4ml::test::shared_data_dir();                               \
  if (!data_dir##_opt) {                                                                       \
    WARN("skipped: ../shared/data not found (set NAS4ML_SHARED_DATA to run this test)");       \
    return;                                                                                    \
  }                                                                                            \
  const std::filesystem::path data_dir = *data_dir##_opt
