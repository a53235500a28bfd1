#include <catch2/catch.hpp>

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "nas4ml/core/error.hpp"
#include "nas4ml/synth/process.hpp"
#include "nas4ml/synth/result_cache.hpp"
#include "nas4ml/synth/yosys_backend.hpp"
#include "support/run_cli.hpp"
#include "support/temp_dir.hpp"

using namespace nas4ml;
using namespace nas4ml::synth;

namespace {
std::string fixture(const std::string& name) {
  std::ifstream in(test::source_path("tests/synth/fixtures/" + name));
  REQUIRE(in);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A stand-in for yosys: answers `-V` with `version` and does `body` for anything else.
std::string fake_yosys(const test::TempDir& dir, const std::string& name, const std::string& version,
                       const std::string& body) {
  const auto p = dir.write(name, "#!/bin/sh\nif [ \"$1\" = \"-V\" ]; then echo '" + version + "'; exit 0; fi\n" + body);
  std::filesystem::permissions(p, std::filesystem::perms::owner_all);
  return p.string();
}

bool have_yosys() { return find_program("yosys").has_value(); }
}  // namespace

TEST_CASE("yosys counts a registered 8-bit adder", "[synth][yosys]") {
  if (!have_yosys()) FAIL("yosys is not installed: run scripts/install-deps.sh");
  test::TempDir dir;
  const SynthesisResult r = synthesize_with_yosys(fixture("adder8_registered.v"), "adder8_registered", dir.path(), {});
  // 8 + 8 input register bits and a 9-bit sum register.
  CHECK(r.resources.ff == 25);
  // One XOR (propagate) LUT2 per sum bit below the carry-out; the carry chain in CARRY4 cells:
  // 8 bits + carry out -> 3 CARRY4 as yosys maps it.
  CHECK(r.resources.lut == 8);
  CHECK(r.resources.lut_by_size[1] == 8);
  CHECK(r.resources.carry == 3);
  CHECK(r.resources.dsp == 0);
  CHECK(r.resources.srl == 0);
  CHECK(r.resources.bram18 == 0);
  // Register -> LUT2 -> three CARRY4 along the chain.
  CHECK(r.logic_depth == 4);
  CHECK(r.tool_version.rfind("Yosys 0.", 0) == 0);
  CHECK(r.key.size() == 64);
  CHECK_FALSE(r.cache_hit);
  CHECK(r.wall_seconds > 0.0);
  CHECK(r.peak_rss_bytes > 0);
  for (const char* f : {"design.v", "synth.ys", "yosys.log", "stat.json", "ltp.txt", "result.json"})
    CHECK(std::filesystem::exists(dir.path() / f));
  // result.json round-trips.
  const SynthesisResult back = load_synthesis_result(dir.path() / "result.json");
  CHECK(back.resources == r.resources);
  CHECK(back.logic_depth == r.logic_depth);
  CHECK(back.cells == r.cells);
  CHECK(back.script == r.script);
}

TEST_CASE("a constant multiply written as shift-adds uses LUTs and no DSP", "[synth][yosys]") {
  if (!have_yosys()) FAIL("yosys is not installed: run scripts/install-deps.sh");
  test::TempDir dir;
  YosysOptions opt;
  opt.use_dsp = true;  // even with DSPs allowed, shift-adds stay in LUTs
  const SynthesisResult r = synthesize_with_yosys(fixture("const_mult_shift_add.v"), "const_mult_shift_add", dir.path(), opt);
  CHECK(r.resources.dsp == 0);
  // 8 input bits + 12 output bits, minus y[0], which is constant 0 (both terms are shifted).
  CHECK(r.resources.ff == 19);
  // (x<<3) + (x<<1): bits 0..2 need no adder, so the adder covers 9 bits -> 3 CARRY4.
  CHECK(r.resources.carry == 3);
  CHECK(r.resources.lut > 0);
  CHECK(r.resources.lut <= 9);
  CHECK(r.use_dsp);
}

TEST_CASE("a plain `*` goes to a DSP48E2 unless -nodsp", "[synth][yosys]") {
  if (!have_yosys()) FAIL("yosys is not installed: run scripts/install-deps.sh");
  test::TempDir dir;
  YosysOptions opt;
  opt.use_dsp = true;
  const SynthesisResult with_dsp = synthesize_with_yosys(fixture("const_mult_star.v"), "const_mult_star", dir.path() / "dsp", opt);
  CHECK(with_dsp.resources.dsp == 1);
  CHECK(with_dsp.script.find("-nodsp") == std::string::npos);
  opt.use_dsp = false;
  const SynthesisResult without = synthesize_with_yosys(fixture("const_mult_star.v"), "const_mult_star", dir.path() / "lut", opt);
  CHECK(without.resources.dsp == 0);
  CHECK(without.resources.lut > 0);
  CHECK(without.script.find("-nodsp") != std::string::npos);
}

TEST_CASE("the cache returns a stored result without running the tool", "[synth][yosys][cache]") {
  if (!have_yosys()) FAIL("yosys is not installed: run scripts/install-deps.sh");
  test::TempDir dir;
  YosysOptions opt;
  opt.cache_dir = dir.path() / "cache";
  const std::string design = fixture("adder8_registered.v");
  const SynthesisResult first = synthesize_with_yosys(design, "adder8_registered", dir.path() / "run1", opt);
  CHECK_FALSE(first.cache_hit);
  CHECK(std::filesystem::exists(opt.cache_dir / first.key / "result.json"));

  // The fake reports the same version as the real tool but fails if asked to synthesize.
  opt.program = fake_yosys(dir, "fake-yosys", first.tool_version, "echo 'the fake yosys must not run' >&2\nexit 1\n");
  const SynthesisResult second = synthesize_with_yosys(design, "adder8_registered", dir.path() / "run2", opt);
  CHECK(second.cache_hit);
  CHECK(second.key == first.key);
  CHECK(second.resources == first.resources);
  CHECK(second.logic_depth == first.logic_depth);
  CHECK(load_synthesis_result(dir.path() / "run2" / "result.json").cache_hit);

  // A changed design misses the cache and runs the (failing) tool.
  CHECK_THROWS_WITH(synthesize_with_yosys(design + "\n// changed\n", "adder8_registered", dir.path() / "run3", opt),
                    Catch::Contains("the fake yosys must not run"));
  // The DSP option changes the script and so the key.
  opt.use_dsp = true;
  CHECK_THROWS_AS(synthesize_with_yosys(design, "adder8_registered", dir.path() / "run5", opt), ToolError);
  opt.use_dsp = false;
  // Another tool version misses the cache.
  const std::string same_version = opt.program;
  opt.program = fake_yosys(dir, "fake-yosys-2", "Yosys 99.0 (fake)", "echo 'the fake yosys must not run' >&2\nexit 1\n");
  CHECK_THROWS_WITH(synthesize_with_yosys(design, "adder8_registered", dir.path() / "run4", opt),
                    Catch::Contains("the fake yosys must not run"));
  // A corrupt entry is an error, not a silent re-run.
  opt.program = same_version;
  std::ofstream(opt.cache_dir / first.key / "result.json") << "{ not json";
  CHECK_THROWS_WITH(synthesize_with_yosys(design, "adder8_registered", dir.path() / "run6", opt),
                    Catch::Contains("corrupt synthesis cache entry"));
}

TEST_CASE("a hanging yosys is killed at the time-out and reported", "[synth][yosys]") {
  test::TempDir dir;
  YosysOptions opt;
  opt.program = fake_yosys(dir, "sleepy-yosys", "Yosys 0.23 (fake)", "sleep 300\n");
  opt.timeout_seconds = 1.0;
  const auto t0 = std::chrono::steady_clock::now();
  try {
    synthesize_with_yosys(fixture("adder8_registered.v"), "adder8_registered", dir.path() / "out", opt);
    FAIL("no error");
  } catch (const ToolError& e) {
    const std::string what = e.what();
    CHECK(what.find("timed out") != std::string::npos);
    CHECK(what.find("yosys.log") != std::string::npos);
  }
  CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < 10.0);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "out" / "result.json"));
}

