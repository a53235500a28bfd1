#include "nas4ml/campaign/task_physics.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "nas4ml/campaign/member_physics.hpp"
#include "nas4ml/nn/anomaly_score.hpp"
#include "nas4ml/nn/golden_inference.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"
#include "nas4ml/nn/metrics.hpp"
#include "nas4ml/nn/task_metrics.hpp"

namespace nas4ml::campaign {
namespace {

std::string color(std::size_t k) { return member_color(k); }
constexpr double kWorkingFprs[] = {1e-2, 1e-3, 1e-4};

void autoencoder_figures(TaskPhysics& m, const nn::QuantizedModel& model, const data::Split& test) {
  const auto raw = nn::anomaly_scores(model, nn::quantize_inputs(model, test.x));
  std::vector<double> scores(raw.size());
  std::vector<std::uint8_t> anomalous(test.rows());
  for (std::size_t i = 0; i < raw.size(); ++i) scores[i] = to_real(raw[i], model.anomaly_score->format);
  for (std::size_t i = 0; i < test.rows(); ++i) anomalous[i] = test.y[i] != 0;
  m.roc = nn::roc_curve(scores, anomalous);
  m.auc = nn::roc_auc(scores, anomalous);
  for (double f : kWorkingFprs) m.working_points.emplace_back(f, nn::tpr_at_fpr(scores, anomalous, f));
}

void regression_figures(TaskPhysics& m, const nn::QuantizedModel& model, const data::Split& test) {
  const auto out = nn::golden_forward_batch(model, nn::quantize_inputs(model, test.x));
  const auto n = static_cast<std::size_t>(model.n_outputs());
  const auto& f = model.layers.back().result_format;
  double offset = 0.0, scale = 1.0;  // raw units: y = y' / scale + offset
  if (model.training.is_object() && model.training.contains("targets")) {
    const Json& t = model.training["targets"];
    offset = t.at("offset").at(0).get<double>();
    scale = t.at("scale").at(0).get<double>();
    m.target = t.at("names").at(0).get<std::string>();
  }
  for (std::size_t r = 0; r < test.rows(); ++r) {
    m.predicted.push_back(to_real(out[r * n], f) / scale + offset);
    m.truth.push_back(static_cast<double>(test.target(static_cast<Eigen::Index>(r), 0)) / scale + offset);
  }
  const nn::RegressionQuality q = nn::regression_quality(m.predicted, m.truth);
  m.resolution = q.resolution;
  m.bias = q.bias;
}
}  // namespace

TaskPhysics task_physics(const EvaluationRecord& rec, const std::string& kind, const data::Split& test,
                         const std::string& where) {
  TaskPhysics m;
  m.id = rec.genome_hash;
  m.kind = kind;
  const nn::QuantizedModel model = nn::quantized_model_from_json(JsonView(rec.model, where, "$.model"));
  if (kind == "autoencoder" && model.anomaly_score) autoencoder_figures(m, model, test);
  else if (kind == "regression") regression_figures(m, model, test);
  return m;
}

Plot anomaly_plot(const std::vector<TaskPhysics>& ms, bool rejection) {
  Plot p;
  p.title = rejection ? "Background rejection vs signal efficiency, anomaly score (test split)"
                      : "ROC of the anomaly score (test split)";
  p.x_label = rejection ? "signal (anomaly) efficiency" : "background efficiency (false-positive rate)";
  p.y_label = rejection ? "background rejection 1/FPR" : "signal (anomaly) efficiency";
  p.log_y = rejection;
  p.log_x = !rejection;
  PlotSeries wp{"working points: TPR at FPR 1e-2, 1e-3, 1e-4", {}, {}, "#000"};
  wp.radius = 5;
  wp.hollow = true;
  for (std::size_t k = 0; k < ms.size(); ++k) {
    const auto& m = ms[k];
    p.series.push_back(roc_series(fmt::format("{} (AUC {:.4f})", m.id, m.auc), m.roc, color(k), rejection, p.log_x));
    for (const auto& [fpr, tpr] : m.working_points) {
      wp.x.push_back(rejection ? tpr : fpr);
      wp.y.push_back(rejection ? 1.0 / fpr : tpr);
      wp.tooltips.push_back(fmt::format("{}: signal efficiency {:.4f} at FPR {:g}", m.id, tpr, fpr));
    }
  }
  p.series.push_back(std::move(wp));
  p.notes.push_back("rings: the working points, signal efficiency at background rates 1e-2, 1e-3, 1e-4");
  return p;
}

Plot regression_plot(const TaskPhysics& m, bool residual, std::size_t max_points) {
  Plot p;
  const std::string name = m.target.empty() ? "target" : m.target;
  p.title = residual ? fmt::format("Relative residual: {}", m.id) : fmt::format("Predicted vs true {}: {}", name, m.id);
  p.x_label = "true " + name;
  p.y_label = residual ? "(predicted - true) / true" : "predicted " + name;
  p.diagonal = !residual;
  const std::size_t step = std::max<std::size_t>(1, (m.truth.size() + max_points - 1) / std::max<std::size_t>(1, max_points));
  PlotSeries s{fmt::format("test rows (every {})", step), {}, {}, "#1f77b4"};
  s.radius = 1.5;
  for (std::size_t i = 0; i < m.truth.size(); i += step) {
    if (residual && m.truth[i] == 0.0) continue;  // the relative error is undefined there
    s.x.push_back(m.truth[i]);
    s.y.push_back(residual ? (m.predicted[i] - m.truth[i]) / m.truth[i] : m.predicted[i]);
  }
  p.series.push_back(std::move(s));
  if (residual) {
    const auto [lo, hi] = std::minmax_element(m.truth.begin(), m.truth.end());
    if (lo != m.truth.end()) {
      p.series.push_back(PlotSeries{fmt::format("bias {:+.4f}", m.bias), {*lo, *hi}, {m.bias, m.bias}, "#d62728", true});
      p.series.back().radius = 0;
    }
    p.notes.push_back(fmt::format("resolution (std of the relative residual) {:.4f}, bias (its mean) {:+.4f}",
                                  m.resolution, m.bias));
  } else {
    p.notes.push_back("line: y = x, a perfect regression");
  }
  return p;
}

std::string task_physics_html(const std::vector<TaskPhysics>& ms) {
  if (ms.empty()) return "";
  std::string h = "<h2>Front members: " + std::string(ms.front().kind == "regression" ? "residuals" : "anomaly detection") +
                  "</h2>\n<p class=\"note\">Recomputed from each stored model on the test split with the golden integer "
                  "model (what the firmware computes).</p>\n<div class=\"plots\">\n";
  if (ms.front().kind == "autoencoder") {
    h += render_svg(anomaly_plot(ms, true));
    h += render_svg(anomaly_plot(ms, false));
    h += "</div>\n<table><tr><th>id</th><th>AUC</th><th>TPR at FPR 1e-2</th><th>1e-3</th><th>1e-4</th></tr>\n";
    for (const auto& m : ms) {
      h += fmt::format("<tr><td>{}</td><td>{:.4f}</td>", m.id, m.auc);
      for (const auto& wp : m.working_points) h += fmt::format("<td>{:.4f}</td>", wp.second);
      h += "</tr>\n";
    }
    return h + "</table>\n";
  }
  for (const auto& m : ms) {
    h += render_svg(regression_plot(m, false));
    h += render_svg(regression_plot(m, true));
  }
  h += "</div>\n<table><tr><th>id</th><th>resolution</th><th>bias</th></tr>\n";
  for (const auto& m : ms) h += fmt::format("<tr><td>{}</td><td>{:.4f}</td><td>{:+.4f}</td></tr>\n", m.id, m.resolution, m.bias);
  return h + "</table>\n";
}

}  // namespace nas4ml::campaign
