#pragma once
/// \file Engine version and the git commit it was built from (set at configure time).
#include <string_view>

namespace nas4ml {
/// Semantic version of the engine, e.g. "0.1.0".
std::string_view version();
/// Short git hash of the source tree at configure time, or "unknown".
std::string_view git_hash();
}  // namespace nas4ml