TEST_CASE("a crashing yosys is a ToolError quoting its log", "[synth][yosys]") {
  test::TempDir dir;
  YosysOptions opt;
  opt.program = fake_yosys(dir, "crashy-yosys", "Yosys 0.23 (fake)", "echo 'ERROR: fake failure'\nkill -ABRT $$\n");
  CHECK_THROWS_WITH(synthesize_with_yosys(fixture("adder8_registered.v"), "adder8_registered", dir.path() / "out", opt),
                    Catch::Contains("signal 6") && Catch::Contains("ERROR: fake failure"));
}

TEST_CASE("a missing yosys is a clear error naming the install script", "[synth][yosys]") {
  test::TempDir dir;
  YosysOptions opt;
  opt.program = (dir.path() / "no-yosys-here").string();
  CHECK_THROWS_WITH(synthesize_with_yosys("module m; endmodule\n", "m", dir.path() / "out", opt),
                    Catch::Contains("no-yosys-here") && Catch::Contains("scripts/install-deps.sh"));
  opt.program = "nas4ml-yosys-not-on-path";
  CHECK_THROWS_AS(synthesize_with_yosys("module m; endmodule\n", "m", dir.path() / "out", opt), ToolError);
}

TEST_CASE("a tool that is not yosys is rejected by its version line", "[synth][yosys]") {
  test::TempDir dir;
  CHECK_THROWS_WITH(yosys_version("/bin/true"), Catch::Contains("did not print a yosys version"));
}

