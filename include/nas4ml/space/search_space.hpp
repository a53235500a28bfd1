#pragma once
/// \file A search space: which networks, fixed-point formats, sparsities, hls4ml implementation
/// choices and training knobs a campaign may try (search_spaces/*.json; schema and defaults in
/// docs/search_space.md), and the genome encoding of one candidate.
///
/// Genome layout (a vector of choice indices, one per gene; the length encodes the depth):
///   [ global genes | output-layer genes | hidden layer 1 genes | ... | hidden layer n genes ]
/// global = input format + training knobs, output = the output layer's sparsity, formats, reuse
/// factor and strategy, hidden = units, activation, sparsity, formats, reuse factor, strategy.
/// A fixed-point format choice given as a grid ({"total_bits": [...], "integer_bits": [...]}) is
/// two genes (total, integer), so a mutation can step to the neighbouring width; one given as a
/// list of format strings is one gene. gene_names() lists the layout of a genome.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "nas4ml/core/fixed_point.hpp"
#include "nas4ml/core/json.hpp"
#include "nas4ml/nn/distillation.hpp"
#include "nas4ml/nn/model_spec.hpp"

namespace nas4ml::space {

/// A genome of this module: one choice index per gene (see the layout above).
using Genes = std::vector<std::int32_t>;

/// The fixed-point formats one tensor may take.
struct FormatChoices {
  std::vector<FixedFormat> formats;  ///< explicit list (one gene); empty when the grid is used
  std::vector<int> total_bits;       ///< grid: W choices, ascending as written
  std::vector<int> integer_bits;     ///< grid: I choices; every I <= every W
  bool is_signed = true;             ///< grid: ap_fixed (true) or ap_ufixed
  Rounding rounding = Rounding::truncate;
  Overflow overflow = Overflow::wrap;

  /// 1 for an explicit list, 2 for a grid.
  std::size_t gene_count() const noexcept { return formats.empty() ? 2 : 1; }
};

/// The choices of one dense layer (units and activation unused for the output layer).
struct LayerChoices {
  std::vector<int> units;
  std::vector<nn::Activation> activation;
  std::vector<double> sparsity;
  FormatChoices weight_format, bias_format, result_format;
  std::vector<int> reuse_factor;
  std::vector<nn::Strategy> strategy;
  std::vector<int> dc;  ///< rtl sharing delay limits; empty = no gene (dc -1, no limit)
  std::vector<bool> batch_norm;  ///< hidden layers: batch normalization or not; empty = no gene (none)
};

/// Training knobs as choice lists (a single-element list fixes the knob).
struct TrainingChoices {
  std::vector<std::string> optimizer;
  std::vector<double> learning_rate;
  std::vector<double> momentum;
  std::vector<int> batch_size;
  std::vector<int> epochs;
  std::vector<std::string> schedule;
  std::vector<int> patience;
  std::vector<double> l1;
  std::vector<int> prune_rounds;
  std::vector<bool> structured_pruning;
  std::vector<bool> quantization_aware;
  /// Knowledge distillation knobs (nn/distillation.hpp): empty = no gene (the experiment's values).
  std::vector<double> distillation_alpha;
  std::vector<double> distillation_temperature;
};

/// A parsed, validated search space.
struct SearchSpace {
  std::string file;         ///< where it was read from (for messages)
  std::string name;
  std::string description;
  int inputs = 0;           ///< exact number of inputs; 0 when given as a range
  int inputs_min = 0;       ///< accepted range of the data set's feature count
  int inputs_max = 0;
  int outputs = 0;          ///< output units (classes)
  int min_hidden = 1, max_hidden = 1;
  FormatChoices input_format;
  LayerChoices hidden;
  LayerChoices output;      ///< units = {outputs}, activation = {linear}
  TrainingChoices training;

  /// Number of choices of each gene, in layout order.
  std::vector<std::int32_t> global_sizes, output_sizes, hidden_sizes;
  /// Names of the genes, in layout order ("training.learning_rate", "hidden.units", ...).
  std::vector<std::string> global_names, output_names, hidden_names;

  /// Genome length for `n_hidden` hidden layers.
  std::size_t genome_length(int n_hidden) const noexcept {
    return global_sizes.size() + output_sizes.size() + static_cast<std::size_t>(n_hidden) * hidden_sizes.size();
  }
  /// true when a data set with `n` features fits the space's inputs.
  bool accepts_inputs(int n) const noexcept { return n >= inputs_min && n <= inputs_max; }
  /// Number of distinct candidates (as a double: it can be astronomically large).
  double size() const;
};

/// Reads and validates a search-space file. Every problem is a ConfigError naming the file, the
/// JSON path, what was expected and what was found (unknown keys name the nearest valid key).
SearchSpace load_search_space(const std::filesystem::path& path);

/// Parses and validates a search space from JSON (`view` carries the file name for messages).
SearchSpace parse_search_space(const JsonView& view);

/// The canonical JSON form (every default filled in, integer ranges expanded to lists); parsing
/// it gives the same space.
Json to_json(const SearchSpace& space);

/// A short stable identifier of the space's content: "<name>:<16 hex digits>".
std::string fingerprint(const SearchSpace& space);

/// Names of every gene of a genome with `n_hidden` hidden layers ("hidden[2].units", ...).
std::vector<std::string> gene_names(const SearchSpace& space, int n_hidden);

/// Number of hidden layers a genome encodes; -1 when its length fits no depth.
int hidden_layers(const SearchSpace& space, const Genes& genes) noexcept;

/// Empty when `genes` is a valid canonical genome of `space`, otherwise why not (length, depth, a
/// gene out of range, a gene that canonicalize() would change).
std::string check(const SearchSpace& space, const Genes& genes);

/// Sets every gene that cannot change the trained model to its first choice: momentum unless the
/// optimizer is sgd; prune_rounds and structured_pruning when every layer's sparsity is 0. Two
/// genomes that decode to the same candidate are then equal. `genes` must pass check() apart from
/// canonical form.
void canonicalize(const SearchSpace& space, Genes& genes);

/// Whether the space searches the distillation knobs (alpha, temperature are genes).
inline bool searches_distillation(const SearchSpace& space) noexcept {
  return !space.training.distillation_alpha.empty();
}

/// The model a genome stands for. `name` becomes ModelSpec::name. n_inputs is `space.inputs`
/// (0 when the space gives a range: the training engine takes it from the data set).
/// Throws InternalError when `genes` is not valid (check() first for untrusted genomes).
nn::ModelSpec decode(const SearchSpace& space, const Genes& genes, const std::string& name = {});

/// One line describing a model: "16 > 64r s0.50 w6.1 > 32r > 5 | adam lr 0.003 bs 512 ep 5".
std::string summary(const nn::ModelSpec& model);

}  // namespace nas4ml::space
