#pragma once
/// \file What a network is trained to do: a registered task kind behind one small interface.
/// A task says which data it reads (class labels, regression targets, the inputs themselves),
/// how many outputs the network has, its training loss and gradient, its metrics and the names
/// objectives and constraints may give them. `classification` is the softmax classifier every
/// earlier nas4ml version trained (unchanged); `regression` fits numeric targets; `autoencoder`
/// reconstructs its inputs and flags anomalies by the reconstruction error (docs/training.md).
/// A new kind is a new source file with a Task subclass plus one line in task.cpp's registry.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nas4ml/core/json.hpp"
#include "nas4ml/data/dataset.hpp"
#include "nas4ml/nn/metrics.hpp"

namespace nas4ml::nn {

struct QuantizedModel;

/// The task part of an experiment or model spec (`"task": {...}`, docs/config.md).
struct TaskSpec {
  std::string kind = "classification";  ///< a registered kind: task_kinds()
  // regression
  std::vector<std::string> targets;     ///< feature columns of the data set moved out as targets
  std::string loss = "mse";             ///< regression: mse | huber
  double huber_delta = 1.0;             ///< huber: quadratic within +-delta (standardized target units)
  // autoencoder
  std::vector<std::string> background;  ///< class names that are normal (trained on)
  std::string score = "squared";        ///< anomaly score: squared | absolute reconstruction errors
  int score_width = 16;                 ///< the firmware score's unsigned fixed-point format ap_ufixed<W,I>
  int score_integer = 8;
  // variational autoencoder (an autoencoder with "variational": true, nn/variational.hpp)
  bool variational = false;             ///< trained as a VAE, deployed as its encoder's mean head
  int latent = 0;                       ///< latent size z (the deployed outputs, mu_0..mu_{z-1})
  double beta = 1.0;                    ///< weight of the KL term: loss = reconstruction + beta * KL
  std::vector<int> decoder;             ///< the decoder's hidden units; empty: the encoder's, mirrored

  bool is_classification() const noexcept { return kind == "classification"; }
};

/// Parses `"task"` (a kind string or an object); throws ConfigError naming `view`'s file/path.
TaskSpec parse_task_spec(const JsonView& view);

/// The canonical JSON of a non-classification spec (classification writes nothing, so the
/// hashes of every earlier experiment stay the same).
Json to_json(const TaskSpec& spec);

/// One task kind.
class Task {
 public:
  virtual ~Task() = default;
  /// The registered kind name.
  virtual std::string kind() const = 0;
  /// Reshapes a freshly loaded data set for the task (moves target columns out of the features,
  /// keeps only background rows for training, ...). `source` names the experiment in errors.
  virtual void prepare(data::LoadedDataset& data, const std::string& source) const = 0;
  /// Output units of the network on the prepared data set.
  virtual int output_units(const data::LoadedDataset& data) const = 0;
  /// Adds to `grad` (n_out x batch, column-major, leading dimension `ld`) the gradient of the MEAN
  /// loss over the batch w.r.t. the outputs `out` (same layout) given `target` (batch rows of
  /// n_out floats, row-major); returns the SUMMED loss.
  virtual double loss_gradient(const float* out, std::size_t ld, int n_out, int batch, const float* target,
                               float* grad) const = 0;
  /// Metrics of the exact (integer model) outputs on a split. `outputs` is rows x n_out,
  /// row-major, real values; `inputs` the quantized inputs (rows x n_in real values).
  virtual Metrics metrics(const QuantizedModel& model, const std::vector<double>& outputs,
                          const std::vector<double>& inputs, const data::Split& split) const = 0;
  /// Whether rows of class `label` (after prepare()) enter the training loss and the validation
  /// loss of early stopping (an autoencoder trains on background only); metrics use every row.
  virtual bool trains_on(std::int32_t label) const { return label >= 0; }
  /// Whether the training target is the (quantized) input itself (autoencoders).
  virtual bool reconstructs_inputs() const { return false; }
  /// Names the outputs and adds what the firmware computes beyond the layers (an anomaly score)
  /// and what a user needs to read the outputs (target units) to a freshly trained model.
  virtual void finish_model(QuantizedModel& model, const data::LoadedDataset& data) const = 0;
  /// Metric names this task adds to objectives/constraints (beyond accuracy/auc and costs).
  virtual std::vector<std::string> metric_names() const = 0;
  /// A variational autoencoder's settings (trained through nn/variational.hpp, deployed as
  /// the encoder's mean head); null for every other task.
  virtual const TaskSpec* variational() const { return nullptr; }
};

/// The registered kinds, in registration order.
const std::vector<std::string>& task_kinds();

/// A task of `spec.kind` (precondition: a registered kind).
std::unique_ptr<Task> make_task(const TaskSpec& spec);

/// Every metric name any task adds, and whether larger is better for it.
const std::vector<std::string>& task_metric_names();
bool task_metric_maximized(const std::string& name);

}  // namespace nas4ml::nn