TEST_CASE("a bad top module name is a ConfigError", "[synth][yosys]") {
  test::TempDir dir;
  CHECK_THROWS_AS(synthesize_with_yosys("module m; endmodule\n", "m; shell", dir.path(), {}), ConfigError);
}

TEST_CASE("stat -json parsing", "[synth][yosys][parse]") {
  const std::string ok = R"({"creator": "Yosys", "modules": {"\\top": {}},
    "design": {"num_cells": 9, "num_cells_by_type": {"LUT1": 1, "LUT6": 2, "FDSE": 1, "FDRE": 3, "RAMB36E2": 2,
               "RAMB18E2": 1, "SRLC32E": 1, "SRL16E": 2, "INV": 3, "MUXF7": 4, "MUXF8": 1, "DSP48E2": 5, "CARRY4": 6, "BUFG": 1}}})";
  const SynthesisResult r = parse_yosys_stat(ok, "stat.json");
  CHECK(r.resources.lut == 3);
  CHECK(r.resources.lut_by_size[0] == 1);
  CHECK(r.resources.lut_by_size[5] == 2);
  CHECK(r.resources.ff == 4);
  CHECK(r.resources.bram18 == 5);
  CHECK(r.resources.srl == 3);
  CHECK(r.resources.muxf7 == 4);
  CHECK(r.resources.inv == 3);
  CHECK(r.resources.muxf8 == 1);
  CHECK(r.resources.dsp == 5);
  CHECK(r.resources.carry == 6);
  CHECK(r.cells.at("BUFG") == 1);

  SECTION("a single module without design totals") {
    const auto m = parse_yosys_stat(R"({"modules": {"\\top": {"num_cells_by_type": {"LUT2": 7}}}})", "s.json");
    CHECK(m.resources.lut == 7);
  }
  SECTION("errors") {
    CHECK_THROWS_WITH(parse_yosys_stat("{", "s.json"), Catch::Contains("s.json") && Catch::Contains("unreadable"));
    CHECK_THROWS_WITH(parse_yosys_stat(R"({"modules": {}})", "s.json"), Catch::Contains("cell histogram"));
    CHECK_THROWS_WITH(parse_yosys_stat(R"({"design": {"num_cells_by_type": {"$add": 1}}})", "s.json"),
                      Catch::Contains("unmapped generic cell") && Catch::Contains("$add"));
    CHECK_THROWS_WITH(parse_yosys_stat(R"({"design": {"num_cells_by_type": {"LUT2": -1}}})", "s.json"),
                      Catch::Contains("bad cell count"));
  }
  SECTION("a number beyond a double is unreadable output, not a crash (found by the yosys_stat fuzz target)") {
    CHECK_THROWS_AS(parse_yosys_stat("1e400", "s.json"), ToolError);
    CHECK_THROWS_WITH(parse_yosys_stat(R"({"design": {"num_cells_by_type": {"LUT2": 1e400}}})", "s.json"),
                      Catch::Contains("s.json") && Catch::Contains("unreadable"));
  }
}

