#include "nas4ml/synth/vendor_reports.hpp"

#include <cmath>
#include <optional>
#include <regex>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"

namespace nas4ml::synth {

namespace {

[[noreturn]] void bad(const std::string& file, const std::string& field, const std::string& expected,
                      const std::string& got) {
  throw ToolError(file, field, "unreadable vendor report", expected, got);
}

// The text of the first <tag>...</tag> inside `scope` (the whole text when empty), trimmed.
std::optional<std::string> element(const std::string& text, const std::string& tag, const std::string& scope = {}) {
  std::string_view in = text;
  if (!scope.empty()) {
    const auto b = text.find("<" + scope + ">");
    const auto e = text.find("</" + scope + ">");
    if (b == std::string::npos || e == std::string::npos || e < b) return std::nullopt;
    in = std::string_view(text).substr(b, e - b);
  }
  const std::string open = "<" + tag + ">", close = "</" + tag + ">";
  const auto b = in.find(open);
  if (b == std::string_view::npos) return std::nullopt;
  const auto e = in.find(close, b);
  if (e == std::string_view::npos) return std::nullopt;
  std::string v(in.substr(b + open.size(), e - b - open.size()));
  const auto first = v.find_first_not_of(" \t\r\n"), last = v.find_last_not_of(" \t\r\n");
  return first == std::string::npos ? std::string() : v.substr(first, last - first + 1);
}

double as_number(const std::string& v, const std::string& file, const std::string& field) {
  try {
    std::size_t used = 0;
    const double d = std::stod(v, &used);
    if (used == v.size() && std::isfinite(d) && d >= 0) return d;
  } catch (const std::exception&) {
  }
  bad(file, field, "a non-negative number", "\"" + v + "\"");
}

std::int64_t as_count(const std::string& v, const std::string& file, const std::string& field, bool undef_ok) {
  if (undef_ok && v == "undef") return -1;
  const double d = as_number(v, file, field);
  if (d != static_cast<double>(static_cast<std::int64_t>(d)) || d > 1e15) bad(file, field, "a whole number", "\"" + v + "\"");
  return static_cast<std::int64_t>(d);
}

std::string required(const std::string& text, const std::string& tag, const std::string& scope, const std::string& file) {
  auto v = element(text, tag, scope);
  if (!v) bad(file, (scope.empty() ? "" : scope + "/") + tag, "a <" + tag + "> element", "none");
  return *v;
}

// "| <name> | <used> | ..." rows of report_utilization: the Used column of the first row whose
// name matches one of `names` (sub-rows are indented; a trailing '*' marks a footnote).
std::optional<double> util_row(const std::string& text, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    const std::regex row(std::string(R"((^|\n)\|\s*)") + name + R"(\*?\s*\|\s*([0-9.]+)\s*\|)");
    std::smatch m;
    if (std::regex_search(text, m, row)) return std::stod(m[2].str());
  }
  return std::nullopt;
}

std::string header_field(const std::string& text, const std::string& key) {
  const std::regex r("\\|\\s*" + key + "\\s*:\\s*([^\\n]*?)\\s*(\\n|$)");
  std::smatch m;
  return std::regex_search(text, m, r) ? m[1].str() : std::string();
}

}  // namespace

