#pragma once
/// \file Knowledge distillation: training a small student classifier from a larger teacher's
/// softened outputs as well as from the labels (G. Hinton, O. Vinyals, J. Dean, "Distilling the
/// Knowledge in a Neural Network", arXiv:1503.02531, 2015). The student's loss per sample is
///   alpha * CE(y, softmax(z)) + (1 - alpha) * T^2 * KL(softmax(t / T) || softmax(z / T)),
/// z the student's logits, t the teacher's, T the temperature; the T^2 factor keeps the soft
/// term's gradient magnitude independent of T. The teacher enters training only through its
/// logits on the training split (computed once: a float network trained on the same split, or a
/// user-supplied model), so the student's run is as deterministic as without a teacher.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace nas4ml::nn {

/// A teacher as training sees it: its logits on every row of the training split.
struct Teacher {
  std::string source;           ///< what it is (a model spec trained in float, a model file), for messages
  int n_classes = 0;
  std::vector<float> logits;    ///< training rows x n_classes, row-major, in the split's row order
  double test_accuracy = 0.0;   ///< of the teacher on the test split (reported, not used)

  std::size_t rows() const noexcept { return n_classes > 0 ? logits.size() / static_cast<std::size_t>(n_classes) : 0; }
};

/// Adds to `grad` (n_out x batch, column-major, leading dimension `ld`) the gradient of the MEAN
/// distillation loss over the batch w.r.t. the student's logits `out` (same layout), given the
/// labels `y` and the teacher's logits `teacher` (batch rows of n_out floats, row-major); returns
/// the SUMMED loss. alpha in [0, 1], temperature > 0.
double distillation_loss_gradient(const float* out, std::size_t ld, int n_out, int batch, const std::int32_t* y,
                                  const float* teacher, double alpha, double temperature, float* grad);

/// Whether a training spec's alpha asks for a teacher (alpha < 1).
inline bool distills(double alpha) noexcept { return alpha < 1.0; }

}  // namespace nas4ml::nn
