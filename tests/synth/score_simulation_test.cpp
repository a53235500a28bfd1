// An autoencoder's anomaly score in the firmware: a Shuttle autoencoder trained on the normal
// class, lowered with its score, printed as Verilog and run under Verilator on test-split
// samples (background and anomalies) is bit-exact with the golden model's reconstruction and
// score, for the squared and the absolute error.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <set>

#include "nas4ml/data/dataset_loader.hpp"
#include "nas4ml/firmware/testbench.hpp"
#include "nas4ml/firmware/verilog_writer.hpp"
#include "nas4ml/netlist/lower.hpp"
#include "nas4ml/nn/anomaly_score.hpp"
#include "nas4ml/nn/golden_inference.hpp"
#include "nas4ml/nn/task.hpp"
#include "nas4ml/nn/trainer.hpp"
#include "nas4ml/synth/process.hpp"
#include "nas4ml/synth/simulator.hpp"
#include "support/run_cli.hpp"
#include "support/temp_dir.hpp"

using namespace nas4ml;

namespace {

/// The Shuttle autoencoder of experiments/models/shuttle_ae_9_6_3_6_9.json, trained briefly.
nn::QuantizedModel shuttle_autoencoder(data::LoadedDataset& d) {
  d = data::load_dataset(test::source_path("experiments/datasets/shuttle.json"));
  const Json task_json = Json::parse(R"({"kind": "autoencoder", "background": ["Rad.Flow"], "score_format": "ap_ufixed<18,12>"})");
  const auto task = nn::make_task(nn::parse_task_spec(JsonView(task_json, "e.json", "$.task")));
  task->prepare(d, "e.json");
  nn::ModelSpec s;
  s.input_format = parse_fixed_format("ap_fixed<12,4,AP_RND,AP_SAT>");
  for (int units : {6, 3, 6, 0}) {
    nn::LayerSpec l;
    l.units = units;
    l.weight_format = parse_fixed_format("ap_fixed<8,2,AP_RND,AP_SAT>");
    l.bias_format = parse_fixed_format("ap_fixed<12,4,AP_RND,AP_SAT>");
    l.result_format = parse_fixed_format("ap_fixed<12,5,AP_RND,AP_SAT>");
    if (units == 0) l.activation = nn::Activation::linear;
    s.layers.push_back(l);
  }
  s.training.epochs = 6;
  s.training.batch_size = 128;
  s.training.learning_rate = 3e-3;
  nn::TrainOptions o;
  o.task = task.get();
  nn::TrainResult r = nn::train_model(s, d, o);
  REQUIRE(r.ok);
  REQUIRE(r.model.anomaly_score.has_value());
  return r.model;
}

}  // namespace

TEST_CASE("Verilator computes a trained autoencoder's anomaly score bit for bit",
          "[synth][simulation][verilator][score]") {
  if (!synth::find_program("verilator")) FAIL("verilator is not installed: run scripts/install-deps.sh");
  data::LoadedDataset d;
  nn::QuantizedModel model = shuttle_autoencoder(d);
  for (const char* error : {"squared", "absolute"}) {
    DYNAMIC_SECTION(error) {
      model.anomaly_score->error = error;
      netlist::LoweringOptions lowering;  // 5 ns clock: the delay model places the registers
      if (std::string(error) == "absolute") lowering.levels_per_stage = 1;
      const auto net = netlist::lower(model, lowering);
      REQUIRE(net.score == net.outputs.back());
      firmware::VerilogOptions vopt;
      vopt.top = "ae";
      const std::string verilog = firmware::write_verilog(net, vopt);
      CHECK(verilog.find(std::string("is the anomaly score: the sum of the ") + error) != std::string::npos);
      const auto vectors = firmware::make_test_vectors(model, d.test.x, 1000);
      REQUIRE(vectors.rows == 1000);
      // The expected scores are the golden model's, and they vary: background and anomalies.
      CHECK(vectors.scores_raw == nn::anomaly_scores(model, vectors.inputs_raw));
      const std::set<std::int64_t> distinct(vectors.scores_raw.begin(), vectors.scores_raw.end());
      CHECK(distinct.size() > 100);
      const auto ports = firmware::port_layout(net);
      REQUIRE(ports.output_bits.size() == 10);
      CHECK(ports.output_bits.back() == 18);
      test::TempDir dir;
      const auto report = synth::simulate_design(verilog, vopt.top, ports, vectors, dir.path());
      CHECK(report.counts.checked == 1000);
      CHECK(report.counts.mismatches == 0);
      CHECK(report.counts.latency == net.latency_cycles);
      CHECK(report.ok());
      // The bench really compares the score: the built simulator, run on an expected file whose
      // score of sample 7 is one LSB off, finds exactly that mismatch.
      auto wrong = vectors;
      wrong.scores_raw[7] ^= 1;
      const auto expected = firmware::rtl_outputs(wrong);
      {
        std::ofstream out(dir.path() / "expected_wrong.hex");
        out << firmware::pack_hex(expected.outputs_raw, static_cast<std::size_t>(expected.n_outputs), ports.output_bits);
      }
      synth::ProcessSpec run;
      run.program = (dir.path() / "obj_dir" / "Vsim").string();
      run.args = {"inputs.hex", "expected_wrong.hex"};
      run.working_dir = dir.path();
      run.log_file = dir.path() / "wrong.log";
      run.timeout_seconds = 300;
      synth::run_process(run);
      std::ifstream log(run.log_file);
      const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
      CHECK(firmware::parse_simulation_line(text, run.log_file.string()).mismatches == 1);
    }
  }
}
