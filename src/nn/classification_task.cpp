// The classification task: softmax cross-entropy over class labels, accuracy/AUC metrics. The
// trainer keeps its own vectorized path for it (Mlp::train_step with labels), so this class is
// what the registry and the campaign see: output count, metrics, and a plain loss.
#include <algorithm>
#include <cmath>

#include "nas4ml/core/error.hpp"
#include "nas4ml/nn/quantized_model.hpp"
#include "task_kinds.hpp"

namespace nas4ml::nn::detail {

namespace {
class ClassificationTask final : public Task {
 public:
  std::string kind() const override { return "classification"; }
  void prepare(data::LoadedDataset&, const std::string&) const override {}
  int output_units(const data::LoadedDataset& data) const override { return static_cast<int>(data.n_classes()); }
  double loss_gradient(const float* out, std::size_t ld, int n_out, int batch, const float* target,
                       float* grad) const override {
    // `target` holds one-hot rows here (the trainer passes class labels on its own path).
    double loss = 0.0;
    for (int j = 0; j < batch; ++j) {
      const float* z = out + static_cast<std::size_t>(j) * ld;
      const float top = *std::max_element(z, z + n_out);
      double sum = 0.0;
      for (int o = 0; o < n_out; ++o) sum += std::exp(static_cast<double>(z[o] - top));
      for (int o = 0; o < n_out; ++o) {
        const double p = std::exp(static_cast<double>(z[o] - top)) / sum;
        const double t = target[static_cast<std::size_t>(j) * n_out + o];
        loss -= t * std::log(std::max(p, 1e-300));
        grad[static_cast<std::size_t>(j) * ld + o] += static_cast<float>((p - t) / batch);
      }
    }
    return loss;
  }
  void finish_model(QuantizedModel&, const data::LoadedDataset&) const override {}
  Metrics metrics(const QuantizedModel& model, const std::vector<double>& outputs, const std::vector<double>&,
                  const data::Split& split) const override {
    return compute_metrics(outputs, split.y, model.n_outputs(), 1);
  }
  std::vector<std::string> metric_names() const override { return {}; }
};
}  // namespace

std::unique_ptr<Task> make_classification_task(const TaskSpec&) { return std::make_unique<ClassificationTask>(); }

}  // namespace nas4ml::nn::detail
