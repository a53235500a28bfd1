#include "nas4ml/netlist/lower.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <tuple>
#include <utility>

#ifdef __AVX2__
#include <immintrin.h>
#endif

#include "flat_hash.hpp"
#include <fmt/format.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/netlist/bit_liveness.hpp"
#include "nas4ml/netlist/cmvm.hpp"
#include "nas4ml/netlist/cmvm_search.hpp"
#include "nas4ml/netlist/csd.hpp"
#include "nas4ml/netlist/lookup.hpp"
#include "nas4ml/nn/activation.hpp"
#include "nas4ml/nn/anomaly_score.hpp"

namespace nas4ml::netlist {

int signed_width(std::int64_t lo, std::int64_t hi) noexcept {
  // w bits hold lo < 0 when ~lo < 2^(w-1), and hi >= 0 when hi < 2^(w-1).
  const int lo_bits = lo < 0 ? static_cast<int>(std::bit_width(static_cast<std::uint64_t>(~lo))) : 0;
  const int hi_bits = hi >= 0 ? static_cast<int>(std::bit_width(static_cast<std::uint64_t>(hi))) : 0;
  return std::min(64, std::max(lo_bits, hi_bits) + 1);
}

std::size_t max_netlist_weights() {
  const char* v = std::getenv("NAS4ML_MAX_NETLIST_WEIGHTS");
  if (v == nullptr || *v == '\0') return kDefaultMaxNetlistWeights;
  char* end = nullptr;
  const unsigned long long n = std::strtoull(v, &end, 10);
  if (end == v || *end != '\0' || n == 0 || v[0] == '-')
    throw ConfigError({}, "NAS4ML_MAX_NETLIST_WEIGHTS", "bad environment variable", "a positive number of weights",
                      fmt::format("\"{}\"", v));
  return static_cast<std::size_t>(n);
}

int levels_per_stage(const LoweringOptions& options, int width) {
  if (options.levels_per_stage > 0) return options.levels_per_stage;
  const double level = options.level_base_ns + options.level_per_bit_ns * width;
  const double k = std::floor((options.clock_ns - options.register_overhead_ns) / level);
  return std::max(1, static_cast<int>(k));
}

namespace {

using detail::FlatHashMap;
__extension__ typedef __int128 i128;  // exact range arithmetic beyond 64 bits

// A bit literal as one integer: 0 = constant 0, 1 = constant 1, otherwise
// 2 + 2 * global_bit_index + inverted, where global_bit_index is the index in Netlist::literals of
// the generating bit (its own origin). kInternal marks a carry generated inside an adder.
using Literal = std::uint32_t;
constexpr Literal kInternal = ~Literal{0} - 1;
constexpr std::size_t kMaxBits = (std::size_t{1} << 31) - 2;  // every literal below kInternal
/// Entries beyond the end that eight-wide writes may touch (literals, fanout counts; trimmed).
constexpr std::size_t kPad = 8;
/// Fanout counts zeroed at a time (finish_bits()).
constexpr std::size_t kFanoutStep = 1024;

/// The value of a node as a linear form over the layer inputs: k + sum coef_i * x_i; the
/// (i, coef_i) pairs, sorted by i, live in Builder::arena_ at [begin, begin + size).
struct LinearForm {
  std::int64_t k = 0;
  std::uint32_t begin = 0, size = 0;
};

/// One coefficient of a linear form: input i, coefficient c.
struct FormEntry {
  std::int32_t i;
  std::int64_t c;
};

/// A growable array whose new elements are not initialized: the lowering writes every element
/// it keeps (a vector would zero them first, a measurable cost at ~60,000 bits per lowering).
/// grow() hands out room without committing it, which a merge of unknown length needs; a
/// vector with DefaultInitAllocator measured 0.2M more instructions per lowering here.
template <class T>
class UninitArray {
 public:
  std::size_t size() const { return size_; }
  T* data() { return data_.get(); }
  const T* data() const { return data_.get(); }
  const T& operator[](std::size_t k) const { return data_[k]; }
  T& operator[](std::size_t k) { return data_[k]; }
  void clear() { size_ = 0; }
  void reserve(std::size_t n) {
    if (n <= capacity_) return;
    auto bigger = std::make_unique_for_overwrite<T[]>(n);
    std::copy(data_.get(), data_.get() + size_, bigger.get());
    data_ = std::move(bigger);
    capacity_ = n;
  }
  /// Room for n more elements (not initialized, not yet counted); returns where they start.
  T* grow(std::size_t n) {
    if (size_ + n > capacity_) reserve(std::max(size_ + n, 2 * capacity_));
    return data_.get() + size_;
  }
  /// Sets the size to n: new elements are not initialized.
  void resize(std::size_t n) {
    if (n > size_) grow(n - size_);
    size_ = n;
  }
  void push_back(const T& e) {
    *grow(1) = e;
    ++size_;
  }

 private:
  std::unique_ptr<T[]> data_;
  std::size_t size_ = 0, capacity_ = 0;
};

/// One summand of an adder tree, +-(node << shift), as one integer that is also its pairing
/// order (width, node, shift, negative): width << 40 | node << 16 | shift << 1 | negative, with
/// width = node width + shift < 2^23, node < 2^24 (append() checks), 0 <= shift < 2^15. Sorting
/// a neuron's terms is then a sort of plain integers.
struct Term {
  std::uint64_t order;
  NodeId node() const { return static_cast<NodeId>((order >> 16) & 0xFFFFFF); }
  int shift() const { return static_cast<int>((order >> 1) & 0x7FFF); }
  bool negative() const { return (order & 1) != 0; }
  friend bool operator<(const Term& x, const Term& y) { return x.order < y.order; }
};

/// The lowering's work tables (see Builder::scratch_).
struct Scratch {
  UninitArray<LinearForm> forms;
  UninitArray<FormEntry> arena;
  std::vector<std::pair<std::int64_t, std::int64_t>> input_ranges;
  FlatHashMap adders{1024}, constants{64}, products{256};
  detail::FlatMap<std::uint64_t> pair_runs{1024};  // XOR pair runs: key -> mask of the pairs seen
  std::vector<Term, DefaultInitAllocator<Term>> terms;  // the adder trees' terms of one layer, neuron after neuron
  std::vector<Term, DefaultInitAllocator<Term>> sorted;  // sort_leaves()' buffer
  // sum_narrowest()'s leaves (Leaf: adder level and Term order), which are alive, and its queue
  // of pairs (sum width, level, leaf i, leaf j).
  std::vector<std::uint64_t> leaves;
  std::vector<std::uint8_t> alive;
  std::vector<std::tuple<int, int, std::uint32_t, std::uint32_t>> pairs;
  // group_by_width()'s leaves keyed by lowest signal bit, group starts, one group and the
  // groups' sums (kept: a lowering of the jet network groups ~200 rows).
  std::vector<std::pair<std::uint64_t, std::uint64_t>> keyed;
  std::vector<std::size_t> starts;
  std::vector<std::uint64_t> part, roots;
  /// The CSD digits of every weight value of a layer's format, as Term increments (see
  /// build_layer()); the per-input parts of the leaves' Terms, 0 for inputs taken one by one.
  struct WeightDigits {
    static constexpr int kMax = 5;  // digits of a weight of at most kMaxWidth bits: (W + 2) / 2
    static constexpr int kMaxWidth = 8;
    std::uint64_t n = 0;
    std::uint64_t delta[kMax] = {};
  };
  std::vector<WeightDigits> digits;
  std::vector<std::uint64_t> leaf_base;
  std::vector<Literal> ff_of;     // by literal - 2: the flip-flop bit holding it (0 = none yet)
  std::vector<std::uint32_t> reg_of;      // by node: 1 + the id of its pipeline register (0 = none yet)
  std::vector<std::uint32_t> reg_written; // entries of reg_of to reset for the next lowering
  std::vector<std::uint32_t> ff_written;  // entries of ff_of to reset for the next lowering
  void clear() {
    for (std::uint32_t i : ff_written) ff_of[i] = 0;
    ff_written.clear();
    for (std::uint32_t i : reg_written) reg_of[i] = 0;
    reg_written.clear();
    forms.clear();
    arena.clear();
    input_ranges.clear();
    for (FlatHashMap* m : {&adders, &constants, &products}) m->clear();
    pair_runs.clear();
  }
};

class Builder {
 public:
  /// Builds into `reuse`'s storage (cleared, its capacity kept).
  Builder(const nn::QuantizedModel& model, const LoweringOptions& options, Scratch& scratch, Netlist&& reuse)
      : model_(model), options_(options), net_(std::move(reuse)), scratch_(scratch) {
    scratch_.clear();
    for (auto* v : {&net_.inputs, &net_.outputs}) v->clear();
    net_.nodes.clear();
    net_.literals.clear();
    net_.bits.clear();
    net_.fanout.clear();
    net_.live.clear();
    net_.layers.clear();
    net_.output_formats.clear();
    net_.model_name = model.name;
    net_.options = options;
    net_.input_format = model.input_format;
    net_.score = no_node;
    net_.score_format = {};
    net_.score_error.clear();
    net_.score_reference.clear();
  }

  Netlist run() {
    check_model();
    const auto live = liveness();
    // Size the tables from the number of CSD terms (one adder each, ~ a dozen bits per adder),
    // so that one lowering allocates a handful of times (speed: docs/netlist.md).
    std::size_t terms = 0, bits_per_term = 0, layer_terms = 0;
    for (std::size_t k = 0; k < model_.layers.size(); ++k) {
      const auto& l = model_.layers[k];
      std::size_t t = 0;
      for (auto w : l.weights) t += static_cast<std::size_t>(csd_weight(w));
      terms += t;
      layer_terms = std::max(layer_terms, t + 64);
      bits_per_term = std::max<std::size_t>(bits_per_term, static_cast<std::size_t>(l.weight_format.width) + 8);
    }
    terms += 64;
    net_.nodes.reserve(terms * 3 / 2);
    forms_.reserve(terms * 3 / 2);
    literals_.reserve(terms * bits_per_term * 3 / 2);
    net_.fanout.reserve(literals_.capacity() + kFanoutStep + kPad);
    adders_.reserve(layer_terms / 2);
    pair_runs_.reserve(layer_terms / 2);
    // Model inputs: ports at stage 0.
    const FixedFormat& in = model_.input_format;
    for (int i = 0; i < model_.n_inputs; ++i) {
      Node node;
      node.kind = NodeKind::input;
      node.stage = 0;
      node.lo = in.min_raw();
      node.hi = in.max_raw();
      node.width = signed_width(node.lo, node.hi);
      const NodeId id = append(node);
      for (int j = 0; j < node.width; ++j) {
        if (j == node.width - 1 && !in.is_signed) push_constant_bit(false);
        else push_own_bit();
      }
      finish_bits();
      net_.inputs.push_back(id);
    }
    std::vector<NodeId> layer_inputs = net_.inputs;
    int stage = 0;
    for (std::size_t k = 0; k < model_.layers.size(); ++k) {
      build_layer(k, layer_inputs, live[k + 1], stage);
      layer_inputs = net_.layers.back().outputs;
      stage = net_.layers.back().output_stage;
    }
    net_.outputs = layer_inputs;
    net_.output_formats.assign(static_cast<std::size_t>(model_.n_outputs()),
                               model_.layers.back().result_format);
    if (model_.anomaly_score) {
      build_score(layer_inputs, stage);
      net_.outputs = net_.layers.back().outputs;
      net_.output_formats.push_back(model_.anomaly_score->format);
      stage = net_.layers.back().output_stage;
    }
    net_.latency_cycles = stage;
    for (NodeId o : net_.outputs) {
      const Node& node = net_.nodes[static_cast<std::size_t>(o)];
      for (int j = 0; j < node.width; ++j) use(literal_of(node, j));
    }
    net_.fanout.resize(literals_.size());  // without finish_bits()' padding
    mark_live_bits(net_, literals_.data(), net_.live);
    if (options_.decode_origins) decode_origins();
    return std::move(net_);
  }

