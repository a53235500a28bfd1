// The regression task: numeric targets taken out of the data set's feature columns, an MSE or
// Huber loss (Huber, "Robust estimation of a location parameter", Ann. Math. Statist. 35, 1964)
// in standardized target units, and metrics in the targets' raw units: MSE, MAE, and the
// resolution (standard deviation) and bias (mean) of the relative error, the figures a trigger
// regression (momentum, mass) is judged by.
#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/nn/quantized_model.hpp"
#include "nas4ml/nn/task_metrics.hpp"
#include "task_kinds.hpp"

namespace nas4ml::nn::detail {

const MetricName regression_metrics[5] = {
    {"mse", false}, {"mae", false}, {"resolution", false}, {"bias", false}, {"abs_bias", false}};

namespace {

// Moves columns `cols` (ascending) of x into a target matrix.
void split_columns(data::Split& s, const std::vector<std::size_t>& cols) {
  const auto n = static_cast<std::size_t>(s.x.cols());
  std::vector<std::size_t> keep;
  for (std::size_t c = 0; c < n; ++c)
    if (std::find(cols.begin(), cols.end(), c) == cols.end()) keep.push_back(c);
  data::FeatureMatrix x(s.x.rows(), static_cast<Eigen::Index>(keep.size()));
  data::FeatureMatrix t(s.x.rows(), static_cast<Eigen::Index>(cols.size()));
  for (Eigen::Index r = 0; r < s.x.rows(); ++r) {
    for (std::size_t k = 0; k < keep.size(); ++k) x(r, static_cast<Eigen::Index>(k)) = s.x(r, static_cast<Eigen::Index>(keep[k]));
    for (std::size_t k = 0; k < cols.size(); ++k) t(r, static_cast<Eigen::Index>(k)) = s.x(r, static_cast<Eigen::Index>(cols[k]));
  }
  s.x = std::move(x);
  s.target = std::move(t);
}

template <class T>
std::vector<T> without(const std::vector<T>& v, const std::vector<std::size_t>& cols) {
  std::vector<T> out;
  for (std::size_t c = 0; c < v.size(); ++c)
    if (std::find(cols.begin(), cols.end(), c) == cols.end()) out.push_back(v[c]);
  return out;
}

template <class T>
std::vector<T> only(const std::vector<T>& v, const std::vector<std::size_t>& cols) {
  std::vector<T> out;
  for (auto c : cols) out.push_back(v.at(c));
  return out;
}

class RegressionTask final : public Task {
 public:
  explicit RegressionTask(TaskSpec spec) : spec_(std::move(spec)) {}
  std::string kind() const override { return "regression"; }

  void prepare(data::LoadedDataset& data, const std::string& source) const override {
    std::vector<std::size_t> cols;
    for (std::size_t k = 0; k < spec_.targets.size(); ++k) {
      const auto it = std::find(data.feature_names.begin(), data.feature_names.end(), spec_.targets[k]);
      if (it == data.feature_names.end())
        throw ConfigError(source, fmt::format("$.task.targets[{}]", k), "not a feature column of the data set",
                          fmt::format("one of {}", fmt::join(data.feature_names, ", ")), "\"" + spec_.targets[k] + "\"");
      const auto c = static_cast<std::size_t>(it - data.feature_names.begin());
      if (std::find(cols.begin(), cols.end(), c) != cols.end())
        throw ConfigError(source, fmt::format("$.task.targets[{}]", k), "target named twice", "distinct columns",
                          "\"" + spec_.targets[k] + "\"");
      cols.push_back(c);
    }
    if (cols.size() >= data.feature_names.size())
      throw ConfigError(source, "$.task.targets", "no feature column left as input", "fewer targets than columns",
                        std::to_string(cols.size()));
    std::sort(cols.begin(), cols.end());
    for (data::Split* s : {&data.train, &data.validation, &data.test}) split_columns(*s, cols);
    data.target_names = only(data.feature_names, cols);
    data.feature_names = without(data.feature_names, cols);
    auto& p = data.preprocessing;
    data.target_preprocessing.method = p.method;
    if (!p.offset.empty()) {
      data.target_preprocessing.offset = only(p.offset, cols);
      data.target_preprocessing.scale = only(p.scale, cols);
      p.offset = without(p.offset, cols);
      p.scale = without(p.scale, cols);
    }
    units_ = data.target_preprocessing;  // read (never written) by metrics() afterwards
  }

