// Writes the train/validation/test splits of a dataset spec, exactly as nas4ml's loader produces
// them (same rows, same preprocessing), to <out>/{train,validation,test}.csv: the features as
// float32 values printed with 9 significant digits (round-trip exact), then the integer label.
// The PyTorch peers read these files, so both sides train and test on identical rows.
//
// Usage: export_split <dataset.json> <out-dir>
#include <cstdio>
#include <filesystem>
#include <string>

#include "nas4ml/data/dataset_loader.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: export_split <dataset.json> <out-dir>\n");
    return 2;
  }
  try {
    const auto d = nas4ml::data::load_dataset(argv[1]);
    std::filesystem::create_directories(argv[2]);
    const std::pair<const char*, const nas4ml::data::Split*> splits[] = {
        {"train", &d.train}, {"validation", &d.validation}, {"test", &d.test}};
    for (const auto& [name, s] : splits) {
      const auto path = std::filesystem::path(argv[2]) / (std::string(name) + ".csv");
      std::FILE* f = std::fopen(path.c_str(), "w");
      if (!f) {
        std::fprintf(stderr, "cannot write %s\n", path.c_str());
        return 2;
      }
      for (std::size_t r = 0; r < s->rows(); ++r) {
        for (Eigen::Index c = 0; c < s->x.cols(); ++c)
          std::fprintf(f, "%.9g,", static_cast<double>(s->x(static_cast<Eigen::Index>(r), c)));
        std::fprintf(f, "%d\n", s->y[r]);
      }
      std::fclose(f);
    }
    std::printf("%s: %zu features, %zu classes, %zu/%zu/%zu rows -> %s\n", d.name.c_str(), d.n_features(),
                d.n_classes(), d.train.rows(), d.validation.rows(), d.test.rows(), argv[2]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  return 0;
}
