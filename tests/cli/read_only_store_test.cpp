// A finished campaign on storage nas4ml cannot write: the reading commands (front, show, export)
// work and print what they print on a writable copy; the writing commands (run, resume, emit)
// stop with one `error:` line and exit 2; no file changes. Two set-ups: a read-only tmpfs mount
// (needs the right to mount, e.g. root in a container) and an unprivileged user on read-only
// files (needs root to switch users with setpriv(1)). Each is skipped, with a warning, where
// this machine cannot set it up.
#include <catch2/catch.hpp>

#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>
#include <cstring>
#include <map>
#include <regex>

#include "nas4ml/core/json.hpp"
#include "support/read_text.hpp"
#include "support/run_cli.hpp"
#include "support/temp_dir.hpp"

using namespace nas4ml;
namespace fs = std::filesystem;

namespace {

/// Every file of `dir` (relative path -> content).
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = test::read_text(e.path());
  return out;
}

/// One finished campaign of 1 generation of 6 candidates in `dir`/r; returns the run folder.
fs::path finished_campaign(const fs::path& dir) {
  Json e = load_json_file(test::source_path("tests/e2e/fixtures/tiny_experiment.json"));
  e["dataset"] = test::source_path("tests/e2e/fixtures/blobs_dataset.json");
  e["search_space"] = test::source_path("tests/e2e/fixtures/tiny_space.json");
  e["search"]["generations"] = 1;
  save_json_file(dir / "e.json", e);
  const auto r = test::run_cli({"run", (dir / "e.json").string(), "--out", (dir / "r").string()});
  REQUIRE(r.exit_code == 0);
  return dir / "r";
}

/// Runs nas4ml with `args`, as user nobody when `as_nobody`.
test::CliResult nas4ml(const std::vector<std::string>& args, bool as_nobody) {
  std::vector<std::string> argv;
  if (as_nobody) argv = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
  argv.push_back(NAS4ML_BINARY_PATH);
  argv.insert(argv.end(), args.begin(), args.end());
  test::ProcessOptions o;
  o.timeout_seconds = 120;
  return test::run_process(argv, o);
}

/// The reading commands give the same output as on `writable`; the writing ones one line, exit 2.
void check_read_only(const fs::path& run, const fs::path& writable, bool as_nobody, const std::string& why) {
  const auto before = snapshot(run);
  for (const std::vector<std::string>& reading : {std::vector<std::string>{"front"}, {"front", "--json"}, {"export"}}) {
    auto args = reading;
    args.insert(args.begin() + 1, run.string());
    const auto got = nas4ml(args, as_nobody);
    INFO(reading[0] << " stderr: " << got.err);
    CHECK(got.exit_code == 0);
    args[1] = writable.string();
    CHECK(got.out == test::run_cli(args).out);
  }
  const Json front = Json::parse(test::run_cli({"front", writable.string(), "--json"}).out);
  REQUIRE(!front.empty());
  const std::string id = front[0]["id"].get<std::string>();
  const auto show = nas4ml({"show", run.string(), id}, as_nobody);
  INFO("show stderr: " << show.err);
  CHECK(show.exit_code == 0);
  CHECK_THAT(show.out, Catch::Contains(id));

  const fs::path experiment = run.parent_path() / "e.json";
  for (const std::vector<std::string>& writing :
       {std::vector<std::string>{"resume", run.string()}, {"emit", run.string()}, {"report", run.string()},
        {"run", experiment.string(), "--out", (run.parent_path() / "r2").string()}}) {
    const auto got = nas4ml(writing, as_nobody);
    INFO(writing[0] << " stderr: " << got.err);
    CHECK(got.exit_code == 2);
    CHECK(std::regex_search(got.err, std::regex("(^|\n)error: [^\n]*" + why)));
    std::size_t error_lines = 0;
    for (std::size_t p = got.err.find("error: "); p != std::string::npos; p = got.err.find("error: ", p + 1))
      error_lines += (p == 0 || got.err[p - 1] == '\n');
    CHECK(error_lines == 1);
  }
  CHECK(snapshot(run) == before);  // nothing written, nothing corrupted
}

}  // namespace

TEST_CASE("a store on a read-only mount can be read, not written, and is left intact", "[cli][store][hardening]") {
  const test::TempDir tmp;
  const fs::path original = finished_campaign(tmp.path());
  const fs::path mnt = tmp.path() / "mnt";
  fs::create_directories(mnt);
  if (::mount("nas4ml-test", mnt.c_str(), "tmpfs", 0, "size=64m") != 0) {
    WARN("skipped: cannot mount a tmpfs here (" << std::strerror(errno) << ")");
    return;
  }
  fs::copy(tmp.path() / "e.json", mnt / "e.json");
  fs::copy(original, mnt / "r", fs::copy_options::recursive);
  const int remounted = ::mount("nas4ml-test", mnt.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, "size=64m");
  if (remounted == 0) check_read_only(mnt / "r", original, false, "[Rr]ead-only file system");
  else WARN("skipped: cannot remount read-only (" << std::strerror(errno) << ")");
  ::umount2(mnt.c_str(), MNT_DETACH);
  CHECK(remounted == 0);
}

TEST_CASE("a store in read-only files of another user can be read, not written, and is left intact",
          "[cli][store][hardening]") {
  if (::geteuid() != 0 || test::run_process({"setpriv", "--version"}).exit_code != 0) {
    WARN("skipped: switching to user nobody needs root and setpriv(1)");
    return;
  }
  const test::TempDir tmp;
  const fs::path original = finished_campaign(tmp.path());
  const fs::path shared = tmp.path() / "shared";
  fs::create_directories(shared);
  fs::copy(tmp.path() / "e.json", shared / "e.json");
  fs::copy(original, shared / "r", fs::copy_options::recursive);
  // Readable by everyone, writable by nobody but root (the owner).
  for (auto p = shared; p != tmp.path().parent_path(); p = p.parent_path())
    fs::permissions(p, fs::perms::others_read | fs::perms::others_exec | fs::perms::group_read | fs::perms::group_exec,
                    fs::perm_options::add);
  for (const auto& e : fs::recursive_directory_iterator(shared))
    fs::permissions(e.path(), e.is_directory() ? fs::perms(0555) : fs::perms(0444));
  fs::permissions(shared, fs::perms(0555));
  check_read_only(shared / "r", original, true, "[Pp]ermission denied");
  fs::permissions(shared, fs::perms(0755));
  for (const auto& e : fs::recursive_directory_iterator(shared))
    if (e.is_directory()) fs::permissions(e.path(), fs::perms(0755));
}
