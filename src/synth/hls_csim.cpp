#include "nas4ml/synth/hls_csim.hpp"

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include "nas4ml/core/error.hpp"
#include "nas4ml/synth/process.hpp"

#ifndef NAS4ML_AP_TYPES_DIR
#define NAS4ML_AP_TYPES_DIR ""
#endif

namespace nas4ml::synth {
namespace fs = std::filesystem;

fs::path default_ap_types_dir() {
  if (const char* env = std::getenv("NAS4ML_AP_TYPES"); env != nullptr && *env != '\0') return env;
  return NAS4ML_AP_TYPES_DIR;
}

namespace {

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

fs::path checked_ap_types(const CsimOptions& o) {
  const fs::path dir = o.ap_types_dir.empty() ? default_ap_types_dir() : o.ap_types_dir;
  if (dir.empty() || !fs::exists(dir / "ap_fixed.h"))
    throw ToolError(dir.string(), "ap_fixed.h", "Xilinx's ap_types headers are missing",
                    "ap_fixed.h and ap_int.h from github.com/Xilinx/HLS_arbitrary_Precision_Types (include/) in this "
                    "folder, or --ap-types / $NAS4ML_AP_TYPES naming it",
                    "no ap_fixed.h");
  return fs::absolute(dir);
}

}  // namespace

CsimReport run_hls_csim(const fs::path& project_dir, const std::string& project, const CsimOptions& o) {
  const fs::path ap_types = checked_ap_types(o);
  CsimReport report;
  ProcessSpec compile;
  compile.program = o.compiler;
  compile.args = {"-std=c++14", "-O1", "-w", "-I" + ap_types.string(), "-Ifirmware",
                  "firmware/" + project + ".cpp", project + "_test.cpp", "-o", "csim.exe"};
  compile.working_dir = project_dir;
  compile.log_file = project_dir / "csim_build.log";
  compile.timeout_seconds = o.timeout_seconds;
  compile.install_hint = "install a C++ compiler (Debian: g++)";
  const ProcessResult built = run_process(compile);
  if (!built.ok())
    throw ToolError(compile.log_file.string(), "", "the HLS project does not compile", "a clean g++ build",
                    built.describe() + ": " + tail_of_file(compile.log_file));
  report.compile_seconds = built.wall_seconds;

  ProcessSpec run;
  run.program = (fs::absolute(project_dir) / "csim.exe").string();
  run.working_dir = project_dir;
  run.log_file = project_dir / "csim.log";
  run.timeout_seconds = o.timeout_seconds;
  const ProcessResult ran = run_process(run);
  report.run_seconds = ran.wall_seconds;
  const std::string log = read_all(run.log_file);
  std::smatch m;
  static const std::regex line(R"(nas4ml-csim samples=(\d+) checked=(\d+) mismatches=(\d+))");
  if (!std::regex_search(log, m, line))
    throw ToolError(run.log_file.string(), "", "the C simulation printed no result line",
                    "nas4ml-csim samples=... checked=... mismatches=...", ran.describe() + ": " + tail_of_file(run.log_file));
  report.samples = std::stoul(m[1]);
  report.checked = std::stoul(m[2]);
  report.mismatches = std::stoul(m[3]);
  static const std::regex score_line(R"(nas4ml-csim samples=\d+ checked=\d+ mismatches=\d+ scores=(\d+) score_mismatches=(\d+))");
  if (std::regex_search(log, m, score_line)) {
    report.scores = std::stoul(m[1]);
    report.score_mismatches = std::stoul(m[2]);
  }
  return report;
}

}  // namespace nas4ml::synth
