// Emitting firmware (campaign/emit.hpp): the emitted designs are lowered with the experiment's
// hardware.emit_sharing_effort, not the search's sharing_effort, and report.md says which
// estimate is of which lowering.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "nas4ml/campaign/emit.hpp"
#include "nas4ml/estimate/estimator.hpp"
#include "nas4ml/firmware/verilog_writer.hpp"
#include "nas4ml/netlist/lower.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"
#include "support/read_text.hpp"
#include "support/temp_dir.hpp"
#include "support/trained_magic.hpp"

using namespace nas4ml;
using namespace nas4ml::campaign;
using nas4ml::test::read_text;

namespace {

/// The experiment's hardware: rtl at 5 ns, cse, the search's effort 1 and the emit effort 8.
ExperimentConfig experiment() {
  ExperimentConfig c;
  c.hardware.device = "xcvu9p";
  c.hardware.sharing = "cse";
  return c;
}

/// The rtl estimate of `model` lowered with `effort` (the experiment's device, clock and sharing).
estimate::Estimate rtl_estimate(const nn::QuantizedModel& model, const estimate::DeviceModel& device, int effort) {
  estimate::EstimateOptions o;
  o.clock_ns = experiment().hardware.clock_ns;
  o.sharing = netlist::Sharing::cse;
  o.sharing_effort = effort;
  return estimate::make_estimator("rtl")->estimate(model, device, o);
}

/// A store holding one candidate, "c0" (the trained MAGIC network, its estimate at the search's
/// effort 1), on the front.
Store store_with_magic(const std::filesystem::path& root, const estimate::DeviceModel& device) {
  const auto& model = test::trained_magic().model;
  std::filesystem::create_directories(root);
  auto store = Store::create(RunPaths(root).store(), Json::object(), "hash", Json::object());
  EvaluationRecord r;
  r.genome_hash = "c0";
  r.genome = Json::array({0});
  r.model_spec = Json::object();
  r.model = nn::to_json(model);
  r.metrics = {{"validation", {{"accuracy", 0.8}}}, {"test", {{"accuracy", 0.8}}}};
  r.estimates = estimate::to_json(rtl_estimate(model, device, 1));
  r.objectives = {0.8, r.estimates["lut"]};
  store.commit_generation(0, {r}, Json::object(), Json::array({{{"id", "c0"}, {"objectives", r.objectives}}}), 0.1);
  return store;
}

std::string verilog_at(const nn::QuantizedModel& model, int effort) {
  netlist::LoweringOptions lo;
  lo.clock_ns = experiment().hardware.clock_ns;
  lo.sharing = netlist::Sharing::cse;
  lo.sharing_effort = effort;
  return firmware::write_verilog(netlist::lower(model, lo));
}

}  // namespace

TEST_CASE("emit_target_settings: the emit effort under cse, the search's settings otherwise unchanged", "[campaign][emit]") {
  ExperimentConfig c = experiment();
  c.hardware.sharing_effort = 2;
  const RunPaths paths("runs/x");
  CHECK(target_settings(c, paths).lowering.sharing_effort == 2);  // the search: pricing and periodic synthesis
  CHECK(emit_target_settings(c, paths).lowering.sharing_effort == 8);
  c.hardware.emit_sharing_effort = 5;
  const auto emit = emit_target_settings(c, paths);
  const auto search = target_settings(c, paths);
  CHECK(emit.lowering.sharing_effort == 5);
  CHECK(emit.lowering.clock_ns == search.lowering.clock_ns);
  CHECK(emit.tool.cache_dir == search.tool.cache_dir);
  c.hardware.sharing = "none";  // the effort means nothing without sharing: the search's is kept
  CHECK(emit_target_settings(c, paths).lowering.sharing_effort == 2);
}

