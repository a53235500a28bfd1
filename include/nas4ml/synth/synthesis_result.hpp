#pragma once
/// \file What one synthesis run measured: the resource counts of the mapped netlist, the logic
/// depth, and which tool, version and script produced them (published results are hard to compare without it: "Report which tool
/// and version produced every number"). Saved as JSON beside the tool's log.
#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "nas4ml/core/json.hpp"

namespace nas4ml::synth {

/// Resource counts of a design mapped to Xilinx UltraScale+ primitives.
struct ResourceCounts {
  std::int64_t lut = 0;                      ///< LUT1..LUT6 summed
  std::array<std::int64_t, 6> lut_by_size{}; ///< [k-1] = number of LUTk cells
  std::int64_t ff = 0;                       ///< FDRE + FDSE + FDCE + FDPE
  std::int64_t carry = 0;                    ///< CARRY4 (+ CARRY8, which yosys 0.23 does not emit)
  std::int64_t dsp = 0;                      ///< DSP48E2 (+ DSP48E1)
  std::int64_t bram18 = 0;                   ///< RAMB18E2 + 2 * RAMB36E2 (BRAM18 equivalents)
  std::int64_t srl = 0;                      ///< SRL16E + SRLC32E
  std::int64_t muxf7 = 0;                    ///< MUXF7
  std::int64_t muxf8 = 0;                    ///< MUXF8
  std::int64_t inv = 0;                      ///< INV (yosys maps lone inverters to it; not in `lut`)

  friend bool operator==(const ResourceCounts&, const ResourceCounts&) = default;
};

/// One synthesis run and where it came from.
struct SynthesisResult {
  std::string backend = "yosys";  ///< which backend produced it: "yosys", "vitis_hls", "vivado"
  std::string tool_version;       ///< the tool's own version line, e.g. "Yosys 0.23 (git sha1 ...)"
  std::string top;                ///< top module name
  std::string family = "xcup";    ///< synth_xilinx -family
  bool use_dsp = false;           ///< false: synthesized with -nodsp (products in LUTs)
  ResourceCounts resources;
  int logic_depth = 0;            ///< longest register-to-register path in cells (yosys `ltp`)
  std::map<std::string, std::int64_t> cells;  ///< every cell type the tool reported, with its count
  std::string script;             ///< the exact synthesis script that was run
  std::string key;                ///< SHA-256 of (Verilog text, tool version, script): the cache key
  double wall_seconds = 0.0;      ///< tool run time (of the original run when read from the cache)
  std::uint64_t peak_rss_bytes = 0;  ///< the tool's peak resident memory
  bool cache_hit = false;         ///< true when this result was read from the cache, not run now
  Json estimate;                  ///< optional: an estimator's uncalibrated numbers for the same design
                                  ///< ({"estimator": "rtl", "lut": .., "ff": .., ...}); null when absent
  Json timing;                    ///< vendor tools only (vendor_reports.hpp): latency, II, clock, WNS, Fmax;
                                  ///< null for yosys
  Json package;                   ///< Vivado on the rtl package only: `resources` are the core instance's
                                  ///< row of the hierarchical report, this is the whole package's totals
                                  ///< {"instance", "lut", "ff", "srl", "carry", "dsp", "bram18"}; null otherwise
};

/// The JSON form (docs/synthesis.md "result.json").
Json to_json(const SynthesisResult& result);
/// Reads the JSON form; unknown keys and missing fields are ConfigErrors naming `file` and the path.
SynthesisResult synthesis_result_from_json(const Json& json, const std::string& file);
/// load_json_file + synthesis_result_from_json.
SynthesisResult load_synthesis_result(const std::filesystem::path& path);

/// Fills ResourceCounts from a cell-type histogram (`num_cells_by_type` of yosys `stat -json`).
ResourceCounts resources_from_cells(const std::map<std::string, std::int64_t>& cells);

}  // namespace nas4ml::synth
