#pragma once
/// \file The campaign report: one self-contained HTML file (inline CSS and SVG, no scripts, no
/// network access) with the Pareto front, the plots a physicist reads, the experiment and manifest.
#include <string>
#include <utility>
#include <vector>

#include "nas4ml/campaign/experiment_config.hpp"
#include "nas4ml/campaign/member_physics.hpp"
#include "nas4ml/campaign/task_physics.hpp"
#include "nas4ml/core/json.hpp"

namespace nas4ml::campaign {

/// One evaluated candidate as the report shows it.
struct ReportCandidate {
  std::string id;
  int generation = 0;
  double accuracy = 0.0;    ///< fixed-point test accuracy
  double lut = 0.0;         ///< estimated
  double latency_ns = 0.0;  ///< estimated
  bool on_front = false;
  bool failed = false;             ///< did not finish (failed, timeout or stopped early)
  std::vector<double> objectives;  ///< in the experiment's objective order (empty when failed)
  bool feasible = true;            ///< meets every constraint
  bool baseline = false;           ///< a baseline model, not a searched candidate
  bool stopped_early = false;      ///< stopped by the multi-fidelity check (counted apart from failures)
};

/// Estimated and synthesized value of one resource for one candidate.
struct EstimateVsSynthesis {
  std::string id;
  std::string resource;  ///< lut, ff, ...
  double estimated = 0.0;
  double synthesized = 0.0;
};

/// Everything the report renders.
struct ReportData {
  std::string title;                                  ///< e.g. the run name
  std::vector<ReportCandidate> candidates;
  std::vector<Objective> objectives;                  ///< what the experiment optimizes, in order
  std::string objectives_text;                        ///< one line: objectives and constraints
  std::vector<std::pair<int, double>> hypervolume;    ///< (generation, hypervolume)
  std::vector<std::string> hypervolume_notes;         ///< how the hypervolume is normalized
  std::vector<EstimateVsSynthesis> estimate_vs_synthesis;
  std::vector<std::string> front_columns;             ///< column names of the front table
  std::vector<std::vector<std::string>> front_rows;   ///< one row per front member, formatted
  std::vector<std::string> baseline_lines;            ///< one per baseline: which front designs dominate it
  std::vector<MemberPhysics> physics;                 ///< front members (up to 6, spread along the front)
  std::string physics_note;                           ///< why there is no physics section, when there is none
  std::vector<TaskPhysics> task_physics;              ///< regression/autoencoder front members (task_physics.hpp)
  Json experiment;
  Json manifest;
};

/// Renders the report as one HTML document.
std::string render_report_html(const ReportData& data);

}  // namespace nas4ml::campaign
