#pragma once
/// \file A loaded, preprocessed and split data set: what training and evaluation read.
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Core>

namespace nas4ml::data {

/// Samples as rows, features as columns, row-major so a mini-batch is a contiguous block.
using FeatureMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// One split: features and integer class labels (0 .. n_classes-1), one per row.
struct Split {
  FeatureMatrix x;
  std::vector<std::int32_t> y;
  /// Numeric targets of a regression or autoencoder task (rows x targets, set by the task's
  /// prepare step; empty for classification).
  FeatureMatrix target = {};
  std::size_t rows() const noexcept { return y.size(); }
};

/// A source file the data set was read from, for the campaign manifest.
struct SourceFile {
  std::string path;     ///< as given in the dataset spec, resolved against the spec's folder
  std::string sha256;   ///< hex digest of the file's bytes (compressed bytes for .gz)
  std::uint64_t bytes = 0;
};

/// The per-feature affine map applied to raw features: x' = (x - offset) * scale, fitted on the
/// training split only. Firmware inputs are x' quantized to the model's input format.
struct Preprocessing {
  std::string method = "none";  ///< none, standardize, minmax
  std::vector<double> offset;   ///< per feature
  std::vector<double> scale;    ///< per feature
};

/// Everything a dataset spec (JSON) produces.
struct LoadedDataset {
  std::string name;                        ///< from the spec
  std::string spec_file;                   ///< path of the spec it came from
  std::vector<std::string> feature_names;  ///< one per column of x
  std::vector<std::string> class_names;    ///< class id -> name, in the stated order
  Split train, validation, test;
  Preprocessing preprocessing;
  std::vector<SourceFile> sources;
  std::uint64_t split_seed = 0;
  /// Regression tasks: the feature columns moved out as targets (Split::target) and their
  /// preprocessing, so predictions can be read in the columns' raw units.
  std::vector<std::string> target_names;
  Preprocessing target_preprocessing;
  std::size_t rows_dropped = 0;            ///< rows removed by an explicit drop option (NaN/inf)

  std::size_t n_features() const noexcept { return feature_names.size(); }
  std::size_t n_classes() const noexcept { return class_names.size(); }
};

}  // namespace nas4ml::data
