#pragma once
// The registered task kinds' factories (one source file each); task.cpp's registry lists them.
#include <memory>

#include "nas4ml/nn/task.hpp"

namespace nas4ml::nn::detail {

std::unique_ptr<Task> make_classification_task(const TaskSpec& spec);
std::unique_ptr<Task> make_regression_task(const TaskSpec& spec);
std::unique_ptr<Task> make_autoencoder_task(const TaskSpec& spec);

/// Metric names (and whether each is maximized) of the regression and autoencoder kinds.
struct MetricName {
  const char* name;
  bool maximize;
};
extern const MetricName regression_metrics[5];
extern const MetricName autoencoder_metrics[3];

}  // namespace nas4ml::nn::detail
