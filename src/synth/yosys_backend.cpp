#include "nas4ml/synth/yosys_backend.hpp"

#include <unistd.h>

#include <fstream>
#include <regex>
#include <sstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/core/private_temp_dir.hpp"
#include "nas4ml/synth/process.hpp"
#include "nas4ml/synth/result_cache.hpp"

namespace nas4ml::synth {
namespace fs = std::filesystem;

namespace {

constexpr const char* kInstallHint =
    "install yosys with scripts/install-deps.sh (Debian package `yosys`), or pass its path";

std::string read_text(const fs::path& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ToolError(path.string(), {}, fmt::format("yosys did not write its {}", what), "the file", "none");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw ToolError(path.string(), {}, "cannot write file", "a writable output folder", "write failed");
}

}  // namespace

std::string yosys_script(const std::string& verilog_file, const std::string& top, bool use_dsp, const std::string& family) {
  // Labels let a person re-run part of it: `yosys -p 'script synth.ys read:stat'`.
  std::string s;
  s += "# nas4ml yosys synthesis script (docs/synthesis.md); run in the folder holding the design.\n";
  s += "read:\n";
  s += fmt::format("read_verilog -noautowire {}\n", verilog_file);
  // synth_xilinx in two halves around its `coarse` step, which is rerun here without `alumacc`:
  // alumacc merges chains of adders into carry-save $macc trees whenever an adder reads another's
  // whole output unextended (equal widths), which the Verilog cannot always avoid; every adder of
  // the netlist then stays its own carry chain, as the estimator counts it (docs/synthesis.md).
  const std::string synth = fmt::format("synth_xilinx -family {} -flatten -noiopad{} -top {}", family, use_dsp ? "" : " -nodsp", top);
  s += "synth:\n";
  s += synth + " -run :coarse\n";
  s += "coarse:\n";
  s += "techmap -map +/cmp2lut.v -map +/cmp2lcu.v -D LUT_WIDTH=6\n";
  s += "share\n";
  s += "opt\n";
  s += "memory -nomap\n";
  s += "opt_clean\n";
  s += "map:\n";
  s += synth + " -run map_memory:\n";
  s += "stat:\n";
  s += "tee -q -o stat.json stat -json\n";
  s += "depth:\n";
  // Cut every path at the registers first (plain `ltp -noff` walks through FDRE cells), then
  // take the longest path through the remaining combinational cells (measured with yosys 0.23, benchmarks/README.md).
  s += "select -set comb t:* t:FD* %d t:SRL* %d t:IBUF %d t:OBUF %d t:BUFG %d\n";
  s += "tee -q -o ltp.txt ltp -noff @comb w:* %u\n";
  return s;
}

std::string yosys_version(const std::string& program) {
  // The log goes into a private mkdtemp folder: a predictable /tmp name could be a planted symlink.
  const PrivateTempDir dir("nas4ml-yosys-version-");
  const fs::path log = dir.path() / "version.log";
  ProcessSpec spec;
  spec.program = program;
  spec.args = {"-V"};
  spec.log_file = log;
  spec.timeout_seconds = 60.0;
  spec.install_hint = kInstallHint;
  run_tool(spec);
  std::ifstream in(log);
  std::string line;
  std::getline(in, line);
  if (line.rfind("Yosys ", 0) != 0)
    throw ToolError(program, {}, "`" + program + " -V` did not print a yosys version", "a line \"Yosys <version>\"",
                    line.empty() ? std::string("nothing") : "\"" + line + "\"");
  return line;
}

SynthesisResult parse_yosys_stat(const std::string& json_text, const std::string& file) {
  Json j;
  try {
    j = Json::parse(json_text);
  } catch (const Json::exception& e) {  // a syntax error, or a number beyond a double (1e400)
    throw ToolError(file, {}, std::string("unreadable yosys stat output: ") + e.what());
  }
  const Json* totals = nullptr;
  if (j.contains("design") && j["design"].is_object()) {
    totals = &j["design"];
  } else if (j.contains("modules") && j["modules"].is_object() && j["modules"].size() == 1) {
    totals = &j["modules"].begin().value();
  }
  if (totals == nullptr || !totals->contains("num_cells_by_type") || !(*totals)["num_cells_by_type"].is_object())
    throw ToolError(file, "$.design.num_cells_by_type", "yosys stat output lacks the cell histogram",
                    "an object of cell counts", "none");
  SynthesisResult r;
  for (const auto& [type, n] : (*totals)["num_cells_by_type"].items()) {
    if (!n.is_number_integer() || n.get<std::int64_t>() < 0)
      throw ToolError(file, "$.design.num_cells_by_type." + type, "bad cell count", "a non-negative integer",
                      describe_json(n));
    r.cells[type] = n.get<std::int64_t>();
  }
  for (const auto& [type, n] : r.cells) {
    // Generic yosys cells ($add, $mul, ...) left in the netlist mean the mapping did not finish.
    if (!type.empty() && type[0] == '$')
      throw ToolError(file, "$.design.num_cells_by_type", "unmapped generic cell left after synth_xilinx",
                      "only Xilinx primitives", type);
  }
  r.resources = resources_from_cells(r.cells);
  return r;
}

int parse_ltp_depth(const std::string& text, const std::string& file) {
  static const std::regex pattern(R"(Longest topological path in \S+ \(length=(\d+)\))");
  std::smatch m;
  int depth = -1;
  auto begin = text.cbegin();
  while (std::regex_search(begin, text.cend(), m, pattern)) {
    depth = std::max(depth, std::stoi(m[1].str()));
    begin = m.suffix().first;
  }
  if (depth >= 0) return depth;
  // ltp prints no path for a module without any selected (combinational) cell.
  if (text.find("Executing LTP pass") != std::string::npos) return 0;
  throw ToolError(file, {}, "yosys ltp output has no path length", "a line \"Longest topological path ... (length=N)\"",
                  "none");
}

SynthesisResult synthesize_with_yosys(const std::string& verilog, const std::string& top, const fs::path& out_dir,
                                      const YosysOptions& options) {
  static const std::regex identifier(R"([A-Za-z_][A-Za-z0-9_$]*)");
  if (!std::regex_match(top, identifier))
    throw ConfigError({}, "top", "bad top module name", "a Verilog identifier", "\"" + top + "\"");
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) throw ToolError(out_dir.string(), {}, "cannot create the output folder: " + ec.message());

