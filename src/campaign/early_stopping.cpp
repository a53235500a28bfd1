#include "nas4ml/campaign/early_stopping.hpp"

#include <algorithm>
#include <cmath>

#include "nas4ml/core/error.hpp"
#include "nas4ml/nn/pruning.hpp"
#include "nas4ml/nn/task.hpp"

namespace nas4ml::campaign {

bool is_training_metric(const std::string& metric) {
  if (metric == "accuracy" || metric == "auc") return true;
  const auto& task = nn::task_metric_names();
  return std::find(task.begin(), task.end(), metric) != task.end();
}

EarlyStopRule make_early_stop_rule(const MultiFidelityConfig& config, const std::vector<Objective>& objectives,
                                   const std::vector<std::string>& front_ids,
                                   const std::vector<std::vector<double>>& front, const std::vector<double>& lo,
                                   const std::vector<double>& hi) {
  NAS4ML_ASSERT(lo.size() == objectives.size() && hi.size() == objectives.size() && front_ids.size() == front.size(),
                "make_early_stop_rule: one range per objective, one id per front member");
  EarlyStopRule r;
  r.fraction = config.fraction;
  for (std::size_t k = 0; k < objectives.size(); ++k) {
    r.signs.push_back(objectives[k].direction == Direction::maximize ? -1.0 : 1.0);
    const double slack = is_training_metric(objectives[k].metric) ? config.quality_slack : config.hardware_slack;
    r.margins.push_back(slack * std::max(0.0, hi[k] - lo[k]));
  }
  r.front_ids = front_ids;
  r.front = front;
  return r;
}

int check_epoch(double fraction, int epochs, int prune_rounds, double sparsity) {
  if (epochs < 2) return 0;
  const nn::PruningSchedule schedule(epochs, std::max(1, prune_rounds), sparsity);
  const int pruned = sparsity > 0.0 ? schedule.final_epoch() + 1 : 1;  // completed epochs at final sparsity
  const int at = std::max(static_cast<int>(std::ceil(fraction * epochs - 1e-9)), pruned);
  return at < epochs ? std::max(at, 1) : 0;
}

std::optional<std::size_t> dominating_member(const EarlyStopRule& rule, const std::vector<double>& objectives) {
  const std::size_t m = rule.signs.size();
  if (objectives.size() != m) return std::nullopt;
  std::vector<double> optimistic(m);  // minimized, moved toward better by the margins
  for (std::size_t k = 0; k < m; ++k) {
    if (std::isnan(objectives[k])) return std::nullopt;  // nothing to judge: let it train
    optimistic[k] = rule.signs[k] * objectives[k] - rule.margins[k];
  }
  for (std::size_t i = 0; i < rule.front.size(); ++i) {
    bool no_worse = true, better = false;
    for (std::size_t k = 0; k < m && no_worse; ++k) {
      const double f = rule.signs[k] * rule.front[i].at(k);
      no_worse = f <= optimistic[k];
      better = better || f < optimistic[k];
    }
    if (no_worse && better) return i;
  }
  return std::nullopt;
}

Json to_json(const EarlyStopRule& r) {
  return {{"fraction", r.fraction}, {"signs", r.signs}, {"margins", r.margins}, {"front_ids", r.front_ids},
          {"front", r.front}};
}

EarlyStopRule early_stop_rule_from_json(const Json& j) {
  EarlyStopRule r;
  r.fraction = j.at("fraction").get<double>();
  r.signs = j.at("signs").get<std::vector<double>>();
  r.margins = j.at("margins").get<std::vector<double>>();
  r.front_ids = j.at("front_ids").get<std::vector<std::string>>();
  r.front = j.at("front").get<std::vector<std::vector<double>>>();
  return r;
}

}  // namespace nas4ml::campaign
