#include "nas4ml/campaign/hypervolume_bounds.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace nas4ml::campaign {

std::optional<HypervolumeBounds> bounds_of(const std::vector<std::vector<double>>& points) {
  if (points.empty()) return std::nullopt;
  HypervolumeBounds b{points.front(), points.front()};
  for (const auto& p : points)
    for (std::size_t k = 0; k < p.size() && k < b.lo.size(); ++k) {
      b.lo[k] = std::min(b.lo[k], p[k]);
      b.hi[k] = std::max(b.hi[k], p[k]);
    }
  for (std::size_t k = 0; k < b.lo.size(); ++k)
    if (b.hi[k] - b.lo[k] < 1e-12) b.hi[k] = b.lo[k] + 1.0;
  return b;
}

Json to_json(const HypervolumeBounds& bounds) { return {{"lo", bounds.lo}, {"hi", bounds.hi}}; }

namespace {

std::vector<double> read_end(const JsonView& parent, const char* key, std::size_t objectives) {
  const JsonView end = parent.at(key);
  end.require_array(fmt::format("an array of {} numbers", objectives));
  if (end.size() != objectives)
    end.fail("wrong number of objectives", std::to_string(objectives), std::to_string(end.size()));
  std::vector<double> out;
  for (std::size_t k = 0; k < objectives; ++k) {
    const JsonView v = end.at(k);
    if (!v.json().is_number() || !std::isfinite(v.json().get<double>()))
      v.fail("wrong type", "a finite number", describe_json(v.json()));
    out.push_back(v.json().get<double>());
  }
  return out;
}

}  // namespace

std::optional<HypervolumeBounds> read_hypervolume_bounds(const Json& state, std::size_t objectives,
                                                         const std::string& file) {
  if (!state.is_object() || !state.contains("hv_bounds") || state["hv_bounds"].is_null()) return std::nullopt;
  const JsonView view(state["hv_bounds"], file, "$.hv_bounds");
  view.require_object("the hypervolume bounds {\"lo\": [...], \"hi\": [...]}");
  view.check_keys({"lo", "hi"});
  HypervolumeBounds b{read_end(view, "lo", objectives), read_end(view, "hi", objectives)};
  for (std::size_t k = 0; k < objectives; ++k)
    if (!(b.hi[k] > b.lo[k]))
      view.at("hi").at(k).fail("upper bound not above the lower bound", fmt::format("more than {}", b.lo[k]),
                               fmt::format("{}", b.hi[k]));
  return b;
}

}  // namespace nas4ml::campaign
