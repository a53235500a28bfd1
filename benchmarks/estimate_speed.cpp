// Time of one `rtl` estimate (lowering to the netlist included) of a 16-64-32-32-5 model with
// 50% sparsity and 6-bit weights, on one core (target <= 1 ms). Without an argument the
// model has random weights (nas4ml::Rng, seed 1) with exactly that sparsity and format; with a
// path it times a saved model instead (e.g. one trained by `nas4ml train`).
// "lowering alone" is the lowering as the estimate runs it: into one netlist reused from call
// to call, without decoding Netlist::bits; the fresh lowering with decoded origins is what
// firmware emission runs.
// --sharing cse times the shared-subexpression lowering (docs/netlist.md; target 2 ms).
//   estimate_speed [model.q.json] [--repeat N] [--sharing none|cse] [--sharing-effort E] [--save model.q.json]
// (--sharing-effort: runs of the subexpression search per layer, default 1; the targets are for 1.)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "nas4ml/core/error.hpp"
#include "nas4ml/core/rng.hpp"
#include "nas4ml/estimate/estimator.hpp"
#include "nas4ml/estimate/rtl_counts.hpp"
#include "nas4ml/netlist/lower.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"

using namespace nas4ml;

namespace {
nn::QuantizedModel random_jet_model() {
  Rng rng = Rng::stream(1, 0, 0, "bench.estimate_speed");
  const std::vector<int> sizes = {16, 64, 32, 32, 5};
  const FixedFormat in{16, 6}, w{6, 1}, b{8, 3}, hidden{8, 3};
  nn::QuantizedModel m;
  m.name = "jet-16-64-32-32-5-random";
  m.n_inputs = 16;
  m.input_format = in;
  for (std::size_t k = 1; k < sizes.size(); ++k) {
    nn::QuantizedLayer l;
    l.n_in = sizes[k - 1];
    l.n_out = sizes[k];
    l.activation = k + 1 == sizes.size() ? nn::Activation::linear : nn::Activation::relu;
    l.weight_format = w;
    l.bias_format = b;
    l.result_format = k + 1 == sizes.size() ? FixedFormat{16, 6} : hidden;
    const std::size_t n = static_cast<std::size_t>(l.n_in * l.n_out);
    // Exactly half the weights pruned: a random permutation picks them.
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    rng.shuffle(order.begin(), order.end());
    l.weights.assign(n, 0);
    for (std::size_t i = 0; i < n / 2; ++i) {
      std::int64_t v = 0;
      while (v == 0) v = w.min_raw() + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(w.max_raw() - w.min_raw() + 1)));
      l.weights[order[i]] = v;
    }
    for (auto x : l.weights) l.mask.push_back(x != 0);
    for (int o = 0; o < l.n_out; ++o) l.biases.push_back(b.min_raw() + static_cast<std::int64_t>(rng.below(256)));
    m.layers.push_back(l);
  }
  return m;
}
}  // namespace

