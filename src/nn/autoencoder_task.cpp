// The autoencoder task for anomaly detection: trained to reconstruct its (quantized) inputs on
// background rows only (MSE reconstruction loss; every split keeps its anomalies, labelled 1, for
// the metrics), deployed with an anomaly score computed in the
// firmware (nn/anomaly_score.hpp), and judged on a labelled test split holding background and
// anomalies by the score's ROC AUC and its signal efficiency at background rates 1e-2, 1e-3, 1e-4.
#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/nn/anomaly_score.hpp"
#include "nas4ml/nn/quantized_model.hpp"
#include "nas4ml/nn/task_metrics.hpp"
#include "task_kinds.hpp"

namespace nas4ml::nn::detail {

const MetricName autoencoder_metrics[3] = {
    {"tpr_at_fpr_1e-2", true}, {"tpr_at_fpr_1e-3", true}, {"tpr_at_fpr_1e-4", true}};

namespace {

// Relabels a split 0 = background, 1 = anomaly.
void relabel(data::Split& s, const std::vector<bool>& is_background) {
  for (auto& y : s.y) y = is_background[static_cast<std::size_t>(y)] ? 0 : 1;
}

class AutoencoderTask final : public Task {
 public:
  explicit AutoencoderTask(TaskSpec spec) : spec_(std::move(spec)) {}
  std::string kind() const override { return "autoencoder"; }
  bool reconstructs_inputs() const override { return true; }
  bool trains_on(std::int32_t label) const override { return label == 0; }

  void prepare(data::LoadedDataset& data, const std::string& source) const override {
    std::vector<bool> is_background(data.class_names.size(), false);
    for (std::size_t k = 0; k < spec_.background.size(); ++k) {
      const auto it = std::find(data.class_names.begin(), data.class_names.end(), spec_.background[k]);
      if (it == data.class_names.end())
        throw ConfigError(source, fmt::format("$.task.background[{}]", k), "not a class of the data set",
                          fmt::format("one of {}", fmt::join(data.class_names, ", ")), "\"" + spec_.background[k] + "\"");
      is_background[static_cast<std::size_t>(it - data.class_names.begin())] = true;
    }
    std::size_t anomalies = 0, background = 0;
    for (auto y : data.test.y) (is_background[static_cast<std::size_t>(y)] ? background : anomalies) += 1;
    if (anomalies == 0 || background == 0)
      throw ConfigError(source, "$.task.background",
                        "an autoencoder needs a labelled test split with background and anomalies",
                        "test rows of both kinds",
                        fmt::format("{} background and {} anomalous test rows", background, anomalies));
    for (data::Split* s : {&data.train, &data.validation, &data.test}) relabel(*s, is_background);
    data.class_names = {"background", "anomaly"};
  }

  int output_units(const data::LoadedDataset& data) const override {
    return spec_.variational ? spec_.latent : static_cast<int>(data.n_features());  // a VAE deploys mu only
  }
  const TaskSpec* variational() const override { return spec_.variational ? &spec_ : nullptr; }

  double loss_gradient(const float* out, std::size_t ld, int n_out, int batch, const float* target,
                       float* grad) const override {
    const float g_scale = 2.0f / static_cast<float>(n_out * batch);
    double loss = 0.0;
    for (int j = 0; j < batch; ++j)
      for (int o = 0; o < n_out; ++o) {
        const float d = out[static_cast<std::size_t>(j) * ld + o] - target[static_cast<std::size_t>(j) * n_out + o];
        loss += static_cast<double>(d) * d;
        grad[static_cast<std::size_t>(j) * ld + o] += d * g_scale;
      }
    return loss / n_out;
  }

  void finish_model(QuantizedModel& model, const data::LoadedDataset& data) const override {
    model.class_names = data.feature_names;  // output i reconstructs input i
    AnomalyScore score;
    score.error = spec_.score;
    score.format = FixedFormat{spec_.score_width, spec_.score_integer, false, Rounding::truncate, Overflow::saturate};
    if (spec_.variational) {  // the encoder's mean head: outputs mu_0.., the score sums them against zero
      model.class_names.clear();
      for (int j = 0; j < spec_.latent; ++j) model.class_names.push_back(fmt::format("mu_{}", j));
      score.reference = "zero";
    }
    model.anomaly_score = score;
  }

  Metrics metrics(const QuantizedModel& model, const std::vector<double>& outputs, const std::vector<double>& inputs,
                  const data::Split& split) const override {
    Metrics m;
    m.samples = split.rows();
    m.accuracy = m.background_rejection = std::numeric_limits<double>::quiet_NaN();
    // A VAE's deployed outputs are its latent means: its loss here is the mean of mu^2 (the
    // decoder is not deployed); an autoencoder's the mean squared reconstruction error.
    const auto n = static_cast<std::size_t>(model.n_inputs), n_out = static_cast<std::size_t>(model.n_outputs());
    const bool zero = spec_.variational;
    const auto& fo = model.layers.back().result_format;
    std::vector<std::int64_t> in_raw(n), out_raw(n_out);
    std::vector<double> scores(split.rows());
    std::vector<std::uint8_t> anomalous(split.rows());
    double se = 0.0;
    for (std::size_t r = 0; r < split.rows(); ++r) {
      for (std::size_t i = 0; i < n; ++i) in_raw[i] = std::llround(inputs[r * n + i] / model.input_format.lsb());
      for (std::size_t i = 0; i < n_out; ++i) {
        out_raw[i] = std::llround(outputs[r * n_out + i] / fo.lsb());
        const double d = outputs[r * n_out + i] - (zero ? 0.0 : inputs[r * n + i]);
        se += d * d;
      }
      scores[r] = to_real(anomaly_score_raw(model, in_raw, out_raw), model.anomaly_score->format);
      anomalous[r] = split.y[r] != 0;
    }
    m.loss = split.rows() ? se / static_cast<double>(split.rows() * n_out) : std::numeric_limits<double>::quiet_NaN();
    m.auc = roc_auc(scores, anomalous);
    m.task = {{"tpr_at_fpr_1e-2", tpr_at_fpr(scores, anomalous, 1e-2)},
              {"tpr_at_fpr_1e-3", tpr_at_fpr(scores, anomalous, 1e-3)},
              {"tpr_at_fpr_1e-4", tpr_at_fpr(scores, anomalous, 1e-4)}};
    return m;
  }

  std::vector<std::string> metric_names() const override {
    std::vector<std::string> out;
    for (const auto& m : autoencoder_metrics) out.emplace_back(m.name);
    return out;
  }

 private:
  TaskSpec spec_;
};
}  // namespace

std::unique_ptr<Task> make_autoencoder_task(const TaskSpec& spec) { return std::make_unique<AutoencoderTask>(spec); }

}  // namespace nas4ml::nn::detail