  int output_units(const data::LoadedDataset& data) const override {
    return static_cast<int>(data.target_names.size());
  }

  double loss_gradient(const float* out, std::size_t ld, int n_out, int batch, const float* target,
                       float* grad) const override {
    const bool huber = spec_.loss == "huber";
    const auto delta = static_cast<float>(spec_.huber_delta);
    const float g_scale = 1.0f / static_cast<float>(n_out * batch);
    double loss = 0.0;
    for (int j = 0; j < batch; ++j)
      for (int o = 0; o < n_out; ++o) {
        const float d = out[static_cast<std::size_t>(j) * ld + o] - target[static_cast<std::size_t>(j) * n_out + o];
        float g;
        if (!huber) {
          loss += static_cast<double>(d) * d;
          g = 2.0f * d;
        } else if (std::abs(d) <= delta) {
          loss += 0.5 * static_cast<double>(d) * d;
          g = d;
        } else {
          loss += static_cast<double>(delta) * (std::abs(d) - 0.5 * delta);
          g = d > 0 ? delta : -delta;
        }
        grad[static_cast<std::size_t>(j) * ld + o] += g * g_scale;
      }
    return loss / n_out;
  }

  void finish_model(QuantizedModel& model, const data::LoadedDataset& data) const override {
    model.class_names = data.target_names;  // one per output
  }

  Metrics metrics(const QuantizedModel& model, const std::vector<double>& outputs, const std::vector<double>&,
                  const data::Split& split) const override {
    Metrics m;
    m.samples = split.rows();
    m.accuracy = m.auc = m.background_rejection = std::numeric_limits<double>::quiet_NaN();
    const int n_out = model.n_outputs();
    const std::size_t rows = split.rows();
    // Loss in standardized units, then the quality figures per target in raw units, averaged.
    std::vector<float> grad(rows * static_cast<std::size_t>(n_out));
    std::vector<float> out_f(outputs.begin(), outputs.end());
    m.loss = rows ? loss_gradient(out_f.data(), static_cast<std::size_t>(n_out), n_out, static_cast<int>(rows),
                                  split.target.data(), grad.data()) / static_cast<double>(rows)
                  : std::numeric_limits<double>::quiet_NaN();
    RegressionQuality mean{0, 0, 0, 0};
    for (int o = 0; o < n_out; ++o) {
      std::vector<double> pred(rows), truth(rows);
      for (std::size_t r = 0; r < rows; ++r) {
        pred[r] = raw_units(outputs[r * static_cast<std::size_t>(n_out) + o], o);
        truth[r] = raw_units(split.target(static_cast<Eigen::Index>(r), o), o);
      }
      const RegressionQuality q = regression_quality(pred, truth);
      mean.mse += q.mse / n_out;
      mean.mae += q.mae / n_out;
      mean.resolution += q.resolution / n_out;
      mean.bias += q.bias / n_out;
    }
    m.task = {{"mse", mean.mse}, {"mae", mean.mae}, {"resolution", mean.resolution}, {"bias", mean.bias},
              {"abs_bias", std::abs(mean.bias)}};
    return m;
  }

  std::vector<std::string> metric_names() const override {
    std::vector<std::string> n;
    for (const auto& m : regression_metrics) n.emplace_back(m.name);
    return n;
  }

 private:
  double raw_units(double standardized, int o) const {
    if (units_.offset.empty()) return standardized;
    return standardized / units_.scale[static_cast<std::size_t>(o)] + units_.offset[static_cast<std::size_t>(o)];
  }
  TaskSpec spec_;
  mutable data::Preprocessing units_;  // the targets' preprocessing, set once by prepare()
};
}  // namespace

std::unique_ptr<Task> make_regression_task(const TaskSpec& spec) { return std::make_unique<RegressionTask>(spec); }

}  // namespace nas4ml::nn::detail