CsynthReport parse_csynth_xml(const std::string& text, const std::string& file) {
  if (text.find("<profile>") == std::string::npos && text.find("<profile ") == std::string::npos)
    bad(file, "profile", "a csynth.xml <profile> document", text.empty() ? "an empty file" : "something else");
  CsynthReport r;
  r.version = element(text, "Version", "ReportVersion").value_or("");
  r.part = required(text, "Part", "UserAssignments", file);
  r.top = required(text, "TopModelName", "UserAssignments", file);
  r.target_clock_ns = as_number(required(text, "TargetClockPeriod", "UserAssignments", file), file, "TargetClockPeriod");
  r.estimated_clock_ns =
      as_number(required(text, "EstimatedClockPeriod", "SummaryOfTimingAnalysis", file), file, "EstimatedClockPeriod");
  const std::string lat = "SummaryOfOverallLatency";
  r.latency_best = as_count(required(text, "Best-caseLatency", lat, file), file, "Best-caseLatency", true);
  r.latency_worst = as_count(required(text, "Worst-caseLatency", lat, file), file, "Worst-caseLatency", true);
  r.interval_min = as_count(required(text, "Interval-min", lat, file), file, "Interval-min", true);
  r.interval_max = as_count(required(text, "Interval-max", lat, file), file, "Interval-max", true);
  // AreaEstimates/Resources (not AvailableResources, which follows it).
  const auto area = element(text, "Resources", "AreaEstimates");
  if (!area) bad(file, "AreaEstimates/Resources", "a <Resources> element", "none");
  const std::string res = "<Resources>" + *area + "</Resources>";
  auto count = [&](const char* tag) { return as_count(required(res, tag, "Resources", file), file, tag, false); };
  r.resources.lut = count("LUT");
  r.resources.ff = count("FF");
  r.resources.bram18 = count("BRAM_18K");
  const auto dsp = element(res, "DSP", "Resources");
  const auto dsp48 = element(res, "DSP48E", "Resources");
  if (!dsp && !dsp48) bad(file, "Resources/DSP", "a <DSP> (or <DSP48E>) element", "none");
  r.resources.dsp = as_count(dsp ? *dsp : *dsp48, file, "DSP", false);
  if (const auto uram = element(res, "URAM", "Resources")) r.uram = as_count(*uram, file, "URAM", false);
  return r;
}

VivadoUtilization parse_vivado_utilization(const std::string& text, const std::string& file) {
  if (text.find("report_utilization") == std::string::npos && text.find("Utilization Design Information") == std::string::npos)
    bad(file, "", "a Vivado report_utilization report", text.empty() ? "an empty file" : "something else");
  VivadoUtilization u;
  u.tool_version = header_field(text, "Tool Version");
  u.device = header_field(text, "Device");
  u.design = header_field(text, "Design");
  auto need = [&](std::initializer_list<const char*> names, const char* what) {
    const auto v = util_row(text, names);
    if (!v) bad(file, what, fmt::format("a \"{}\" row", *names.begin()), "none");
    return *v;
  };
  ResourceCounts& r = u.resources;
  r.lut = static_cast<std::int64_t>(need({"CLB LUTs", "Slice LUTs"}, "CLB LUTs"));
  r.ff = static_cast<std::int64_t>(need({"CLB Registers", "Slice Registers"}, "CLB Registers"));
  r.srl = static_cast<std::int64_t>(util_row(text, {"LUT as Shift Register"}).value_or(0));
  r.carry = static_cast<std::int64_t>(util_row(text, {"CARRY8", "CARRY4"}).value_or(0));
  r.dsp = static_cast<std::int64_t>(need({"DSPs"}, "DSPs"));
  const double b36 = util_row(text, {"RAMB36/FIFO"}).value_or(0), b18 = util_row(text, {"RAMB18"}).value_or(0);
  r.bram18 = static_cast<std::int64_t>(2 * b36 + b18);
  return u;
}

namespace {

std::vector<std::string> table_cells(const std::string& line) {
  std::vector<std::string> cells;
  std::size_t b = line.find('|');
  while (b != std::string::npos) {
    const std::size_t e = line.find('|', b + 1);
    if (e == std::string::npos) break;
    cells.push_back(line.substr(b + 1, e - b - 1));
    b = e;
  }
  return cells;
}

std::string trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(' '), last = s.find_last_not_of(' ');
  return first == std::string::npos ? std::string() : s.substr(first, last - first + 1);
}

}  // namespace

