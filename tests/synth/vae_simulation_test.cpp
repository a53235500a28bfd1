// A variational autoencoder deployed encoder-only: a Shuttle VAE trained on the normal class,
// lowered with its score against zero (sum of mu^2), printed as Verilog and run under Verilator on
// test-split samples is bit-exact with the golden model's latent means and score.
#include <catch2/catch.hpp>

#include <set>

#include "nas4ml/data/dataset_loader.hpp"
#include "nas4ml/firmware/testbench.hpp"
#include "nas4ml/firmware/verilog_writer.hpp"
#include "nas4ml/netlist/lower.hpp"
#include "nas4ml/nn/anomaly_score.hpp"
#include "nas4ml/nn/model_spec_json.hpp"
#include "nas4ml/nn/task.hpp"
#include "nas4ml/nn/trainer.hpp"
#include "nas4ml/synth/process.hpp"
#include "nas4ml/synth/simulator.hpp"
#include "support/run_cli.hpp"
#include "support/temp_dir.hpp"

using namespace nas4ml;

TEST_CASE("Verilator computes a trained VAE encoder's mu and sum of mu^2 bit for bit",
          "[synth][simulation][verilator][score][vae]") {
  if (!synth::find_program("verilator")) FAIL("verilator is not installed: run scripts/install-deps.sh");
  data::LoadedDataset d = data::load_dataset(test::source_path("experiments/datasets/shuttle.json"));
  const Json task_json = Json::parse(
      R"({"kind": "autoencoder", "background": ["Rad.Flow"], "variational": true, "latent": 3, "score_format": "ap_ufixed<18,11>"})");
  const auto task = nn::make_task(nn::parse_task_spec(JsonView(task_json, "e.json", "$.task")));
  task->prepare(d, "e.json");
  nn::TrainOptions o;
  o.task = task.get();
  o.epochs = 4;
  o.evaluate_train = false;
  const nn::TrainResult r =
      nn::train_model(nn::load_model_spec(test::source_path("experiments/models/shuttle_vae_9_16_8_3.json")), d, o);
  REQUIRE(r.ok);
  const nn::QuantizedModel& model = r.model;
  REQUIRE(model.anomaly_score.has_value());
  REQUIRE(model.anomaly_score->against_zero());
  const auto net = netlist::lower(model, netlist::LoweringOptions{});
  REQUIRE(net.score == net.outputs.back());
  firmware::VerilogOptions vopt;
  vopt.top = "vae";
  const std::string verilog = firmware::write_verilog(net, vopt);
  CHECK(verilog.find("latent means") != std::string::npos);
  const auto vectors = firmware::make_test_vectors(model, d.test.x, 1000);
  REQUIRE(vectors.rows == 1000);
  CHECK(vectors.scores_raw == nn::anomaly_scores(model, vectors.inputs_raw));
  const std::set<std::int64_t> distinct(vectors.scores_raw.begin(), vectors.scores_raw.end());
  CHECK(distinct.size() > 100);
  const auto ports = firmware::port_layout(net);
  REQUIRE(ports.output_bits.size() == 4);  // mu_0..mu_2, the score
  CHECK(ports.output_bits.back() == 18);
  test::TempDir dir;
  const auto report = synth::simulate_design(verilog, vopt.top, ports, vectors, dir.path());
  CHECK(report.counts.checked == 1000);
  CHECK(report.counts.mismatches == 0);
  CHECK(report.counts.latency == net.latency_cycles);
  CHECK(report.ok());
}
