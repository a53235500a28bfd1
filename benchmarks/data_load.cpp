// Times nas4ml::data::load_dataset on dataset specs: wall clock and process CPU time per load,
// with the time spent in each loading stage (reading+hashing, decoding/parsing, split, preprocessing).
//
// Usage: data_load [--repeat N] <dataset.json>...
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <string>
#include <vector>

#include "nas4ml/core/error.hpp"
#include "nas4ml/data/dataset_loader.hpp"

namespace {
double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}
}  // namespace

int main(int argc, char** argv) {
  int repeat = 3;
  std::vector<std::string> specs;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--repeat" && i + 1 < argc) {
      repeat = std::stoi(argv[++i]);
    } else {
      specs.push_back(a);
    }
  }
  if (specs.empty() || repeat < 1) {
    std::fprintf(stderr, "usage: data_load [--repeat N] <dataset.json>...\n");
    return 2;
  }
  using Clock = std::chrono::steady_clock;
  try {
    for (const auto& spec : specs) {
      double best_wall = 1e30, best_cpu = 1e30;
      std::map<std::string, double> best_stage;
      std::size_t rows = 0, features = 0;
      for (int r = 0; r < repeat; ++r) {
        std::map<std::string, double> stage_cpu;
        std::string current;
        double mark = cpu_seconds();
        nas4ml::data::LoadOverrides o;
        o.on_stage = [&](const std::string& s) {
          const double now = cpu_seconds();
          if (!current.empty()) stage_cpu[current] += now - mark;
          current = s.substr(0, s.find(' '));  // reading, parsing, decoding, splitting, ...
          mark = now;
        };
        const double c0 = cpu_seconds();
        const auto t0 = Clock::now();
        const auto d = nas4ml::data::load_dataset(spec, o);
        const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
        const double cpu = cpu_seconds() - c0;
        if (!current.empty()) stage_cpu[current] += cpu_seconds() - mark;
        rows = d.train.rows() + d.validation.rows() + d.test.rows();
        features = d.n_features();
        if (cpu < best_cpu) {
          best_cpu = cpu;
          best_stage = stage_cpu;
        }
        best_wall = std::min(best_wall, wall);
      }
      std::printf("%s: %zu rows x %zu features; best of %d: wall %.3f s, cpu %.3f s (", spec.c_str(), rows, features,
                  repeat, best_wall, best_cpu);
      bool first = true;
      for (const auto& [name, s] : best_stage) {
        std::printf("%s%s %.3f", first ? "" : ", ", name.c_str(), s);
        first = false;
      }
      std::printf(")\n");
    }
  } catch (const nas4ml::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  return 0;
}
