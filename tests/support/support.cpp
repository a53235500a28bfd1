#include <catch2/catch.hpp>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "support/read_text.hpp"
#include "support/run_cli.hpp"
#include "support/shared_data.hpp"
#include "support/temp_dir.hpp"

namespace nas4ml::test {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string source_path(const std::string& relative) {
  return (std::filesystem::path(NAS4ML_SOURCE_DIR) / relative).string();
}

CliResult run_process(std::vector<std::string> argv, const ProcessOptions& options) {
  REQUIRE(!argv.empty());
  TempDir tmp;
  const auto out_path = tmp.path() / "stdout";
  const auto err_path = tmp.path() / "stderr";
  std::fflush(stdout);  // or the child's freopen writes our buffered output a second time
  std::fflush(stderr);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    if (!std::freopen(out_path.c_str(), "w", stdout) || !std::freopen(err_path.c_str(), "w", stderr))
      _exit(127);
    if (!options.working_dir.empty() && chdir(options.working_dir.c_str()) != 0) _exit(127);
    for (const auto& [key, value] : options.env) ::setenv(key.c_str(), value.c_str(), 1);
#ifndef NAS4ML_SANITIZED
    // A sanitized binary reserves terabytes of address space for its shadow memory: no RLIMIT_AS
    // there (the plain `make test` suite checks the memory limits).
    if (options.address_space_bytes != 0) {
      const rlimit as{options.address_space_bytes, options.address_space_bytes};
      ::setrlimit(RLIMIT_AS, &as);
    }
#endif
    if (options.timeout_seconds != 0) ::alarm(options.timeout_seconds);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CliResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_text(out_path);
  r.err = read_text(err_path);
  return r;
}

CliResult run_cli(const std::vector<std::string>& args, ProcessOptions options) {
  INFO("the nas4ml binary must be built first (make test builds it): " << NAS4ML_BINARY_PATH);
  REQUIRE(std::filesystem::exists(NAS4ML_BINARY_PATH));
  std::vector<std::string> argv{NAS4ML_BINARY_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  options.working_dir = NAS4ML_SOURCE_DIR;
  return run_process(std::move(argv), options);
}

TempDir::TempDir() {
  static std::atomic<unsigned> counter{0};
  std::random_device rd;
  const auto base = std::filesystem::temp_directory_path();
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto candidate = base / ("nas4ml-test-" + std::to_string(getpid()) + "-" +
                             std::to_string(counter++) + "-" + std::to_string(rd() % 100000));
    if (std::filesystem::create_directory(candidate)) {
      path_ = candidate;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary folder");
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::filesystem::path TempDir::write(const std::string& name, const std::string& content) const {
  const auto p = path_ / name;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << content;
  return p;
}

std::optional<std::filesystem::path> shared_data_dir() {
  if (const char* env = std::getenv("NAS4ML_SHARED_DATA")) {
    if (std::filesystem::is_directory(env)) return std::filesystem::path(env);
    return std::nullopt;
  }
  const auto p = std::filesystem::path(NAS4ML_SOURCE_DIR).parent_path() / "shared" / "data";
  if (std::filesystem::is_directory(p)) return std::filesystem::canonical(p);
  return std::nullopt;
}

}  // namespace nas4ml::test