TEST_CASE("ltp output parsing", "[synth][yosys][parse]") {
  CHECK(parse_ltp_depth("3. Executing LTP pass (find longest path).\n\nLongest topological path in top (length=17):\n"
                        "    0: \\x [5]\n",
                        "ltp.txt") == 17);
  CHECK(parse_ltp_depth("3. Executing LTP pass (find longest path).\n", "ltp.txt") == 0);
  CHECK_THROWS_AS(parse_ltp_depth("", "ltp.txt"), ToolError);
}

TEST_CASE("synthesis result JSON round trip and validation", "[synth][result]") {
  SynthesisResult s;
  s.tool_version = "Yosys 0.23";
  s.top = "top";
  s.cells = {{"LUT3", 4}, {"LUT5", 1}, {"FDRE", 7}};
  s.resources = resources_from_cells(s.cells);
  s.logic_depth = 5;
  s.key = std::string(64, 'a');
  s.script = "synth_xilinx\n";
  s.estimate = Json{{"estimator", "rtl"}, {"lut", 5}, {"ff", 7}};
  const Json j = to_json(s);
  const SynthesisResult back = synthesis_result_from_json(j, "r.json");
  CHECK(back.resources == s.resources);
  CHECK(back.resources.lut == 5);
  CHECK(back.cells == s.cells);
  CHECK(back.estimate == s.estimate);
  CHECK(to_json(back) == j);

  Json bad = j;
  bad["lutt"] = 1;
  CHECK_THROWS_WITH(synthesis_result_from_json(bad, "r.json"), Catch::Contains("lutt"));
  bad = j;
  bad["resources"]["lut"] = 6;
  CHECK_THROWS_WITH(synthesis_result_from_json(bad, "r.json"), Catch::Contains("per-size counts"));
  bad = j;
  bad["resources"].erase("ff");
  CHECK_THROWS_AS(synthesis_result_from_json(bad, "r.json"), ConfigError);
}

TEST_CASE("cache keys depend on every part", "[synth][cache]") {
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const auto k = synthesis_key("v", "t", "s");
  CHECK(k != synthesis_key("v2", "t", "s"));
  CHECK(k != synthesis_key("v", "t2", "s"));
  CHECK(k != synthesis_key("v", "t", "s2"));
  CHECK(synthesis_key("ab", "c", "") != synthesis_key("a", "bc", ""));
}

TEST_CASE("the yosys version check does not follow a planted /tmp symlink", "[synth][yosys][hardening]") {
  test::TempDir dir;
  const auto victim = dir.path() / "victim.txt";
  { std::ofstream(victim) << "precious\n"; }
  // The name the version check once used, predictable from the pid.
  const auto planted = std::filesystem::temp_directory_path() / ("nas4ml-yosys-version-" + std::to_string(::getpid()) + ".log");
  std::error_code ec;
  std::filesystem::remove(planted, ec);
  std::filesystem::create_symlink(victim, planted);
  CHECK(yosys_version("yosys").rfind("Yosys ", 0) == 0);
  std::filesystem::remove(planted, ec);
  std::ifstream in(victim);
  std::string line;
  std::getline(in, line);
  CHECK(line == "precious");
}
