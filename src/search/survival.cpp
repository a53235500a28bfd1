#include "nas4ml/search/survival.hpp"

#include <utility>

#include "nas4ml/core/error.hpp"
#include "nas4ml/search/nsga2_survival.hpp"
#include "nas4ml/search/nsga3_survival.hpp"
#include "nas4ml/search/smsemoa_survival.hpp"

namespace nas4ml::search {

namespace {
// The registry: one line per kind.
const std::vector<std::pair<std::string, SurvivalFactory>>& registry() {
  static const std::vector<std::pair<std::string, SurvivalFactory>> kinds = {
      {"nsga2", make_nsga2_survival},
      {"smsemoa", make_smsemoa_survival},
      {"nsga3", make_nsga3_survival},
  };
  return kinds;
}
}  // namespace

std::vector<std::string> survival_kinds() {
  std::vector<std::string> out;
  for (const auto& [name, factory] : registry()) out.push_back(name);
  return out;
}

std::unique_ptr<Survival> make_survival(const std::string& kind, const SurvivalSettings& settings,
                                        const std::string& field) {
  std::string names;
  for (const auto& [name, factory] : registry()) {
    if (name == kind) return factory(settings);
    names += (names.empty() ? "\"" : ", \"") + name + "\"";
  }
  throw ConfigError("", field, "unknown search algorithm", "one of " + names, "\"" + kind + "\"");
}

FrontSplit split_fronts(const std::vector<Point>& points, const std::vector<double>& violations, std::size_t mu) {
  FrontSplit out;
  out.sorted = non_dominated_sort(points, violations);
  for (const auto& front : out.sorted.fronts) {
    if (out.kept.size() + front.size() <= mu) {
      out.kept.insert(out.kept.end(), front.begin(), front.end());
      if (out.kept.size() == mu) break;
      continue;
    }
    out.last = front;
    out.last_feasible = violations[front.front()] == 0.0;
    break;
  }
  return out;
}

}  // namespace nas4ml::search
