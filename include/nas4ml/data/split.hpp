#pragma once
/// \file Deterministic stratified splitting and subsampling: each class's rows are shuffled with
/// Rng::stream(seed, 0, 0, "data.split") and shared out by the largest-remainder method, so each
/// split holds every class's share to within one row, and the same seed gives the same rows.
#include <cstdint>
#include <vector>

namespace nas4ml::data {

/// Row indices (ascending) of each split.
struct SplitIndices {
  std::vector<std::size_t> train, validation, test;
};

/// How many of `n` rows each part gets for `fractions` (summing to 1): floor of each share, then
/// the leftover rows one each to the largest fractional parts (ties: the earlier part).
std::vector<std::size_t> largest_remainder(std::size_t n, const std::vector<double>& fractions);

/// Splits rows with class ids `labels` (0 .. n_classes-1) into train/validation/test fractions,
/// per class, from `seed`.
SplitIndices stratified_split(const std::vector<std::int32_t>& labels, std::size_t n_classes, double train,
                              double validation, double test, std::uint64_t seed);

/// Picks `count` of the rows (ascending indices), each class keeping its share (largest
/// remainder), from Rng::stream(seed, 0, stream_index, "data.subsample").
std::vector<std::size_t> stratified_subsample(const std::vector<std::int32_t>& labels, std::size_t n_classes,
                                              std::size_t count, std::uint64_t seed, std::uint64_t stream_index);

}  // namespace nas4ml::data
