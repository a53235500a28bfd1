// The bad-input catalogue (tests/bad_inputs/, docs/reliability.md): every case is a folder with
// the input files and a case.txt naming the command line, the expected exit code and a pattern
// the one error line must match. One data-driven test runs them all against the built binary,
// each under a time limit and an address-space limit, so a hang or a runaway allocation fails.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <zlib.h>

#include "support/read_text.hpp"
#include "support/run_cli.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;

namespace {

struct Case {
  std::string name;
  std::vector<std::string> args;
  int exit_code = 2;
  std::string error_pattern;  ///< regex searched in the error line
  std::string out_pattern;    ///< regex searched in stdout (optional)
  std::vector<std::string> env;
  std::vector<std::vector<std::string>> setup;
  int timeout_seconds = 20;
  bool needs_non_root = false;
};

std::vector<std::string> split_words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> w;
  for (std::string t; in >> t;) w.push_back(t);
  return w;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size()) s.replace(p, from.size(), to);
}

/// In files: {case} -> the case's copied folder, {src} -> the source tree.
std::string expand_paths(std::string s, const fs::path& dir) {
  replace_all(s, "{case}", dir.string());
  replace_all(s, "{src}", NAS4ML_SOURCE_DIR);
  return s;
}

/// In arguments, also \\n -> newline and \\s -> space.
std::string expand(std::string s, const fs::path& dir) {
  s = expand_paths(std::move(s), dir);
  replace_all(s, "\\n", "\n");
  replace_all(s, "\\s", " ");
  return s;
}

Case parse_case(const fs::path& folder) {
  Case c;
  c.name = folder.filename().string();
  std::istringstream in(nas4ml::test::read_text(folder / "case.txt"));
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto colon = line.find(':');
    REQUIRE(colon != std::string::npos);
    const std::string key = line.substr(0, colon);
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    if (key == "args") c.args = split_words(value);
    else if (key == "exit") c.exit_code = std::stoi(value);
    else if (key == "error") c.error_pattern = value;
    else if (key == "stdout") c.out_pattern = value;
    else if (key == "env") c.env.push_back(value);
    else if (key == "setup") c.setup.push_back(split_words(value));
    else if (key == "timeout") c.timeout_seconds = std::stoi(value);
    else if (key == "non-root") c.needs_non_root = true;
    else FAIL("unknown key " << key << " in " << (folder / "case.txt"));
  }
  return c;
}

/// Copies the case folder, replacing {src} in text files (binary files are copied as they are).
void copy_case(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  for (const auto& e : fs::directory_iterator(from)) {
    if (e.path().filename() == "case.txt") continue;
    std::string bytes = nas4ml::test::read_text(e.path());
    if (bytes.find('\0') == std::string::npos) bytes = expand_paths(bytes, to);
    std::ofstream(to / e.path().filename(), std::ios::binary) << bytes;
  }
}

/// `zeros-gz FILE MIB`: a gzip bomb of MIB MiB of zeros; `forge-trailer FILE`: its size trailer
/// set to ff ff ff ff.
void write_zeros_gz(const fs::path& file, std::size_t mib) {
  gzFile gz = gzopen(file.c_str(), "wb9");
  REQUIRE(gz != nullptr);
  const std::string zeros(std::size_t{1} << 20, '0');
  for (std::size_t i = 0; i < mib; ++i) gzwrite(gz, zeros.data(), static_cast<unsigned>(zeros.size()));
  gzclose(gz);
}

void run_setup(const std::vector<std::string>& step, const fs::path& dir) {
  REQUIRE(!step.empty());
  std::vector<std::string> a;
  for (const auto& s : step) a.push_back(expand(s, dir));
  if (a[0] == "mkfifo") REQUIRE(::mkfifo(a.at(1).c_str(), 0600) == 0);
  else if (a[0] == "symlink") fs::create_symlink(a.at(1), a.at(2));
  else if (a[0] == "mkdir") fs::create_directories(a.at(1));
  else if (a[0] == "zeros-gz") write_zeros_gz(a.at(1), std::stoul(a.at(2)));
  else if (a[0] == "forge-trailer") {
    std::fstream f(a.at(1), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-4, std::ios::end);
    f.write("\xff\xff\xff\xff", 4);
  } else if (a[0] == "chmod") fs::permissions(a.at(2), static_cast<fs::perms>(std::stoi(a.at(1), nullptr, 8)));
  else FAIL("unknown setup step " << a[0]);
}

/// Runs the binary from the source tree with the case's time limit (SIGALRM), a 4 GiB
/// address-space limit and its extra environment variables.
nas4ml::test::CliResult run_limited(const Case& c, const std::vector<std::string>& args) {
  nas4ml::test::ProcessOptions options;
  for (const auto& e : c.env) {
    const auto eq = e.find('=');
    options.env.emplace_back(e.substr(0, eq), e.substr(eq + 1));
  }
  options.timeout_seconds = static_cast<unsigned>(c.timeout_seconds);
  options.address_space_bytes = std::uint64_t{4} << 30;
  return nas4ml::test::run_cli(args, options);
}

std::vector<fs::path> case_folders() {
  std::vector<fs::path> v;
  for (const auto& e : fs::directory_iterator(fs::path(NAS4ML_SOURCE_DIR) / "tests" / "bad_inputs"))
    if (e.is_directory() && fs::exists(e.path() / "case.txt")) v.push_back(e.path());
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

TEST_CASE("the bad-input catalogue holds at least 100 cases", "[cli][bad_inputs][hardening]") {
  CHECK(case_folders().size() >= 100);
}

TEST_CASE("every bad input gets its one-line error and exit code, in bounded time and memory",
          "[cli][bad_inputs][hardening]") {
  for (const auto& folder : case_folders()) {
    const Case c = parse_case(folder);
    if (c.needs_non_root && ::geteuid() == 0) continue;  // root reads and writes anything
    const nas4ml::test::TempDir tmp;
    const fs::path dir = tmp.path() / "case";
    copy_case(folder, dir);
    for (const auto& step : c.setup) run_setup(step, dir);
    std::vector<std::string> args;
    for (const auto& a : c.args) args.push_back(expand(a, dir));
    const auto r = run_limited(c, args);
    INFO("case " << c.name << "\nstderr: " << r.err << "\nstdout: " << r.out.substr(0, 400));
    CHECK(r.exit_code == c.exit_code);
    if (c.exit_code == 2) {
      // Exactly one error line, in the promised form; never "internal error".
      std::vector<std::string> errors;
      std::istringstream lines(r.err);
      for (std::string line; std::getline(lines, line);)
        if (line.rfind("error: ", 0) == 0 || line.find("internal error") != std::string::npos) errors.push_back(line);
      REQUIRE(errors.size() == 1);
      CHECK(std::regex_search(errors[0], std::regex(c.error_pattern)));
    } else if (!c.error_pattern.empty()) {
      CHECK(std::regex_search(r.err, std::regex(c.error_pattern)));
    }
    if (!c.out_pattern.empty()) CHECK(std::regex_search(r.out, std::regex(c.out_pattern)));
  }
}
