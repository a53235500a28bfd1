#include "nas4ml/nn/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <numeric>
#include <optional>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/core/rng.hpp"
#include "nas4ml/nn/golden_inference.hpp"
#include "nas4ml/nn/mlp.hpp"
#include "nas4ml/nn/model_spec_json.hpp"
#include "nas4ml/nn/optimizer.hpp"
#include "nas4ml/nn/pruning.hpp"
#include "nas4ml/nn/variational.hpp"
#include "nas4ml/nn/weight_inheritance.hpp"

namespace nas4ml::nn {

namespace {
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Features quantized to the input format, as floats (exact for widths <= 24), row-major.
std::vector<float> quantized_features(const data::FeatureMatrix& x, const FixedFormat& f) {
  std::vector<float> out(static_cast<std::size_t>(x.size()));
  const double lsb = f.lsb();
  const float* src = x.data();
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<float>(static_cast<double>(quantize(src[i], f)) * lsb);
  return out;
}

std::vector<double> exact_features(const data::FeatureMatrix& x, const FixedFormat& f) {
  std::vector<double> out(static_cast<std::size_t>(x.size()));
  const float* src = x.data();
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = to_real(quantize(src[i], f), f);
  return out;
}

// Exact logits of the integer model on a split: the double forward when it is exact, else golden int64.
Metrics exact_metrics(Mlp& mlp, const QuantizedModel& model, const data::Split& split, int n_classes,
                      int signal_class) {
  if (split.rows() == 0) return Metrics{};
  std::vector<double> logits(split.rows() * static_cast<std::size_t>(n_classes));
  if (mlp.exact_in_double()) {
    const auto x = exact_features(split.x, model.input_format);
    mlp.forward_exact(x.data(), split.rows(), logits.data());
  } else {
    const auto raw = golden_forward_batch(model, quantize_inputs(model, split.x));
    const auto& f = model.layers.back().result_format;
    for (std::size_t i = 0; i < raw.size(); ++i) logits[i] = to_real(raw[i], f);
  }
  return compute_metrics(logits, split.y, n_classes, n_classes == 2 ? signal_class : 1);
}

// Exact metrics of a non-classification task: exact outputs (as above) and the quantized inputs.
Metrics exact_task_metrics(const Task& task, Mlp& mlp, const QuantizedModel& model, const data::Split& split) {
  if (split.rows() == 0) return Metrics{};
  const auto x = exact_features(split.x, model.input_format);
  std::vector<double> outputs(split.rows() * static_cast<std::size_t>(model.n_outputs()));
  if (mlp.exact_in_double() && mlp.n_outputs() == model.n_outputs()) {  // (a VAE deploys part of its outputs)
    mlp.forward_exact(x.data(), split.rows(), outputs.data());
  } else {
    const auto raw = golden_forward_batch(model, quantize_inputs(model, split.x));
    const auto& f = model.layers.back().result_format;
    for (std::size_t i = 0; i < raw.size(); ++i) outputs[i] = to_real(raw[i], f);
  }
  return task.metrics(model, outputs, x, split);
}

// The rows of `s` a task fits its loss on.
data::Split rows_trained_on(const Task& task, const data::Split& s) {
  std::vector<Eigen::Index> keep;
  for (std::size_t r = 0; r < s.rows(); ++r)
    if (task.trains_on(s.y[r])) keep.push_back(static_cast<Eigen::Index>(r));
  data::Split out;
  out.x.resize(static_cast<Eigen::Index>(keep.size()), s.x.cols());
  if (s.target.size() > 0) out.target.resize(static_cast<Eigen::Index>(keep.size()), s.target.cols());
  for (std::size_t k = 0; k < keep.size(); ++k) {
    out.x.row(static_cast<Eigen::Index>(k)) = s.x.row(keep[k]);
    if (s.target.size() > 0) out.target.row(static_cast<Eigen::Index>(k)) = s.target.row(keep[k]);
    out.y.push_back(s.y[static_cast<std::size_t>(keep[k])]);
  }
  return out;
}

void check_split(const data::Split& s, const char* name, std::size_t n_features, std::size_t n_classes,
                 const std::string& source) {
  if (s.rows() > 0 && static_cast<std::size_t>(s.x.cols()) != n_features)
    throw DataError(source, name, "split has the wrong number of features", std::to_string(n_features),
                    std::to_string(s.x.cols()));
  if (static_cast<std::size_t>(s.x.rows()) != s.rows())
    throw DataError(source, name, "features and labels differ in length", std::to_string(s.x.rows()),
                    std::to_string(s.rows()));
  for (auto y : s.y)
    if (y < 0 || static_cast<std::size_t>(y) >= n_classes)
      throw DataError(source, name, "label outside the class list", fmt::format("0..{}", n_classes - 1),
                      std::to_string(y));
}
// The float32 forward's outputs on every row of `split` (rows x outputs, row-major).
std::vector<float> float_logits(Mlp& mlp, const data::Split& split, bool qat, const FixedFormat& input_format, int batch) {
  const std::vector<float> x = qat ? quantized_features(split.x, input_format)
                                   : std::vector<float>(split.x.data(), split.x.data() + split.x.size());
  const auto n_in = static_cast<std::size_t>(split.x.cols());
  const auto n_out = static_cast<std::size_t>(mlp.n_outputs());
  std::vector<float> out(split.rows() * n_out);
  for (std::size_t start = 0; start < split.rows(); start += static_cast<std::size_t>(batch)) {
    const int b = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(batch), split.rows() - start));
    std::size_t ld = 0;
    const float* o = mlp.forward(x.data() + start * n_in, b, ld);
    for (int j = 0; j < b; ++j)
      std::copy_n(o + static_cast<std::size_t>(j) * ld, n_out, out.data() + (start + static_cast<std::size_t>(j)) * n_out);
  }
  return out;
}