 private:
  // ---- model checks and liveness --------------------------------------------------------
  void check_model() const {
    if (!(options_.clock_ns >= kMinClockNs && options_.clock_ns <= kMaxClockNs))
      throw ConfigError("", "clock_ns", "clock period out of range",
                        fmt::format("{:g} to {:g} ns", kMinClockNs, kMaxClockNs), fmt::format("{:g}", options_.clock_ns));
    if (options_.levels_per_stage < 0 || options_.levels_per_stage > kMaxLevelsPerStage)
      throw ConfigError("", "levels_per_stage", "adder levels per stage out of range (0 = from the clock)",
                        fmt::format("0 to {}", kMaxLevelsPerStage), std::to_string(options_.levels_per_stage));
    if (options_.sharing_effort < 1 || options_.sharing_effort > kMaxSharingEffort)
      throw ConfigError("", "sharing_effort", "sharing effort out of range (runs of the subexpression search)",
                        fmt::format("an integer from 1 to {}", kMaxSharingEffort), std::to_string(options_.sharing_effort));
    NAS4ML_ASSERT(model_.n_inputs > 0 && !model_.layers.empty(), "model has no inputs or no layers");
    NAS4ML_ASSERT(model_.layers.size() < (std::size_t{1} << 15), "more than 2^15 layers (Node::layer is 16-bit)");
    int n_in = model_.n_inputs;
    for (const auto& layer : model_.layers) {
      NAS4ML_ASSERT(layer.n_in == n_in && layer.n_out > 0, "layer sizes do not chain");
      NAS4ML_ASSERT(layer.weights.size() == static_cast<std::size_t>(layer.n_in) * layer.n_out,
                    "weights have the wrong length");
      NAS4ML_ASSERT(layer.biases.size() == static_cast<std::size_t>(layer.n_out), "biases have the wrong length");
      n_in = layer.n_out;
      if (layer.dc < -1)
        throw ConfigError("", "layers[].dc", "the delay limit dc must be >= -1 (-1 = none)", ">= -1",
                          std::to_string(layer.dc));
    }
    // Bounded memory by design: a netlist costs ~1 KB per nonzero weight; refuse a model beyond
    // the documented limit at once instead of running out of memory a minute later.
    std::size_t nonzero = 0;
    for (const auto& layer : model_.layers)
      for (std::int64_t w : layer.weights) nonzero += w != 0;
    const std::size_t limit = max_netlist_weights();
    if (nonzero > limit)
      throw ConfigError(model_.name, "", "model too large to lower to a netlist",
                        fmt::format("at most {} nonzero weights (NAS4ML_MAX_NETLIST_WEIGHTS to raise the limit)", limit),
                        fmt::format("{} nonzero weights", nonzero));
  }

  /// live[k][i]: input i of layer k (k = layers.size(): the model outputs) is needed.
  std::vector<std::vector<std::uint8_t>> liveness() const {
    const std::size_t L = model_.layers.size();
    std::vector<std::vector<std::uint8_t>> live(L + 1);
    live[L].assign(static_cast<std::size_t>(model_.n_outputs()), 1);
    for (std::size_t k = L; k-- > 0;) {
      const auto& layer = model_.layers[k];
      live[k].assign(static_cast<std::size_t>(layer.n_in), 0);
      for (int o = 0; o < layer.n_out; ++o) {
        if (!live[k + 1][static_cast<std::size_t>(o)]) continue;
        for (int i = 0; i < layer.n_in; ++i)  // no branch on the weight (half of them are pruned)
          live[k][static_cast<std::size_t>(i)] |= static_cast<std::uint8_t>(layer.weight(o, i) != 0);
      }
    }
    return live;
  }

  // ---- node storage ---------------------------------------------------------------------
  /// Appends `node` (its first bit: the next bit pushed) with an empty form.
  NodeId append(const Node& node) {
    NAS4ML_ASSERT(net_.nodes.size() < (std::size_t{1} << 24), "netlist larger than 2^24 nodes");
    NAS4ML_ASSERT(literals_.size() + 64 < kMaxBits, "netlist larger than 2^31 bits");
    net_.nodes.push_back(node);
    net_.nodes.back().first_bit = static_cast<std::uint32_t>(literals_.size());
    forms_.push_back({});
    return static_cast<NodeId>(net_.nodes.size() - 1);
  }
  /// A default node appended in place (its fields are set by the caller), with its form.
  NodeId append_in_place(const LinearForm& form) {
    NAS4ML_ASSERT(net_.nodes.size() < (std::size_t{1} << 24), "netlist larger than 2^24 nodes");
    NAS4ML_ASSERT(literals_.size() + 64 < kMaxBits, "netlist larger than 2^31 bits");
    net_.nodes.emplace_back().first_bit = static_cast<std::uint32_t>(literals_.size());
    forms_.push_back(form);
    return static_cast<NodeId>(net_.nodes.size() - 1);
  }
  const Node& node(NodeId id) const { return net_.nodes[static_cast<std::size_t>(id)]; }

  // Every bit is pushed as its origin's literal (Netlist::literals; decode_origins() turns them
  // into BitOrigins at the end).
  void push_constant_bit(bool one) { literals_.push_back(one ? 1 : 0); }
  /// The next bit, generated by its own node's logic (its literal is its own).
  void push_own_bit() { literals_.push_back(static_cast<Literal>(2 + 2 * literals_.size())); }
  /// A bit whose origin is literal l.
  void push_literal(Literal l) { literals_.push_back(l); }
  /// Sizes the fanout counts to at least the bits pushed so far (the uses refer to finished nodes
  /// only), in steps of kFanoutStep zero counts: most nodes find theirs ready. (At least eight
  /// zero counts beyond the last bit: a stretch updates counts eight at a time. The counts are
  /// not zeroed by the vector: the new ones are, here; run() trims the excess.)
  void finish_bits() {
    auto& f = net_.fanout;
    const std::size_t old = f.size(), want = literals_.size() + kPad;
    if (want <= old) return;
    const std::size_t grown = std::max(want, old + kFanoutStep);
    f.resize(grown);
    std::fill(f.data() + old, f.data() + grown, 0u);
  }

  Literal literal_of(const Node& n, int j) const { return literals_[n.first_bit + static_cast<std::uint32_t>(j)]; }
  /// Netlist::bits from the literals, node by node: a bit whose literal is its own is (node, j);
  /// any other signal copies the origin of the bit it names, which comes earlier.
  void decode_origins() {
    net_.bits.resize(literals_.size());
    BitOrigin* bits = net_.bits.data();
    const Literal* lits = literals_.data();
    for (std::size_t id = 0; id < net_.nodes.size(); ++id) {
      const Node& n = net_.nodes[id];
      const Literal own = 2 + 2 * n.first_bit;
      for (int j = 0; j < n.width; ++j) {
        const Literal l = lits[n.first_bit + static_cast<std::uint32_t>(j)];
        BitOrigin& o = bits[n.first_bit + static_cast<std::uint32_t>(j)];
        if (l == own + 2 * static_cast<Literal>(j)) {
          o = BitOrigin::signal(static_cast<NodeId>(id), j);
        } else if (l < 2) {
          o = BitOrigin::constant(l == 1);
        } else {
          o = bits[(l - 2) >> 1];
          o.inverted = (l & 1) != 0;
        }
      }
    }
  }

  static Literal invert(Literal l) { return l ^ 1; }  // 0<->1, signal: flip polarity
  /// Counts one logic input driven by literal l (constants and internal carries drive nothing).
  void use(Literal l) {
    if (l >= 2 && l != kInternal) use_signal(l);
  }
  void use_signal(Literal l) { ++net_.fanout[(l - 2) >> 1]; }

  // ---- value ranges: linear forms over the layer inputs ---------------------------------
  std::pair<std::int64_t, std::int64_t> range_of(const LinearForm& f) const {
    i128 lo = f.k, hi = f.k;
    for (std::uint32_t t = f.begin; t < f.begin + f.size; ++t) {
      const auto [i, c] = arena_[t];
      const auto& [xlo, xhi] = input_ranges_[static_cast<std::size_t>(i)];
      const i128 a = static_cast<i128>(c) * xlo, b = static_cast<i128>(c) * xhi;
      lo += a < b ? a : b;
      hi += a < b ? b : a;
    }
    constexpr i128 lim = std::int64_t{1} << 61;
    NAS4ML_ASSERT(lo > -lim && hi < lim, "an accumulator needs more than 62 bits");
    return {static_cast<std::int64_t>(lo), static_cast<std::int64_t>(hi)};
  }
  /// Exact range of (x << sx) +/- (y << sy) for x and y over disjoint inputs (they vary
  /// independently, and each node's [lo, hi] is its form's exact range).
  static std::pair<std::int64_t, std::int64_t> range_sum(const Node& x, int sx, const Node& y, int sy, bool subtract) {
    const i128 xlo = static_cast<i128>(x.lo) << sx, xhi = static_cast<i128>(x.hi) << sx;
    const i128 ylo = static_cast<i128>(y.lo) << sy, yhi = static_cast<i128>(y.hi) << sy;
    const i128 lo = subtract ? xlo - yhi : xlo + ylo, hi = subtract ? xhi - ylo : xhi + yhi;
    constexpr i128 lim = std::int64_t{1} << 61;
    NAS4ML_ASSERT(lo > -lim && hi < lim, "an accumulator needs more than 62 bits");
    return {static_cast<std::int64_t>(lo), static_cast<std::int64_t>(hi)};
  }
  /// (a << sa) +/- (b << sb); `shared` tells whether a and b have an input in common.
  LinearForm combine(const LinearForm& a, int sa, const LinearForm& b, int sb, bool subtract, bool& shared) {
    LinearForm r;
    shared = false;
    const std::int64_t fb = subtract ? -1 : 1;
    r.k = (a.k << sa) + fb * (b.k << sb);
    r.begin = static_cast<std::uint32_t>(arena_.size());
    // Room for the result first (the merge writes after the entries it reads), trimmed after.
    FormEntry* out = arena_.grow(a.size + b.size);
    FormEntry* const start = out;
    const FormEntry* x = arena_.data() + a.begin;
    const FormEntry* y = arena_.data() + b.begin;
    const FormEntry* const xe = x + a.size;
    const FormEntry* const ye = y + b.size;
    while (x != xe && y != ye) {
      if (x->i < y->i) {
        *out++ = {x->i, x->c << sa};
        ++x;
      } else if (y->i < x->i) {
        *out++ = {y->i, fb * (y->c << sb)};
        ++y;
      } else {
        const std::int64_t c = (x->c << sa) + fb * (y->c << sb);
        if (c != 0) *out++ = {x->i, c};
        shared = true;
        ++x;
        ++y;
      }
    }
    for (; x != xe; ++x) *out++ = {x->i, x->c << sa};
    for (; y != ye; ++y) *out++ = {y->i, fb * (y->c << sb)};
    r.size = static_cast<std::uint32_t>(out - start);
    arena_.resize(r.begin + r.size);
    return r;
  }

  // ---- node builders --------------------------------------------------------------------
  NodeId constant(std::int64_t value) {
    const std::uint64_t key = static_cast<std::uint64_t>(value);
    if (key != FlatHashMap::empty_key)
      if (const auto* f = constants_.find(key)) return static_cast<NodeId>(*f);
    Node n;
    n.kind = NodeKind::constant;
    n.stage = -1;
    n.value = n.lo = n.hi = value;
    n.width = signed_width(value, value);
    const NodeId id = append(n);
    for (int j = 0; j < n.width; ++j) push_constant_bit(((value >> j) & 1) != 0);
    finish_bits();
    forms_[static_cast<std::size_t>(id)].k = value;
    if (key != FlatHashMap::empty_key) constants_.insert(key, static_cast<std::uint32_t>(id));
    return id;
  }

  /// The adder table's key of (a << a.shift) +/- (b << b.shift) (an addition's operands in order).
  static std::uint64_t adder_key(Operand a, Operand b, bool subtract) {
    NAS4ML_ASSERT(a.shift >= 0 && a.shift < 64 && b.shift >= 0 && b.shift < 64, "adder shift out of range");
    return (std::uint64_t{subtract} << 62) | (std::uint64_t(a.node) << 38) | (std::uint64_t(a.shift) << 32) |
           (std::uint64_t(b.node) << 8) | std::uint64_t(b.shift);
  }

