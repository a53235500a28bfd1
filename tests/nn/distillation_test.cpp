#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "nas4ml/core/error.hpp"
#include "nas4ml/core/rng.hpp"
#include "nas4ml/nn/distillation.hpp"
#include "nas4ml/nn/trainer.hpp"

using namespace nas4ml;
using namespace nas4ml::nn;

namespace {
// Gaussian blobs: class c has its mean shifted along feature c.
data::LoadedDataset blobs(std::size_t rows, int n_features, int n_classes, double shift) {
  data::LoadedDataset d;
  d.name = "blobs";
  for (int i = 0; i < n_features; ++i) d.feature_names.push_back("f" + std::to_string(i));
  for (int c = 0; c < n_classes; ++c) d.class_names.push_back("c" + std::to_string(c));
  Rng rng = Rng::stream(11, 0, 0, "test.data");
  auto fill = [&](data::Split& s, std::size_t n) {
    s.x.resize(static_cast<Eigen::Index>(n), n_features);
    s.y.resize(n);
    for (std::size_t r = 0; r < n; ++r) {
      const auto y = static_cast<std::int32_t>(rng.below(static_cast<std::uint64_t>(n_classes)));
      s.y[r] = y;
      for (int f = 0; f < n_features; ++f)
        s.x(static_cast<Eigen::Index>(r), f) = static_cast<float>(rng.normal() + (f % n_classes == y ? shift : 0.0));
    }
  };
  fill(d.train, rows);
  fill(d.validation, rows / 4);
  fill(d.test, rows / 2);
  return d;
}

ModelSpec spec_of(std::vector<int> hidden, int epochs, bool qat) {
  ModelSpec s;
  s.input_format = parse_fixed_format("ap_fixed<12,4,AP_RND,AP_SAT>");
  for (int u : hidden) {
    LayerSpec l;
    l.units = u;
    l.weight_format = parse_fixed_format("ap_fixed<8,2,AP_RND,AP_SAT>");
    l.bias_format = parse_fixed_format("ap_fixed<12,4,AP_RND,AP_SAT>");
    l.result_format = parse_fixed_format("ap_fixed<12,5,AP_RND,AP_SAT>");
    s.layers.push_back(l);
  }
  LayerSpec out = s.layers.back();
  out.units = 0;
  out.activation = Activation::linear;
  s.layers.push_back(out);
  s.training.epochs = epochs;
  s.training.batch_size = 64;
  s.training.learning_rate = 5e-3;
  s.training.patience = 0;
  s.training.quantization_aware = qat;
  return s;
}

// A float teacher trained on `d` (its logits on the training split).
Teacher train_teacher(const data::LoadedDataset& d) {
  TrainOptions o;
  o.keep_train_logits = true;
  o.seed = 3;
  const TrainResult r = train_model(spec_of({32, 32}, 15, false), d, o);
  REQUIRE(r.ok);
  Teacher t;
  t.source = "teacher spec";
  t.n_classes = static_cast<int>(d.n_classes());
  t.logits = r.float_train_logits;
  t.test_accuracy = r.test.accuracy;
  return t;
}
}  // namespace

