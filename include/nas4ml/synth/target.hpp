#pragma once
/// \file The Target seam (docs/targets.md): a named implementation target owns how a trained
/// QuantizedModel becomes hardware — its options, its writer (the files a firmware engineer
/// receives), its tool backend and report parser (synthesize), its check against the golden model
/// (verify), its estimator flavor and the calibration that flavor reads. campaign, emit and the
/// CLI ask a target; a design is lowered once per emit (WrittenDesign carries the netlist).
///
/// Kinds, registered by name in target.cpp (one line each):
///  - "rtl": netlist -> Verilog -> yosys (rtl_target.hpp); no reuse factor or strategy: every
///           layer is fully parallel, II = 1
///  - "hls": an hls4ml-style Vitis HLS C++ project (hls_target.hpp), checked by C simulation;
///           reuse factor and strategy per layer
/// A new kind is a class implementing Target plus one line in target.cpp's registry.
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nas4ml/estimate/device_model.hpp"
#include "nas4ml/firmware/rtl_package.hpp"
#include "nas4ml/firmware/testbench.hpp"
#include "nas4ml/netlist/lower.hpp"
#include "nas4ml/netlist/netlist.hpp"
#include "nas4ml/nn/quantized_model.hpp"
#include "nas4ml/synth/synthesis_result.hpp"

namespace nas4ml::synth {

/// One option a target reads, for `nas4ml targets` and docs.
struct TargetOption {
  std::string name;           ///< where it is set, e.g. "hardware.clock_ns"
  std::string value;          ///< the value this target was made with
  std::string description;
};

/// Limits and cache of a target's external tool.
struct ToolLimits {
  std::string program;                            ///< empty: the target's default tool on PATH
  double timeout_seconds = 1800.0;                ///< wall clock of one run
  std::uint64_t memory_limit_bytes = 8ull << 30;  ///< address-space limit of the tool process
  std::filesystem::path cache_dir;                ///< empty: no cache
};

/// What every target may be configured with (each reads the part it has).
struct TargetSettings {
  netlist::LoweringOptions lowering;  ///< clock, levels per stage, DSP products, sharing
  std::string top = "nas4ml_top";     ///< top module / function name
  std::string part;                   ///< full FPGA part (device file's "part"); empty: xcvu9p's
  ToolLimits tool;                    ///< the synthesis tool's limits
  std::string backend;                ///< synthesis backend, one of the target's backends(); empty: its first
};

/// The files a target wrote for one model, and what its later steps reuse.
struct WrittenDesign {
  std::filesystem::path dir;                ///< the folder written
  std::vector<std::string> files;           ///< paths relative to dir
  std::optional<netlist::Netlist> netlist;  ///< rtl: the one lowering of this design
  std::string verilog;                      ///< rtl: the Verilog text of the core
  std::string package_top;                  ///< rtl: the firmware package's top level (firmware/rtl_package.hpp)
  std::optional<firmware::RtlPackageLayout> package;  ///< rtl: its ports and latency
};

/// The outcome of checking a written design against the golden integer model.
struct Verification {
  std::string tool;      ///< "verilator", "iverilog", "g++ C simulation"
  bool ok = false;       ///< bit-exact (and, for rtl, latency as the netlist says)
  std::string summary;   ///< one sentence for report.md
  Json details;          ///< counts and timings
};

/// One implementation target.
class Target {
 public:
  virtual ~Target() = default;
  /// The registered kind, e.g. "hls".
  virtual std::string name() const = 0;
  /// One line for `nas4ml targets`.
  virtual std::string description() const = 0;
  /// The options it reads, with its values.
  virtual std::vector<TargetOption> options() const = 0;
  /// Whether it implements per-layer reuse factor and strategy (false: searching them is refused).
  virtual bool has_reuse() const = 0;
  /// The estimator flavor that predicts its backend's synthesis ("rtl", "rtl_vivado", "hls");
  /// its calibration is the device file's calibration.<flavor>.
  virtual std::string estimator_flavor() const = 0;
  /// The synthesis backends it runs (synthesis.backend, `nas4ml synth --backend`), the default first.
  virtual std::vector<std::string> backends() const = 0;
  /// The backend this target was made with.
  virtual std::string backend() const = 0;
  /// The estimator flavor its backend's results calibrate (`nas4ml calibrate`, campaign
  /// recalibration); empty when they calibrate none.
  virtual std::string calibrated_flavor() const = 0;
  /// Identifies its backend's tool for the manifest: a version line or the program's path;
  /// ToolError when the tool is not on PATH.
  virtual std::string tool() const = 0;
  /// The device families (a device file's "family") it can build for.
  virtual std::vector<std::string> device_families() const = 0;
  /// Writes the design of `model` into `dir` (created as needed).
  virtual WrittenDesign write(const nn::QuantizedModel& model, const std::filesystem::path& dir) const = 0;
  /// Runs the target's tool on a written design in `out_dir` and parses its report; ToolError
  /// when the tool is missing, fails or times out.
  virtual SynthesisResult synthesize(const nn::QuantizedModel& model, const WrittenDesign& design,
                                     const estimate::DeviceModel& device, const std::filesystem::path& out_dir) const = 0;
  /// Checks a written design against the golden outputs `vectors` in `work_dir`; ToolError when
  /// the checking tool is missing or fails.
  virtual Verification verify(const WrittenDesign& design, const firmware::TestVectors& vectors,
                              const std::filesystem::path& work_dir) const = 0;
  /// The result of a vendor run a user made outside nas4ml on a design this target wrote into
  /// `design_dir` (beside its model.q.json, as `nas4ml emit` leaves it): the tool's reports
  /// parsed, the raw estimate of the flavor they calibrate attached (`nas4ml calibrate`).
  /// nullopt when `design_dir` is not a design of this target; ConfigError/ToolError when it is
  /// but its reports or model are missing or unreadable.
  virtual std::optional<SynthesisResult> result_from_reports(const std::filesystem::path& design_dir,
                                                             const estimate::DeviceModel& device) const {
    (void)design_dir;
    (void)device;
    return std::nullopt;
  }
};

/// Builds a Target from settings.
using TargetFactory = std::function<std::unique_ptr<Target>(const TargetSettings&)>;

/// The registered kinds, in registration order ("rtl", "hls").
std::vector<std::string> target_names();

/// A new Target of the named kind; ConfigError (location `field`) listing the kinds when unknown.
std::unique_ptr<Target> make_target(const std::string& name, const TargetSettings& settings = {},
                                    const std::string& field = "hardware.target");

/// Every registered target's backends, in registration order ("yosys", "vivado", "vitis_hls").
std::vector<std::string> backend_names();

/// The kind of target that runs synthesis backend `backend`; ConfigError (location `field`)
/// listing the backends when no target runs it.
std::string backend_target(const std::string& backend, const std::string& field = "synthesis.backend");

/// A new Target of the kind that runs `backend`, made with `settings` and that backend.
std::unique_ptr<Target> make_backend_target(const std::string& backend, TargetSettings settings,
                                            const std::string& field = "synthesis.backend");

/// ConfigError naming the device file's "family" when `target` does not build for that family
/// (device files dispatch on their family: another vendor is a new target plus device files).
void check_device_family(const Target& target, const estimate::DeviceModel& device);

}  // namespace nas4ml::synth
