#pragma once
/// \file The hardware netlist of the project's fully parallel "rtl" implementation of a
/// QuantizedModel (docs/netlist.md). One structure, two readers: the `rtl` estimator counts
/// LUT/FF/SRL/CARRY from it and the Verilog writer prints it, so they cannot drift apart.
///
/// Every node is a signed two's-complement word of `width` bits (a value of an unsigned format
/// gets one more bit, constant 0). Nodes are stored in topological order (operands before
/// readers). Every bit of every node has an origin: constant 0/1, or the (node, bit) whose
/// logic really generates it, possibly inverted, kept as one integer per bit (Netlist::literals)
/// and, decoded, as a BitOrigin (Netlist::bits). Pass-through bits (low bits an adder does not
/// touch, sign extension, wiring casts, duplicate or constant registers) therefore point past
/// the node to their true source, which is how stripped bits, shared bit pairs, constant and
/// duplicate registers are known before any synthesis tool runs (measured, 66 yosys syntheses: benchmarks/README.md "estimator_vs_yosys").
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "nas4ml/core/default_init_allocator.hpp"
#include "nas4ml/core/fixed_point.hpp"

namespace nas4ml::netlist {

/// Index of a node in Netlist::nodes.
using NodeId = std::int32_t;
/// "No node" (dead neuron outputs, unused operands).
inline constexpr NodeId no_node = -1;

/// Where one bit comes from.
struct BitOrigin {
  enum class Kind : std::uint8_t { zero, one, signal };
  Kind kind = Kind::zero;
  bool inverted = false;  ///< signal only: the bit is the complement of (node, bit)
  NodeId node = no_node;  ///< signal only: the node whose logic generates the bit
  std::int32_t bit = 0;   ///< signal only: the bit of that node