TEST_CASE("distillation loss: finite-difference gradient and limits", "[nn][distillation]") {
  const int n = 5, batch = 3;
  const std::size_t ld = 8;  // padded panel, as the network's
  Rng rng = Rng::stream(7, 0, 0, "test.kd");
  std::vector<float> z(ld * batch, 0.0f), teacher(static_cast<std::size_t>(n) * batch);
  for (int j = 0; j < batch; ++j)
    for (int i = 0; i < n; ++i) z[static_cast<std::size_t>(j) * ld + i] = static_cast<float>(2.0 * rng.normal());
  for (auto& t : teacher) t = static_cast<float>(3.0 * rng.normal());
  const std::vector<std::int32_t> y{1, 4, 0};
  for (const auto [alpha, T] : {std::pair{0.3, 4.0}, std::pair{0.0, 2.0}, std::pair{0.7, 1.0}}) {
    std::vector<float> grad(z.size(), 0.0f), scratch(z.size());
    distillation_loss_gradient(z.data(), ld, n, batch, y.data(), teacher.data(), alpha, T, grad.data());
    int nonzero = 0;
    for (int j = 0; j < batch; ++j)
      for (int i = 0; i < n; ++i) {
        const std::size_t at = static_cast<std::size_t>(j) * ld + i;
        const float h = 1e-2f;
        auto z2 = z;
        z2[at] += h;
        const double up = distillation_loss_gradient(z2.data(), ld, n, batch, y.data(), teacher.data(), alpha, T, scratch.data());
        z2[at] -= 2 * h;
        const double down = distillation_loss_gradient(z2.data(), ld, n, batch, y.data(), teacher.data(), alpha, T, scratch.data());
        CHECK(grad[at] == Approx((up - down) / (2 * h) / batch).margin(2e-4));
        nonzero += std::abs(grad[at]) > 1e-3;
      }
    CHECK(nonzero > batch * n / 2);
    for (int j = 0; j < batch; ++j)  // padding rows untouched
      for (std::size_t i = n; i < ld; ++i) CHECK(grad[static_cast<std::size_t>(j) * ld + i] == 0.0f);
  }
  SECTION("alpha 1 is the cross-entropy; a teacher equal to the student costs nothing") {
    std::vector<float> grad(z.size(), 0.0f), tz(static_cast<std::size_t>(n) * batch);
    const double ce = distillation_loss_gradient(z.data(), ld, n, batch, y.data(), teacher.data(), 1.0, 3.0, grad.data());
    double by_hand = 0.0;
    for (int j = 0; j < batch; ++j) {
      double s = 0.0;
      for (int i = 0; i < n; ++i) s += std::exp(static_cast<double>(z[static_cast<std::size_t>(j) * ld + i]));
      by_hand += std::log(s) - z[static_cast<std::size_t>(j) * ld + static_cast<std::size_t>(y[static_cast<std::size_t>(j)])];
      for (int i = 0; i < n; ++i) tz[static_cast<std::size_t>(j) * n + i] = z[static_cast<std::size_t>(j) * ld + i];
    }
    CHECK(ce == Approx(by_hand).epsilon(1e-9));
    std::fill(grad.begin(), grad.end(), 0.0f);
    const double kd = distillation_loss_gradient(z.data(), ld, n, batch, y.data(), tz.data(), 0.0, 3.0, grad.data());
    CHECK(kd == Approx(0.0).margin(1e-9));
    for (float g : grad) CHECK(g == Approx(0.0f).margin(1e-7));
  }
}

TEST_CASE("a student learns from a float teacher; same seed, same weights", "[nn][distillation]") {
  const auto d = blobs(1200, 6, 4, 1.5);
  const Teacher teacher = train_teacher(d);
  REQUIRE(teacher.rows() == d.train.rows());
  CHECK(teacher.test_accuracy > 0.6);
  ModelSpec student = spec_of({4}, 8, true);
  student.training.distillation_alpha = 0.0;  // the teacher only: no label enters the loss
  student.training.distillation_temperature = 3.0;
  TrainOptions o;
  o.teacher = &teacher;
  const TrainResult a = train_model(student, d, o);
  const TrainResult b = train_model(student, d, o);
  REQUIRE(a.ok);
  CHECK(a.test.accuracy > 0.5);  // chance is 0.25: the labels came through the teacher
  CHECK(a.model.layers[0].weights == b.model.layers[0].weights);
  CHECK(a.model.training.at("distillation").at("temperature") == 3.0);
  // Another alpha trains another network.
  student.training.distillation_alpha = 0.5;
  const TrainResult c = train_model(student, d, o);
  CHECK(c.model.layers[0].weights != a.model.layers[0].weights);
}

TEST_CASE("distillation refuses a teacher of the wrong shape or none", "[nn][distillation]") {
  const auto d = blobs(300, 6, 4, 1.5);
  ModelSpec student = spec_of({4}, 1, true);
  student.training.distillation_alpha = 0.5;
  Teacher wrong;
  wrong.source = "teacher.q.json";
  wrong.n_classes = 3;
  wrong.logits.assign(d.train.rows() * 3, 0.0f);
  TrainOptions o;
  o.teacher = &wrong;
  try {
    (void)train_model(student, d, o);
    FAIL("a 3-output teacher of a 4-class data set was accepted");
  } catch (const ConfigError& e) {
    const std::string m = e.what();
    CHECK(m.find("teacher.q.json") != std::string::npos);
    CHECK(m.find("outputs") != std::string::npos);
    CHECK(m.find("expected 4 outputs") != std::string::npos);
    CHECK(m.find("got 3") != std::string::npos);
    CHECK(m.find('\n') == std::string::npos);
  }
  wrong.n_classes = 4;
  wrong.logits.assign(10 * 4, 0.0f);
  CHECK_THROWS_AS(train_model(student, d, o), ConfigError);
  o.teacher = nullptr;
  CHECK_THROWS_AS(train_model(student, d, o), ConfigError);
}
