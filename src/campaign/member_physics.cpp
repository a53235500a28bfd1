#include "nas4ml/campaign/member_physics.hpp"

#include <cmath>

#include <fmt/format.h>

#include "nas4ml/campaign/svg_charts.hpp"
#include "nas4ml/campaign/svg_plot.hpp"
#include "nas4ml/nn/golden_inference.hpp"
#include "nas4ml/nn/metrics.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"

namespace nas4ml::campaign {
namespace {

std::string color(std::size_t k) { return member_color(k); }

Plot roc_plot(const std::vector<MemberPhysics>& ms, bool rejection) {
  Plot p;
  p.title = rejection ? "Background rejection vs signal efficiency (test split)" : "ROC curve (test split)";
  p.x_label = rejection ? "signal efficiency" : "background efficiency (false-positive rate)";
  p.y_label = rejection ? "background rejection 1/FPR" : "signal efficiency";
  p.log_y = rejection;
  PlotSeries wp{"working point: 50% signal efficiency", {}, {}, "#000"};
  wp.radius = 5;
  wp.hollow = true;
  for (std::size_t k = 0; k < ms.size(); ++k) {
    const auto& m = ms[k];
    p.series.push_back(roc_series(fmt::format("{} (AUC {:.4f})", m.id, m.auc), m.roc, color(k), rejection, false));
    wp.x.push_back(rejection ? 0.5 : 1.0 / m.rejection_at_50);
    wp.y.push_back(rejection ? m.rejection_at_50 : 0.5);
    wp.tooltips.push_back(fmt::format("{}: rejection {:.1f} at 50% signal efficiency", m.id, m.rejection_at_50));
  }
  p.series.push_back(wp);
  if (rejection) p.notes.push_back("rings: the trigger working point, background rejection at 50% signal efficiency");
  return p;
}

/// Quantized against float-reference test accuracy, one point per member, with y = x: a point
/// below the diagonal loses accuracy to its fixed-point formats.
std::string reference_section(const std::vector<MemberPhysics>& ms) {
  Plot p;
  p.title = "Test accuracy: quantized vs float reference";
  p.x_label = "float reference accuracy (same architecture, float32)";
  p.y_label = "quantized accuracy (integer model)";
  p.diagonal = true;
  p.legend_left = true;  // the members sit on or below the diagonal, the top-left corner stays empty
  std::string rows;
  for (std::size_t k = 0; k < ms.size(); ++k) {
    const auto& r = ms[k].reference;
    if (!r) continue;
    if (!r->ok) {
      rows += fmt::format("<tr><td>{}</td><td>{:.4f}</td><td colspan=\"2\">float training failed: {}</td></tr>\n", r->id,
                          r->quantized_accuracy, html_escape(r->failure));
      continue;
    }
    PlotSeries s{r->id, {r->float_accuracy}, {r->quantized_accuracy}, color(k)};
    s.radius = 5;
    s.tooltips.push_back(fmt::format("{}: quantized {:.4f}, float {:.4f}, drop {:+.2f} points", r->id,
                                     r->quantized_accuracy, r->float_accuracy, r->drop_points()));
    p.series.push_back(std::move(s));
    rows += fmt::format("<tr><td>{}</td><td>{:.4f}</td><td>{:.4f}</td><td>{:+.2f}</td></tr>\n", r->id,
                        r->quantized_accuracy, r->float_accuracy, r->drop_points());
  }
  if (rows.empty()) return "";
  p.notes.push_back("line: y = x; below it the fixed-point model loses accuracy to the float reference");
  std::string h = "<h3>Accuracy drop against a float reference</h3>\n<p class=\"note\">Each member's architecture "
                  "(layers, pruning, training knobs and random streams) trained again in float32 without quantization "
                  "and evaluated in float on the test split; drop = float minus quantized accuracy, in percentage "
                  "points.</p>\n<div class=\"plots\">\n" + render_svg(p) + "</div>\n";
  h += "<table><tr><th>id</th><th>quantized accuracy</th><th>float reference accuracy</th><th>drop (points)</th></tr>\n";
  return h + rows + "</table>\n";
}

std::string layer_bars(const MemberPhysics& m) {
  std::vector<std::string> rows;
  BarSeries lut{"LUT", "#1f77b4", {}}, ff{"FF", "#ff7f0e", {}}, lat{"cycles", "#2ca02c", {}};
  for (std::size_t k = 0; k < m.layers.size(); ++k) {
    rows.push_back(fmt::format("layer {}", k));
    lut.values.push_back(m.layers[k].lut);
    ff.values.push_back(m.layers[k].ff);
    lat.values.push_back(m.layers[k].latency_cycles);
  }
  return render_bar_chart("Per-layer estimate: " + m.id, rows, {lut, ff, lat});
}

}  // namespace

std::string member_color(std::size_t k) {
  static const char* const kColors[] = {"#d62728", "#1f77b4", "#2ca02c", "#9467bd",
                                        "#ff7f0e", "#8c564b", "#e377c2", "#17becf"};
  return kColors[k % (sizeof kColors / sizeof kColors[0])];
}

PlotSeries roc_series(std::string label, const nn::RocCurve& roc, const std::string& color, bool rejection,
                      bool log_fpr_axis) {
  PlotSeries s{std::move(label), {}, {}, color, true};
  s.radius = 0;
  s.keep_order = true;
  for (std::size_t i = 0; i < roc.fpr.size(); ++i) {
    const bool off_log_axis = (rejection && (roc.efficiency[i] <= 0 || roc.fpr[i] <= 0)) || (log_fpr_axis && roc.fpr[i] <= 0);
    if (off_log_axis) continue;
    s.x.push_back(rejection ? roc.efficiency[i] : roc.fpr[i]);
    s.y.push_back(rejection ? 1.0 / roc.fpr[i] : roc.efficiency[i]);
  }
  return s;
}

MemberPhysics member_physics(const EvaluationRecord& rec, const data::Split& test, const std::string& where) {
  MemberPhysics m;
  m.id = rec.genome_hash;
  const nn::QuantizedModel model = nn::quantized_model_from_json(JsonView(rec.model, where, "$.model"));
  m.class_names = model.class_names;
  const int n = model.n_outputs();
  m.binary = n == 2;
  const auto out = nn::golden_forward_batch(model, nn::quantize_inputs(model, test.x));
  std::vector<std::int32_t> predicted(test.rows());
  std::vector<double> scores(test.rows());
  std::vector<std::uint8_t> signal(test.rows());
  for (std::size_t i = 0; i < test.rows(); ++i) {
    const std::span<const std::int64_t> row(out.data() + i * static_cast<std::size_t>(n), static_cast<std::size_t>(n));
    predicted[i] = nn::golden_argmax(row);
    if (m.binary) scores[i] = static_cast<double>(row[1] - row[0]);  // same scale: the output format's
    signal[i] = test.y[i] == 1 ? 1 : 0;
  }
  m.confusion = nn::confusion_matrix(test.y, predicted, n);
  std::int64_t correct = 0;
  for (int c = 0; c < n; ++c) {
    std::int64_t row = 0;
    for (auto v : m.confusion[static_cast<std::size_t>(c)]) row += v;
    correct += m.confusion[static_cast<std::size_t>(c)][static_cast<std::size_t>(c)];
    m.class_accuracy.push_back(row ? static_cast<double>(m.confusion[static_cast<std::size_t>(c)][static_cast<std::size_t>(c)]) / static_cast<double>(row)
                                   : std::nan(""));
  }
  m.accuracy = test.rows() ? static_cast<double>(correct) / static_cast<double>(test.rows()) : std::nan("");
  if (m.binary) {
    m.roc = nn::roc_curve(scores, signal);
    m.rejection_at_50 = nn::background_rejection(scores, signal, 0.5);
    m.auc = nn::roc_auc(scores, signal);
  }
  if (rec.estimates.is_object() && rec.estimates.contains("layers"))
    for (const auto& l : rec.estimates["layers"])
      m.layers.push_back({l.value("lut", 0.0), l.value("ff", 0.0), l.value("latency_cycles", 0.0)});
  return m;
}

std::string physics_section_html(const std::vector<MemberPhysics>& ms) {
  if (ms.empty()) return "";
  std::string h = "<h2>Front members: physics and per-layer cost</h2>\n<p class=\"note\">Recomputed from each stored "
                  "model on the test split with the golden integer model (what the firmware computes).</p>\n";
  h += "<div class=\"plots\">\n";
  if (ms.front().binary) {
    h += render_svg(roc_plot(ms, true));
    h += render_svg(roc_plot(ms, false));
  } else {
    for (const auto& m : ms) {
      std::vector<std::string> notes;
      for (double a : m.class_accuracy) notes.push_back(fmt::format("accuracy {:.3f}", a));
      std::vector<std::string> labels = m.class_names;
      for (std::size_t c = labels.size(); c < m.confusion.size(); ++c) labels.push_back(std::to_string(c));
      h += render_heatmap(fmt::format("Confusion matrix: {} (accuracy {:.4f})", m.id, m.accuracy), labels, m.confusion,
                          "true class", "predicted class", notes);
    }
  }
  for (const auto& m : ms) h += layer_bars(m);
  h += "</div>\n";
  if (ms.front().binary) {
    h += "<table><tr><th>id</th><th>AUC</th><th>rejection at 50% signal efficiency</th><th>accuracy</th></tr>\n";
    for (const auto& m : ms)
      h += fmt::format("<tr><td>{}</td><td>{:.4f}</td><td>{:.2f}</td><td>{:.4f}</td></tr>\n", m.id, m.auc,
                       m.rejection_at_50, m.accuracy);
    h += "</table>\n";
  }
  return h + reference_section(ms);
}

}  // namespace nas4ml::campaign
