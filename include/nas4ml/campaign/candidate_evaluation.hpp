#pragma once
/// \file Evaluating one candidate, and synthesizing one front member, as pure functions of an
/// explicit context: the unit of work every Executor (executor.hpp) runs, on a thread of this
/// process or on another MPI rank.
///
/// The context is what stays fixed for a whole campaign (the experiment: data set, search space,
/// device, estimator flavor, training budget, objectives, constraints, seed) and is described by
/// the canonical experiment, the path it was read from and the run folder
/// (context_description()), so another process can load the same one. What changes from job to
/// job travels with the job: the genome, its generation and index (which pick every random
/// stream), and the estimator calibration in force. Jobs and records have a JSON form that
/// round-trips exactly (doubles are written with 17 significant digits).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "nas4ml/campaign/experiment_config.hpp"
#include "nas4ml/campaign/run_paths.hpp"
#include "nas4ml/campaign/store.hpp"
#include "nas4ml/core/json.hpp"
#include "nas4ml/data/dataset.hpp"
#include "nas4ml/estimate/device_model.hpp"
#include "nas4ml/estimate/estimator.hpp"
#include "nas4ml/nn/quantized_model.hpp"
#include "nas4ml/search/genome.hpp"
#include "nas4ml/space/search_space.hpp"
#include "nas4ml/synth/target.hpp"

namespace nas4ml::campaign {

/// Everything an evaluation reads besides the job: loaded once per process, read-only afterwards
/// (shared by every evaluating thread).
struct EvaluationContext {
  ExperimentConfig config;
  RunPaths paths{"."};
  data::LoadedDataset data;                    ///< as the task's prepare() reshaped it
  std::shared_ptr<const nn::Task> task;        ///< the experiment's task (nn/task.hpp)
  std::shared_ptr<const nn::Teacher> teacher;  ///< the distillation teacher (campaign/teacher.hpp), or null
  space::SearchSpace space;
  estimate::DeviceModel device;  ///< as the device file states it (calibration: the file's)
  std::shared_ptr<const estimate::Estimator> estimator;
  estimate::EstimateOptions estimate_options;
  synth::TargetSettings target;  ///< the target's settings (campaign/emit.hpp target_settings())
};

/// Loads the data set, search space, device and estimator of `config` and checks that they fit
/// together (inputs and outputs of the space against the data). Throws ConfigError or DataError.
EvaluationContext load_evaluation_context(const ExperimentConfig& config, const RunPaths& paths);

/// What another process needs to load the same context:
/// {"experiment": canonical experiment, "experiment_file": path, "run_dir": path}.
Json context_description(const ExperimentConfig& config, const RunPaths& paths);

/// Loads the context that context_description() describes.
EvaluationContext load_evaluation_context(const Json& description);

/// One candidate to evaluate.
struct CandidateJob {
  int generation = 0;
  int index = 0;                 ///< position in its generation (picks the random streams)
  search::Genome genome;
  Json calibration;              ///< calibration_to_json() of the calibration in force
  Json early_stop;               ///< to_json(EarlyStopRule) (early_stopping.hpp), or null: train to the end
  /// Weight inheritance (nn/weight_inheritance.hpp): the trained parents, in order of preference,
  /// as [{"id": genome hash, "model": QuantizedModel JSON}, ...], or null: random initialization.
  Json parents;
};

/// Trains, measures (golden integer model) and estimates `job`'s candidate. Never throws for a
/// candidate's own trouble (diverged training, time-out, an invalid objective): that is a record
/// with status "failed" and the reason. Only internal errors (bugs) are thrown. With
/// `job.early_stop`, a candidate the rule stops is a record with status "stopped_early", its
/// partial model, metrics, estimates and objectives, and the reason. With `job.parents`, training
/// starts from a parent's weights where the shapes allow; the model's training metadata then
/// names it: "inherited": {"parent": id, "layers": [...]}.
EvaluationRecord evaluate_candidate(const EvaluationContext& context, const CandidateJob& job);

/// The expected cost of evaluating `job`, in multiply-accumulates: trainable parameters x
/// training rows x epochs (after the experiment's epoch cap). Executors hand out the most
/// expensive first; only the order depends on it, never a result.
double expected_cost(const EvaluationContext& context, const CandidateJob& job);

/// One front member to synthesize.
struct SynthesisJob {
  std::string genome_hash;
  int generation = 0;            ///< generation whose front it came from
  Json model;                    ///< its QuantizedModel JSON, as stored
};

/// The target an experiment's synthesis runs through, by `synthesis.backend`: the rtl target with
/// yosys (its Verilog core) or Vivado (its firmware package), or the hls target with Vitis HLS.
std::unique_ptr<synth::Target> synthesis_target(const ExperimentConfig& config, const synth::TargetSettings& settings,
                                                const estimate::DeviceModel& device);

/// The version (yosys) or path (vivado, vitis_hls) of `synthesis.backend`'s tool; ConfigError at
/// `synthesis.backend` naming what to put on PATH when a vendor tool is missing, ToolError when
/// yosys is.
std::string synthesis_tool(const ExperimentConfig& config, const synth::TargetSettings& settings,
                           const estimate::DeviceModel& device);

/// Lowers, writes and synthesizes the job's model in runs/NAME/synth/<id> (synth_flow.hpp). A
/// tool failure or time-out is a record with status "failed" or "timeout", never an exception.
SynthesisRecord synthesize_candidate(const EvaluationContext& context, const SynthesisJob& job);

/// The per-flavor calibration of `device` as JSON: {"rtl": {"lut": [scale, offset], ...}, ...}.
Json calibration_to_json(const estimate::DeviceModel& device);
/// `device` with its calibration replaced by `calibration` (calibration_to_json's form).
estimate::DeviceModel with_calibration(estimate::DeviceModel device, const Json& calibration);

/// JSON forms of jobs and records (exact round trips; a failed record's infinite violation is
/// written as null).
Json to_json(const CandidateJob& job);
CandidateJob candidate_job_from_json(const Json& json);
Json to_json(const EvaluationRecord& record);
EvaluationRecord evaluation_record_from_json(const Json& json);
Json to_json(const SynthesisJob& job);
SynthesisJob synthesis_job_from_json(const Json& json);
Json to_json(const SynthesisRecord& record);
SynthesisRecord synthesis_record_from_json(const Json& json);

}  // namespace nas4ml::campaign
