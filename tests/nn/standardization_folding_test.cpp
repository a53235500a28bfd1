// Folding the input standardization into the first layer (nn/standardization_folding.hpp):
// exact when the scales are powers of two, close on real data, refused where it cannot hold.
#include <catch2/catch.hpp>

#include <cmath>

#include "../firmware/random_model.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/data/dataset_loader.hpp"
#include "nas4ml/data/preprocessing.hpp"
#include "nas4ml/nn/golden_inference.hpp"
#include "nas4ml/nn/standardization_folding.hpp"
#include "support/run_cli.hpp"

using namespace nas4ml;

namespace {

std::vector<std::int64_t> outputs(const nn::QuantizedModel& m, const data::FeatureMatrix& x) {
  return nn::golden_forward_batch(m, nn::quantize_inputs(m, x));
}

data::FeatureMatrix uniform_rows(int rows, int cols, double lo, double hi, std::uint64_t seed) {
  Rng rng = Rng::stream(seed, 0, 0, "test.fold");
  data::FeatureMatrix x(rows, cols);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) x(r, c) = static_cast<float>(lo + (hi - lo) * rng.uniform());
  return x;
}

}  // namespace

TEST_CASE("power-of-two scales and zero offsets fold exactly", "[nn][fold]") {
  test::RandomModelSpec spec;
  spec.sizes = {4, 5, 3};
  spec.input = parse_fixed_format("ap_fixed<10,4,AP_RND,AP_SAT>");
  auto m = test::random_model(spec);
  m.input_scale = {4.0, 4.0, 4.0, 4.0};  // x' = 4 x
  const nn::RawInputRange range{{-1.5, -1.5, -1.5, -1.5}, {1.5, 1.5, 1.5, 1.5}};
  const FixedFormat raw = nn::raw_input_format(m, range);
  CHECK(raw.fractional() == 6 + 2);  // the standardized step divided by the scale
  CHECK(raw.is_signed);
  CHECK(raw.integer == 2);           // holds 1.5
  CHECK(raw.overflow == Overflow::saturate);
  const auto f = nn::fold_standardization(m, raw);
  // Same width (no spread), weights 4x larger: the same raw integers two integer bits up.
  CHECK(f.layers[0].weight_format.width == m.layers[0].weight_format.width);
  CHECK(f.layers[0].weights == m.layers[0].weights);
  CHECK(f.layers[1].weights == m.layers[1].weights);
  CHECK(f.input_scale == std::vector<double>(4, 1.0));
  CHECK(f.training["folded_standardization"]["scale"][0] == 4.0);
  data::FeatureMatrix x = uniform_rows(500, 4, -1.5, 1.5, 3);
  data::FeatureMatrix xs = x * 4.0f;
  CHECK(outputs(f, x) == outputs(m, xs));
}

TEST_CASE("folding real standardizations keeps the outputs close", "[nn][fold]") {
  // MAGIC gamma telescope: ten features with deviations from ~0.5 to ~75 and non-zero means.
  data::LoadOverrides o;
  o.raw_features = true;
  const auto d = data::load_dataset(test::source_path("experiments/datasets/magic.json"), o);
  data::FeatureMatrix xs = d.test.x;
  data::apply_preprocessing(d.preprocessing, xs);
  test::RandomModelSpec spec;
  spec.sizes = {static_cast<int>(d.n_features()), 8, 2};
  spec.input = parse_fixed_format("ap_fixed<10,4,AP_RND,AP_SAT>");
  spec.weight = parse_fixed_format("ap_fixed<8,1>");
  spec.bias = parse_fixed_format("ap_fixed<10,4>");
  spec.hidden_result = parse_fixed_format("ap_fixed<12,6,AP_RND,AP_SAT>");
  spec.output_result = parse_fixed_format("ap_fixed<14,8,AP_RND,AP_SAT>");
  auto m = test::random_model(spec);
  m.input_offset = d.preprocessing.offset;
  m.input_scale = d.preprocessing.scale;
  nn::RawInputRange range;
  for (Eigen::Index c = 0; c < d.train.x.cols(); ++c) {
    range.min.push_back(d.train.x.col(c).minCoeff());
    range.max.push_back(d.train.x.col(c).maxCoeff());
  }
  const FixedFormat raw = nn::raw_input_format(m, range);
  const auto f = nn::fold_standardization(m, raw);
  const double spread = std::log2(*std::max_element(m.input_scale.begin(), m.input_scale.end()) /
                                  *std::min_element(m.input_scale.begin(), m.input_scale.end()));
  CHECK(f.layers[0].weight_format.width == std::min(32, 8 + static_cast<int>(std::ceil(spread))));
  CHECK(f.layers[0].bias_format.fractional() == raw.fractional() + f.layers[0].weight_format.fractional());
  const auto a = outputs(m, xs);
  const auto b = outputs(f, d.test.x);
  std::size_t same_class = 0, identical = 0;
  double diff = 0;
  for (std::size_t r = 0; r < d.test.rows(); ++r) {
    const std::span ra(a.data() + 2 * r, 2), rb(b.data() + 2 * r, 2);
    same_class += nn::golden_argmax(ra) == nn::golden_argmax(rb);
    identical += std::equal(ra.begin(), ra.end(), rb.begin());
    diff += std::abs(ra[0] - rb[0]) + std::abs(ra[1] - rb[1]);
  }
  const double mean_diff = diff / (2.0 * static_cast<double>(d.test.rows()));
  INFO(raw.to_string() << " " << f.layers[0].weight_format.to_string() << " identical " << identical
                       << " same class " << same_class << " mean |diff| " << mean_diff);
  CHECK(same_class >= d.test.rows() * 99 / 100);
  // The folded model reads finer input steps than the standardized format's 1/64: outputs move by
  // about a step of the output format (1/64 here), not more.
  CHECK(mean_diff < 1.0);
  CHECK(identical < d.test.rows());  // re-quantized: a different model, not the same one relabelled
}

TEST_CASE("folding is refused where it cannot hold", "[nn][fold][bad_input]") {
  auto m = test::random_model({});
  m.input_scale[1] = 0.0;
  const nn::RawInputRange range{std::vector<double>(4, -1.0), std::vector<double>(4, 1.0)};
  CHECK_THROWS_WITH(nn::raw_input_format(m, range), Catch::Contains("input_scale[1]") && Catch::Contains("positive"));
  m = test::random_model({});
  CHECK_THROWS_WITH(nn::raw_input_format(m, {{-1.0}, {1.0}}), Catch::Contains("4 features"));
  m.input_scale.clear();
  CHECK_THROWS_WITH(nn::fold_standardization(m, parse_fixed_format("ap_fixed<8,3>")),
                    Catch::Contains("no standardization to fold"));
  m = test::random_model({});
  m.anomaly_score = nn::AnomalyScore{};
  CHECK_THROWS_WITH(nn::fold_standardization(m, parse_fixed_format("ap_fixed<8,3>")), Catch::Contains("autoencoder"));
  m = test::random_model({});
  CHECK_THROWS_WITH(nn::fold_standardization(m, parse_fixed_format("ap_fixed<60,30>")),
                    Catch::Contains("raw_input_format") && Catch::Contains("bits"));
}
