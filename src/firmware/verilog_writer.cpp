#include "nas4ml/firmware/verilog_writer.hpp"

#include <algorithm>
#include <regex>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/netlist/lookup.hpp"
#include "nas4ml/nn/activation.hpp"

namespace nas4ml::firmware {
namespace nl = nas4ml::netlist;

namespace {

/// `text` safe inside a Verilog `//` comment: a control character (a newline would end the
/// comment and start live Verilog) or a non-ASCII byte is written as \xNN.
std::string comment_text(const std::string& text) {
  std::string s;
  for (unsigned char c : text) {
    if (c < 0x20 || c >= 0x7f || c == '\\')
      s += fmt::format("\\x{:02x}", static_cast<unsigned>(c));
    else
      s += static_cast<char>(c);
  }
  return s;
}

/// Smallest signed width holding [lo, hi] (at least 1).
int width_of(std::int64_t lo, std::int64_t hi) {
  int w = 1;
  while (w < 63 && (lo < -(std::int64_t{1} << (w - 1)) || hi > (std::int64_t{1} << (w - 1)) - 1)) ++w;
  return w;
}

/// `w'h...`: the low w bits of value's two's complement, as an unsigned literal.
std::string literal(std::int64_t value, int w, bool is_signed = false) {
  NAS4ML_ASSERT(w >= 1 && w <= 64, "literal width");
  const std::uint64_t mask = w == 64 ? ~std::uint64_t{0} : ((std::uint64_t{1} << w) - 1);
  return fmt::format("{}'{}h{:x}", w, is_signed ? "s" : "", static_cast<std::uint64_t>(value) & mask);
}

/// `{n{bit}}`, or `bit` alone when n == 1.
std::string replicate(int n, const std::string& bit) {
  return n == 1 ? bit : fmt::format("{{{}{{{}}}}}", n, bit);
}

/// A w-bit expression equal to floor(a * 2^shift) mod 2^w, for the signed wa-bit word `name`:
/// low zeros for a left shift, dropped low bits for a right shift, sign extension or truncation on
/// top. Written with explicit bit selects and concatenations only.
std::string fit(const std::string& name, int wa, int shift, int w) {
  NAS4ML_ASSERT(w >= 1 && wa >= 1, "fit widths");
  const int zeros_low = std::clamp(shift, 0, w);
  const int lo_a = zeros_low - shift;  // bit of `name` that lands on result bit zeros_low
  const int n_direct = lo_a >= wa ? 0 : std::max(0, std::min(wa - lo_a, w - zeros_low));
  const int n_sign = w - zeros_low - n_direct;
  std::vector<std::string> parts;
  if (n_sign > 0) parts.push_back(replicate(n_sign, fmt::format("{}[{}]", name, wa - 1)));
  if (n_direct > 0) {
    if (lo_a == 0 && n_direct == wa) {
      parts.push_back(name);
    } else if (n_direct == 1) {
      parts.push_back(fmt::format("{}[{}]", name, lo_a));
    } else {
      parts.push_back(fmt::format("{}[{}:{}]", name, lo_a + n_direct - 1, lo_a));
    }
  }
  if (zeros_low > 0) parts.push_back(replicate(zeros_low, "1'b0"));
  if (parts.size() == 1) return parts[0];
  std::string s = "{";
  for (std::size_t i = 0; i < parts.size(); ++i) s += (i ? ", " : "") + parts[i];
  return s + "}";
}

/// floor(v * 2^shift) for the range of a cast's shifted source.
std::int64_t shifted(std::int64_t v, int shift) {
  if (shift >= 0) return v * (std::int64_t{1} << shift);
  if (-shift >= 63) return v < 0 ? -1 : 0;
  return v >> (-shift);  // arithmetic shift: floor
}

/// The distinct non-constant nodes of a layer's input or output list (dead entries skipped).
std::vector<nl::NodeId> live_ports_of(const nl::Netlist& net, const std::vector<nl::NodeId>& ids) {
  std::vector<nl::NodeId> out;
  for (nl::NodeId id : ids)
    if (id != nl::no_node && net.nodes[static_cast<std::size_t>(id)].kind != nl::NodeKind::constant &&
        std::find(out.begin(), out.end(), id) == out.end())
      out.push_back(id);
  return out;
}

std::string layer_module_name(const std::string& top, int k) { return fmt::format("{}_layer{}", top, k); }

/// Everything one module body needs to name its operands.
class ModuleWriter {
 public:
  ModuleWriter(const nl::Netlist& n, const std::vector<std::string>& names) : net_(n), names_(names) {}

