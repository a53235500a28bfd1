// The variational autoencoder (nn/variational.hpp): the loss's gradients (reconstruction through
// the reparameterized sample, KL) against finite differences, the score against zero by hand, the
// task keys and their refusals, and a VAE trained on Shuttle: deployed as its mean head, metrics
// from the golden score, deterministic per seed.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "nas4ml/core/error.hpp"
#include "nas4ml/core/rng.hpp"
#include "nas4ml/data/dataset_loader.hpp"
#include "nas4ml/nn/anomaly_score.hpp"
#include "nas4ml/nn/golden_inference.hpp"
#include "nas4ml/nn/model_spec_json.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"
#include "nas4ml/nn/task.hpp"
#include "nas4ml/nn/task_metrics.hpp"
#include "nas4ml/nn/trainer.hpp"
#include "nas4ml/nn/variational.hpp"
#include "support/run_cli.hpp"

using namespace nas4ml;
using namespace nas4ml::nn;

namespace {
TaskSpec task_of(const std::string& json) {
  const Json j = Json::parse(json);
  return parse_task_spec(JsonView(j, "e.json", "$.task"));
}

// The mean loss of one batch (double), for finite differences.
double mean_loss(VaeDecoder& dec, const std::vector<float>& enc, std::size_t ld, int latent, int batch,
                 const std::vector<float>& x, const std::vector<float>& eps, double beta) {
  std::vector<float> g(enc.size(), 0.0f);
  return vae_loss_gradient(dec, enc.data(), ld, latent, batch, x.data(), eps.data(), beta, g.data()) / batch;
}
}  // namespace

TEST_CASE("the VAE loss's gradients match finite differences", "[nn][vae][gradient]") {
  const int latent = 2, batch = 3, n = 4;
  const std::size_t ld = 5;  // the encoder panel's leading dimension exceeds 2 * latent
  Rng rng(11);
  VaeDecoder dec({latent, 5, n}, batch);
  dec.initialize(rng);
  for (float& p : dec.params()) p += static_cast<float>(0.1 * rng.normal());  // nonzero biases too
  std::vector<float> enc(ld * batch), x(static_cast<std::size_t>(n) * batch), eps(static_cast<std::size_t>(latent) * batch);
  for (float& v : enc) v = static_cast<float>(0.8 * rng.normal());
  for (float& v : x) v = static_cast<float>(rng.normal());
  for (float& v : eps) v = static_cast<float>(rng.normal());
  const double beta = 0.7;
  std::vector<float> grad(enc.size(), 0.0f);
  std::fill(dec.grads().begin(), dec.grads().end(), 0.0f);
  double kl = 0.0;
  const double sum = vae_loss_gradient(dec, enc.data(), ld, latent, batch, x.data(), eps.data(), beta, grad.data(), &kl);
  CHECK(kl > 0.0);
  CHECK(std::isfinite(sum));
  const std::vector<float> dec_grad(dec.grads().begin(), dec.grads().end());
  const double h = 1e-2;
  auto check = [&](float& v, double analytic) {
    const float keep = v;
    v = static_cast<float>(keep + h);
    const double up = mean_loss(dec, enc, ld, latent, batch, x, eps, beta);
    v = static_cast<float>(keep - h);
    const double down = mean_loss(dec, enc, ld, latent, batch, x, eps, beta);
    v = keep;
    const double numeric = (up - down) / (2 * h);
    CHECK(analytic == Approx(numeric).margin(2e-3).epsilon(2e-2));
  };
  // mu (reconstruction through z, plus beta * mu) and the log-variances (through sigma * eps, plus KL).
  for (int j = 0; j < batch; ++j)
    for (std::size_t o = 0; o < 2 * static_cast<std::size_t>(latent); ++o) {
      INFO("sample " << j << ", encoder output " << o);
      check(enc[static_cast<std::size_t>(j) * ld + o], grad[static_cast<std::size_t>(j) * ld + o]);
    }
  // The panel's padding rows are never written.
  for (int j = 0; j < batch; ++j) CHECK(grad[static_cast<std::size_t>(j) * ld + 4] == 0.0f);
  // Every decoder parameter.
  for (std::size_t i = 0; i < dec.params().size(); ++i) {
    INFO("decoder parameter " << i);
    check(dec.params()[i], dec_grad[i]);
  }
}