  const std::string script = yosys_script("design.v", top, options.use_dsp, options.family);
  write_text(out_dir / "design.v", verilog);
  write_text(out_dir / "synth.ys", script);
  const std::string version = yosys_version(options.program);
  const std::string key = synthesis_key(verilog, version, script);

  std::optional<ResultCache> cache;
  if (!options.cache_dir.empty()) cache.emplace(options.cache_dir);
  if (cache) {
    if (auto hit = cache->find(key)) {
      spdlog::info("yosys: cache hit {} for top {}", key.substr(0, 12), top);
      save_json_file(out_dir / "result.json", to_json(*hit));
      return *hit;
    }
  }

  for (const char* stale : {"stat.json", "ltp.txt", "result.json"}) fs::remove(out_dir / stale, ec);
  ProcessSpec spec;
  spec.program = options.program;
  spec.args = {"-s", "synth.ys"};
  spec.working_dir = out_dir;
  spec.log_file = out_dir / "yosys.log";
  spec.timeout_seconds = options.timeout_seconds;
  spec.memory_limit_bytes = options.memory_limit_bytes;
  spec.install_hint = kInstallHint;
  spdlog::info("yosys: synthesizing {} in {} (log {})", top, out_dir.string(), spec.log_file.string());
  const ProcessResult run = run_tool(spec);

  SynthesisResult result = parse_yosys_stat(read_text(out_dir / "stat.json", "stat.json"),
                                            (out_dir / "stat.json").string());
  result.logic_depth = parse_ltp_depth(read_text(out_dir / "ltp.txt", "ltp.txt"), (out_dir / "ltp.txt").string());
  result.backend = "yosys";
  result.tool_version = version;
  result.top = top;
  result.family = options.family;
  result.use_dsp = options.use_dsp;
  result.script = script;
  result.key = key;
  result.wall_seconds = run.wall_seconds;
  result.peak_rss_bytes = run.peak_rss_bytes;
  result.cache_hit = false;
  spdlog::info("yosys: {} LUT, {} FF, {} CARRY4, {} DSP, depth {} in {:.1f} s, {:.0f} MB", result.resources.lut,
               result.resources.ff, result.resources.carry, result.resources.dsp, result.logic_depth,
               run.wall_seconds, static_cast<double>(run.peak_rss_bytes) / 1e6);
  if (cache) cache->store(result, spec.log_file);
  save_json_file(out_dir / "result.json", to_json(result));
  return result;
}

}  // namespace nas4ml::synth
