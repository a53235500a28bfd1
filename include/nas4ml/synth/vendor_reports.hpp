#pragma once
/// \file Parsers of the vendor tools' reports (docs/synthesis.md "Vendor reports"):
///  - Vitis HLS / Vivado HLS `csynth.xml` (solution1/syn/report/<top>_csynth.xml): the
///    <profile> document csynth_design writes; read: UserAssignments (Part, TopModelName,
///    TargetClockPeriod), PerformanceEstimates (EstimatedClockPeriod, Best-/Worst-caseLatency,
///    Interval-min/-max; "undef" when a loop bound is unknown), AreaEstimates/Resources
///    (LUT, FF, DSP or DSP48E, BRAM_18K, URAM), ReportVersion/Version.
///  - Vivado `report_utilization` text tables: CLB LUTs (Slice LUTs on 7-series), CLB Registers,
///    LUT as Shift Register, CARRY8 (CARRY4), DSPs, RAMB36/FIFO and RAMB18; the header's Tool Version.
///  - Vivado `report_utilization -hierarchical`: the "Utilization by Hierarchy" table, one row per
///    instance indented two spaces a level (Instance, Module, Total LUTs, Logic LUTs, LUTRAMs,
///    SRLs, FFs, RAMB36, RAMB18, [URAM,] DSP Blocks; "DSP48 Blocks" in older releases; cells may
///    carry a "(0.12%)" share): the row of one instance directly below the top.
///  - Vivado `report_timing_summary`: the Design Timing Summary's WNS and the Clock Summary's
///    period of the first clock; Fmax = 1000 / (period - WNS) MHz.
/// (Vitis HLS User Guide UG1399 "Output of C Synthesis"; Vivado Design Suite Tcl Command
/// Reference UG835 report_utilization, report_timing_summary.) A report that lacks a field is a
/// ToolError naming the file and the field; nothing is guessed.
#include <cstdint>
#include <string>

#include "nas4ml/synth/synthesis_result.hpp"

namespace nas4ml::synth {

/// What csynth.xml says.
struct CsynthReport {
  std::string version;        ///< ReportVersion/Version, e.g. "2023.2"; empty when absent
  std::string part, top;
  double target_clock_ns = 0.0, estimated_clock_ns = 0.0;
  std::int64_t latency_best = -1, latency_worst = -1;  ///< cycles; -1 for "undef"
  std::int64_t interval_min = -1, interval_max = -1;   ///< cycles; -1 for "undef"
  ResourceCounts resources;   ///< lut, ff, dsp, bram18 (BRAM_18K)
  std::int64_t uram = 0;
};

/// Parses csynth.xml text; ToolError naming `file` and the missing or bad element.
CsynthReport parse_csynth_xml(const std::string& text, const std::string& file);

/// What report_utilization says.
struct VivadoUtilization {
  std::string tool_version;   ///< "Vivado v.2023.2 (lin64) Build ..."; empty when absent
  std::string device;
  std::string design;         ///< the header's Design (the top module)
  ResourceCounts resources;   ///< lut, ff, srl, carry (CARRY8 or CARRY4), dsp, bram18 (RAMB18 + 2 x RAMB36)
};

/// Parses a report_utilization text; ToolError naming `file` when a table row is missing.
VivadoUtilization parse_vivado_utilization(const std::string& text, const std::string& file);

/// One instance's row of report_utilization -hierarchical.
struct VivadoInstanceUtilization {
  std::string instance, module;
  ResourceCounts resources;   ///< lut (Logic LUTs), ff, srl, dsp, bram18 (RAMB18 + 2 x RAMB36); no carry column
};

/// Parses a report_utilization -hierarchical text and returns the row of `instance`, a direct
/// child of the top; ToolError naming `file` when the table, a column or the row is missing.
VivadoInstanceUtilization parse_vivado_hierarchy(const std::string& text, const std::string& file,
                                                 const std::string& instance);

/// What report_timing_summary says.
struct VivadoTiming {
  double wns_ns = 0.0;        ///< worst negative slack (positive: met with margin)
  double period_ns = 0.0;     ///< the first clock's period
  double fmax_mhz = 0.0;      ///< 1000 / (period - WNS)
  bool met = false;           ///< WNS >= 0
};

/// Parses a report_timing_summary text; ToolError naming `file` when a section is missing.
VivadoTiming parse_vivado_timing_summary(const std::string& text, const std::string& file);

}  // namespace nas4ml::synth