TEST_CASE("with eps = 0 the log-variance gradient is the KL term's alone", "[nn][vae][gradient]") {
  const int latent = 3, batch = 2;
  Rng rng(5);
  VaeDecoder dec({latent, 4, 6}, batch);
  dec.initialize(rng);
  std::vector<float> enc(2 * latent * batch), x(6 * batch, 0.5f), eps(latent * batch, 0.0f), grad(enc.size(), 0.0f);
  for (float& v : enc) v = static_cast<float>(rng.normal());
  double kl = 0.0;
  vae_loss_gradient(dec, enc.data(), 2 * latent, latent, batch, x.data(), eps.data(), 2.0, grad.data(), &kl);
  double kl_hand = 0.0;
  for (int j = 0; j < batch; ++j)
    for (int l = 0; l < latent; ++l) {
      const double mu = enc[static_cast<std::size_t>(j * 2 * latent + l)];
      const double lv = enc[static_cast<std::size_t>(j * 2 * latent + latent + l)];
      kl_hand += 0.5 * (mu * mu + std::exp(lv) - 1 - lv);
      CHECK(grad[static_cast<std::size_t>(j * 2 * latent + latent + l)] == Approx(2.0 * 0.5 * (std::exp(lv) - 1) / batch).epsilon(1e-5));
    }
  CHECK(kl == Approx(kl_hand).epsilon(1e-5));
}

TEST_CASE("the score against zero sums the outputs' squares; the model JSON keeps the reference", "[nn][vae][anomaly]") {
  QuantizedModel m;
  m.name = "enc";
  m.n_inputs = 3;
  m.input_format = parse_fixed_format("ap_fixed<8,4>");
  QuantizedLayer l;
  l.n_in = 3;
  l.n_out = 2;
  l.activation = Activation::linear;
  l.weight_format = parse_fixed_format("ap_fixed<4,2>");   // 2 fractional bits
  l.bias_format = parse_fixed_format("ap_fixed<8,3>");     // 5
  l.result_format = parse_fixed_format("ap_fixed<10,4>");  // 6
  l.weights = {4, 0, 0, 0, 2, 0};  // mu0 = x0, mu1 = 0.5 x1
  l.mask = {1, 1, 1, 1, 1, 1};
  l.biases = {0, 8};               // mu1 += 0.25
  m.layers.push_back(l);
  m.anomaly_score = AnomalyScore{"squared", parse_fixed_format("ap_ufixed<12,6,AP_TRN,AP_SAT>"), "zero"};
  const std::vector<std::int64_t> in = {24, -32, 16};  // 1.5, -2.0, 1.0 (x2 unread)
  // mu = 1.5, -0.75 -> 96, -48 at 6 fractional bits; sum of squares 11520 at 12 bits -> >> 6.
  CHECK(golden_forward(m, in) == std::vector<std::int64_t>{96, -48});
  CHECK(anomaly_scores(m, in) == std::vector<std::int64_t>{(96 * 96 + 48 * 48) >> 6});
  CHECK(score_sum_fractional(m) == 12);
  m.anomaly_score->error = "absolute";
  CHECK(anomaly_scores(m, in) == std::vector<std::int64_t>{96 + 48});
  const QuantizedModel back = quantized_model_from_json(JsonView(to_json(m), "m.json"));
  REQUIRE(back.anomaly_score.has_value());
  CHECK(back.anomaly_score->against_zero());
  CHECK(to_json(m)["anomaly_score"]["reference"] == "zero");
  // A reconstruction score still needs as many outputs as inputs.
  Json j = to_json(m);
  j["anomaly_score"].erase("reference");
  CHECK_THROWS_WITH(quantized_model_from_json(JsonView(j, "m.json")), Catch::Contains("as many outputs as inputs"));
}

