#pragma once
/// \file The `yosys` synthesis backend: Verilog -> yosys 0.23 `synth_xilinx -family xcup -flatten
/// -noiopad` (yosys 0.23) -> `stat -json` counts and `ltp` logic depth.
///
/// The run happens in an output folder holding design.v, synth.ys (the labeled script),
/// yosys.log, stat.json, ltp.txt and result.json. The tool runs as a child process with a time
/// and memory limit (process.hpp); a missing yosys, a crash or a time-out is a ToolError.
#include <cstdint>
#include <filesystem>
#include <string>

#include "nas4ml/synth/synthesis_result.hpp"

namespace nas4ml::synth {

/// How to run yosys.
struct YosysOptions {
  std::string program = "yosys";            ///< a name on PATH or a path to the executable
  bool use_dsp = false;                     ///< false adds -nodsp: every product in LUTs
  double timeout_seconds = 1800.0;          ///< wall-clock limit of one run
  std::uint64_t memory_limit_bytes = 8ull << 30;  ///< address-space limit of the yosys process
  std::filesystem::path cache_dir;          ///< empty: no cache
  std::string family = "xcup";              ///< synth_xilinx -family (the rtl target maps the device's family)
};

/// The labeled yosys script (labels read:, synth:, stat:, depth:) for `top` read from
/// `verilog_file` (a path relative to the run folder), for synth_xilinx -family `family`. Deterministic text: it is part of the
/// cache key.
std::string yosys_script(const std::string& verilog_file, const std::string& top, bool use_dsp,
                         const std::string& family = "xcup");

/// The first line of `yosys -V`, e.g. "Yosys 0.23 (git sha1 7ce5011c24b)".
std::string yosys_version(const std::string& program);

/// Resources and cell histogram from the text of a `stat -json` file (the "design" totals, or
/// the single module's when there is no "design" entry). Errors name `file`.
SynthesisResult parse_yosys_stat(const std::string& json_text, const std::string& file);

/// The path length of `ltp` output ("Longest topological path in top (length=N):"); a design
/// without combinational cells has depth 0. Errors name `file`.
int parse_ltp_depth(const std::string& text, const std::string& file);

/// Synthesizes `verilog` (top module `top`) in `out_dir` (created if needed) and returns the
/// counts; with a cache configured, an identical (Verilog, yosys version, script) returns the
/// stored result without running synthesis (the version query `yosys -V` still runs).
/// Writes result.json into `out_dir` in both cases.
SynthesisResult synthesize_with_yosys(const std::string& verilog, const std::string& top,
                                      const std::filesystem::path& out_dir, const YosysOptions& options);

}  // namespace nas4ml::synth