namespace {
int run(int argc, char** argv) {
  std::string path;
  int repeat = 200;
  netlist::Sharing sharing = netlist::Sharing::none;
  int effort = 1;
  std::string save;  // --save PATH: write the model timed (the random one) and stop
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--repeat" && i + 1 < argc) repeat = std::max(1, std::atoi(argv[++i]));
    else if (a == "--sharing" && i + 1 < argc) sharing = netlist::parse_sharing(argv[++i], "", "--sharing");
    else if (a == "--sharing-effort" && i + 1 < argc) effort = std::atoi(argv[++i]);
    else if (a == "--save" && i + 1 < argc) save = argv[++i];
    else path = a;
  }
  estimate::EstimateOptions options;
  options.sharing = sharing;
  options.sharing_effort = effort;
  const nn::QuantizedModel model = path.empty() ? random_jet_model() : nn::load_quantized_model(path);
  if (!save.empty()) {
    nn::save_quantized_model(model, save);
    return 0;
  }
  const auto device = estimate::find_device("xcvu9p", estimate::default_estimators_dir());
  const auto rtl = estimate::make_estimator("rtl");
  const auto hls = estimate::make_estimator("hls");
  using clock = std::chrono::steady_clock;
  // Thread CPU time (CLOCK_THREAD_CPUTIME_ID): on a shared machine the wall clock also counts
  // time the thread waits for a core; the CPU time is what one estimate costs.
  auto cpu_us = [] {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) * 1e-3;
  };
  std::vector<double> wall_us;
  auto time_it = [&](auto&& fn) {
    for (int r = 0; r < 20; ++r) fn();  // warm-up: caches, allocator, per-thread work tables
    std::vector<double> us;
    wall_us.clear();
    for (int r = 0; r < repeat; ++r) {
      const auto t0 = clock::now();
      const double c0 = cpu_us();
      fn();
      us.push_back(cpu_us() - c0);
      wall_us.push_back(std::chrono::duration<double, std::micro>(clock::now() - t0).count());
    }
    std::sort(us.begin(), us.end());
    std::sort(wall_us.begin(), wall_us.end());
    return std::pair{us[us.size() / 2], us.front()};
  };
  // The lowering as the estimate runs it (into one reused netlist, origins not decoded), and as
  // firmware emission runs it (a fresh netlist with decoded Netlist::bits).
  netlist::LoweringOptions lean;
  lean.decode_origins = false;
  lean.sharing = sharing;
  lean.sharing_effort = effort;
  netlist::LoweringOptions decoded;
  decoded.sharing = sharing;
  decoded.sharing_effort = effort;
  netlist::Netlist n;
  const auto [low_med, low_min] = time_it([&] { netlist::lower(model, lean, n); });
  netlist::Netlist fresh;
  const auto [full_med, full_min] = time_it([&] { fresh = netlist::lower(model, decoded); });
  estimate::Estimate e;
  const auto [rtl_med, rtl_min] = time_it([&] { e = rtl->estimate(model, device, options); });
  const double rtl_wall_med = wall_us[wall_us.size() / 2], rtl_wall_min = wall_us.front();
  std::vector<estimate::LayerEstimate> counted;
  const auto [cnt_med, cnt_min] = time_it([&] { counted = estimate::count_netlist(n); });
  estimate::Estimate h;
  const auto [hls_med, hls_min] = time_it([&] { h = hls->estimate(model, device, {}); });
  std::size_t adders = 0;
  for (const auto& node : n.nodes) adders += node.kind == netlist::NodeKind::add || node.kind == netlist::NodeKind::sub;
  std::printf("model: %s (%s)\n", model.name.c_str(), path.empty() ? "random weights, 50% pruned, ap_fixed<6,1> weights" : path.c_str());
  std::printf("sharing: %s, effort %d\n", netlist::to_string(sharing).c_str(), effort);
  std::printf("netlist: %zu nodes, %zu adders, %zu bits, latency %d cycles at 5 ns\n", n.nodes.size(), adders,
              n.literals.size(), n.latency_cycles);
  std::printf("rtl estimate: LUT %.0f  FF %.0f  SRL %.0f  CARRY4 %.0f  DSP %.0f\n", e.lut, e.ff, e.srl, e.carry, e.dsp);
  std::printf("thread CPU time per call over %d calls, one core (median / min, microseconds):\n", repeat);
  std::printf("  rtl estimate (lowering included): %8.1f / %8.1f us\n", rtl_med, rtl_min);
  std::printf("  lowering alone (as the estimate): %8.1f / %8.1f us\n", low_med, low_min);
  std::printf("  lowering, fresh, decoded origins: %8.1f / %8.1f us\n", full_med, full_min);
  std::printf("  bit-level counting alone:          %8.1f / %8.1f us\n", cnt_med, cnt_min);
  std::printf("  hls estimate:                     %8.1f / %8.1f us\n", hls_med, hls_min);
  std::printf("  (rtl estimate wall clock: median %.1f us, min %.1f us)\n", rtl_wall_med, rtl_wall_min);
  const double target = sharing == netlist::Sharing::none ? 1000.0 : 2000.0;
  if (effort == 1) std::printf("target <= %.0f us (median CPU time): %s\n", target, rtl_med <= target ? "met" : "NOT met");
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const nas4ml::Error& e) {  // a bad model file, no estimators folder: one message
    std::fprintf(stderr, "estimate_speed: %s\n", e.what());
    return 2;
  }
}
