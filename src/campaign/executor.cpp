#include "nas4ml/campaign/executor.hpp"

#include <oneapi/tbb/info.h>

#include <algorithm>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "nas4ml/campaign/mpi_executor.hpp"
#include "nas4ml/core/error.hpp"

namespace nas4ml::campaign {
namespace {


ExecutorKind local_kind() {
  ExecutorKind k;
  k.name = "local";
  k.description = "this process's threads (TBB)";
  k.is_server = [] { return false; };
  k.serve = [](int) { throw InternalError("the local executor has no servers"); };
  k.make = make_local_executor;
  return k;
}

struct Registry {
  Registry() {
    // The registration lines of the built-in kinds.
    kinds.emplace("local", local_kind());
    if (auto mpi = mpi_executor_kind()) kinds.emplace("mpi", std::move(*mpi));
  }
  std::mutex mutex;
  std::map<std::string, ExecutorKind, std::less<>> kinds;
};

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

int resolve_threads(int requested, const ExperimentConfig& config) {
  const int t = requested >= 0 ? requested : config.threads;
  return t > 0 ? t : tbb::info::default_concurrency();
}

void register_executor(ExecutorKind kind) {
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  const std::string name = kind.name;
  r.kinds.insert_or_assign(name, std::move(kind));
}

const ExecutorKind& executor_kind(std::string_view name, std::string_view field) {
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  const auto it = r.kinds.find(name);
  if (it == r.kinds.end()) {
    std::string names;
    for (const auto& [n, k] : r.kinds) names += (names.empty() ? "" : ", ") + n;
    throw ConfigError(std::string(field), "", "unknown executor", "one of " + names, std::string(name));
  }
  return it->second;
}

std::vector<std::string> executor_names() {
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  std::vector<std::string> names;
  for (const auto& [n, k] : r.kinds) names.push_back(n);
  return names;
}

}  // namespace nas4ml::campaign
