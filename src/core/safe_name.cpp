#include "nas4ml/core/safe_name.hpp"

#include <fmt/format.h>

namespace nas4ml {
namespace {
bool alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
}  // namespace

bool is_safe_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > 64 || !alnum(name.front())) return false;
  if (name.find("..") != std::string_view::npos) return false;
  for (char c : name)
    if (!alnum(c) && c != '_' && c != '-' && c != '.') return false;
  return true;
}

std::string quoted_for_message(std::string_view name) {
  std::string s = "\"";
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
      s += fmt::format("\\x{:02x}", static_cast<unsigned>(c));
    else
      s += static_cast<char>(c);
  }
  return s + "\"";
}

}  // namespace nas4ml