  /// (a << a.shift) +/- (b << b.shift), built once per distinct operand pair.
  NodeId adder(Operand a, Operand b, bool subtract, int level) {
    if (!subtract && (a.node > b.node || (a.node == b.node && a.shift > b.shift))) std::swap(a, b);
    const auto [existing, inserted] = adders_.insert(adder_key(a, b, subtract), static_cast<std::uint32_t>(net_.nodes.size()));
    if (!inserted) return static_cast<NodeId>(existing);
    const Node &na = node(a.node), &nb = node(b.node);
    NAS4ML_ASSERT(na.stage < 0 || nb.stage < 0 || na.stage == nb.stage, "adder operands from different pipeline stages");
    bool shared = false;
    const LinearForm form = combine(forms_[static_cast<std::size_t>(a.node)], a.shift,
                                    forms_[static_cast<std::size_t>(b.node)], b.shift, subtract, shared);
    // Shared inputs may cancel: only then is the form's range needed.
    const auto [lo, hi] = shared ? range_of(form) : range_sum(na, a.shift, nb, b.shift, subtract);
    const int stage = std::max(na.stage, nb.stage);
    const NodeId id = append_adder(a, b, subtract, level, stage, lo, hi, form);  // na, nb are invalid from here
    derive_adder_bits(id);
    return id;
  }

  /// A new add/sub node (its bits still to be pushed) with the given operands, range and form.
  NodeId append_adder(Operand a, Operand b, bool subtract, int level, int stage, std::int64_t lo, std::int64_t hi,
                      const LinearForm& form) {
    const NodeId id = append_in_place(form);
    Node& n = net_.nodes.back();
    n.kind = subtract ? NodeKind::sub : NodeKind::add;
    n.a = a;
    n.b = b;
    n.layer = layer_index_;
    n.level = level;
    n.stage = stage;
    n.lo = lo;
    n.hi = hi;
    n.width = signed_width(lo, hi);
    return id;
  }

  /// Symbolic ripple-carry simulation of adder `id`: the origin of every output bit, the carry
  /// chain extent and the XOR bit pairs the LUTs compute (docs/netlist.md "Bit origins").
  void derive_adder_bits(NodeId id) {
    const Node& n = node(id);
    const bool subtract = n.kind == NodeKind::sub;
    const Operand a = n.a, b = n.b;
    const int width = n.width;
    const bool sign_fixed = n.lo >= 0 || n.hi < 0;  // the range fixes the sign bit
    const bool sign_value = n.hi < 0;
    // The operands' literals at every position: a and b shifted and sign-extended (b
    // complemented for a subtraction: a - b = a + ~b + 1).
    Literal as[72], bs[72];  // width <= 64, plus the 8 positions shifted_literals() writes beyond
    shifted_literals(a, width, 0, as);
    shifted_literals(b, width, subtract ? 1 : 0, bs);
    const Literal own = static_cast<Literal>(2 + 2 * literals_.size());  // literal of bit 0 of `id`
    // The output bits, written in place: literal and origin of each.
    const std::size_t first = literals_.size();
    literals_.resize(first + static_cast<std::size_t>(width) + kPad);  // trimmed below
    Literal* out = literals_.data() + first;
    auto set_own = [&](int i) { out[i] = own + 2 * static_cast<Literal>(i); };
    auto set = [&](int i, Literal l) { out[i] = l; };
    // Below the higher shift one operand is a stripped 0 and the carry keeps its start value
    // (0, or a subtraction's 1 against ~0): the output bit is the other operand's bit, wiring.
    // For a subtraction only b's stripped bits qualify (a's are the start of b's negation).
    const Literal* wired = subtract || b.shift >= a.shift ? as : bs;
    const int wiring_end = std::min(subtract ? b.shift : std::max(a.shift, b.shift), width - 1);
    for (int i = 0; i < wiring_end; ++i) set(i, wired[i]);
    AdderBits stats;
    stats.first_live = -1;
    stats.carry_from = -1;
    int last_live = -1;
    Literal carry = subtract ? 1 : 0;
    const int fixed_top = sign_fixed ? width - 1 : width;
    std::uint32_t* fanout = net_.fanout.data();
    auto full_adder = [](Literal la, Literal lb) { return la >= 2 && lb >= 2 && (la ^ lb) > 1; };
    for (int i = wiring_end; i < width;) {
      const Literal la = as[i], lb = bs[i];
      if (full_adder(la, lb) && i != fixed_top) {
        // The common case first: two different signals, whatever the carry: full adder bits
        // (the general case below, taken without sorting the three inputs), a run of them at
        // once. Within a stretch both operands read consecutive generating bits (la + 2t,
        // lb + 2t), which is what an operand's own bits are: fanout and XOR pairs per stretch.
        use(carry);
        carry = kInternal;
        if (stats.first_live < 0) stats.first_live = i;
        if (stats.carry_from < 0) stats.carry_from = i;
        const int end = std::min(fixed_top, width);  // fixed_top > i here
        while (i < end && full_adder(as[i], bs[i])) {
          const Literal sa = as[i], sb = bs[i];
          const int len = stretch(as, bs, i, end);
          std::uint32_t* fa = fanout + ((sa - 2) >> 1);
          std::uint32_t* fb = fanout + ((sb - 2) >> 1);
          own_run(out + i, own + 2 * static_cast<Literal>(i), fa, fb, len);
          note_pairs(sa, sb, len, stats);
          stats.xor_pairs += len;
          i += len;
        }
        last_live = i - 1;
        continue;
      }
      Literal sig[3];
      int nsig = 0, csum = 0;
      for (Literal l : {la, lb, carry}) {
        if (l < 2) csum += static_cast<int>(l);
        else sig[nsig++] = l;
      }
      bool live = false;
      if (i == width - 1 && sign_fixed) {
        set(i, sign_value ? 1 : 0);
      } else if (nsig == 0) {
        set(i, csum & 1);
        carry = csum >= 2 ? 1 : 0;
      } else if (nsig == 1 && sig[0] != kInternal) {
        // One signal plus constants: wiring (or its complement); the carry is a known function.
        const Literal s = sig[0];
        set(i, csum == 1 ? invert(s) : s);
        carry = csum == 0 ? 0 : (csum == 1 ? s : 1);
      } else if (nsig == 1) {
        live = true;  // the chain's carry passes through a position with constant operands
        set_own(i);
        carry = csum == 0 ? 0 : (csum == 1 ? kInternal : 1);
      } else if (nsig == 2 && sig[0] != kInternal && sig[1] != kInternal && (sig[0] | 1) == (sig[1] | 1)) {
        // s + s or s + ~s: no logic.
        if (sig[0] == sig[1]) {
          set(i, csum & 1);
          carry = sig[0];
        } else {
          set(i, (1 + csum) & 1);
          carry = (1 + csum) >= 2 ? 1 : 0;
        }
      } else {
        // A carry chain position whose operands are not two different signals (those were
        // taken above): no XOR pair of its own.
        live = true;
        set_own(i);
        use(la);
        use(lb);
        use(carry);
        carry = kInternal;
      }
      if (live) {
        if (stats.first_live < 0) stats.first_live = i;
        last_live = i;
      }
      if (carry >= 2 && stats.carry_from < 0) stats.carry_from = i;
      ++i;
    }
    flush_pairs(stats);
    literals_.resize(first + static_cast<std::size_t>(width));
    finish_bits();
    stats.live_bits = stats.first_live < 0 ? 0 : last_live - stats.first_live + 1;
    if (stats.first_live < 0) stats.first_live = width;
    if (stats.carry_from < 0) stats.carry_from = width;
    net_.nodes[static_cast<std::size_t>(id)].adder = stats;
  }

  /// A stretch's outputs: `len` own literals from `lit` on (out[t] = lit + 2t), and one more
  /// reader of the operand bits fa[t], fb[t]. Eight at a time with AVX2 (the buffers have
  /// kPad entries of room; lanes beyond len add 0 to counts and write literals rewritten later).
  static void own_run(Literal* out, Literal lit, std::uint32_t* fa, std::uint32_t* fb, int len) {
#ifdef __AVX2__
    const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    __m256i l = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(lit)), _mm256_add_epi32(iota, iota));
    for (int t = 0; t < len; t += 8) {
      const __m256i one = _mm256_and_si256(_mm256_cmpgt_epi32(_mm256_set1_epi32(len - t), iota), _mm256_set1_epi32(1));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + t), l);
      auto* pa = reinterpret_cast<__m256i*>(fa + t);
      _mm256_storeu_si256(pa, _mm256_add_epi32(_mm256_loadu_si256(pa), one));
      auto* pb = reinterpret_cast<__m256i*>(fb + t);  // may overlap fa's lanes: loaded after that store
      _mm256_storeu_si256(pb, _mm256_add_epi32(_mm256_loadu_si256(pb), one));
      l = _mm256_add_epi32(l, _mm256_set1_epi32(16));
    }
#else
    for (int t = 0; t < len; ++t) {
      out[t] = lit + 2 * static_cast<Literal>(t);
      ++fa[t];
      ++fb[t];
    }
#endif
  }

  /// Length of the stretch from position i (< end): positions i + t < end with as[i + t] =
  /// as[i] + 2t and bs[i + t] = bs[i] + 2t.
  static int stretch(const Literal* as, const Literal* bs, int i, int end) {
    const Literal sa = as[i], sb = bs[i];
    int len = 1;
#ifdef __AVX2__
    const __m256i step = _mm256_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14);
    while (i + len < end) {
      const __m256i ea = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(sa) + 2 * len), step);
      const __m256i eb = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(sb) + 2 * len), step);
      const __m256i va = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(as + i + len));
      const __m256i vb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bs + i + len));
      const __m256i same = _mm256_and_si256(_mm256_cmpeq_epi32(va, ea), _mm256_cmpeq_epi32(vb, eb));
      const int run = std::countr_one(static_cast<unsigned>(_mm256_movemask_ps(_mm256_castsi256_ps(same))));
      len += run;
      if (run < 8) break;
    }
    return std::min(len, end - i);
#else
    while (i + len < end && as[i + len] == sa + 2 * static_cast<Literal>(len) && bs[i + len] == sb + 2 * static_cast<Literal>(len))
      ++len;
    return len;
#endif
  }

  /// Literals of bits 0 .. width - 1 of (operand.node << operand.shift), xor `flip`.
  /// Eight positions per step with AVX2 (masked loads read only the source's own bits), plain
  /// loops otherwise. With AVX2, `out` is written up to `width` rounded up to 8, plus 8 (the
  /// stretch scan of derive_adder_bits() reads that far).
  void shifted_literals(const Operand& operand, int width, Literal flip, Literal* out) const {
    const Node& n = node(operand.node);
    const Literal* lits = literals_.data() + n.first_bit;
    const int sh = operand.shift, w = n.width;
#ifdef __AVX2__
    const __m256i vflip = _mm256_set1_epi32(static_cast<int>(flip));
    const __m256i vtop = _mm256_set1_epi32(static_cast<int>(lits[w - 1]));
    const __m256i last = _mm256_set1_epi32(w - 1);
    __m256i idx = _mm256_add_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(-sh));
    const auto base = reinterpret_cast<std::uintptr_t>(lits);
    for (int c = 0; c < width + 8; c += 8) {
      // Lane p reads source bit p - sh: 0 below the source, its sign bit above it.
      const __m256i below = _mm256_cmpgt_epi32(_mm256_setzero_si256(), idx);
      const __m256i above = _mm256_cmpgt_epi32(idx, last);
      const __m256i inside = _mm256_xor_si256(_mm256_or_si256(below, above), _mm256_set1_epi32(-1));
      const auto* from = reinterpret_cast<const int*>(base + 4 * static_cast<std::intptr_t>(c - sh));
      __m256i v = _mm256_maskload_epi32(from, inside);
      v = _mm256_or_si256(v, _mm256_and_si256(above, vtop));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + c), _mm256_xor_si256(v, vflip));
      idx = _mm256_add_epi32(idx, _mm256_set1_epi32(8));
    }
#else
    const int low = std::min(sh, width), own_end = std::min(sh + w, width);
    int i = 0;
    for (; i < low; ++i) out[i] = flip;
    for (; i < own_end; ++i) out[i] = lits[i - sh] ^ flip;
    for (; i < width; ++i) out[i] = lits[w - 1] ^ flip;