TEST_CASE("variational task keys parse; bad ones are one-line config errors", "[nn][vae][task]") {
  const TaskSpec v = task_of(R"({"kind": "autoencoder", "background": ["g"], "variational": true, "latent": 3, "beta": 0.5})");
  CHECK(v.variational);
  CHECK(v.latent == 3);
  CHECK(v.beta == 0.5);
  CHECK(v.decoder.empty());
  CHECK(to_json(v)["latent"] == 3);
  CHECK_FALSE(to_json(task_of(R"({"kind": "autoencoder", "background": ["g"]})")).contains("variational"));
  CHECK(task_of(R"({"kind": "autoencoder", "background": ["g"], "variational": true, "latent": 2, "decoder": [4, 8]})")
            .decoder == std::vector<int>{4, 8});
  CHECK(make_task(v)->variational() != nullptr);
  CHECK(make_task(task_of(R"({"kind": "autoencoder", "background": ["g"]})"))->variational() == nullptr);
  CHECK_THROWS_WITH(task_of(R"({"kind": "autoencoder", "background": ["g"], "variational": true})"),
                    Catch::Contains("a variational autoencoder needs a latent size"));
  CHECK_THROWS_WITH(task_of(R"({"kind": "autoencoder", "background": ["g"], "variational": true, "latent": 3, "beta": -1})"),
                    Catch::Contains("$.task.beta"));
  CHECK_THROWS_WITH(task_of(R"({"kind": "classification", "variational": true})"),
                    Catch::Contains("a variational autoencoder is an autoencoder task"));
  CHECK_THROWS_WITH(task_of(R"({"kind": "regression", "targets": ["t"], "variational": true})"),
                    Catch::Contains("a variational autoencoder is an autoencoder task"));
  CHECK_THROWS_WITH(task_of(R"({"kind": "autoencoder", "background": ["g"], "beta": 2})"),
                    Catch::Contains("only a variational autoencoder has this key"));
  CHECK_THROWS_WITH(task_of(R"({"kind": "autoencoder", "background": ["g"], "variational": true, "latent": 0})"),
                    Catch::Contains("$.task.latent"));
}

TEST_CASE("a VAE trained on Shuttle deploys its mean head; metrics are the golden score's; same seed, same bits",
          "[nn][vae][train]") {
  data::LoadedDataset d = data::load_dataset(test::source_path("experiments/datasets/shuttle.json"));
  const auto task = make_task(task_of(
      R"({"kind": "autoencoder", "background": ["Rad.Flow"], "variational": true, "latent": 3, "beta": 1, "score_format": "ap_ufixed<18,11>"})"));
  task->prepare(d, "e.json");
  const ModelSpec spec = load_model_spec(test::source_path("experiments/models/shuttle_vae_9_16_8_3.json"));
  TrainOptions o;
  o.task = task.get();
  o.epochs = 4;
  const TrainResult r = train_model(spec, d, o);
  REQUIRE(r.ok);
  CHECK(r.model.n_outputs() == 3);
  CHECK(r.model.layers.back().weights.size() == 3u * 8u);
  CHECK(r.model.class_names == std::vector<std::string>{"mu_0", "mu_1", "mu_2"});
  REQUIRE(r.model.anomaly_score.has_value());
  CHECK(r.model.anomaly_score->against_zero());
  CHECK(r.model.training["variational"]["decoder"] == Json::array({3, 8, 16, 9}));
  INFO(r.test.to_json().dump());
  CHECK(r.test.auc > 0.8);  // Shuttle's anomalies sit far from Rad.Flow in the latent space
  // The metrics' scores are the golden integer model's.
  const auto raw = anomaly_scores(r.model, quantize_inputs(r.model, d.test.x));
  std::vector<double> s(raw.begin(), raw.end());
  std::vector<std::uint8_t> pos(d.test.y.begin(), d.test.y.end());
  CHECK(roc_auc(s, pos) == Approx(r.test.auc).epsilon(1e-12));
  CHECK(tpr_at_fpr(s, pos, 1e-2) == Approx(r.test.task.at("tpr_at_fpr_1e-2")).epsilon(1e-12));
  // The deployed mu equals the first rows of the trained encoder: the sampling noise and the
  // decoder are training-only. Same seed, same model, bit for bit; another seed, another model.
  const TrainResult again = train_model(spec, d, o);
  REQUIRE(again.ok);
  CHECK(to_json(again.model)["layers"] == to_json(r.model)["layers"]);
  o.seed = 2;
  const TrainResult other = train_model(spec, d, o);
  REQUIRE(other.ok);
  CHECK(to_json(other.model)["layers"] != to_json(r.model)["layers"]);
}
