#include "nas4ml/campaign/report_builder.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include <fmt/format.h>

#include "nas4ml/campaign/recalibration.hpp"

namespace nas4ml::campaign {
namespace {

Json number_or_null(const Json& j, const char* key) {
  if (j.is_object() && j.contains(key) && j[key].is_number()) return j[key];
  return nullptr;
}

std::string cell(const Json& v, const char* f = "{:.0f}") {
  return v.is_number() ? fmt::format(fmt::runtime(f), v.get<double>()) : "-";
}

/// Latest successful synthesis per candidate id.
std::map<std::string, Json> synthesis_by_id(const Store& store) {
  std::map<std::string, Json> out;
  for (const auto& r : store.synthesis_runs())
    if (r.status == "ok") out[r.genome_hash] = r.result;
  return out;
}

}  // namespace

FrontTable front_table(const Store& store) {
  FrontTable t;
  t.columns = {"id", "gen", "val_acc", "test_acc", "lut", "ff", "dsp", "bram18", "latency_ns", "ii", "bops",
               "synth_lut", "synth_ff"};
  t.json = Json::array();
  const auto synth = synthesis_by_id(store);
  std::vector<std::pair<double, EvaluationRecord>> members;
  for (const auto& m : store.front()) {
    auto rec = store.evaluation(m["id"].get<std::string>());
    if (rec) members.emplace_back(m["objectives"][0].get<double>(), std::move(*rec));
  }
  std::stable_sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [key, rec] : members) {
    const Json& est = rec.estimates;
    const Json val = rec.metrics.is_object() ? rec.metrics["validation"] : Json();
    const Json test = rec.metrics.is_object() ? rec.metrics["test"] : Json();
    Json sres;
    if (auto it = synth.find(rec.genome_hash); it != synth.end()) sres = it->second["resources"];
    Json row = {{"id", rec.genome_hash},
                {"generation", rec.generation},
                {"val_accuracy", number_or_null(val, "accuracy")},
                {"test_accuracy", number_or_null(test, "accuracy")},
                {"lut", number_or_null(est, "lut")},
                {"ff", number_or_null(est, "ff")},
                {"dsp", number_or_null(est, "dsp")},
                {"bram18", number_or_null(est, "bram18")},
                {"latency_ns", number_or_null(est, "latency_ns")},
                {"ii", number_or_null(est, "ii")},
                {"bops", number_or_null(est, "bops")},
                {"synth_lut", number_or_null(sres, "lut")},
                {"synth_ff", number_or_null(sres, "ff")}};
    t.rows.push_back({rec.genome_hash, std::to_string(rec.generation), cell(row["val_accuracy"], "{:.4f}"),
                      cell(row["test_accuracy"], "{:.4f}"), cell(row["lut"]), cell(row["ff"]), cell(row["dsp"]),
                      cell(row["bram18"]), cell(row["latency_ns"], "{:.1f}"), cell(row["ii"]), cell(row["bops"]),
                      cell(row["synth_lut"]), cell(row["synth_ff"])});
    t.json.push_back(std::move(row));
  }
  return t;
}

std::string format_table(const FrontTable& t, bool csv) {
  std::string s;
  if (csv) {
    for (std::size_t i = 0; i < t.columns.size(); ++i) s += (i ? "," : "") + t.columns[i];
    s += "\n";
    for (const auto& r : t.rows) {
      for (std::size_t i = 0; i < r.size(); ++i) s += (i ? "," : "") + (r[i] == "-" ? std::string() : r[i]);
      s += "\n";
    }
    return s;
  }
  std::vector<std::size_t> w(t.columns.size());
  for (std::size_t i = 0; i < w.size(); ++i) {
    w[i] = t.columns[i].size();
    for (const auto& r : t.rows) w[i] = std::max(w[i], r[i].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i)
      s += (i ? "  " : "") + (i == 0 ? fmt::format("{:<{}}", cells[i], w[i]) : fmt::format("{:>{}}", cells[i], w[i]));
    s += "\n";
  };
  line(t.columns);
  for (const auto& r : t.rows) line(r);
  return s;
}

estimate::DeviceModel campaign_device(const Store& store) {
  const Json manifest = store.manifest();
  auto device = estimate::load_device_model(manifest.at("device_file").get<std::string>());
  refit_rtl_calibration(device, store.synthesis_runs(), /*log=*/false);
  return device;
}

ReportData report_data(const Store& store, const RunPaths& paths, const estimate::DeviceModel& device) {
  ReportData d;
  d.title = paths.root().filename().string();
  std::set<std::string> on_front;
  for (const auto& m : store.front()) on_front.insert(m["id"].get<std::string>());
  for (const auto& rec : store.evaluations()) {
    ReportCandidate c;
    c.id = rec.genome_hash;
    c.generation = rec.generation;
    c.failed = rec.status != "ok";
    c.on_front = on_front.count(rec.genome_hash) > 0;
    if (!c.failed) {
      c.accuracy = rec.metrics["validation"].value("accuracy", 0.0);
      c.lut = rec.estimates.value("lut", 0.0);
      c.latency_ns = rec.estimates.value("latency_ns", 0.0);
    }
    d.candidates.push_back(c);
  }
  d.hypervolume = store.hypervolume_history();
  const auto cal = device.calibration_for("rtl");
  const CalibrationPoints p = calibration_points(store.synthesis_runs());
  for (std::size_t i = 0; i < p.ids.size(); ++i) {
    d.estimate_vs_synthesis.push_back({p.ids[i], "lut", cal.lut.apply(p.estimated_lut[i]), p.synthesized_lut[i]});
    d.estimate_vs_synthesis.push_back({p.ids[i], "ff", cal.ff.apply(p.estimated_ff[i]), p.synthesized_ff[i]});
  }
  const auto table = front_table(store);
  d.front_columns = table.columns;
  d.front_rows = table.rows;
  d.experiment = store.experiment();
  d.manifest = store.manifest();
  return d;
}

std::filesystem::path write_report(const Store& store, const RunPaths& paths, const estimate::DeviceModel& device) {
  const std::string html = render_report_html(report_data(store, paths, device));
  const auto tmp = paths.report().string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << html;
    if (!out) throw ConfigError(paths.report().string(), "", "cannot write the report", "a writable folder", "write failed");
  }
  std::filesystem::rename(tmp, paths.report());
  return paths.report();
}

}  // namespace nas4ml::campaign
