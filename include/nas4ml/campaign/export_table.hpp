#pragma once
/// \file `nas4ml export runs/NAME --csv|--json`: every evaluation of a campaign as one row of
/// flat, named columns, in the spirit of Optuna's `trials_dataframe()` (docs/store.md lists them).
#include <string>
#include <vector>

#include "nas4ml/campaign/store.hpp"

namespace nas4ml::campaign {

/// Rows in (generation, index) order; cells are numbers, strings, booleans or null.
struct ExportTable {
  std::vector<std::string> columns;
  std::vector<std::vector<Json>> rows;
};

/// Columns: number, id, generation, index, status, failure_reason, `values_<metric>` for each
/// objective in order, violation, feasible, on_front (last stored front), baseline (rows after the
/// searched candidates, one per stored baseline: id = its name, no generation or index), arch (the `space sample`
/// notation), val_/test_ accuracy, auc, loss, epochs_run, est_lut ... est_ebops, synth_status,
/// synth_lut, synth_ff (latest synthesis), train_seconds, estimate_seconds.
ExportTable export_table(const Store& store);

/// RFC 4180 CSV with a header line (empty cells for null; strings quoted when needed).
std::string to_csv(const ExportTable& table);

/// A JSON array of objects, keys in column order.
nlohmann::ordered_json to_json(const ExportTable& table);

}  // namespace nas4ml::campaign
