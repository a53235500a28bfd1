#include "nas4ml/core/error.hpp"

namespace nas4ml {
namespace {
std::string format_message(const std::string& file, const std::string& location,
                           const std::string& problem, const std::string& expected,
                           const std::string& got) {
  std::string m;
  if (!file.empty()) {
    m += file;
    if (!location.empty()) m += ":" + location;
    m += ": ";
  } else if (!location.empty()) {
    m += location + ": ";
  }
  m += problem;
  if (!expected.empty()) m += ", expected " + expected;
  if (!got.empty()) m += ", got " + got;
  return m;
}
}  // namespace

Error::Error(ErrorKind kind, std::string file, std::string location, std::string problem,
             std::string expected, std::string got)
    : std::runtime_error(format_message(file, location, problem, expected, got)),
      kind_(kind),
      file_(std::move(file)),
      location_(std::move(location)),
      problem_(std::move(problem)),
      expected_(std::move(expected)),
      got_(std::move(got)) {}
}  // namespace nas4ml
