#pragma once
/// \file What a physicist reads about one front member, recomputed from its stored QuantizedModel
/// on the test split with the golden integer model (so it is deterministic and is what the
/// firmware computes): for binary tasks the ROC curve and the background rejection at 50% signal
/// efficiency (the trigger working point), for more classes the confusion matrix and per-class
/// accuracy; and the estimator's per-layer LUT, FF and latency.
#include <optional>
#include <string>
#include <vector>

#include "nas4ml/campaign/float_reference.hpp"
#include "nas4ml/campaign/svg_plot.hpp"
#include "nas4ml/campaign/store.hpp"
#include "nas4ml/data/dataset.hpp"
#include "nas4ml/nn/roc_curve.hpp"

namespace nas4ml::campaign {

/// The colour of the k-th member in the report's plots (one palette for every physics plot).
std::string member_color(std::size_t k);

/// `roc` as a line of a plot: (FPR, TPR), or (TPR, 1/FPR) for a rejection plot. Points a log axis
/// cannot show are left out: FPR = 0 or TPR = 0 in a rejection plot, FPR = 0 when `log_fpr_axis`.
PlotSeries roc_series(std::string label, const nn::RocCurve& roc, const std::string& color, bool rejection,
                      bool log_fpr_axis);

/// One layer's estimated cost.
struct LayerCost {
  double lut = 0, ff = 0, latency_cycles = 0;
};

/// The physics view of one candidate on the test split.
struct MemberPhysics {
  std::string id;
  std::vector<std::string> class_names;
  bool binary = false;
  nn::RocCurve roc;                      ///< binary: signal (class 1) against the rest
  double rejection_at_50 = 0.0;          ///< binary: 1/FPR at 50% signal efficiency (inf when FPR = 0)
  double auc = 0.0;
  std::vector<std::vector<std::int64_t>> confusion;  ///< [true][predicted]
  std::vector<double> class_accuracy;    ///< per true class
  double accuracy = 0.0;
  std::vector<LayerCost> layers;         ///< from the stored estimate
  std::optional<FloatReference> reference;  ///< the float reference, when computed (float_reference.hpp)
};

/// Recomputes `record`'s physics on `test` (the campaign's test split). Throws ConfigError (naming
/// `where`) when the stored model does not read.
MemberPhysics member_physics(const EvaluationRecord& record, const data::Split& test, const std::string& where);

/// The report's section for the front members (ROC and rejection plots overlaid for binary
/// tasks, a confusion matrix each otherwise; quantized vs float-reference accuracy with the drop;
/// per-layer bars each).
std::string physics_section_html(const std::vector<MemberPhysics>& members);

}  // namespace nas4ml::campaign