// A distilling spec needs a classification teacher of the data's shape.
void check_teacher(const Teacher* teacher, const Task* task, const data::LoadedDataset& data, const std::string& source) {
  if (task)
    throw ConfigError(source, "training.distillation_alpha", "knowledge distillation trains classifiers only",
                      "1 (no teacher) with a " + task->kind() + " task", "a value below 1");
  if (!teacher)
    throw ConfigError(source, "training.distillation_alpha", "distillation without a teacher",
                      "1, or an experiment with a \"distillation\" teacher", "a value below 1");
  if (teacher->n_classes != static_cast<int>(data.n_classes()))
    throw ConfigError(teacher->source, "outputs", "teacher of the wrong shape",
                      fmt::format("{} outputs (the data set's classes)", data.n_classes()),
                      std::to_string(teacher->n_classes));
  if (teacher->rows() != data.train.rows())
    throw ConfigError(teacher->source, "logits", "teacher of another training split",
                      fmt::format("{} training rows", data.train.rows()), std::to_string(teacher->rows()));
}
}  // namespace

Metrics evaluate_model(const QuantizedModel& model, const data::Split& split, int signal_class) {
  std::vector<double> logits;
  if (split.rows() > 0) {
    const auto raw = golden_forward_batch(model, quantize_inputs(model, split.x));
    const auto& f = model.layers.back().result_format;
    logits.resize(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) logits[i] = to_real(raw[i], f);
  }
  return compute_metrics(logits, split.y, model.n_outputs(), model.n_outputs() == 2 ? signal_class : 1);
}