TEST_CASE("emitted firmware is lowered with the emit effort and its report shows that design's estimate",
          "[campaign][emit]") {
  const auto& magic = test::trained_magic();
  const auto device = estimate::load_device_model(test::source_path("estimators/xilinx/xcvu9p.json"));
  // On this network the wider search finds another graph: the two lowerings are told apart.
  const std::string at1 = verilog_at(magic.model, 1), at8 = verilog_at(magic.model, 8);
  REQUIRE(at1 != at8);
  test::TempDir tmp;
  EmitOptions eo;
  eo.ids = {"c0"};
  eo.simulate_samples = 20;
  eo.search_sharing_effort = 1;
  const ExperimentConfig cfg = experiment();

  const RunPaths emitted(tmp.path() / "emit8");
  auto store = store_with_magic(emitted.root(), device);
  const auto out = emit_front(store, emitted, magic.data, device, emit_target_settings(cfg, emitted), eo);
  REQUIRE(out.size() == 1);
  const auto dir = emitted.firmware_dir("c0");
  CHECK(read_text(dir / "rtl" / "nas4ml_top.v") == at8);
  CHECK(load_json_file(dir / "rtl" / "design.json").at("sharing_effort") == 8);  // recorded with the design
  const std::string report = read_text(dir / "report.md");
  const auto e8 = rtl_estimate(magic.model, device, 8), e1 = rtl_estimate(magic.model, device, 1);
  REQUIRE(e8.lut != e1.lut);
  CHECK_THAT(report, Catch::Contains(fmt::format("| estimated (rtl, this design: sharing effort 8) | {:.0f} | {:.0f} |",
                                                 e8.lut, e8.ff)));
  CHECK_THAT(report, Catch::Contains(fmt::format("| estimated during the search (rtl, sharing effort 1) | {:.0f} | {:.0f} |",
                                                 e1.lut, e1.ff)));

  // Lowered with the search's effort (target_settings): the one stored row, as before the emit effort.
  const RunPaths searched(tmp.path() / "emit1");
  auto store1 = store_with_magic(searched.root(), device);
  emit_front(store1, searched, magic.data, device, target_settings(cfg, searched), eo);
  const auto dir1 = searched.firmware_dir("c0");
  CHECK(read_text(dir1 / "rtl" / "nas4ml_top.v") == at1);
  CHECK_FALSE(load_json_file(dir1 / "rtl" / "design.json").contains("sharing_effort"));  // absent = 1
  const std::string report1 = read_text(dir1 / "report.md");
  CHECK_THAT(report1, Catch::Contains(fmt::format("| estimated (rtl) | {:.0f} | {:.0f} |", e1.lut, e1.ff)));
  CHECK(report1.find("| estimated during the search") == std::string::npos);
}

TEST_CASE("a design the search's effort lowers to fewer LUTs is emitted with that effort", "[campaign][emit]") {
  const auto device = estimate::find_device("xcvu9p", test::source_path("estimators"));
  netlist::LoweringOptions lo;
  lo.clock_ns = 5;
  lo.sharing = netlist::Sharing::cse;
  // The trained MAGIC network: effort 8 (more runs, nonnegative sums) is estimated smaller.
  const auto& magic = test::trained_magic().model;
  REQUIRE(rtl_estimate(magic, device, 8).lut < rtl_estimate(magic, device, 1).lut);
  // Emitting at effort 8 after a search at effort 1: the emit effort is kept.
  lo.sharing_effort = 8;
  CHECK(emitted_sharing_effort(magic, device, lo, 1) == 8);
  // Emitting at effort 1 (hardware.emit_sharing_effort 1) after a search at effort 8: the
  // search's effort lowers the design to fewer LUTs, so the design is written with it.
  lo.sharing_effort = 1;
  CHECK(emitted_sharing_effort(magic, device, lo, 8) == 8);
  // Nothing to choose: the search's effort already, per-neuron trees, DSP products.
  CHECK(emitted_sharing_effort(magic, device, lo, 1) == 1);
  lo.sharing = netlist::Sharing::none;
  CHECK(emitted_sharing_effort(magic, device, lo, 8) == 1);
  lo.sharing = netlist::Sharing::cse;
  lo.dsp_products = true;
  CHECK(emitted_sharing_effort(magic, device, lo, 8) == 1);
}