  static BitOrigin constant(bool one) noexcept { return {one ? Kind::one : Kind::zero, false, no_node, 0}; }
  static BitOrigin signal(NodeId n, int b, bool inv = false) noexcept { return {Kind::signal, inv, n, b}; }
  bool is_constant() const noexcept { return kind != Kind::signal; }
  friend bool operator==(const BitOrigin&, const BitOrigin&) = default;
};

/// What a node computes. `a`, `b` are its operands (Operand: node << shift).
enum class NodeKind : std::uint8_t {
  input,     ///< model input port (raw integer of the input format); stage 0
  constant,  ///< the integer `value`
  add,       ///< (a.node << a.shift) + (b.node << b.shift)
  sub,       ///< (a.node << a.shift) - (b.node << b.shift); a negation is 0 - x (a = constant 0)
  multiply,  ///< (a.node << a.shift) * value: DSP variant only (LoweringOptions::dsp_products)
  cast,      ///< overflow_mode(a.node shifted by a.shift) into `format`; a.shift < 0 drops low bits
             ///< (arithmetic right shift = truncation; AP_RND's half-LSB is already in the bias)
  relu,      ///< max(0, a.node); always read by a reg (becomes the flip-flops' synchronous reset)
  reg,       ///< pipeline register: a.node delayed by one clock cycle
  lookup,    ///< ROM (lookup.hpp): activation nn::Activation(`value`) of a.node, a raw integer of
             ///< `format` (the layer's result format); always read by a reg
  square,    ///< (a.node << a.shift)^2: a variable times itself (the squared-error anomaly score)
  absolute   ///< |a.node << a.shift| (the absolute-error anomaly score)
};

/// One operand: the value of `node` multiplied by 2^shift (shift < 0 only for casts).
struct Operand {
  NodeId node = no_node;
  std::int32_t shift = 0;
};

/// Bit-level facts the lowering computed for one adder (add/sub) while deriving its bit origins
/// (positions of a word of at most 64 bits, hence 16-bit fields).
struct AdderBits {
  std::int16_t first_live = 0;  ///< lowest bit computed by the carry chain (below: stripped wiring)
  std::int16_t live_bits = 0;   ///< bits computed by the carry chain (from first_live up, minus constant tops)
  std::int16_t xor_pairs = 0;   ///< carry-chain positions whose two operand bits are both signals
  std::int16_t new_pairs = 0;   ///< of those, pairs no earlier adder computes (shared pairs cost nothing)
  std::int16_t carry_from = 0;  ///< lowest position whose carry-out is not a constant (width: none);
                                ///< sum bit j reads the operand bits at positions [carry_from, j]
};

/// One node of the netlist. (Fields ordered by size: 80 bytes. The small fields are 16-bit:
/// widths are at most 64 and the lowering checks layers and pipeline stages stay below 2^15;
/// ~5,000 nodes of the benchmark network are read twice after the lowering, docs/netlist.md.)
struct Node {
  std::int64_t value = 0;      ///< constant: the value; multiply: the constant factor
  std::int64_t lo = 0, hi = 0; ///< exact range of the value over all inputs of its layer
  Operand a, b;                ///< operands (see NodeKind)
  std::int32_t neuron = -1;    ///< cast/relu/output reg: the neuron index in its layer
  std::uint32_t first_bit = 0; ///< index of bit 0's origin in Netlist::literals / bits
  std::int16_t width = 1;      ///< bits of the signed word (exact: the smallest width holding [lo, hi])
  std::int16_t stage = 0;      ///< clock cycle in which the value is valid; -1 for constants (any cycle)
  std::int16_t layer = -1;     ///< model layer it belongs to; -1 for inputs and shared constants
  std::int16_t level = 0;      ///< adder level inside its layer (1 = reads the layer inputs)
  FixedFormat format;          ///< cast only: the result format (rounding already applied)
  AdderBits adder;             ///< add/sub only
  NodeKind kind = NodeKind::constant;
  bool may_overflow = false;   ///< cast only: the range exceeds the format (saturate costs logic)
};

/// How a layer's constant matrix becomes adders (docs/netlist.md "Shared subexpressions").
enum class Sharing : std::uint8_t {
  none,  ///< every weight's CSD terms, summed per neuron by a balanced adder tree
  cse    ///< two-term subexpressions shared between neurons first (cmvm.hpp), then the trees
};
/// "none", "cse".
std::string to_string(Sharing sharing);
/// The Sharing named `name`; throws ConfigError(file, field) naming the kinds otherwise.
Sharing parse_sharing(const std::string& name, const std::string& file = "", const std::string& field = "sharing");

/// How the lowering builds the netlist.
/// Accepted clock periods (ns): 10 GHz to 1 MHz; anything outside is a typo, not a design.
inline constexpr double kMinClockNs = 0.1, kMaxClockNs = 1000.0;
/// Largest forced adder-level count per pipeline stage (deeper than any accumulator tree).
inline constexpr int kMaxLevelsPerStage = 64;
/// Largest accepted sharing effort (runs of the subexpression search per layer, cmvm_search.hpp).
inline constexpr int kMaxSharingEffort = 256;
/// From this sharing effort on (a layer's, cmvm_search.hpp layer_effort: small layers get more
/// runs), `cse` sums each row of the layer as nonnegative words (offset binary: no adder reads a
/// sign-extended operand; docs/netlist.md "Nonnegative sums"). Effort 1, the campaign's
/// pricing, keeps the signed sums on larger layers (about 12% faster, a few percent more LUTs).
inline constexpr int kNonnegativeSumsEffort = 2;

struct LoweringOptions {
  /// Target clock period in ns; decides how many adder levels fit in one pipeline stage
  /// (delay model below). Must be > 0.
  double clock_ns = 5.0;
  /// Adder levels per pipeline stage K; 0 = derive K from clock_ns and the delay model.
  int levels_per_stage = 0;
  /// DSP variant: one `multiply` node per nonzero weight (printed as a plain `*`) instead of CSD
  /// shift-adds.
  bool dsp_products = false;
  /// Sharing strategy of the shift-add lowering (ignored with dsp_products). With Sharing::cse
  /// each layer's delay limit is its QuantizedLayer::dc: adder levels allowed beyond the plain
  /// trees' depth (the layer's largest ceil(log2(terms))), -1 = no limit. The default since
  /// cse saved 12-24% of the LUTs at equal latency on every trained network measured (docs/netlist.md);
  /// Sharing::none gives the per-neuron trees of before.
  Sharing sharing = Sharing::cse;
  /// With Sharing::cse: runs of the subexpression search per layer, the graph with the fewest
  /// adders kept (cmvm_search.hpp; 1 = the single greedy search, 1 to kMaxSharingEffort; a small
  /// layer gets at least kSmallLayerEffort runs, cmvm_search.hpp layer_effort).
  int sharing_effort = 1;
  /// With Sharing::cse: rank the search's patterns by count x adder bits from each layer's exact
  /// input ranges (cmvm.hpp PatternWeights) instead of by count. Off by default: measured no LUT
  /// gain on trained networks (benchmarks/README.md); kept for comparisons.
  bool sharing_width_weights = false;
  /// Delay model (ns) of one adder level of width w: level_base_ns + level_per_bit_ns * w; one
  /// stage also pays register_overhead_ns (clock-to-out + setup + margin). K = the largest
  /// number of levels of the layer's widest accumulator that fits in clock_ns (at least 1).
  double level_base_ns = 0.7;
  double level_per_bit_ns = 0.02;
  double register_overhead_ns = 0.5;
  /// Fill Netlist::bits (the decoded origins, ~12 bytes a bit). The Verilog writer and the
  /// simulator read them; the `rtl` estimator reads Netlist::literals and skips this.
  bool decode_origins = true;
};

/// One layer of the netlist.
struct NetlistLayer {
  int index = 0;
  int n_in = 0, n_out = 0;
  int levels_per_stage = 1;      ///< K used for this layer
  int adder_levels = 0;          ///< depth of the deepest adder tree (including the bias)
  int first_stage = 0;           ///< stage of the layer's inputs
  int output_stage = 0;          ///< stage of its output registers = first_stage + cycles
  int accumulator_fractional = 0;///< fractional bits of the adder trees (golden model's f_acc)
  std::vector<NodeId> inputs;    ///< node read for input i (the previous layer's output register)
  std::vector<NodeId> outputs;   ///< output register of neuron o; no_node when the neuron is dead
  std::vector<std::uint8_t> constant_output; ///< 1 when neuron o's value does not depend on the inputs
  std::int32_t first_node = 0, end_node = 0; ///< nodes [first_node, end_node) belong to this layer
};

/// The whole network.
struct Netlist {
  std::string model_name;
  std::vector<Node> nodes;          ///< topological order
  /// Per bit: its origin as one integer (node n's bit j is literals[nodes[n].first_bit + j]):
  /// 0 / 1 for a constant, else 2 + 2 * g + inverted, where g is the global bit index of the
  /// generating bit (whose own literal is 2 + 2 * g). The form the lowering and the estimator
  /// work on; `bits` is the same information decoded.
  std::vector<std::uint32_t, DefaultInitAllocator<std::uint32_t>> literals;
  /// Origins, decoded from `literals`: node n's bit j is bits[nodes[n].first_bit + j]. Empty when
  /// the lowering was asked not to decode them (LoweringOptions::decode_origins, the estimator).
  std::vector<BitOrigin> bits;
  /// Per bit (same index as literals): logic inputs it drives.
  std::vector<std::uint32_t, DefaultInitAllocator<std::uint32_t>> fanout;
  std::vector<std::uint8_t> live;   ///< per bit: generated and read by some output (bit_liveness.hpp)
  std::vector<NodeId> inputs;       ///< one input node per model input
  std::vector<NodeId> outputs;      ///< one output register per model output
  std::vector<NetlistLayer> layers;
  FixedFormat input_format;
  std::vector<FixedFormat> output_formats;  ///< result format of every output (the last layer's)
  int latency_cycles = 0;           ///< pipeline depth: stage of the outputs
  LoweringOptions options;
  /// Autoencoders (a model with an anomaly score, nn/anomaly_score.hpp): the score's output
  /// register, also the last entry of `outputs` (the reconstruction outputs come first, carried
  /// to the score's stage); its format is the last entry of `output_formats`. Its logic is the
  /// last NetlistLayer, a pseudo-layer of index model.layers.size() (docs/netlist.md "Anomaly
  /// score"). no_node for every other model.
  NodeId score = no_node;
  FixedFormat score_format;
  std::string score_error;          ///< "squared" or "absolute"; empty without a score
  std::string score_reference;      ///< "input" (reconstruction error) or "zero" (sum over the outputs: a VAE's mu)

  /// Bit origins of node `n` (width of them).
  std::span<const BitOrigin> origins(NodeId n) const {
    const Node& node = nodes[static_cast<std::size_t>(n)];
    return {bits.data() + node.first_bit, static_cast<std::size_t>(node.width)};
  }
  /// Global bit index of (node, bit): the index into `literals`, `bits`, `fanout` and `live`.
  std::uint32_t bit_index(NodeId n, int bit) const {
    return nodes[static_cast<std::size_t>(n)].first_bit + static_cast<std::uint32_t>(bit);
  }
};

/// A stable, Verilog-safe name for node `n`: `x_<i>` for inputs, `l<k>_out_<o>` for output
/// registers of neuron o, `l<k>_<kind>_<id>` for the others, `c_<id>` for constants.
std::string node_name(const Netlist& netlist, NodeId n);

/// "input", "constant", "add", "sub", "multiply", "cast", "relu", "reg", "lookup", "square", "absolute".
std::string to_string(NodeKind kind);

}  // namespace nas4ml::netlist