  const nl::Node& node(nl::NodeId id) const { return net_.nodes[static_cast<std::size_t>(id)]; }
  const std::string& name(nl::NodeId id) const { return names_[static_cast<std::size_t>(id)]; }

  /// The w-bit expression of an operand (node << shift).
  std::string operand(const nl::Operand& op, int w) const {
    NAS4ML_ASSERT(op.node != nl::no_node, "missing operand");
    return fit(name(op.node), node(op.node).width, op.shift, w);
  }

  /// The body line(s) of one node (declaration and assignment).
  std::string body(nl::NodeId id, bool is_port) const {
    const nl::Node& nd = node(id);
    const std::string& n = name(id);
    const int w = nd.width;
    const std::string decl = is_port ? "" : fmt::format("wire [{}:0] {}", w - 1, n);
    auto assign = [&](const std::string& expr) {
      return is_port ? fmt::format("  assign {} = {};\n", n, expr) : fmt::format("  {} = {};\n", decl, expr);
    };
    switch (nd.kind) {
      case nl::NodeKind::constant:
        return assign(literal(nd.value, w));
      case nl::NodeKind::add:
      case nl::NodeKind::sub: {
        const std::string sum = operand(nd.a, w) + (nd.kind == nl::NodeKind::add ? " + " : " - ") + operand(nd.b, w);
        const std::string bits = with_constant_bits(id, n + "_sum");
        if (bits.empty()) return assign(sum);
        return fmt::format("  wire [{}:0] {}_sum = {};\n", w - 1, n, sum) + assign(bits);
      }
      case nl::NodeKind::multiply: {
        // The product of the unshifted operand, then the shift as appended zeros.
        const int wp = std::max(1, w - std::max(0, nd.a.shift));
        const int wc = width_of(nd.value, nd.value);
        std::string s = fmt::format("  wire [{}:0] {}_p = $signed({}) * {};\n", wp - 1, n, name(nd.a.node),
                                    literal(nd.value, wc, true));
        return s + assign(fit(n + "_p", wp, std::max(0, nd.a.shift), w));
      }
      case nl::NodeKind::cast:
        return cast(id);
      case nl::NodeKind::relu: {
        const nl::Node& a = node(nd.a.node);
        return assign(fmt::format("{}[{}] ? {} : {}", name(nd.a.node), a.width - 1, replicate(w, "1'b0"),
                                  fit(name(nd.a.node), a.width, 0, w)));
      }
      case nl::NodeKind::reg: {
        std::string s = is_port ? "" : fmt::format("  reg  [{}:0] {};\n", w - 1, n);
        return s + fmt::format("  always @(posedge clk) {} <= {};\n", n, operand(nd.a, w));
      }
      case nl::NodeKind::lookup:
        return lookup(id, is_port);
      case nl::NodeKind::square: {
        // A signed product of the word with itself, in the node's exact width.
        const std::string bits = with_constant_bits(id, n + "_p");
        const std::string product = fmt::format("$signed({0}) * $signed({0})", name(nd.a.node));
        if (bits.empty()) return assign(product);
        return fmt::format("  wire [{}:0] {}_p = {};\n", w - 1, n, product) + assign(bits);
      }
      case nl::NodeKind::absolute: {
        const nl::Node& a = node(nd.a.node);
        const std::string x = operand(nd.a, w);
        const std::string value = fmt::format("{}[{}] ? {} - {} : {}", name(nd.a.node), a.width - 1, literal(0, w), x, x);
        const std::string bits = with_constant_bits(id, n + "_abs");
        if (bits.empty()) return assign(value);
        return fmt::format("  wire [{}:0] {}_abs = {};\n", w - 1, n, value) + assign(bits);
      }
      case nl::NodeKind::input:
        throw InternalError("an input node inside a layer's node range");
    }
    throw InternalError("unknown node kind");
  }