#endif
  }

  /// Counts XOR(la, lb) in stats.new_pairs when no earlier adder of the layer computes it (XOR
  /// and XNOR of the same two bits are different LUTs; XOR(a, ~b) = XOR(~a, b)). Pairs are kept
  /// in runs (block of 64 bits of the lower bit x, distance to the other bit, parity) with a
  /// 64-bit mask of x's bits; an adder's consecutive positions extend one pending run, which
  /// flush_pairs() merges into the layer's table with one look-up. Here the `len` pairs
  /// (la + 2t, lb + 2t), t < len (<= 64), in one go: they extend the pending run, or start a new
  /// one, and cross at most one block of 64.
  void note_pairs(Literal la, Literal lb, int len, AdderBits& stats) {
    PendingRun& r = pending_run_;
    std::uint32_t x = (la - 2) >> 1, y = (lb - 2) >> 1;  // global bit indices
    if (x > y) std::swap(x, y);
    const std::uint64_t tail = (std::uint64_t{y - x} << 1) | ((la ^ lb) & 1);
    if (la != r.next_la || lb != r.next_lb || r.next_bit == 64 || r.bits == 0) {
      flush_pairs(stats);
      r.key = (std::uint64_t{x >> 6} << 33) | tail;
      r.next_bit = x & 63;
      pair_runs_.prefetch(r.key);  // looked up when the run ends (measured ~1.5% faster)
    }
    // Here r.next_bit == x & 63: a continued run has followed x one bit per position.
    const int take = std::min(len, 64 - static_cast<int>(r.next_bit));
    r.bits |= (take == 64 ? ~std::uint64_t{0} : ((std::uint64_t{1} << take) - 1)) << r.next_bit;
    r.next_bit += static_cast<std::uint32_t>(take);
    if (take < len) {  // the rest lies in the next block of x
      flush_pairs(stats);
      const int rest = len - take;
      r.key = (std::uint64_t{(x + static_cast<std::uint32_t>(take)) >> 6} << 33) | tail;
      r.bits = rest == 64 ? ~std::uint64_t{0} : ((std::uint64_t{1} << rest) - 1);
      r.next_bit = static_cast<std::uint32_t>(rest);
    }
    r.next_la = la + 2 * static_cast<Literal>(len);
    r.next_lb = lb + 2 * static_cast<Literal>(len);
  }
  void flush_pairs(AdderBits& stats) {
    PendingRun& r = pending_run_;
    if (r.bits == 0) return;
    std::uint64_t& mask = pair_runs_.emplace(r.key, 0).first;
    stats.new_pairs += std::popcount(r.bits & ~mask);
    mask |= r.bits;
    r.bits = 0;
  }

  /// Pipeline register of `src` (constants are returned unchanged).
  NodeId reg(NodeId src) {
    if (node(src).kind == NodeKind::constant) return src;
    // One register per node: a table by node id, not per layer (a layer registers only its own
    // nodes and its inputs, which no other layer registers).
    const auto s = static_cast<std::size_t>(src);
    if (s >= reg_of_.size()) reg_of_.resize(std::max(s + 1, 2 * net_.nodes.capacity()), 0);
    if (reg_of_[s] != 0) return static_cast<NodeId>(reg_of_[s] - 1);
    reg_of_[s] = static_cast<std::uint32_t>(net_.nodes.size()) + 1;
    reg_written_.push_back(static_cast<std::uint32_t>(s));
    return new_reg(src);
  }
  /// A new pipeline register of `src` (not a constant), whether or not `src` has one already
  /// (the score's copies of the model inputs: a layer's registers of its inputs belong to it).
  NodeId new_reg(NodeId src) {
    Node n;
    n.kind = NodeKind::reg;
    n.a = {src, 0};
    n.layer = layer_index_;
    n.level = node(src).level;
    n.stage = node(src).stage + 1;
    n.lo = node(src).lo;
    n.hi = node(src).hi;
    n.width = node(src).width;
    n.neuron = node(src).neuron;
    const NodeId id = append(n);
    forms_[static_cast<std::size_t>(id)] = forms_[static_cast<std::size_t>(src)];
    const std::uint32_t src_first = node(src).first_bit;
    // The literals of the register's bits, written in place (the source's come earlier).
    const std::size_t first = literals_.size();
    const int width = n.width;
    literals_.resize(first + static_cast<std::size_t>(width));
    const Literal* in_bits = literals_.data() + src_first;
    Literal* out = literals_.data() + first;
    std::uint32_t* fanout = net_.fanout.data();
    for (int j = 0; j < width; ++j) {
      const Literal in = in_bits[j];
      if (in < 2) {
        out[j] = in;
        continue;
      }
      // The flip-flop already holding this literal, if any.
      const std::size_t slot = in - 2;
      if (slot >= ff_of_.size()) ff_of_.resize(std::max(slot + 1, ff_of_.size() * 2), 0);
      const Literal holder = ff_of_[slot];
      if (holder != 0) {
        out[j] = holder;
        continue;
      }
      const Literal own = static_cast<Literal>(2 + 2 * (first + static_cast<std::size_t>(j)));
      ff_of_[slot] = own;
      ff_written_.push_back(static_cast<std::uint32_t>(slot));
      out[j] = own;
      ++fanout[(in - 2) >> 1];
    }
    finish_bits();
    return id;
  }

  NodeId multiply(NodeId src, std::int64_t factor, int level) {
    Node n;
    n.kind = NodeKind::multiply;
    n.a = {src, 0};
    n.value = factor;
    n.layer = layer_index_;
    n.level = level;
    n.stage = node(src).stage;
    const LinearForm s0 = forms_[static_cast<std::size_t>(src)];
    LinearForm f{s0.k * factor, static_cast<std::uint32_t>(arena_.size()), s0.size};
    for (std::uint32_t t = 0; t < s0.size; ++t)
      arena_.push_back({arena_[s0.begin + t].i, arena_[s0.begin + t].c * factor});
    std::tie(n.lo, n.hi) = range_of(f);
    n.width = signed_width(n.lo, n.hi);
    const std::uint64_t key = (std::uint64_t(src) << 40) ^ static_cast<std::uint64_t>(factor);
    if (const auto* found = products_.find(key)) return static_cast<NodeId>(*found);
    const NodeId id = append(n);
    forms_[static_cast<std::size_t>(id)] = f;
    for (int j = 0; j < n.width; ++j) push_own_bit();
    finish_bits();
    for (int j = 0; j < node(src).width; ++j) use(literal_of(node(src), j));
    products_.insert(key, static_cast<std::uint32_t>(id));
    return id;
  }

  NodeId cast(const Term& root, int drop, const FixedFormat& format, int neuron) {
    const Node& src = node(root.node());
    const int shift = root.shift() - drop;  // < 0: drop low bits
    auto shifted = [&](std::int64_t v) { return shift >= 0 ? v << shift : v >> -shift; };
    const std::int64_t lo = shifted(src.lo), hi = shifted(src.hi);
    const std::int64_t fmin = format.min_raw(), fmax = format.max_raw();
    Node n;
    n.kind = NodeKind::cast;
    n.a = {root.node(), shift};
    n.format = format;
    n.layer = layer_index_;
    n.level = src.level;
    n.stage = src.stage;
    n.neuron = neuron;
    n.may_overflow = lo < fmin || hi > fmax;
    if (!n.may_overflow) {
      n.lo = lo;
      n.hi = hi;
    } else if (format.overflow == Overflow::saturate) {
      n.lo = std::clamp(lo, fmin, fmax);
      n.hi = std::clamp(hi, fmin, fmax);
    } else {
      n.lo = fmin;
      n.hi = fmax;
    }
    n.width = signed_width(n.lo, n.hi);
    const bool wiring = !n.may_overflow || format.overflow == Overflow::wrap;
    const NodeId id = append(n);
    for (int j = 0; j < n.width; ++j) {
      // Bit j of the cast = bit (j - shift) of the source (wrap: the source bits kept; an unsigned
      // format's extra top bit is 0 by the range).
      const bool top_zero = j == n.width - 1 && n.lo >= 0;
      if (wiring) {
        if (n.may_overflow && format.is_signed && j >= format.width) NAS4ML_ASSERT(false, "wrap cast width");
        const int sj = j - shift;
        if (sj < 0 || top_zero) push_constant_bit(false);
        else push_literal(literal_of(node(root.node()), std::min(sj, node(root.node()).width - 1)));
      } else if (top_zero) {
        push_constant_bit(false);
      } else {
        push_own_bit();
      }
    }
    finish_bits();
    if (!wiring) {
      const Node& s = node(root.node());
      for (int sj = std::max(0, -shift); sj < s.width; ++sj) use(literal_of(s, sj));
    }
    return id;
  }

  NodeId relu(NodeId src, int neuron) {
    const Node& s = node(src);
    if (s.lo >= 0) return src;
    if (s.hi <= 0) return constant(0);
    Node n;
    n.kind = NodeKind::relu;
    n.a = {src, 0};
    n.layer = layer_index_;
    n.level = s.level;
    n.stage = s.stage;
    n.neuron = neuron;
    n.lo = 0;
    n.hi = s.hi;
    n.width = signed_width(0, s.hi);
    const NodeId id = append(n);
    const Literal sign = literal_of(node(src), node(src).width - 1);
    for (int j = 0; j < n.width; ++j) {
      const Literal in = literal_of(node(src), j);
      if (j == n.width - 1 || in == 0) {
        push_constant_bit(false);
      } else {
        push_own_bit();
        use(in);
        use(sign);
      }
    }
    finish_bits();
    return id;
  }

  /// The activation ROM of a layer's cast `src` (lookup.hpp): bits constant over its range are
  /// constants, the others its own.
  NodeId lookup(NodeId src, nn::Activation act, const FixedFormat& format, int neuron) {
    const Node& s = node(src);
    if (s.hi - s.lo >= kMaxLookupEntries)
      throw ConfigError({}, fmt::format("$.layers[{}].activation", layer_index_),
                        fmt::format("the netlist implements {} as a lookup ROM over at most {} input values",
                                    nn::to_string(act), kMaxLookupEntries),
                        "a result format of at most 12 bits", fmt::format("{} values", s.hi - s.lo + 1));
    const LookupContents rom = lookup_contents(act, format, s.lo, s.hi);
    if (rom.lo == rom.hi) return constant(rom.lo);
    Node n;
    n.kind = NodeKind::lookup;
    n.a = {src, 0};
    n.value = static_cast<std::int64_t>(act);
    n.format = format;
    n.layer = layer_index_;
    n.level = s.level;
    n.stage = s.stage;
    n.neuron = neuron;
    n.lo = rom.lo;
    n.hi = rom.hi;
    n.width = signed_width(rom.lo, rom.hi);
    const NodeId id = append(n);
    for (int j = 0; j < n.width; ++j) {
      if ((rom.ones >> j) & 1) push_constant_bit(true);
      else if ((rom.zeros >> j) & 1) push_constant_bit(false);
      else push_own_bit();
    }
    finish_bits();
    for (int j = 0; j < node(src).width; ++j)
      if (const Literal in = literal_of(node(src), j); in >= 2) use(in);
    return id;
  }

  Term make_term(NodeId id, int shift, bool negative) const {
    NAS4ML_ASSERT(shift >= 0 && shift < (1 << 15), "term shift out of range");
    const int width = node(id).width + shift;
    return {(std::uint64_t(width) << 40) | (std::uint64_t(id) << 16) | (std::uint64_t(shift) << 1) |
            std::uint64_t{negative}};
  }

  /// Whether a term of node x gets a word (nonnegative_sum()): every negative term, and a
  /// positive one of a node that can be negative.
  static bool needs_word(const Node& x, bool negative) { return negative || x.lo < 0; }

  /// R - 2^m for a root R in [0, 2^(m + 1)) (nonnegative_sum()): R's bits below m, its bit m
  /// inverted above (wiring). An adder node with a constant operand; no adder reads it, so it
  /// gets no linear form (its range is R's less 2^m).
  NodeId flip_node(NodeId r, int m, int level) {
    const NodeId c = constant(-(std::int64_t{1} << m));
    const Operand a{std::min(r, c), 0}, b{std::max(r, c), 0};  // adder()'s order, for its table
    const auto [existing, inserted] = adders_.insert(adder_key(a, b, false), static_cast<std::uint32_t>(net_.nodes.size()));
    if (!inserted) return static_cast<NodeId>(existing);
    const std::int64_t lo = node(r).lo - (std::int64_t{1} << m), hi = node(r).hi - (std::int64_t{1} << m);
    const int stage = node(r).stage, wr = node(r).width;
    const std::uint32_t from = node(r).first_bit;
    const NodeId id = append_adder(a, b, false, level, stage, lo, hi, LinearForm{});
    Node& n = net_.nodes.back();
    n.adder.first_live = n.adder.carry_from = n.width;
    auto bit = [&](int j) { return literals_[from + static_cast<std::uint32_t>(std::min(j, wr - 1))]; };
    for (int j = 0; j < n.width; ++j) {
      if (j == n.width - 1 && (lo >= 0 || hi < 0)) push_constant_bit(hi < 0);  // the range fixes the sign
      else push_literal(j < m ? bit(j) : invert(bit(m)));
    }
    finish_bits();
    return id;
  }

  /// K of the word K - s of node s (width w): below bit w - 1, 1 where s's bit is a signal and
  /// s's own value where it is a constant, so that K - s borrows nowhere: its bits are s's signal
  /// bits inverted, 0 where s is constant (constant low zeros stay zeros, no flip-flops), s's top.
  std::int64_t complement_mask(const Node& s) const {
    std::int64_t k = 0;
    for (int j = 0; j < s.width - 1; ++j)
      if (const Literal l = literal_of(s, j); l != 0) k |= std::int64_t{1} << j;
    return k;
  }

  /// The word of node s (width w, h = 2^(w-1)): K - s when `negative` (complement_mask(): its
  /// signal bits but the top inverted), else s + h (the top bit inverted); an adder node with a
  /// constant operand whose bits are all wiring, written here without the ripple-carry
  /// simulation of adder().
  NodeId word_node(NodeId s, bool negative, int level) {
    const int w = node(s).width;
    const std::int64_t half = std::int64_t{1} << (w - 1);
    const std::int64_t k = negative ? complement_mask(node(s)) : half;
    const NodeId c = constant(k);
    Operand a = negative ? Operand{c, 0} : Operand{s, 0}, b = negative ? Operand{s, 0} : Operand{c, 0};
    if (!negative && a.node > b.node) std::swap(a, b);  // adder()'s order, for its table
    const auto [existing, inserted] = adders_.insert(adder_key(a, b, negative), static_cast<std::uint32_t>(net_.nodes.size()));
    if (!inserted) return static_cast<NodeId>(existing);
    bool shared = false;
    const LinearForm form = combine(forms_[static_cast<std::size_t>(a.node)], 0, forms_[static_cast<std::size_t>(b.node)], 0,
                                    negative, shared);
    const std::int64_t lo = negative ? k - node(s).hi : node(s).lo + k;
    const std::int64_t hi = negative ? k - node(s).lo : node(s).hi + k;
    const int stage = node(s).stage;
    const NodeId id = append_adder(a, b, negative, level, stage, lo, hi, form);
    Node& n = net_.nodes.back();
    n.adder.first_live = n.adder.carry_from = n.width;
    const std::uint32_t from = node(s).first_bit;
    for (int j = 0; j < n.width; ++j) {
      if (j == n.width - 1 || j >= w) {
        push_constant_bit(false);  // the word is nonnegative and below 2^w
        continue;
      }
      const Literal l = literals_[from + static_cast<std::uint32_t>(j)];
      if (negative && j < w - 1 && l < 2) push_constant_bit(false);  // c - c (complement_mask())
      else push_literal((j == w - 1) != negative ? invert(l) : l);
    }
    finish_bits();
    return id;
  }

  /// With words_ (a row of nonnegative_sum()): a leaf as its nonnegative word (wiring), the
  /// offset already in the row's constant; sums of words are words already.
  Term word_of(Term t, int level) {
    const NodeId s = t.node();
    if (!needs_word(node(s), t.negative())) return t;
    return make_term(word_node(s, t.negative(), level), t.shift(), false);
  }

  Term combine_terms(Term x, Term y, int level) {
    if (words_) {
      x = word_of(x, level);
      y = word_of(y, level);
    }
    const int xs = x.shift(), ys = y.shift(), m = std::min(xs, ys);
    const Operand ox{x.node(), xs - m}, oy{y.node(), ys - m};
    NodeId id;
    bool negative = false;
    if (x.negative() == y.negative()) {
      id = adder(ox, oy, false, level);
      negative = x.negative();
    } else if (!x.negative()) {
      id = adder(ox, oy, true, level);
    } else {
      id = adder(oy, ox, true, level);
    }
    return make_term(id, m, negative);
  }

  static void insertion_sort(std::span<Term> t) {
    for (std::size_t i = 1; i < t.size(); ++i) {
      const Term x = t[i];
      std::size_t j = i;
      for (; j > 0 && x < t[j - 1]; --j) t[j] = t[j - 1];
      t[j] = x;
    }
  }

  /// The leaves of one tree in Term order, which is width order first: a counting sort by width
  /// (a few dozen distinct widths), then an insertion sort for the order within a width, which
  /// the input order mostly has already. The same order as std::sort without its mispredicted
  /// partition branches (measured: ~8,000 fewer mispredictions per estimate of the jet network).
  void sort_leaves(std::span<Term> t) {
    constexpr int kShift = 40, kMaxSpan = 128;
    std::uint64_t lo = ~std::uint64_t{0}, hi = 0;
    for (const Term& x : t) {
      lo = std::min(lo, x.order >> kShift);
      hi = std::max(hi, x.order >> kShift);
    }
    if (hi - lo >= kMaxSpan) {
      std::sort(t.begin(), t.end());
      return;
    }
    std::array<std::uint32_t, kMaxSpan + 1> start;
    std::fill_n(start.begin(), hi - lo + 2, 0u);
    for (const Term& x : t) ++start[(x.order >> kShift) - lo + 1];
    for (std::size_t w = 1; w <= hi - lo; ++w) start[w] += start[w - 1];
    auto& out = scratch_.sorted;
    out.resize(t.size());
    for (const Term& x : t) out[start[(x.order >> kShift) - lo]++] = x;
    std::copy(out.begin(), out.end(), t.begin());
    insertion_sort(t);
  }

  // ---- shared subexpressions (Sharing::cse) ---------------------------------------------
  /// `n` carried through pipeline registers to the stage of adder level `level` (level d sits in
  /// stage first_stage + (d - 1) / K; constants are valid in every stage).
  NodeId at_level(NodeId n, int level, int first_stage, int K) {
    const int want = level <= 1 ? first_stage : first_stage + (level - 1) / K;
    while (node(n).kind != NodeKind::constant && node(n).stage < want) n = reg(n);
    return n;
  }

  /// Sharing::cse: the layer's shared subexpressions (cmvm.hpp) are built first, then every live
  /// neuron's remaining terms and its constant are summed shallowest first (the sum of two terms
  /// of levels d1, d2 is at level max(d1, d2) + 1, which reaches the least depth; equal levels
  /// pair by width), operands from earlier stages through pipeline registers. Neuron o's root is
  /// left at terms_[first[o]] (size[o] = 1), none when it has no term. Returns the deepest level.
  int build_shared(const nn::QuantizedLayer& layer, const std::vector<NodeId>& inputs,
                   const std::vector<std::uint8_t>& live, int first_stage, int K, int product_shift,
                   int bias_shift, int drop, std::vector<std::uint32_t>& first, std::vector<std::uint32_t>& size,
                   std::vector<std::uint8_t>& built) {
    // Columns: the inputs that are signals (constant inputs fold into the bias); rows: live neurons.
    std::vector<int> column(inputs.size(), -1);
    std::vector<NodeId> column_node;
    for (std::size_t i = 0; i < inputs.size(); ++i)
      if (inputs[i] != no_node && node(inputs[i]).kind != NodeKind::constant) {
        column[i] = static_cast<int>(column_node.size());
        column_node.push_back(inputs[i]);
      }
    std::vector<int> rows;
    for (int o = 0; o < layer.n_out; ++o)
      if (live[static_cast<std::size_t>(o)]) rows.push_back(o);
    const std::size_t cols = column_node.size();
    std::vector<std::int64_t> m(rows.size() * cols, 0), bias(rows.size(), 0);
    std::vector<std::uint8_t> extra(rows.size(), 0);
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const int o = rows[r];
      i128 c = static_cast<i128>(layer.biases[static_cast<std::size_t>(o)]) << bias_shift;
      if (layer.result_format.rounding == Rounding::round_half_up && drop > 0) c += std::int64_t{1} << (drop - 1);
      for (int i = 0; i < layer.n_in; ++i) {
        const std::int64_t w = layer.weight(o, i);
        // A signal's column takes its weight, pruned or not (no branch on the weight: half of
        // them are zero at random); a constant input folds into the bias.
        if (const int col = column[static_cast<std::size_t>(i)]; col >= 0) {
          m[r * cols + static_cast<std::size_t>(col)] = w;
          continue;
        }
        if (w == 0) continue;
        const NodeId x = inputs[static_cast<std::size_t>(i)];
        NAS4ML_ASSERT(x != no_node, "a live neuron reads a dead one");
        c += (static_cast<i128>(node(x).value) * w) << product_shift;
      }
      NAS4ML_ASSERT(c > -(static_cast<i128>(1) << 61) && c < (static_cast<i128>(1) << 61),
                    "bias constant needs more than 62 bits");
      bias[r] = static_cast<std::int64_t>(c);
      extra[r] = bias[r] != 0 ? 1 : 0;  // a constant term (a row of negative terms only gets a 0: zero_term)
    }
    std::vector<std::int64_t> col_lo, col_hi;  // PatternWeights (opt-in): the columns' exact ranges
    if (options_.sharing_width_weights)
      for (NodeId x : column_node) {
        col_lo.push_back(node(x).lo);
        col_hi.push_back(node(x).hi);
      }
    const int effort = layer_effort(options_.sharing_effort, m, extra);
    const CmvmGraph g = search_subexpressions(m, static_cast<int>(rows.size()), static_cast<int>(cols), extra,
                                              layer.dc, effort, DelayScope::layer, K, PatternWeights{col_lo, col_hi});
    offset_leaves_ = effort >= kNonnegativeSumsEffort;
    int max_depth = 0;  // the layer's deepest row sum (Kraft), which sets its stages
    for (std::size_t r = 0; offset_leaves_ && r < rows.size(); ++r) {
      std::uint64_t kraft = extra[r] || g.zero_term[r] ? 1 : 0;
      for (const CmvmTerm& t : g.rows[r]) kraft += std::uint64_t{1} << g.depth[static_cast<std::size_t>(t.signal)];
      max_depth = std::max(max_depth, kraft <= 1 ? 0 : static_cast<int>(std::bit_width(kraft - 1)));
    }
    std::vector<NodeId> signal(g.depth.size(), no_node);
    std::copy(column_node.begin(), column_node.end(), signal.begin());
    for (std::size_t k = 0; k < g.ops.size(); ++k) {
      const CmvmOp& op = g.ops[k];
      const int level = g.depth[cols + k];
      const NodeId a = at_level(signal[static_cast<std::size_t>(op.a)], level, first_stage, K);
      const NodeId b = at_level(signal[static_cast<std::size_t>(op.b)], level, first_stage, K);
      signal[cols + k] = adder({a, 0}, {b, op.shift}, op.subtract, level);
    }
    // Every row's sum: (level, term) pairs, summed within the row's least depth (step 4 of
    // docs/netlist.md "Shared subexpressions").
    terms_.clear();
    int deepest = 0;
    std::vector<Leaf> heap;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const auto o = static_cast<std::size_t>(rows[r]);
      built[o] = 1;
      heap.clear();
      heap.reserve(g.rows[r].size() + 1);
      // With nonnegative words, the words are made where the leaves are summed (word_of), after
      // any pipeline register: a signal read as +s and -s crosses a boundary once.
      for (const CmvmTerm& t : g.rows[r])
        heap.push_back(make_leaf(g.depth[static_cast<std::size_t>(t.signal)],
                                 make_term(signal[static_cast<std::size_t>(t.signal)], t.shift + product_shift, t.negative)));
      const bool has_constant = extra[r] || g.zero_term[r];
      const RowWords row = offset_leaves_ ? nonnegative_sum(g, r, signal, product_shift, bias[r], has_constant, K, max_depth)
                                          : RowWords{};
      if (row.words && row.value != 0) heap.push_back(make_leaf(row.level, make_term(constant(row.value), 0, false)));
      if (!row.words && has_constant) heap.push_back(make_leaf(0, make_term(constant(bias[r]), 0, false)));
      first[o] = static_cast<std::uint32_t>(terms_.size());
      size[o] = heap.empty() ? 0 : 1;
      if (heap.empty()) continue;
      words_ = row.words;
      if (kraft_depth(heap) <= K) {
        sum_narrowest(heap, first_stage, K);
      } else {
        group_by_width(heap, first_stage, K);
        sum_leaves(heap, first_stage, K);
      }
      Term root = term_of(heap[0]);
      const int level = level_of(heap[0]);
      words_ = false;
      if (row.words) root = word_of(root, level);  // a single leaf
      NAS4ML_ASSERT(!root.negative(), "shared adder tree root is negative");
      if (row.flip > 0) {
        // The root is the sum plus 2^m, below 2^(m + 1): minus 2^m inverts its bit m (wiring).
        const int m = std::countr_zero(static_cast<std::uint64_t>(row.flip));
        NAS4ML_ASSERT(m >= root.shift(), "offset below the root's shift");
        root = make_term(flip_node(root.node(), m - root.shift(), level), root.shift(), false);
      }
      deepest = std::max(deepest, level);
      terms_.push_back(root);
    }
    return deepest;
  }
  /// A summand of a row sum and its adder level as one integer, level << 48 | Term order, so that
  /// (level, order) order is integer order. A row's Term orders are below 2^48: node widths are
  /// at most 64 and shifts below 128 (a weight digit's, < 64, plus the product shift, < 62).
  using Leaf = std::uint64_t;
  static constexpr int kLeafLevelShift = 48;
  static Leaf make_leaf(int level, Term t) {
    NAS4ML_ASSERT(t.order >> kLeafLevelShift == 0 && level >= 0 && level < (1 << 15), "row sum leaf out of range");
    return std::uint64_t(level) << kLeafLevelShift | t.order;
  }
  static int level_of(Leaf l) { return static_cast<int>(l >> kLeafLevelShift); }
  static Term term_of(Leaf l) { return {l & ((std::uint64_t{1} << kLeafLevelShift) - 1)}; }
  /// Smallest depth L with sum 2^level <= 2^L over the leaves (Kraft): the least depth of a tree
  /// summing them.
  static int kraft_depth(const std::vector<Leaf>& h) {
    std::uint64_t s = 0;
    for (const Leaf l : h) s += std::uint64_t{1} << level_of(l);
    return s <= 1 ? 0 : static_cast<int>(std::bit_width(s - 1));
  }
  /// The constant leaf of row r summed as nonnegative words (offset binary: no adder of the row's
  /// tree reads a sign-extended operand). The row's term leaves stay as they are; word_of() makes
  /// their words where the tree reads them: a term +s of a node that can be negative becomes
  /// s + 2^(w-1) (its top bit inverted), a term -s becomes K - s (word_node(): its signal bits below
  /// the top inverted). The constant C = bias - the offsets is one leaf C + 2^m >= 0 (2^m the least
  /// power of two >= -C and above the sum's largest value), the root's bit m inverted at the end.
  struct RowWords {
    bool words = false;      ///< false: the row keeps its signed leaves (the constant leaf fits neither
                             ///< the row's last stage nor, one level deeper, the layer's depth)
    std::int64_t flip = 0;   ///< 2^m (0: C >= 0, no flip)
    std::int64_t value = 0;  ///< the constant leaf (0: none)
    int level = 0;           ///< its adder level
  };
  RowWords nonnegative_sum(const CmvmGraph& g, std::size_t r, const std::vector<NodeId>& signal, int product_shift,
                           std::int64_t bias, bool has_constant, int K, int max_depth) {
    i128 c = bias, top = 0;
    std::uint64_t kraft = 0;
    int low_shift = 62;
    for (const CmvmTerm& t : g.rows[r]) {
      const Node& x = node(signal[static_cast<std::size_t>(t.signal)]);
      const int sh = t.shift + product_shift;
      // word = x + offset (+s) or offset - x (-s); the term's value is word - offset, +-.
      const std::int64_t off = !needs_word(x, t.negative) ? 0 : t.negative ? complement_mask(x) : std::int64_t{1} << (x.width - 1);
      const std::int64_t word_hi = t.negative ? off - x.lo : x.hi + off;
      c -= static_cast<i128>(off) << sh;
      top += static_cast<i128>(word_hi) << sh;
      kraft += std::uint64_t{1} << g.depth[static_cast<std::size_t>(t.signal)];
      low_shift = std::min(low_shift, sh);
    }
    std::int64_t flip = 0;
    if (c < 0) {
      int m = low_shift;
      while ((static_cast<i128>(1) << m) < -c || (static_cast<i128>(1) << m) <= top + c) ++m;
      if (m > 61) return {};
      flip = std::int64_t{1} << m;
      c += flip;
    }
    // The constant leaf, as wide as the sum, joins at the first level of the row's last stage:
    // summed before a boundary it would widen a register. Where Kraft's inequality does not allow
    // that within the row's depth L (or a row without a constant term would get deeper), the row
    // may take depth L + 1 if the layer's deepest row is that deep and the stages stay the same;
    // otherwise it keeps its signed leaves.
    const auto depth = [](std::uint64_t s) { return s <= 1 ? 0 : static_cast<int>(std::bit_width(s - 1)); };
    int level = 0;
    if (c != 0) {
      const int L = depth(has_constant ? kraft + 1 : kraft);  // the signed leaves' depth
      const auto first_of_last_stage = [&](int depth) { return depth > K ? (depth - 1) / K * K : 0; };
      level = first_of_last_stage(L);
      if (kraft + (std::uint64_t{1} << level) > (std::uint64_t{1} << L)) {
        const bool deeper = L + 1 <= max_depth && first_of_last_stage(L + 1) == level;
        if (!deeper || kraft + (std::uint64_t{1} << level) > (std::uint64_t{1} << (L + 1))) return {};
      }
    }
    return {true, flip, static_cast<std::int64_t>(c), level};
  }

  /// Sums leaves into one (left in h[0]): the two least (level first, then Term order) combined;
  /// a leaf left alone at its level (the next one is deeper) is not added to the deeper one but
  /// moved up to the deeper one's level, where it pairs with a term of its own width class, as in
  /// `none`'s level-by-level trees (same depth, narrower adders).
  /// (The leaves are kept sorted, the least last: a new leaf goes in by a short scan from the
  /// end, where a binary heap paid mispredicted comparisons at every level.)
  void sum_leaves(std::vector<Leaf>& h, int first_stage, int K) {
    std::sort(h.begin(), h.end(), std::greater<>());
    auto insert = [&h](Leaf v) {  // into the sorted leaves (any place among equal ones)
      h.push_back(v);
      std::size_t i = h.size() - 1;
      for (; i > 0 && h[i - 1] < v; --i) h[i] = h[i - 1];
      h[i] = v;
    };
    while (h.size() > 1) {
      const Leaf x = h.back();
      h.pop_back();
      const Leaf y = h.back();
      if (level_of(y) > level_of(x)) {  // x waits for a partner at y's level
        insert(make_leaf(level_of(y), term_of(x)));
        continue;
      }
      h.pop_back();
      const int level = level_of(x) + 1;
      insert(make_leaf(level, combine_terms(lift(term_of(x), level, first_stage, K),
                                            lift(term_of(y), level, first_stage, K), level)));
    }
  }
  /// Sums the leaves of a row that fits one pipeline stage into one (left in h[0]), within the
  /// row's least depth L = kraft_depth(h): repeatedly the pair whose sum is narrowest (the signed
  /// width of the interval sum of the two terms, aligned at the lower one's shift: an adder's
  /// LUTs grow with its width), among the pairs whose merge keeps sum 2^level <= 2^L (so depth L
  /// stays reachable); ties: the shallower sum, then the earlier leaves. Narrow terms are summed
  /// together first and the widest terms last, where `none`'s balanced trees pair terms by width
  /// at every level.
  void sum_narrowest(std::vector<Leaf>& h, int first_stage, int K) {
    const std::uint64_t budget = std::uint64_t{1} << kraft_depth(h);
    std::uint64_t kraft = 0;
    for (const Leaf l : h) kraft += std::uint64_t{1} << level_of(l);
    std::vector<Leaf>& leaves = scratch_.leaves;
    std::vector<std::uint8_t>& alive = scratch_.alive;
    using Pair = std::tuple<int, int, std::uint32_t, std::uint32_t>;  // width, level, i, j
    std::vector<Pair>& queue = scratch_.pairs;
    leaves.assign(h.begin(), h.end());
    alive.assign(leaves.size(), 1);
    queue.clear();
    auto push = [&](std::uint32_t i, std::uint32_t j) {
      const Term x = term_of(leaves[i]), y = term_of(leaves[j]);
      const int m = std::min(x.shift(), y.shift());
      const auto [lo, hi] =
          range_sum(node(x.node()), x.shift() - m, node(y.node()), y.shift() - m, x.negative() != y.negative());
      queue.emplace_back(signed_width(lo, hi), std::max(level_of(leaves[i]), level_of(leaves[j])) + 1, i, j);
      std::push_heap(queue.begin(), queue.end(), std::greater<>());
    };
    for (std::uint32_t j = 0; j < leaves.size(); ++j)
      for (std::uint32_t i = 0; i < j; ++i) push(i, j);
    for (std::size_t n = leaves.size(); n > 1;) {
      NAS4ML_ASSERT(!queue.empty(), "row sum: no pair keeps the depth");
      std::pop_heap(queue.begin(), queue.end(), std::greater<>());
      const auto [width, level, i, j] = queue.back();
      queue.pop_back();
      if (!alive[i] || !alive[j]) continue;
      // Kraft only grows (a merge of unequal levels): a pair over the budget stays over it.
      const std::uint64_t after = kraft - (std::uint64_t{1} << level_of(leaves[i])) -
                                  (std::uint64_t{1} << level_of(leaves[j])) + (std::uint64_t{1} << level);
      if (after > budget) continue;
      kraft = after;
      alive[i] = alive[j] = 0;
      const Term t = combine_terms(lift(term_of(leaves[i]), level, first_stage, K),
                                   lift(term_of(leaves[j]), level, first_stage, K), level);
      leaves.push_back(make_leaf(level, t));
      alive.push_back(1);
      const auto k = static_cast<std::uint32_t>(leaves.size() - 1);
      for (std::uint32_t x = 0; x < k; ++x)
        if (alive[x]) push(x, k);
      --n;
    }
    for (std::size_t x = 0; x < leaves.size(); ++x)
      if (alive[x]) h.assign(1, leaves[x]);
  }
  /// Lowest bit of term t that is a signal (below it the term's bits are constants).
  int low_signal_bit(Term t) const {
    const Node& n = node(t.node());
    int j = 0;
    while (j < n.width && literal_of(n, j) < 2) ++j;
    return j + t.shift();
  }
  /// A row deeper than K levels hands ceil(S / 2^K) values (S = sum of 2^level over its leaves)
  /// over the first stage boundary. When the leaves, in order of their lowest signal bit (highest
  /// first; then widest first), fill that many groups of Kraft sum <= 2^K in order, each group
  /// is summed first (within K levels), so every value crossing the boundary sums terms of like
  /// alignment, whose constant low bits are no flip-flops (narrower registers; the stage-aware
  /// search already bounds S); the depth stays ceil(log2 S). Otherwise the leaves stay as they are.
  void group_by_width(std::vector<Leaf>& h, int first_stage, int K) {
    if (K <= 0 || K >= 62 || h.size() < 2) return;
    std::uint64_t total = 0;
    for (const Leaf l : h) {
      if (level_of(l) > K) return;  // a leaf from a later stage: no group of it would fit
      total += std::uint64_t{1} << level_of(l);
    }
    const std::uint64_t unit = std::uint64_t{1} << K;
    if (total <= unit) return;
    auto& keyed = scratch_.keyed;
    keyed.clear();
    // Sorted by (lowest signal bit, Term order) as one integer: bit < 2^8 (width + shift).
    for (const Leaf l : h) {
      const Term t = term_of(l);
      keyed.emplace_back(std::uint64_t(low_signal_bit(t)) << kLeafLevelShift | t.order, l);
    }
    std::sort(keyed.begin(), keyed.end(), std::greater<>());
    for (std::size_t i = 0; i < h.size(); ++i) h[i] = keyed[i].second;
    auto& starts = scratch_.starts;
    starts.assign(1, 0);
    std::uint64_t fill = 0;
    for (std::size_t i = 0; i < h.size(); ++i) {
      const std::uint64_t w = std::uint64_t{1} << level_of(h[i]);
      if (fill + w > unit) {
        starts.push_back(i);
        fill = 0;
      }
      fill += w;
    }
    if (starts.size() > (total + unit - 1) / unit) return;  // more values over the boundary
    starts.push_back(h.size());
    std::vector<Leaf>& roots = scratch_.roots;
    std::vector<Leaf>& part = scratch_.part;
    roots.clear();
    for (std::size_t k = 0; k + 1 < starts.size(); ++k) {
      part.assign(h.begin() + std::ptrdiff_t(starts[k]), h.begin() + std::ptrdiff_t(starts[k + 1]));
      sum_leaves(part, first_stage, K);
      roots.push_back(part[0]);
    }
    h.assign(roots.begin(), roots.end());
  }
  /// Term t with its node carried to the stage of adder level `level`.
  Term lift(Term t, int level, int first_stage, int K) {
    return make_term(at_level(t.node(), level, first_stage, K), t.shift(), t.negative());
  }

  // ---- one layer ------------------------------------------------------------------------
  void build_layer(std::size_t k, const std::vector<NodeId>& inputs, const std::vector<std::uint8_t>& live,
                   int first_stage) {
    const auto& layer = model_.layers[k];
    layer_index_ = static_cast<int>(k);
    NetlistLayer info;
    info.index = static_cast<int>(k);
    info.n_in = layer.n_in;
    info.n_out = layer.n_out;
    info.first_stage = first_stage;
    info.inputs = inputs;
    info.first_node = static_cast<NodeId>(net_.nodes.size());

    const FixedFormat& fin = k == 0 ? model_.input_format : model_.layers[k - 1].result_format;
    const int f_in = fin.fractional(), f_w = layer.weight_format.fractional(), f_b = layer.bias_format.fractional();
    const int f_acc = std::max(f_in + f_w, f_b);
    const int product_shift = f_acc - f_in - f_w, bias_shift = f_acc - f_b;
    const int drop = f_acc - layer.result_format.fractional();
    NAS4ML_ASSERT(drop < 62 && product_shift < 62 && bias_shift < 62, "fractional bits out of range");
    info.accumulator_fractional = f_acc;
    const int acc_bound = fin.width + layer.weight_format.width +
                          static_cast<int>(std::bit_width(static_cast<unsigned>(layer.n_in))) + 1;
    const int K = levels_per_stage(options_, acc_bound);
    info.levels_per_stage = K;

    // Layer inputs become the variables of the linear forms.
    // Per-layer tables: nothing built in one layer is shared with another (their operands differ).
    arena_.clear();
    input_ranges_.assign(inputs.size(), {0, 0});
    adders_.clear();
    pair_runs_.clear();
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      if (inputs[i] == no_node || node(inputs[i]).kind == NodeKind::constant) continue;
      auto& f = forms_[static_cast<std::size_t>(inputs[i])];
      f.k = 0;
      f.begin = static_cast<std::uint32_t>(arena_.size());
      f.size = 1;
      arena_.push_back({static_cast<std::int32_t>(i), 1});
      input_ranges_[i] = {node(inputs[i]).lo, node(inputs[i]).hi};
    }

    // Leaves of every live neuron: neuron o's terms are terms_[first[o], first[o] + size[o]).
    terms_.clear();
    std::vector<std::uint32_t> first(static_cast<std::size_t>(layer.n_out), 0), size(first.size(), 0);
    auto terms_of = [&](std::size_t o) { return std::span<Term>(terms_.data() + first[o], size[o]); };
    info.outputs.assign(static_cast<std::size_t>(layer.n_out), no_node);
    info.constant_output.assign(static_cast<std::size_t>(layer.n_out), 0);
    std::vector<std::uint8_t> built(static_cast<std::size_t>(layer.n_out), 0);
    int level = 0, regs = 0;
    if (options_.sharing == Sharing::cse && !options_.dsp_products) {
      level = build_shared(layer, inputs, live, first_stage, K, product_shift, bias_shift, drop, first, size, built);
      regs = level > 0 ? (level - 1) / K : 0;
    } else {
      // Leaves of weight (o, i) one by one: constant inputs fold into the constant c.
      auto add_leaves = [&](int o, int i, i128& c, std::vector<Term, DefaultInitAllocator<Term>>& t) {
        const std::int64_t w = layer.weight(o, i);
        if (w == 0) return;
        const NodeId x = inputs[static_cast<std::size_t>(i)];
        NAS4ML_ASSERT(x != no_node, "a live neuron reads a dead one");
        if (node(x).kind == NodeKind::constant) {
          c += (static_cast<i128>(node(x).value) * w) << product_shift;
          return;
        }
        if (options_.dsp_products) {
          const int tz = std::countr_zero(static_cast<std::uint64_t>(w));
          const std::int64_t odd = w >> tz;
          if (odd == 1 || odd == -1) t.push_back(make_term(x, tz + product_shift, odd < 0));
          else t.push_back(make_term(multiply(x, odd, 1), tz + product_shift, false));
        } else {
          // CSD digits (csd.hpp), inline to avoid a vector per weight.
          std::int64_t r = w;
          for (int shift = 0; r != 0; ++shift, r >>= 1) {
            if ((r & 1) == 0) continue;
            const int d = (r & 3) == 1 ? 1 : -1;
            t.push_back(make_term(x, shift + product_shift, d < 0));
            r -= d;
          }
        }
      };
      // The digit table, for weights of at most kMaxWidth bits (CSD digits, csd.hpp): digit
      // sign * 2^s of input x is the Term base(x) + (s << 40 | s << 1 | negative), base(x) being the
      // Term of x at the product shift.
      const FixedFormat& wf = layer.weight_format;
      const std::int64_t wmin = wf.min_raw(), wmax = wf.max_raw();
      // (Built when the layer has at least 4 weights per table entry, so that it pays for itself.)
      const bool by_table = !options_.dsp_products && wf.width <= Scratch::WeightDigits::kMaxWidth &&
                            product_shift + wf.width + 1 < (1 << 15) &&
                            static_cast<std::size_t>(wmax - wmin + 1) * 4 <= layer.weights.size();
      if (by_table) {
        digits.assign(static_cast<std::size_t>(wmax - wmin + 1), {});
        for (std::int64_t v = wmin; v <= wmax; ++v) {
          Scratch::WeightDigits& d = digits[static_cast<std::size_t>(v - wmin)];
          std::int64_t r = v;
          for (std::uint64_t shift = 0; r != 0; ++shift, r >>= 1) {
            if ((r & 1) == 0) continue;
            const int sign = (r & 3) == 1 ? 1 : -1;
            NAS4ML_ASSERT(d.n < Scratch::WeightDigits::kMax, "more CSD digits than the table holds");
            d.delta[d.n++] = (shift << 40) | (shift << 1) | std::uint64_t{sign < 0};
            r -= sign;
          }
        }
        leaf_base.assign(inputs.size(), 0);
        for (std::size_t i = 0; i < inputs.size(); ++i)
          if (inputs[i] != no_node && node(inputs[i]).kind != NodeKind::constant)
            leaf_base[i] = make_term(inputs[i], product_shift, false).order;
      }
      for (int o = 0; o < layer.n_out; ++o) {
        if (!live[static_cast<std::size_t>(o)]) continue;
        built[static_cast<std::size_t>(o)] = 1;
        first[static_cast<std::size_t>(o)] = static_cast<std::uint32_t>(terms_.size());
        auto& t = terms_;
        i128 c = static_cast<i128>(layer.biases[static_cast<std::size_t>(o)]) << bias_shift;
        if (layer.result_format.rounding == Rounding::round_half_up && drop > 0) c += std::int64_t{1} << (drop - 1);
        // Leaves from the digit table: every weight writes its table entry's kMax Terms and keeps
        // its digit count of them (0 for a pruned one), no branch on the weight's value.
        if (!by_table) {
          for (int i = 0; i < layer.n_in; ++i) add_leaves(o, i, c, t);
        } else {
          const std::int64_t* row = layer.weights.data() + static_cast<std::size_t>(o) * static_cast<std::size_t>(layer.n_in);
          const std::size_t at = t.size();
          t.resize(at + static_cast<std::size_t>(layer.n_in) * Scratch::WeightDigits::kMax);
          Term* out = t.data() + at;
          for (int i = 0; i < layer.n_in; ++i) {
            const std::uint64_t base = leaf_base[static_cast<std::size_t>(i)];
            if (base == 0 || row[i] < wmin || row[i] > wmax) {  // a constant or dead input, or out of range
              const std::size_t before = static_cast<std::size_t>(out - t.data());
              t.resize(before);
              add_leaves(o, i, c, t);
              const std::size_t after = t.size();
              t.resize(after + static_cast<std::size_t>(layer.n_in - i) * Scratch::WeightDigits::kMax);
              out = t.data() + after;
              continue;
            }
            const Scratch::WeightDigits& d = digits[static_cast<std::size_t>(row[i] - wmin)];
            for (int k = 0; k < Scratch::WeightDigits::kMax; ++k) out[k].order = base + d.delta[k];
            out += d.n;
          }
          t.resize(static_cast<std::size_t>(out - t.data()));
        }
        NAS4ML_ASSERT(c > -(static_cast<i128>(1) << 61) && c < (static_cast<i128>(1) << 61),
                      "bias constant needs more than 62 bits");
        const auto cv = static_cast<std::int64_t>(c);
        const auto leaves = t.begin() + first[static_cast<std::size_t>(o)];
        const bool all_negative =
            leaves != t.end() && std::all_of(leaves, t.end(), [](const Term& x) { return x.negative(); });
        if (cv != 0 || all_negative) t.push_back(make_term(constant(cv), 0, false));
        size[static_cast<std::size_t>(o)] = static_cast<std::uint32_t>(terms_.size()) - first[static_cast<std::size_t>(o)];
      }

      // Balanced trees, level by level, registers every K levels. Each level's sums are written
      // over the level's terms (result i replaces terms 2i, 2i + 1).
      auto remaining = [&] { return std::any_of(size.begin(), size.end(), [](std::uint32_t n) { return n > 1; }); };
      while (remaining()) {
        ++level;
        for (std::size_t o = 0; o < size.size(); ++o) {
          const std::span<Term> t = terms_of(o);
          if (t.size() < 2) continue;
          // The leaves come in input order; the sums of a sorted level are nearly sorted already
          // (pairs of adjacent widths), which an insertion sort passes with few moves and few
          // mispredicted branches (std::sort's partitions cost ~8% of the lowering there).
          if (level == 1) sort_leaves(t);
          else insertion_sort(t);
          std::size_t n = 0;
          for (std::size_t i = 0; i + 1 < t.size(); i += 2) t[n++] = combine_terms(t[i], t[i + 1], level);
          if (t.size() % 2 == 1) t[n++] = t.back();
          size[o] = static_cast<std::uint32_t>(n);
        }
        if (level % K == 0 && remaining()) {
          ++regs;
          for (std::size_t o = 0; o < size.size(); ++o)
            for (Term& term : terms_of(o)) term = make_term(reg(term.node()), term.shift(), term.negative());
        }
      }
    }
    info.adder_levels = level;
    const int output_stage = first_stage + regs + 1;
    NAS4ML_ASSERT(output_stage < (1 << 15), "more than 2^15 pipeline stages (Node::stage is 16-bit)");

    // Cast, ReLU, output register.
    for (int o = 0; o < layer.n_out; ++o) {
      if (!built[static_cast<std::size_t>(o)]) continue;
      const std::span<Term> t = terms_of(static_cast<std::size_t>(o));
      NodeId out;
      if (t.empty()) {
        out = constant(nn::apply_activation(layer.activation, cast_raw(0, f_acc, layer.result_format), layer.result_format));
      } else {
        NAS4ML_ASSERT(!t[0].negative(), "adder tree root is negative");
        if (node(t[0].node()).kind == NodeKind::constant) {
          // The constant already holds AP_RND's half LSB: cast by truncation.
          FixedFormat trunc = layer.result_format;
          trunc.rounding = Rounding::truncate;
          std::int64_t v = cast_raw(node(t[0].node()).value << t[0].shift(), f_acc, trunc);
          out = constant(nn::apply_activation(layer.activation, v, layer.result_format));
        } else {
          out = cast(t[0], drop, layer.result_format, o);
          if (layer.activation == nn::Activation::relu) out = relu(out, o);
          else if (layer.activation != nn::Activation::linear) out = lookup(out, layer.activation, layer.result_format, o);
          out = reg(out);
          // Shallow trees are carried to the layer's output stage (pass-through registers).
          while (node(out).kind != NodeKind::constant && node(out).stage < output_stage) out = reg(out);
          net_.nodes[static_cast<std::size_t>(out)].neuron = o;
        }
      }
      info.outputs[static_cast<std::size_t>(o)] = out;
      info.constant_output[static_cast<std::size_t>(o)] = node(out).kind == NodeKind::constant ? 1 : 0;
    }
    info.output_stage = output_stage;
    info.end_node = static_cast<NodeId>(net_.nodes.size());
    net_.layers.push_back(std::move(info));
  }

  // ---- the anomaly score (autoencoders, nn/anomaly_score.hpp) ---------------------------
  /// Nodes `ids` become the variables of fresh linear forms (node ids[i] = variable i, with its
  /// range): the score's differences read the reconstruction and the inputs as independent
  /// variables, its sum reads the error terms so (they are not linear in the inputs).
  void fresh_variables(const std::vector<NodeId>& ids) {
    arena_.clear();
    input_ranges_.assign(ids.size(), {0, 0});
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (node(ids[i]).kind == NodeKind::constant) continue;
      forms_[static_cast<std::size_t>(ids[i])] = {0, static_cast<std::uint32_t>(arena_.size()), 1};
      arena_.push_back({static_cast<std::int32_t>(i), 1});
      input_ranges_[i] = {node(ids[i]).lo, node(ids[i]).hi};
    }
  }

  /// A square or absolute-value node of `src` (kind square / absolute) with its exact range. Bit 0
  /// is src's bit 0 (x^2 and -x have x's parity), a square's bit 1 is 0 (x^2 mod 4 is 0 or 1), the
  /// top bit is 0 (never negative); the others are its own. A constant folds.
  NodeId error_term(NodeId src, NodeKind kind, int level) {
    const Node& s = node(src);
    const bool sq = kind == NodeKind::square;
    if (s.kind == NodeKind::constant) return constant(sq ? s.value * s.value : std::abs(s.value));
    if (!sq && s.lo >= 0) return src;  // |x| = x
    const i128 a = sq ? static_cast<i128>(s.lo) * s.lo : -static_cast<i128>(s.lo);
    const i128 b = sq ? static_cast<i128>(s.hi) * s.hi : static_cast<i128>(s.hi);
    const i128 hi = std::max(a, b), lo = s.lo <= 0 && s.hi >= 0 ? 0 : std::min(a, b);
    NAS4ML_ASSERT(hi < (static_cast<i128>(1) << 61), "a score term needs more than 62 bits");
    Node n;
    n.kind = kind;
    n.a = {src, 0};
    n.layer = layer_index_;
    n.level = level;
    n.stage = s.stage;
    n.lo = static_cast<std::int64_t>(lo);
    n.hi = static_cast<std::int64_t>(hi);
    n.width = signed_width(n.lo, n.hi);
    const NodeId id = append(n);
    for (int j = 0; j < n.width; ++j) {
      if (j == n.width - 1 || (sq && j == 1)) push_constant_bit(false);
      else if (j == 0) push_literal(literal_of(node(src), 0));
      else push_own_bit();
    }
    finish_bits();
    for (int j = 0; j < node(src).width; ++j) use(literal_of(node(src), j));
    return id;
  }

  /// The score pseudo-layer after the last layer (whose output registers `outs` are valid in
  /// stage `first_stage`): d_i = (out_i << s_out) - (in_i << s_in) aligned as the golden model
  /// aligns them, the model inputs carried there by their own registers; d_i^2 or |d_i|,
  /// registered; their balanced adder tree (a register every K levels); one cast to the score's
  /// format; the output register. The reconstruction outputs are carried to the score's stage,
  /// so that every output is valid in the same cycle. Against zero (a VAE's encoder) d_i is
  /// out_i itself: no subtraction, no input registers.
  void build_score(const std::vector<NodeId>& outs, int first_stage) {
    const nn::AnomalyScore& score = *model_.anomaly_score;
    const bool zero = score.against_zero();  // d_i = out_i (a VAE's latent means): no inputs read
    const int n = zero ? model_.n_outputs() : model_.n_inputs;
    if (model_.n_outputs() != n)
      throw ConfigError(model_.name, "$.anomaly_score", "an anomaly score compares the reconstruction with the input",
                        fmt::format("{} outputs", n), fmt::format("{} outputs", model_.n_outputs()));
    if (score.error != "squared" && score.error != "absolute")
      throw ConfigError(model_.name, "$.anomaly_score.error", "unknown anomaly score", "\"squared\" or \"absolute\"",
                        "\"" + score.error + "\"");
    const int sum_width = nn::score_sum_width(model_);
    if (sum_width > 62)
      throw ConfigError(model_.name, "$.anomaly_score", "the score's full-width sum does not fit 62 bits",
                        "narrower input/output formats", fmt::format("{} bits", sum_width));
    const NodeKind kind = score.error == "squared" ? NodeKind::square : NodeKind::absolute;
    layer_index_ = static_cast<int>(model_.layers.size());
    NetlistLayer info;
    info.index = layer_index_;
    info.n_in = n;
    info.n_out = 1;
    info.first_stage = first_stage;
    info.inputs = outs;
    if (!zero) info.inputs.insert(info.inputs.end(), net_.inputs.begin(), net_.inputs.end());
    info.first_node = static_cast<NodeId>(net_.nodes.size());
    info.accumulator_fractional = nn::score_sum_fractional(model_);
    const int K = levels_per_stage(options_, sum_width);
    info.levels_per_stage = K;
    const int f = nn::score_difference_fractional(model_);
    const int s_in = f - model_.input_format.fractional(), s_out = f - model_.layers.back().result_format.fractional();
    std::vector<NodeId> vars = outs;
    for (NodeId x : zero ? std::vector<NodeId>{} : net_.inputs) {
      while (node(x).stage < first_stage) x = new_reg(x);
      vars.push_back(x);
    }
    fresh_variables(vars);
    std::vector<NodeId> errors(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      const NodeId d = zero ? vars[static_cast<std::size_t>(i)]
                            : adder({vars[static_cast<std::size_t>(i)], s_out}, {vars[static_cast<std::size_t>(n + i)], s_in}, true, 1);
      errors[static_cast<std::size_t>(i)] = reg(error_term(d, kind, 2));
    }
    // The sum, from the registered error terms (stage first_stage + 1).
    fresh_variables(errors);
    const int drop = info.accumulator_fractional - score.format.fractional();
    NAS4ML_ASSERT(drop > -62 && drop < 62, "score fractional bits out of range");
    terms_.clear();
    for (NodeId e : errors) terms_.push_back(make_term(e, 0, false));
    if (score.format.rounding == Rounding::round_half_up && drop > 0)
      terms_.push_back(make_term(constant(std::int64_t{1} << (drop - 1)), 0, false));
    int level = 0;
    while (terms_.size() > 1) {
      ++level;
      const std::span<Term> t(terms_.data(), terms_.size());
      if (level == 1) sort_leaves(t);
      else insertion_sort(t);
      std::size_t m = 0;
      for (std::size_t i = 0; i + 1 < t.size(); i += 2) t[m++] = combine_terms(t[i], t[i + 1], level + 2);
      if (t.size() % 2 == 1) t[m++] = t.back();
      terms_.resize(m);
      if (level % K == 0 && terms_.size() > 1)
        for (Term& term : terms_) term = make_term(reg(term.node()), term.shift(), term.negative());
    }
    info.adder_levels = level + 1;
    // The sum's fractional bits go to the score format's (drop < 0: appended zeros).
    NodeId out = reg(cast(terms_[0], drop, score.format, n));
    NAS4ML_ASSERT(node(out).kind != NodeKind::constant, "the anomaly score is a constant");
    net_.nodes[static_cast<std::size_t>(out)].neuron = n;
    const int output_stage = node(out).stage;
    NAS4ML_ASSERT(output_stage < (1 << 15), "more than 2^15 pipeline stages (Node::stage is 16-bit)");
    for (NodeId o : outs) {
      while (node(o).kind != NodeKind::constant && node(o).stage < output_stage) o = reg(o);
      info.outputs.push_back(o);
    }
    info.outputs.push_back(out);
    for (NodeId o : info.outputs) info.constant_output.push_back(node(o).kind == NodeKind::constant ? 1 : 0);
    info.output_stage = output_stage;
    info.end_node = static_cast<NodeId>(net_.nodes.size());
    net_.layers.push_back(std::move(info));
    net_.score = out;
    net_.score_format = score.format;
    net_.score_error = score.error;
    net_.score_reference = score.reference;
  }

  const nn::QuantizedModel& model_;
  LoweringOptions options_;
  /// The layer's rows are sums of nonnegative words (nonnegative_sum()): its search effort
  /// (layer_effort()) is kNonnegativeSumsEffort or more.
  bool offset_leaves_ = false;
  bool words_ = false;  // combine_terms() sums nonnegative words (a row of nonnegative_sum())
  Netlist net_;
  // Work tables, kept per thread between calls (cleared, never shrunk) so that a lowering does
  // not pay for fresh memory (page faults) each time.
  Scratch& scratch_;
  UninitArray<LinearForm>& forms_ = scratch_.forms;
  UninitArray<FormEntry>& arena_ = scratch_.arena;
  std::vector<std::pair<std::int64_t, std::int64_t>>& input_ranges_ = scratch_.input_ranges;
  std::vector<Literal, DefaultInitAllocator<Literal>>& literals_ = net_.literals;
  std::vector<Term, DefaultInitAllocator<Term>>& terms_ = scratch_.terms;
  std::vector<Scratch::WeightDigits>& digits = scratch_.digits;
  std::vector<std::uint64_t>& leaf_base = scratch_.leaf_base;
  int layer_index_ = -1;
  FlatHashMap &adders_ = scratch_.adders, &constants_ = scratch_.constants, &products_ = scratch_.products;
  detail::FlatMap<std::uint64_t>& pair_runs_ = scratch_.pair_runs;
  std::vector<Literal>& ff_of_ = scratch_.ff_of;
  std::vector<std::uint32_t>& ff_written_ = scratch_.ff_written;
  std::vector<std::uint32_t>& reg_of_ = scratch_.reg_of;
  std::vector<std::uint32_t>& reg_written_ = scratch_.reg_written;
  /// XOR pairs of the adder being simulated not yet merged into pair_runs_ (see note_pairs()).
  struct PendingRun {
    std::uint64_t key = 0, bits = 0;  // bits: the run's pairs by bit of x (x & 63)
    Literal next_la = 0, next_lb = 0;
    std::uint32_t next_bit = 0;
  } pending_run_;
};

}  // namespace

Netlist lower(const nn::QuantizedModel& model, const LoweringOptions& options) {
  Netlist n;
  lower(model, options, n);
  return n;
}

void lower(const nn::QuantizedModel& model, const LoweringOptions& options, Netlist& into) {
  thread_local Scratch scratch;
  into = Builder(model, options, scratch, std::move(into)).run();
}

}  // namespace nas4ml::netlist