VivadoInstanceUtilization parse_vivado_hierarchy(const std::string& text, const std::string& file,
                                                 const std::string& instance) {
  const auto table = text.find("Utilization by Hierarchy");
  if (table == std::string::npos)
    bad(file, "", "a Vivado report_utilization -hierarchical report (\"Utilization by Hierarchy\")",
        text.empty() ? "an empty file" : "something else");
  std::istringstream in(text.substr(table));
  std::vector<std::string> columns;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] != '|') continue;
    std::vector<std::string> cells = table_cells(line);
    if (columns.empty()) {  // the header row
      for (auto& c : cells) columns.push_back(trimmed(c));
      if (columns.size() < 3 || columns[0] != "Instance" || columns[1] != "Module")
        bad(file, "Utilization by Hierarchy", "a header row \"| Instance | Module | ...\"", "\"" + trimmed(line) + "\"");
      continue;
    }
    // Depth: one space after '|' at the top, two more a level.
    const std::size_t indent = cells.empty() ? 0 : cells[0].find_first_not_of(' ');
    if (cells.size() != columns.size() || indent != 3 || trimmed(cells[0]) != instance) continue;
    VivadoInstanceUtilization u;
    u.instance = instance;
    u.module = trimmed(cells[1]);
    auto column = [&](std::initializer_list<const char*> names, bool required) -> double {
      for (const char* name : names)
        for (std::size_t k = 2; k < columns.size(); ++k) {
          if (columns[k] != name) continue;
          const std::string v = trimmed(cells[k]);
          const std::string count = v.substr(0, v.find('('));  // "120(0.01%)"
          return static_cast<double>(as_count(trimmed(count), file, fmt::format("{} of {}", name, instance), false));
        }
      if (required) bad(file, "Utilization by Hierarchy", fmt::format("a \"{}\" column", *names.begin()), "none");
      return 0.0;
    };
    ResourceCounts& r = u.resources;
    r.lut = static_cast<std::int64_t>(column({"Logic LUTs"}, true));
    r.ff = static_cast<std::int64_t>(column({"FFs"}, true));
    r.srl = static_cast<std::int64_t>(column({"SRLs"}, false));
    r.dsp = static_cast<std::int64_t>(column({"DSP Blocks", "DSP48 Blocks"}, true));
    r.bram18 = static_cast<std::int64_t>(2 * column({"RAMB36"}, false) + column({"RAMB18"}, false));
    return u;
  }
  if (columns.empty()) bad(file, "Utilization by Hierarchy", "a table with an Instance column", "none");
  bad(file, "Utilization by Hierarchy", "a row of instance \"" + instance + "\" directly below the top",
      "none (was the hierarchy flattened?)");
}

VivadoTiming parse_vivado_timing_summary(const std::string& text, const std::string& file) {
  VivadoTiming t;
  // Design Timing Summary: a header line starting with WNS(ns), a dashes line, the values.
  static const std::regex wns(R"(WNS\(ns\)[^\n]*\n\s*-+[^\n]*\n\s*(-?[0-9.]+|inf|NA))");
  std::smatch m;
  if (!std::regex_search(text, m, wns)) bad(file, "Design Timing Summary", "a WNS(ns) table", "none");
  if (m[1].str() == "inf" || m[1].str() == "NA")
    bad(file, "Design Timing Summary", "a WNS value (a constrained, timed design)", m[1].str());
  t.wns_ns = std::stod(m[1].str());
  // Clock Summary: "<name>  {<rise> <fall>}  <period>  <frequency>".
  static const std::regex clock(R"(\n\s*(\S+)\s+\{[0-9. ]+\}\s+([0-9.]+)\s+([0-9.]+))");
  if (!std::regex_search(text, m, clock)) bad(file, "Clock Summary", "a clock with its period", "none");
  t.period_ns = std::stod(m[2].str());
  if (t.period_ns <= 0 || t.period_ns - t.wns_ns <= 0)
    bad(file, "Clock Summary", "a positive period above WNS", fmt::format("{} ns, WNS {} ns", t.period_ns, t.wns_ns));
  t.fmax_mhz = 1000.0 / (t.period_ns - t.wns_ns);
  t.met = t.wns_ns >= 0;
  return t;
}

}  // namespace nas4ml::synth
