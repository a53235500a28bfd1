#pragma once
/// \file The experiment's baselines (reference designs such as the hls4ml jet network): each
/// model spec is trained once with the campaign's data, seed and estimator, each QuantizedModel
/// file is measured as it is (its own input preprocessing applied to the campaign's splits); both
/// are measured like a candidate (same metrics, objectives, constraint violation) and stored, so
/// every view of the front can say which designs dominate it and by how much. A model-spec
/// baseline may also seed the search's first generation with its genome.
#include <string>
#include <vector>

#include "nas4ml/campaign/experiment_config.hpp"
#include "nas4ml/campaign/objective_setup.hpp"
#include "nas4ml/campaign/store.hpp"
#include "nas4ml/data/dataset.hpp"
#include "nas4ml/estimate/estimator.hpp"
#include "nas4ml/search/genome.hpp"
#include "nas4ml/space/search_space.hpp"

namespace nas4ml::campaign {

/// What evaluating a baseline needs: the experiment and the campaign's data, device and estimator.
struct BaselineContext {
  const ExperimentConfig& config;
  const data::LoadedDataset& data;
  const estimate::DeviceModel& device;
  const estimate::Estimator& estimator;
  const estimate::EstimateOptions& estimate_options;
};

/// Trains and estimates baseline `k` of the experiment (training streams: generation 2^32 - 1,
/// index k, so they never meet a candidate's). A training failure is a record with status failed.
EvaluationRecord evaluate_baseline(const BaselineContext& context, std::size_t k);

/// Throws ConfigError naming the baseline's file when it does not fit the data set (feature or
/// class count, a QuantizedModel's preprocessing size).
void check_baseline_fits(const Baseline& baseline, const data::LoadedDataset& data);

/// The genomes of the baselines marked `seed_population`, in the experiment's order, duplicates
/// dropped; they replace random members of generation 0.
std::vector<search::Genome> seed_genomes(const ExperimentConfig& config, const space::SearchSpace& space);

/// Evaluates and stores every baseline `store` does not hold yet (a campaign started or resumed).
void store_missing_baselines(const BaselineContext& context, Store& store);

/// One line per baseline for the report and the CLI: how many front members dominate it, and
/// the best ratio of each minimized objective among them, e.g. "baseline jet: 3 front designs
/// dominate it; the best at 1/12 of its lut".
std::vector<std::string> baseline_summaries(const Store& store, const ObjectiveSetup& setup);

}  // namespace nas4ml::campaign
