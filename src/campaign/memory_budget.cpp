#include "nas4ml/campaign/memory_budget.hpp"

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/core/rng.hpp"
#include "nas4ml/netlist/lower.hpp"
#include "nas4ml/space/operators.hpp"

namespace nas4ml::campaign {
namespace {

struct Shape {
  std::uint64_t parameters = 0, kept = 0, units = 0;
};

/// Parameters, kept (unpruned) weights and units of layers `sizes` (inputs first) with sparsities.
Shape shape_of(const std::vector<int>& sizes, const std::vector<double>& sparsity) {
  Shape s;
  for (std::size_t k = 0; k + 1 < sizes.size(); ++k) {
    const auto w = static_cast<std::uint64_t>(sizes[k]) * static_cast<std::uint64_t>(sizes[k + 1]);
    s.parameters += w + static_cast<std::uint64_t>(sizes[k + 1]);
    s.kept += static_cast<std::uint64_t>(static_cast<double>(w) * (1.0 - sparsity[k]));
    s.units += static_cast<std::uint64_t>(sizes[k + 1]);
  }
  return s;
}

std::uint64_t bytes_of(const Shape& s, int batch, int inputs, std::size_t rows) {
  return s.parameters * 16 + static_cast<std::uint64_t>(batch) * (s.units + static_cast<std::uint64_t>(inputs)) * 12 +
         static_cast<std::uint64_t>(rows) * static_cast<std::uint64_t>(inputs) * 4 + s.kept * 1024;
}

/// $name as a positive number of MiB, in bytes; `fallback_mb` when unset.
std::uint64_t mib_from_env(const char* name, unsigned long long fallback_mb) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::uint64_t{fallback_mb} << 20;
  char* end = nullptr;
  const unsigned long long mb = std::strtoull(v, &end, 10);
  if (end == v || *end != '\0' || mb == 0 || v[0] == '-' || mb > (std::uint64_t{1} << 40))
    throw ConfigError({}, name, "bad environment variable", "a positive number of MiB", fmt::format("\"{}\"", v));
  return static_cast<std::uint64_t>(mb) << 20;
}

std::string reason_for(const Shape& s, std::uint64_t bytes) {
  const std::uint64_t budget = candidate_memory_budget();
  if (bytes > budget)
    return fmt::format("over the memory budget: about {} MiB estimated for {} parameters, budget {} MiB "
                       "(NAS4ML_CANDIDATE_MEMORY_MB)", bytes >> 20, s.parameters, budget >> 20);
  if (s.kept > netlist::max_netlist_weights())
    return fmt::format("over the netlist limit: {} kept weights, at most {} (NAS4ML_MAX_NETLIST_WEIGHTS)", s.kept,
                       netlist::max_netlist_weights());
  return {};
}

}  // namespace

std::uint64_t candidate_memory_budget() { return mib_from_env("NAS4ML_CANDIDATE_MEMORY_MB", 2048); }

std::uint64_t campaign_memory_budget() { return mib_from_env("NAS4ML_CAMPAIGN_MEMORY_MB", 4096); }

std::uint64_t record_memory_bytes(const nn::ModelSpec& spec, int inputs) {
  std::uint64_t weights = 0, biases = 0;
  std::uint64_t fan_in = static_cast<std::uint64_t>(std::max(inputs, 0));
  for (const auto& L : spec.layers) {
    const auto units = static_cast<std::uint64_t>(std::max(L.units, 0));
    weights += fan_in * units;
    biases += units;
    fan_in = units;
  }
  return weights * 32 + biases * 16 + (std::uint64_t{16} << 10);
}

std::uint64_t mean_record_bytes(const space::SearchSpace& space, int inputs, int samples) {
  Rng rng(0x6d656d6f7279ULL);  // fixed: the estimate must not depend on the campaign's seed
  std::uint64_t total = 0;
  for (int i = 0; i < samples; ++i) total += record_memory_bytes(space::decode(space, space::random_genome(space, rng)), inputs);
  return total / static_cast<std::uint64_t>(std::max(samples, 1));
}

void check_population_fits_budget(const space::SearchSpace& space, int population, int inputs,
                                  const std::filesystem::path& experiment) {
  const std::uint64_t per = mean_record_bytes(space, inputs);
  const std::uint64_t budget = campaign_memory_budget();
  const auto n = static_cast<std::uint64_t>(std::max(population, 0));
  if (per == 0 || n <= budget / per) return;
  throw ConfigError(experiment.string(), "search.population",
                    fmt::format("a generation would not fit the campaign memory budget: {} candidates x about {} KiB "
                                "each, held until the generation is stored, is about {} MiB",
                                n, per >> 10, (n * per) >> 20),
                    fmt::format("at most {} candidates within {} MiB (NAS4ML_CAMPAIGN_MEMORY_MB)", budget / per, budget >> 20),
                    std::to_string(population));
}

std::uint64_t candidate_memory_bytes(const nn::ModelSpec& spec, int inputs, std::size_t rows) {
  std::vector<int> sizes{inputs};
  std::vector<double> sparsity;
  for (const auto& L : spec.layers) {
    sizes.push_back(L.units);
    sparsity.push_back(L.sparsity);
  }
  return bytes_of(shape_of(sizes, sparsity), spec.training.batch_size, inputs, rows);
}

std::string over_budget_reason(const nn::ModelSpec& spec, int inputs, std::size_t rows) {
  std::vector<int> sizes{inputs};
  std::vector<double> sparsity;
  for (const auto& L : spec.layers) {
    sizes.push_back(L.units);
    sparsity.push_back(L.sparsity);
  }
  const Shape s = shape_of(sizes, sparsity);
  return reason_for(s, bytes_of(s, spec.training.batch_size, inputs, rows));
}

void check_space_fits_budget(const space::SearchSpace& space, int inputs, std::size_t rows) {
  const auto min_of = [](const auto& v, auto fallback) { return v.empty() ? fallback : *std::min_element(v.begin(), v.end()); };
  const auto max_of = [](const auto& v, auto fallback) { return v.empty() ? fallback : *std::max_element(v.begin(), v.end()); };
  std::vector<int> sizes{inputs};
  std::vector<double> sparsity;
  for (int k = 0; k < space.min_hidden; ++k) {
    sizes.push_back(min_of(space.hidden.units, 1));
    sparsity.push_back(max_of(space.hidden.sparsity, 0.0));
  }
  sizes.push_back(space.outputs);
  sparsity.push_back(max_of(space.output.sparsity, 0.0));
  const Shape s = shape_of(sizes, sparsity);
  const std::string why = reason_for(s, bytes_of(s, min_of(space.training.batch_size, 1), inputs, rows));
  if (!why.empty())
    throw ConfigError(space.file, "", "every candidate of this search space would fail: its smallest one is " + why,
                      "a smaller search space or a larger budget", fmt::format("{} inputs, {} training rows", inputs, rows));
}

}  // namespace nas4ml::campaign