 private:
  /// When bits of node `id` are constants by the netlist's bit origins, `{...}`: the word `raw`
  /// with those bits written as literals, else "". yosys does not always find constant bits that
  /// arise through a chain of adders (a difference of two shifted sums, say); the literals let it
  /// remove their flip-flops and carry-chain positions as the estimator assumes (docs/firmware.md).
  std::string with_constant_bits(nl::NodeId id, const std::string& raw) const {
    const auto origins = net_.origins(id);
    const int w = static_cast<int>(origins.size());
    if (std::none_of(origins.begin(), origins.end(), [](const nl::BitOrigin& o) { return o.is_constant(); })) return "";
    std::vector<std::string> parts;  // most significant run first
    for (int hi = w - 1; hi >= 0;) {
      const bool constant = origins[static_cast<std::size_t>(hi)].is_constant();
      int lo = hi;
      while (lo > 0 && origins[static_cast<std::size_t>(lo - 1)].is_constant() == constant) --lo;
      if (constant) {
        std::string value;
        for (int j = hi; j >= lo; --j) value += origins[static_cast<std::size_t>(j)].kind == nl::BitOrigin::Kind::one ? '1' : '0';
        parts.push_back(fmt::format("{}'b{}", hi - lo + 1, value));
      } else {
        parts.push_back(hi == lo ? fmt::format("{}[{}]", raw, lo) : fmt::format("{}[{}:{}]", raw, hi, lo));
      }
      hi = lo - 1;
    }
    std::string s = "{";
    for (std::size_t i = 0; i < parts.size(); ++i) s += (i ? ", " : "") + parts[i];
    return s + "}";
  }

  /// An activation ROM (netlist/lookup.hpp) as a `case` over every value of its input's range,
  /// the address written as the input word's bit pattern; other patterns cannot occur (default 0).
  std::string lookup(nl::NodeId id, bool is_port) const {
    const nl::Node& nd = node(id);
    const nl::Node& a = node(nd.a.node);
    const std::string& n = name(id);
    const int w = nd.width;
    const nl::LookupContents rom = nl::lookup_contents(static_cast<nn::Activation>(nd.value), nd.format, a.lo, a.hi);
    std::string s = fmt::format("  // {} ROM of {} entries (input {}, result {})\n", nn::to_string(static_cast<nn::Activation>(nd.value)),
                                rom.values.size(), name(nd.a.node), nd.format.to_string());
    s += fmt::format("  reg [{}:0] {}_rom;\n  always @* begin\n    case ({})\n", w - 1, n, name(nd.a.node));
    for (std::size_t i = 0; i < rom.values.size(); ++i)
      s += fmt::format("      {}: {}_rom = {};\n", literal(a.lo + static_cast<std::int64_t>(i), a.width), n,
                       literal(rom.values[i], w));
    s += fmt::format("      default: {}_rom = {};\n    endcase\n  end\n", n, literal(0, w));
    std::string value = with_constant_bits(id, n + "_rom");
    if (value.empty()) value = n + "_rom";
    if (is_port) return s + fmt::format("  assign {} = {};\n", n, value);
    return s + fmt::format("  wire [{}:0] {} = {};\n", w - 1, n, value);
  }

  std::string cast(nl::NodeId id) const {
    const nl::Node& nd = node(id);
    const nl::Node& a = node(nd.a.node);
    const std::string& n = name(id);
    const int w = nd.width;
    const FixedFormat& f = nd.format;
    const std::string decl = fmt::format("wire [{}:0] {}", w - 1, n);
    const std::int64_t slo = shifted(a.lo, nd.a.shift), shi = shifted(a.hi, nd.a.shift);
    const std::int64_t fmin = f.min_raw(), fmax = f.max_raw();
    const bool low_over = slo < fmin, high_over = shi > fmax;
    if (f.overflow == Overflow::saturate && (low_over || high_over)) {
      // Compare the exact shifted value with the format's limits and clamp.
      const int wc = width_of(std::min(slo, fmin), std::max(shi, fmax));
      std::string s = fmt::format("  wire signed [{}:0] {}_s = {};\n", wc - 1, n, fit(name(nd.a.node), a.width, nd.a.shift, wc));
      std::string expr = w == wc ? n + "_s" : fmt::format("{}_s[{}:0]", n, w - 1);
      if (low_over) expr = fmt::format("({}_s < {}) ? {} : {}", n, literal(fmin, wc, true), literal(fmin, w), expr);
      if (high_over) expr = fmt::format("({}_s > {}) ? {} : {}", n, literal(fmax, wc, true), literal(fmax, w), expr);
      const std::string bits = with_constant_bits(id, n + "_sat");
      if (bits.empty()) return s + fmt::format("  {} = {};\n", decl, expr);
      return s + fmt::format("  wire [{}:0] {}_sat = {};\n", w - 1, n, expr) + fmt::format("  {} = {};\n", decl, bits);
    }
    // Wrap (or no overflow possible): keep the low bits of the format. A signed format's value fits
    // w <= W bits; an unsigned format's value may need W + 1 signed bits, the top one 0.
    const int eff = std::min(w, f.width);
    std::string expr = fit(name(nd.a.node), a.width, nd.a.shift, eff);
    if (w > eff) {
      NAS4ML_ASSERT(!f.is_signed, "a signed cast wider than its format");
      expr = fmt::format("{{{}, {}}}", replicate(w - eff, "1'b0"), expr);
    }
    return fmt::format("  {} = {};\n", decl, expr);
  }

