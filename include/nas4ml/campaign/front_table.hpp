#pragma once
/// \file The Pareto front as a table (`nas4ml front`, the report): its columns follow the
/// experiment — the objectives first (named by their metric), then the metrics the constraints
/// bound, then the other metrics and the synthesized counts.
#include <string>
#include <vector>

#include "nas4ml/campaign/objective_setup.hpp"
#include "nas4ml/campaign/store.hpp"

namespace nas4ml::campaign {

/// The front of a campaign, one row per member of the last stored front, best first in the first
/// objective. Columns: id, gen, the objectives, the constrained metrics, then accuracy and auc (on
/// the experiment's metrics split), the same on the other split (`test_accuracy`, `test_auc`, or
/// `validation_...` when the objectives use the test split), lut, ff, dsp, bram, latency_ns, ii,
/// bops, ebops (estimated), synth_lut and synth_ff (latest successful synthesis), each once.
/// The experiment's baselines follow the front members, with `gen` = "baseline", and the header
/// says how many front members dominate each.
struct FrontTable {
  std::string header;                           ///< objectives and constraints (one line), then one line per baseline
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;   ///< formatted cells, "-" where absent
  nlohmann::ordered_json json;                  ///< array of objects, keys in column order, numbers (null where absent)
};
FrontTable front_table(const Store& store);

/// The column names front_table() uses for `setup`, in order.
std::vector<std::string> front_columns(const ObjectiveSetup& setup);

/// Table as aligned text columns under its header line (for terminals) or CSV (columns only).
std::string format_table(const FrontTable& table, bool csv);

/// The best value of each objective over a stored front (Store::front()): `auc 0.8123, ebops 1520`.
std::string best_objectives(const Json& front, const ObjectiveSetup& setup);

}  // namespace nas4ml::campaign
