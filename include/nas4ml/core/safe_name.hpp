#pragma once
/// \file Names a user gives that become part of a file path (device names, candidate ids):
/// a safe name cannot climb out of the folder it is looked up in.
#include <string>
#include <string_view>

namespace nas4ml {

/// true when `name` is 1..64 characters of [A-Za-z0-9_.-], starts with a letter or digit and
/// contains no "..": it names one file or folder, never a path.
bool is_safe_name(std::string_view name) noexcept;

/// `name` quoted for an error message, control characters shown as \xNN.
std::string quoted_for_message(std::string_view name);

}  // namespace nas4ml