  const nl::Netlist& net_;
  const std::vector<std::string>& names_;
};

std::string format_list(const std::vector<FixedFormat>& formats) {
  std::vector<std::string> distinct;
  for (const auto& f : formats)
    if (std::find(distinct.begin(), distinct.end(), f.to_string()) == distinct.end()) distinct.push_back(f.to_string());
  std::string s;
  for (std::size_t i = 0; i < distinct.size(); ++i) s += (i ? ", " : "") + distinct[i];
  return s;
}

}  // namespace

PortLayout port_layout(const nl::Netlist& netlist) {
  PortLayout p;
  p.n_inputs = static_cast<int>(netlist.inputs.size());
  p.input_bits = netlist.input_format.width;
  p.in_width = p.n_inputs * p.input_bits;
  int offset = 0;
  for (const auto& f : netlist.output_formats) {
    p.output_bits.push_back(f.width);
    p.output_offset.push_back(offset);
    offset += f.width;
  }
  p.out_width = offset;
  p.latency_cycles = netlist.latency_cycles;
  return p;
}

std::string write_verilog(const nl::Netlist& net, const VerilogOptions& options) {
  static const std::regex identifier(R"([A-Za-z_][A-Za-z0-9_]*)");
  if (!std::regex_match(options.top, identifier))
    throw ConfigError({}, "top", "bad top module name", "a Verilog identifier", "\"" + options.top + "\"");
  NAS4ML_ASSERT(net.outputs.size() == net.output_formats.size(), "one format per output");
  NAS4ML_ASSERT(net.latency_cycles >= 1, "a netlist has at least its output registers");
  NAS4ML_ASSERT(!net.inputs.empty() && !net.outputs.empty(), "a netlist has inputs and outputs");

  std::vector<std::string> names(net.nodes.size());
  for (std::size_t i = 0; i < net.nodes.size(); ++i) names[i] = nl::node_name(net, static_cast<nl::NodeId>(i));
  ModuleWriter mw(net, names);
  const PortLayout ports = port_layout(net);
  auto live_ports = [&](const std::vector<nl::NodeId>& ids) { return live_ports_of(net, ids); };

  std::size_t n_add = 0, n_reg_bits = 0, n_mul = 0;
  for (const auto& nd : net.nodes) {
    if (nd.kind == nl::NodeKind::add || nd.kind == nl::NodeKind::sub) ++n_add;
    if (nd.kind == nl::NodeKind::multiply) ++n_mul;
    if (nd.kind == nl::NodeKind::reg) n_reg_bits += static_cast<std::size_t>(nd.width);
  }

  std::string v;
  v += fmt::format("// {}: generated by nas4ml from model \"{}\". Do not edit; regenerate (docs/firmware.md).\n",
                   options.top, comment_text(net.model_name));
  v += fmt::format("// Inputs : {} x {}, packed: input i is in_data[i*{} +: {}] (input 0 in the low bits).\n",
                   ports.n_inputs, net.input_format.to_string(), ports.input_bits, ports.input_bits);
  v += fmt::format("// Outputs: {} x {}, packed: output o is out_data[o*W +: W] (output 0 in the low bits).\n",
                   net.outputs.size(), format_list(net.output_formats));
  if (net.score != nl::no_node && net.score_reference == "zero")
    v += fmt::format("// Output {} is the anomaly score: the sum of the {} outputs 0..{} (a variational autoencoder's "
                     "latent means, exact), cast to {} (docs/firmware.md).\n",
                     net.outputs.size() - 1, net.score_error == "squared" ? "squared" : "absolute", net.outputs.size() - 2,
                     net.score_format.to_string());
  else if (net.score != nl::no_node)
    v += fmt::format("// Output {} is the anomaly score: the sum of the {} differences between output i and input i "
                     "(aligned, exact), cast to {} (docs/firmware.md).\n",
                     net.outputs.size() - 1, net.score_error == "squared" ? "squared" : "absolute",
                     net.score_format.to_string());
  v += fmt::format("// Latency: {} clock cycles from the edge that samples in_data to out_data valid; "
                   "initiation interval 1; out_valid is in_valid delayed as much.\n",
                   net.latency_cycles);
  v += fmt::format("// Netlist: {} nodes, {} adders, {} products, {} register bits; lowered for a {:g} ns clock{}.\n",
                   net.nodes.size(), n_add, n_mul, n_reg_bits, net.options.clock_ns,
                   net.options.dsp_products ? ", plain `*` products (DSP variant)" : ", CSD shift-adds (no DSP)");
  for (const auto& L : net.layers)
    v += fmt::format("//   layer {}: {} -> {} neurons, adder depth {}, {} levels per stage, stages {} -> {}\n", L.index,
                     L.n_in, L.n_out, L.adder_levels, L.levels_per_stage, L.first_stage, L.output_stage);
  v += "// Adders are unsigned `+`/`-` on explicitly sign-extended operands so synthesis keeps them as\n";
  v += "// separate carry chains (no $macc merging); every width is the exact width of the node's range.\n\n";

  // ---- one module per layer -------------------------------------------------------------------
  for (const auto& L : net.layers) {
    auto in_layer = [&](nl::NodeId id) { return id >= L.first_node && id < L.end_node; };
    // Constants never travel through ports: every module declares the constants it reads.
    std::vector<nl::NodeId> in_ports = live_ports(L.inputs);
    std::vector<nl::NodeId> out_ports = live_ports(L.outputs);
    std::set<nl::NodeId> is_out(out_ports.begin(), out_ports.end());

    // Constants the layer reads that live outside it become local wires.
    std::set<nl::NodeId> outside_constants;
    auto check_operand = [&](nl::NodeId reader, const nl::Operand& op) {
      if (op.node == nl::no_node) return;
      if (in_layer(op.node)) return;
      if (mw.node(op.node).kind == nl::NodeKind::constant) {
        outside_constants.insert(op.node);
        return;
      }
      if (std::find(in_ports.begin(), in_ports.end(), op.node) == in_ports.end())
        throw InternalError(fmt::format("netlist node {} of layer {} reads node {} of another layer that is not one of "
                                        "its inputs", reader, L.index, op.node));
    };
    for (nl::NodeId id = L.first_node; id < L.end_node; ++id) {
      const nl::Node& nd = mw.node(id);
      if (nd.kind == nl::NodeKind::constant || nd.kind == nl::NodeKind::input) continue;
      check_operand(id, nd.a);
      if (nd.kind == nl::NodeKind::add || nd.kind == nl::NodeKind::sub) check_operand(id, nd.b);
    }
    for (nl::NodeId id : out_ports)
      if (!in_layer(id))
        throw InternalError(fmt::format("output node {} of layer {} lies outside the layer", id, L.index));

    const auto& first_cast = std::find_if(net.nodes.begin() + L.first_node, net.nodes.begin() + L.end_node,
                                          [](const nl::Node& nd) { return nd.kind == nl::NodeKind::cast; });
    v += fmt::format("// Layer {}: {} inputs -> {} neurons ({} live){}; input stage {}, output stage {}.\n", L.index,
                     L.n_in, L.n_out, out_ports.size(),
                     first_cast != net.nodes.begin() + L.end_node ? ", result " + first_cast->format.to_string() : "",
                     L.first_stage, L.output_stage);
    v += fmt::format("module {} (\n  input  wire clk", layer_module_name(options.top, L.index));
    for (nl::NodeId id : in_ports) v += fmt::format(",\n  input  wire [{}:0] {}", mw.node(id).width - 1, mw.name(id));
    for (nl::NodeId id : out_ports) {
      const bool is_reg = mw.node(id).kind == nl::NodeKind::reg;
      v += fmt::format(",\n  output {} [{}:0] {}", is_reg ? "reg " : "wire", mw.node(id).width - 1, mw.name(id));
    }
    v += "\n);\n";
    for (nl::NodeId id : outside_constants) v += mw.body(id, false);
    for (nl::NodeId id = L.first_node; id < L.end_node; ++id) {
      if (mw.node(id).kind == nl::NodeKind::input) continue;
      v += mw.body(id, is_out.count(id) > 0);
    }
    v += "endmodule\n\n";
  }

  // ---- top module -----------------------------------------------------------------------------
  const int L = net.latency_cycles;
  v += fmt::format("// Top: {} inputs -> {} outputs, latency {} cycles, II 1.\n", ports.n_inputs, net.outputs.size(), L);
  v += fmt::format("module {} (\n", options.top);
  v += "  input  wire clk,\n  input  wire in_valid,\n";
  v += fmt::format("  input  wire [{}:0] in_data,\n", ports.in_width - 1);
  v += "  output wire out_valid,\n";
  v += fmt::format("  output wire [{}:0] out_data\n);\n", ports.out_width - 1);
  // Model inputs: slices of in_data, extended to the input nodes' widths.
  for (std::size_t i = 0; i < net.inputs.size(); ++i) {
    const nl::NodeId id = net.inputs[i];
    if (id == nl::no_node) continue;
    const int w = mw.node(id).width;
    const int W = ports.input_bits;
    const int lo = static_cast<int>(i) * W;
    std::string slice = W == 1 ? fmt::format("in_data[{}]", lo) : fmt::format("in_data[{}:{}]", lo + W - 1, lo);
    std::string expr;
    if (w == W) {
      expr = slice;
    } else if (w > W) {
      const std::string top_bit = net.input_format.is_signed ? fmt::format("in_data[{}]", lo + W - 1) : "1'b0";
      expr = fmt::format("{{{}, {}}}", replicate(w - W, top_bit), slice);
    } else {
      expr = w == 1 ? fmt::format("in_data[{}]", lo) : fmt::format("in_data[{}:{}]", lo + w - 1, lo);
    }
    v += fmt::format("  wire [{}:0] {} = {};\n", w - 1, mw.name(id), expr);
  }
  // Layer instances, chained through the output registers' names.
  for (const auto& Lr : net.layers) {
    const std::vector<nl::NodeId> outs = live_ports(Lr.outputs);
    for (nl::NodeId id : outs) v += fmt::format("  wire [{}:0] {};\n", mw.node(id).width - 1, mw.name(id));
    v += fmt::format("  {} u_layer{} (\n    .clk(clk)", layer_module_name(options.top, Lr.index), Lr.index);
    for (nl::NodeId id : live_ports(Lr.inputs)) v += fmt::format(",\n    .{0}({0})", mw.name(id));
    for (nl::NodeId id : outs) v += fmt::format(",\n    .{0}({0})", mw.name(id));
    v += "\n  );\n";
  }
  // Outputs, each sign- or zero-extended (or cut) to its format's width.
  for (std::size_t o = 0; o < net.outputs.size(); ++o) {
    const nl::NodeId id = net.outputs[o];
    const int W = ports.output_bits[o];
    const int lo = ports.output_offset[o];
    const std::string dst = W == 1 ? fmt::format("out_data[{}]", lo) : fmt::format("out_data[{}:{}]", lo + W - 1, lo);
    if (id == nl::no_node) throw InternalError(fmt::format("model output {} has no netlist node", o));
    if (mw.node(id).kind == nl::NodeKind::constant) {
      v += fmt::format("  assign {} = {};  // constant output\n", dst, literal(mw.node(id).value, W));
    } else {
      v += fmt::format("  assign {} = {};\n", dst, fit(mw.name(id), mw.node(id).width, 0, W));
    }
  }
  // The valid signal travels through as many registers as the data.
  v += fmt::format("  reg [{}:0] valid_pipe = {};\n", L - 1, replicate(L, "1'b0"));
  if (L == 1) {
    v += "  always @(posedge clk) valid_pipe <= in_valid;\n";
  } else {
    v += fmt::format("  always @(posedge clk) valid_pipe <= {{valid_pipe[{}:0], in_valid}};\n", L - 2);
  }
  v += fmt::format("  assign out_valid = valid_pipe[{}];\n", L - 1);
  v += "endmodule\n";
  return v;
}

}  // namespace nas4ml::firmware