TrainResult train_model(const ModelSpec& input_spec, const data::LoadedDataset& data, const TrainOptions& options) {
  const std::string& source = options.spec_source;
  const auto n_features = data.n_features() ? data.n_features() : static_cast<std::size_t>(data.train.x.cols());
  const std::size_t n_classes = data.n_classes();
  const Task* task = options.task && !options.task->kind().empty() && options.task->kind() != "classification"
                         ? options.task
                         : nullptr;
  ModelSpec spec = task ? resolve_task_model_spec(input_spec, static_cast<int>(n_features),
                                                        task->output_units(data), source)
                              : resolve_model_spec(input_spec, static_cast<int>(n_features),
                                                   static_cast<int>(n_classes), source);
  validate_model_spec(spec, source);
  // A variational autoencoder trains its encoder with mu and log-variance heads (nn/variational.hpp).
  const TaskSpec* vae = task ? task->variational() : nullptr;
  if (vae) spec.layers.back().units = 2 * vae->latent;
  const std::string data_source = data.spec_file.empty() ? data.name : data.spec_file;
  if (data.train.rows() == 0) throw DataError(data_source, "train", "the training split is empty", "at least one row", "0 rows");
  check_split(data.train, "train", n_features, n_classes, data_source);
  check_split(data.validation, "validation", n_features, n_classes, data_source);
  check_split(data.test, "test", n_features, n_classes, data_source);

  const TrainingSpec& ts = spec.training;
  const Teacher* teacher = distills(ts.distillation_alpha) ? options.teacher : nullptr;
  if (distills(ts.distillation_alpha)) check_teacher(options.teacher, task, data, source);
  const int epochs = options.epochs > 0 ? options.epochs : ts.epochs;
  // The rows the loss is fitted and monitored on (an autoencoder's background only).
  const data::Split fit_train_rows = task ? rows_trained_on(*task, data.train) : data::Split{};
  const data::Split fit_val_rows = task ? rows_trained_on(*task, data.validation) : data::Split{};
  const data::Split& fit_train = task ? fit_train_rows : data.train;
  const data::Split& fit_val = task ? fit_val_rows : data.validation;
  if (fit_train.rows() == 0)
    throw DataError(data_source, "train", "no training row the task trains on", "at least one row", "0 rows");
  const std::size_t n_train = fit_train.rows();
  const int batch = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(ts.batch_size), n_train));
  const bool qat = ts.quantization_aware;
  const auto n_in = static_cast<std::size_t>(spec.n_inputs);

  Mlp mlp(spec, batch, qat);
  Rng init_rng = Rng::stream(options.seed, options.generation, options.index, "train.init");
  Rng shuffle_rng = Rng::stream(options.seed, options.generation, options.index, "train.shuffle");
  mlp.initialize(init_rng);
  const int inherited_parent = choose_parent(mlp, options.parents);  // weight inheritance, after the random draws
  std::vector<int> inherited_layers;
  if (inherited_parent >= 0) inherited_layers = inherit_weights(mlp, *options.parents[static_cast<std::size_t>(inherited_parent)]);
  Optimizer optimizer(ts.optimizer, ts.momentum, mlp.params().size());
  std::optional<VariationalTrainer> vt;
  if (vae) {
    std::vector<int> hidden;
    for (std::size_t k = 0; k + 1 < spec.layers.size(); ++k) hidden.push_back(spec.layers[k].units);
    vt.emplace(*vae, spec.n_inputs, hidden, batch, ts,
               Rng::stream(options.seed, options.generation, options.index, "train.vae.decoder"),
               Rng::stream(options.seed, options.generation, options.index, "train.vae.noise"));
  }

  // Inputs as the training forward sees them: on the input format's grid when training QAT.
  const std::vector<float> train_x = qat ? quantized_features(fit_train.x, spec.input_format)
                                         : std::vector<float>(fit_train.x.data(), fit_train.x.data() + fit_train.x.size());
  const std::vector<float> val_x = qat ? quantized_features(fit_val.x, spec.input_format)
                                       : std::vector<float>(fit_val.x.data(), fit_val.x.data() + fit_val.x.size());

  std::vector<PruningSchedule> schedules;
  for (const auto& l : spec.layers) schedules.emplace_back(epochs, ts.prune_rounds, l.sparsity);
  const int prune_done_epoch = schedules.front().final_epoch();  // same for every layer
  std::size_t n_weights = 0;
  for (int k = 0; k < mlp.n_layers(); ++k) n_weights += static_cast<std::size_t>(spec.layers[k].units) * (k == 0 ? n_in : static_cast<std::size_t>(spec.layers[k - 1].units));

  auto apply_pruning = [&](int epoch) {
    bool changed = false;
    auto params = mlp.params();
    auto mask = mlp.mask();
    const auto q = mlp.quantized_params();
    for (int k = 0; k < mlp.n_layers(); ++k) {
      const double s = schedules[static_cast<std::size_t>(k)].target(epoch);
      if (s <= 0.0) continue;
      const int n_out = spec.layers[k].units;
      const int lin = k == 0 ? spec.n_inputs : spec.layers[k - 1].units;
      const std::size_t nw = static_cast<std::size_t>(n_out) * lin;
      const std::size_t wo = mlp.weight_offset(k), bo = mlp.bias_offset(k);
      const bool last = k + 1 == mlp.n_layers();
      if (ts.structured_pruning && !last)
        prune_neurons(q.subspan(wo, nw), params.subspan(wo, nw), n_out, lin, mask.subspan(wo, nw),
                      mask.subspan(bo, static_cast<std::size_t>(n_out)),
                      static_cast<int>(pruned_count(s, static_cast<std::size_t>(n_out))));
      else
        prune_weights(q.subspan(wo, nw), params.subspan(wo, nw), mask.subspan(wo, nw), pruned_count(s, nw));
      changed = true;
    }
    if (changed) {
      for (std::size_t i = 0; i < params.size(); ++i) params[i] *= mask[i];
      mlp.quantize_params();
    }
  };
  auto sparsity_of = [&](Mlp& m) {
    std::size_t zeros = 0;
    const auto mask = m.mask();
    for (int k = 0; k < mlp.n_layers(); ++k) {
      const int lin = k == 0 ? spec.n_inputs : spec.layers[k - 1].units;
      const std::size_t nw = static_cast<std::size_t>(spec.layers[k].units) * lin;
      for (std::size_t i = mlp.weight_offset(k); i < mlp.weight_offset(k) + nw; ++i) zeros += mask[i] == 0.0f;
    }
    return n_weights ? static_cast<double>(zeros) / static_cast<double>(n_weights) : 0.0;
  };

  // The integer model of `m`, and its exact metrics on a split.
  auto integer_model = [&](const Mlp& m) {
    QuantizedModel model = vae ? mean_head(m.to_quantized_model(), vae->latent) : m.to_quantized_model();
    model.feature_names = data.feature_names;
    model.class_names = data.class_names;
    model.input_offset = data.preprocessing.offset;
    model.input_scale = data.preprocessing.scale;
    if (task) task->finish_model(model, data);
    return model;
  };
  auto metrics_of = [&](Mlp& m, const QuantizedModel& model, const data::Split& split) {
    return task ? exact_task_metrics(*task, m, model, split)
                : exact_metrics(m, model, split, static_cast<int>(n_classes), options.signal_class);
  };
  // The integer model of `m`, its exact metrics and training metadata, into `r`.
  auto finish = [&](Mlp& m, TrainResult& r) {
    QuantizedModel model = integer_model(m);
    if (options.evaluate_train) r.train = metrics_of(m, model, data.train);
    r.validation = metrics_of(m, model, data.validation);
    r.test = metrics_of(m, model, data.test);

    Json t;
    t["seed"] = options.seed;
    t["generation"] = options.generation;
    t["index"] = options.index;
    t["epochs_planned"] = epochs;
    t["epochs_run"] = r.epochs_run;
    t["best_epoch"] = r.best_epoch;
    t["early_stopped"] = r.early_stopped;
    t["early_stop_epoch"] = r.early_stopped ? Json(r.epochs_run) : Json(nullptr);
    t["optimizer"] = ts.optimizer;
    t["learning_rate"] = ts.learning_rate;
    t["batch_size"] = batch;
    t["schedule"] = ts.schedule;
    t["l1"] = ts.l1;
    t["prune_rounds"] = ts.prune_rounds;
    t["structured_pruning"] = ts.structured_pruning;
    t["quantization_aware"] = qat;
    t["sparsity"] = sparsity_of(m);
    if (task) t["task"] = task->kind();
    if (vae)
      t["variational"] = {{"latent", vae->latent}, {"beta", vae->beta}, {"decoder", vt->decoder().sizes()}};
    if (teacher)
      t["distillation"] = {{"teacher", teacher->source},
                           {"alpha", ts.distillation_alpha},
                           {"temperature", ts.distillation_temperature},
                           {"teacher_test_accuracy", teacher->test_accuracy}};
    if (task && !data.target_names.empty())  // outputs in raw units: y = y' / scale + offset
      t["targets"] = {{"names", data.target_names},
                      {"offset", data.target_preprocessing.offset},
                      {"scale", data.target_preprocessing.scale}};
    if (n_classes == 2 && !task) t["signal_class"] = data.class_names.at(static_cast<std::size_t>(options.signal_class));
    Json d;
    d["name"] = data.name;
    d["spec_file"] = data.spec_file;
    d["split_seed"] = data.split_seed;
    d["rows"] = {{"train", data.train.rows()}, {"validation", data.validation.rows()}, {"test", data.test.rows()}};
    d["preprocessing"] = data.preprocessing.method;
    Json sources = Json::array();
    for (const auto& s : data.sources) sources.push_back({{"path", s.path}, {"sha256", s.sha256}, {"bytes", s.bytes}});
    d["sources"] = sources;
    t["data"] = d;
    t["metrics"] = {{"train", options.evaluate_train ? r.train.to_json() : Json(nullptr)},
                    {"validation", r.validation.to_json()},
                    {"test", r.test.to_json()}};
    t["throughput"] = {{"samples_trained", r.samples_trained},
                       {"seconds", r.train_seconds},
                       {"samples_per_second", r.samples_per_second}};
    model.training = std::move(t);
    r.model = std::move(model);
    r.ok = true;
  };
  TrainResult result;
  result.inherited_parent = inherited_parent;
  result.inherited_layers = inherited_layers;
  std::vector<std::uint32_t> order(n_train);
  std::iota(order.begin(), order.end(), 0u);
  std::vector<float> xb(static_cast<std::size_t>(batch) * n_in);
  std::vector<std::int32_t> yb(static_cast<std::size_t>(batch));
  const auto n_out = static_cast<std::size_t>(spec.layers.back().units);
  std::vector<float> tb(task || teacher ? static_cast<std::size_t>(batch) * n_out : 0), scratch;
  // A task's targets of row r, for the training forward (the quantized input for autoencoders).
  auto target_row = [&](const data::Split& split, const std::vector<float>& xq, std::size_t r) {
    return task->reconstructs_inputs() ? xq.data() + r * n_in : split.target.data() + r * n_out;
  };
  // A task's summed loss over a split (float32 forward), for validation and early stopping.
  auto task_loss = [&](const data::Split& split, const std::vector<float>& xq) {
    double sum = 0.0;
    for (std::size_t start = 0; start < split.rows(); start += static_cast<std::size_t>(batch)) {
      const int b = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(batch), split.rows() - start));
      std::size_t ld = 0;
      const float* out = mlp.forward(xq.data() + start * n_in, b, ld);
      scratch.assign(ld * static_cast<std::size_t>(b), 0.0f);
      if (vt) {  // deterministic: z = mu
        sum += vt->loss_gradient(out, ld, b, xq.data() + start * n_in, scratch.data(), false);
        continue;
      }
      sum += task->loss_gradient(out, ld, static_cast<int>(n_out), b, target_row(split, xq, start), scratch.data());
    }
    return sum;
  };
  const long steps_per_epoch = static_cast<long>((n_train + static_cast<std::size_t>(batch) - 1) / static_cast<std::size_t>(batch));
  const long total_steps = steps_per_epoch * epochs;
  long step = 0;
  double best_val = std::numeric_limits<double>::infinity();
  std::vector<float> best_params, best_mask;
  int since_best = 0;

  const auto t_start = Clock::now();
  for (int epoch = 0; epoch < epochs; ++epoch) {
    const auto t_epoch = Clock::now();
    apply_pruning(epoch);
    shuffle_rng.shuffle(order.begin(), order.end());
    double loss_sum = 0.0, lr = ts.learning_rate;
    for (std::size_t start = 0; start < n_train; start += static_cast<std::size_t>(batch)) {
      const int b = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(batch), n_train - start));
      for (int j = 0; j < b; ++j) {
        const std::uint32_t r = order[start + static_cast<std::size_t>(j)];
        std::memcpy(xb.data() + static_cast<std::size_t>(j) * n_in, train_x.data() + static_cast<std::size_t>(r) * n_in,
                    n_in * sizeof(float));
        yb[static_cast<std::size_t>(j)] = fit_train.y[r];
        if (task && !vae)
          std::memcpy(tb.data() + static_cast<std::size_t>(j) * n_out, target_row(fit_train, train_x, r),
                      n_out * sizeof(float));
      }
      if (teacher)
        for (int j = 0; j < b; ++j)
          std::memcpy(tb.data() + static_cast<std::size_t>(j) * n_out,
                      teacher->logits.data() + static_cast<std::size_t>(order[start + static_cast<std::size_t>(j)]) * n_out,
                      n_out * sizeof(float));
      const double loss = vt ? mlp.train_step(xb.data(), b, ts.l1,
                                              [&](const float* out, std::size_t ld, float* grad) {
                                                return vt->loss_gradient(out, ld, b, xb.data(), grad, true);
                                              })
                          : task    ? mlp.train_step(xb.data(), *task, tb.data(), b, ts.l1)
                          : teacher ? mlp.train_step(xb.data(), b, ts.l1,
                                                     [&](const float* out, std::size_t ld, float* grad) {
                                                       return distillation_loss_gradient(
                                                           out, ld, static_cast<int>(n_out), b, yb.data(), tb.data(),
                                                           ts.distillation_alpha, ts.distillation_temperature, grad);
                                                     })
                                    : mlp.train_step(xb.data(), yb.data(), b, ts.l1);
      if (!std::isfinite(loss)) {
        result.ok = false;
        result.failure = fmt::format("diverged: the training loss became {} at epoch {}, step {}",
                                     std::isnan(loss) ? "NaN" : "infinite", epoch + 1, step + 1);
        result.epochs_run = epoch + 1;
        result.train_seconds = seconds_since(t_start);
        return result;
      }
      loss_sum += loss;
      lr = learning_rate_at(ts, epoch, epochs, step, total_steps);
      optimizer.step(mlp.params(), mlp.grads(), mlp.mask(), lr);
      if (vt) vt->step(lr);
      mlp.quantize_params();
      ++step;
    }
    result.samples_trained += n_train;
    // Validation pass (float32 fake-quantized forward) for monitoring and early stopping.
    double val_loss = 0.0;
    std::size_t val_correct = 0;
    const std::size_t n_val = fit_val.rows();
    if (task)
      val_loss = task_loss(fit_val, val_x);
    else
      for (std::size_t start = 0; start < n_val; start += static_cast<std::size_t>(batch)) {
        const int b = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(batch), n_val - start));
        mlp.evaluate_float(val_x.data() + start * n_in, data.validation.y.data() + start, b, val_loss, val_correct);
      }
    EpochReport rep;
    rep.epoch = epoch + 1;
    rep.epochs = epochs;
    rep.train_loss = loss_sum / static_cast<double>(n_train);
    rep.val_loss = n_val ? val_loss / static_cast<double>(n_val) : std::numeric_limits<double>::quiet_NaN();
    rep.val_accuracy = n_val && !task ? static_cast<double>(val_correct) / static_cast<double>(n_val) : std::numeric_limits<double>::quiet_NaN();
    rep.sparsity = sparsity_of(mlp);
    rep.learning_rate = lr;
    rep.samples_per_second = static_cast<double>(n_train) / seconds_since(t_epoch);
    result.history.push_back(rep);
    result.epochs_run = epoch + 1;
    if (options.on_epoch) options.on_epoch(rep);
    if (n_val && !std::isfinite(rep.val_loss)) {
      result.ok = false;
      result.failure = fmt::format("diverged: the validation loss became {} at epoch {}",
                                   std::isnan(rep.val_loss) ? "NaN" : "infinite", epoch + 1);
      result.train_seconds = seconds_since(t_start);
      return result;
    }
    // The candidate's wall-clock budget, checked once per epoch (the only nondeterministic way a
    // candidate can fail: it depends on the machine's speed).
    if (options.timeout_seconds > 0 && epoch + 1 < epochs && seconds_since(t_start) > options.timeout_seconds) {
      result.ok = false;
      result.failure = fmt::format("timeout: training exceeded {:g} s after epoch {} of {}", options.timeout_seconds,
                                   epoch + 1, epochs);
      result.train_seconds = seconds_since(t_start);
      return result;
    }
    // Multi-fidelity check on a copy of the current weights (TrainOptions::stop_check).
    if (options.stop_check && epoch + 1 == options.check_epoch && epoch + 1 < epochs) {
      const QuantizedModel model = integer_model(mlp);
      std::optional<Mlp> copy;  // the metric passes use an Mlp's buffers: a copy, made only when asked
      auto snapshot = [&]() -> Mlp& { return copy ? *copy : copy.emplace(mlp); };
      const PartialModel view{model, epoch + 1,
                              [&](bool test) { return metrics_of(snapshot(), model, test ? data.test : data.validation); }};
      if (options.stop_check(view)) {
        TrainResult partial = result;
        partial.best_epoch = partial.epochs_run;
        partial.train_seconds = seconds_since(t_start);
        partial.samples_per_second =
            partial.train_seconds > 0 ? static_cast<double>(partial.samples_trained) / partial.train_seconds : 0.0;
        partial.stopped_by_check = true;
        finish(snapshot(), partial);
        partial.model.training["stopped_by_check"] = true;
        return partial;
      }
    }
    // Early stopping, armed once the final sparsity is in place.
    if (ts.patience > 0 && n_val && epoch >= prune_done_epoch) {
      if (rep.val_loss < best_val) {
        best_val = rep.val_loss;
        best_params.assign(mlp.params().begin(), mlp.params().end());
        best_mask.assign(mlp.mask().begin(), mlp.mask().end());
        result.best_epoch = epoch + 1;
        since_best = 0;
      } else if (++since_best >= ts.patience) {
        result.early_stopped = epoch + 1 < epochs;  // patience running out at the last epoch is no early stop
        break;
      }
    }
  }
  result.train_seconds = seconds_since(t_start);
  result.samples_per_second = result.train_seconds > 0 ? static_cast<double>(result.samples_trained) / result.train_seconds : 0.0;
  if (!best_params.empty()) {
    std::copy(best_params.begin(), best_params.end(), mlp.params().begin());
    std::copy(best_mask.begin(), best_mask.end(), mlp.mask().begin());
    mlp.quantize_params();
  } else {
    result.best_epoch = result.epochs_run;
  }
  // Make sure the final sparsity holds even when training stopped before the schedule ended.
  apply_pruning(std::max(prune_done_epoch, epochs - 1));
  for (float p : mlp.params())
    if (!std::isfinite(p)) {
      result.ok = false;
      result.failure = "diverged: a weight became NaN or infinite";
      return result;
    }

  if (options.float_metrics && !task) {  // the float32 forward pass of the final weights (plain float unless QAT)
    auto accuracy = [&](const data::Split& split) {
      const std::vector<float> x = qat ? quantized_features(split.x, spec.input_format)
                                       : std::vector<float>(split.x.data(), split.x.data() + split.x.size());
      double loss = 0.0;
      std::size_t correct = 0;
      for (std::size_t start = 0; start < split.rows(); start += static_cast<std::size_t>(batch)) {
        const int b = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(batch), split.rows() - start));
        mlp.evaluate_float(x.data() + start * n_in, split.y.data() + start, b, loss, correct);
      }
      return split.rows() ? static_cast<double>(correct) / static_cast<double>(split.rows())
                          : std::numeric_limits<double>::quiet_NaN();
    };
    result.float_validation_accuracy = accuracy(data.validation);
    result.float_test_accuracy = accuracy(data.test);
  }

  if (options.keep_train_logits) result.float_train_logits = float_logits(mlp, data.train, qat, spec.input_format, batch);
  finish(mlp, result);
  return result;
}

}  // namespace nas4ml::nn
