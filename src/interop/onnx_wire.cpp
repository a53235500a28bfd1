// The protocol-buffer wire format of the ONNX messages nas4ml uses (nas4ml/interop/onnx_wire.hpp).
// Field numbers are those of onnx/onnx.proto (ONNX IR version 8).
#include "nas4ml/interop/onnx_wire.hpp"

#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/core/input_file.hpp"

namespace nas4ml::interop {
namespace {

// ---- writing ---------------------------------------------------------------------------------

class Writer {
 public:
  void varint(std::uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void tag(int field, int wire) { varint(static_cast<std::uint64_t>(field) << 3 | static_cast<std::uint64_t>(wire)); }
  void int_field(int field, std::int64_t v) {
    tag(field, 0);
    varint(static_cast<std::uint64_t>(v));
  }
  void bytes_field(int field, std::string_view s) {
    tag(field, 2);
    varint(s.size());
    out_.append(s);
  }
  void float_field(int field, float f) {
    tag(field, 5);
    append_le(std::bit_cast<std::uint32_t>(f));
  }
  /// A nested message written by `body`.
  void message(int field, const std::function<void(Writer&)>& body) {
    Writer inner;
    body(inner);
    bytes_field(field, inner.out_);
  }
  void packed_ints(int field, const std::vector<std::int64_t>& v) {
    if (v.empty()) return;
    Writer inner;
    for (auto x : v) inner.varint(static_cast<std::uint64_t>(x));
    bytes_field(field, inner.out_);
  }
  template <class U>
  void append_le(U v) {
    for (std::size_t b = 0; b < sizeof(U); ++b) out_.push_back(static_cast<char>((v >> (8 * b)) & 0xff));
  }
  std::string& str() { return out_; }

 private:
  std::string out_;
};

void write_tensor(Writer& w, const OnnxTensor& t) {
  w.packed_ints(1, t.dims);
  w.int_field(2, static_cast<int>(t.type));
  w.bytes_field(8, t.name);
  Writer raw;  // raw_data: little-endian values
  for (double v : t.values) {
    switch (t.type) {
      case OnnxType::float32: raw.append_le(std::bit_cast<std::uint32_t>(static_cast<float>(v))); break;
      case OnnxType::float64: raw.append_le(std::bit_cast<std::uint64_t>(v)); break;
      case OnnxType::int32: raw.append_le(static_cast<std::uint32_t>(static_cast<std::int32_t>(v))); break;
      case OnnxType::int64: raw.append_le(static_cast<std::uint64_t>(static_cast<std::int64_t>(v))); break;
      case OnnxType::undefined: throw InternalError("writing a tensor of undefined type");
    }
  }
  w.bytes_field(9, raw.str());
}

void write_value_info(Writer& w, const OnnxValueInfo& v) {
  w.bytes_field(1, v.name);
  w.message(2, [&](Writer& type) {         // TypeProto
    type.message(1, [&](Writer& tensor) {  // TypeProto.Tensor
      tensor.int_field(1, static_cast<int>(v.type));
      tensor.message(2, [&](Writer& shape) {  // TensorShapeProto
        for (std::size_t d = 0; d < v.dims.size(); ++d)
          shape.message(1, [&](Writer& dim) {
            const std::string param = d < v.dim_params.size() ? v.dim_params[d] : std::string();
            if (!param.empty()) dim.bytes_field(2, param);
            else dim.int_field(1, v.dims[d]);
          });
      });
    });
  });
}

void write_attribute(Writer& w, const OnnxAttribute& a) {
  w.bytes_field(1, a.name);
  switch (a.kind) {
    case OnnxAttribute::Kind::f: w.float_field(2, static_cast<float>(a.f)); break;
    case OnnxAttribute::Kind::i: w.int_field(3, a.i); break;
    case OnnxAttribute::Kind::s: w.bytes_field(4, a.s); break;
    case OnnxAttribute::Kind::t: w.message(5, [&](Writer& t) { write_tensor(t, *a.t); }); break;
    case OnnxAttribute::Kind::ints: w.packed_ints(8, a.ints); break;
    default: throw InternalError("writing an attribute of unsupported kind");
  }
  w.int_field(20, static_cast<int>(a.kind));
}

void write_node(Writer& w, const OnnxNode& n) {
  for (const auto& i : n.inputs) w.bytes_field(1, i);
  for (const auto& o : n.outputs) w.bytes_field(2, o);
  w.bytes_field(3, n.name);
  w.bytes_field(4, n.op_type);
  for (const auto& a : n.attributes) w.message(5, [&](Writer& x) { write_attribute(x, a); });
  if (!n.domain.empty()) w.bytes_field(7, n.domain);
}

// ---- reading ---------------------------------------------------------------------------------

/// A view on one message's bytes; `base` is its offset in the file (for messages).
class Reader {
 public:
  Reader(std::string_view bytes, std::size_t base, const std::string& source)
      : b_(bytes), base_(base), source_(source) {}

  bool done() const { return pos_ >= b_.size(); }

  [[noreturn]] void fail(const std::string& what) const {
    throw DataError(source_, fmt::format("byte {}", base_ + pos_), "not a valid ONNX file",
                    "a serialized ONNX ModelProto", what);
  }

  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= b_.size()) fail("the file ends inside a number (truncated?)");
      const auto c = static_cast<unsigned char>(b_[pos_++]);
      v |= static_cast<std::uint64_t>(c & 0x7f) << shift;
      if (!(c & 0x80)) return v;
    }
    fail("a number longer than 10 bytes");
  }

  /// Reads a tag; returns (field, wire type).
  std::pair<int, int> tag() {
    const std::uint64_t t = varint();
    const int field = static_cast<int>(t >> 3), wire = static_cast<int>(t & 7);
    if (field == 0 || t >> 3 > 536870911) fail("field number 0 or out of range");
    return {field, wire};
  }

  std::string_view bytes() {
    const std::uint64_t n = varint();
    if (n > b_.size() - pos_) fail(fmt::format("a field of {} bytes runs past the end of the file (truncated?)", n));
    const auto v = b_.substr(pos_, n);
    pos_ += n;
    return v;
  }
  /// A nested message's reader.
  Reader sub() {
    const auto v = bytes();
    return Reader(v, base_ + pos_ - v.size(), source_);
  }
  template <class U>
  U fixed() {
    if (b_.size() - pos_ < sizeof(U)) fail("the file ends inside a fixed-size number (truncated?)");
    U v = 0;
    for (std::size_t k = 0; k < sizeof(U); ++k) v |= static_cast<U>(static_cast<unsigned char>(b_[pos_ + k])) << (8 * k);
    pos_ += sizeof(U);
    return v;
  }
  void skip(int wire) {
    switch (wire) {
      case 0: varint(); break;
      case 1: fixed<std::uint64_t>(); break;
      case 2: bytes(); break;
      case 5: fixed<std::uint32_t>(); break;
      default: fail(fmt::format("wire type {} (groups or garbage)", wire));
    }
  }
  /// Repeated varints, packed (wire 2) or one (wire 0).
  void ints(int wire, std::vector<std::int64_t>& out) {
    if (wire == 0) {
      out.push_back(static_cast<std::int64_t>(varint()));
      return;
    }
    if (wire != 2) fail("a repeated integer field with the wrong wire type");
    Reader p = sub();
    while (!p.done()) out.push_back(static_cast<std::int64_t>(p.varint()));
  }
  /// Repeated floats (fixed32), packed or one.
  void floats(int wire, std::vector<double>& out) {
    if (wire == 5) {
      out.push_back(std::bit_cast<float>(fixed<std::uint32_t>()));
      return;
    }
    if (wire != 2) fail("a repeated float field with the wrong wire type");
    Reader p = sub();
    while (!p.done()) out.push_back(std::bit_cast<float>(p.fixed<std::uint32_t>()));
  }
  void doubles(int wire, std::vector<double>& out) {
    if (wire == 1) {
      out.push_back(std::bit_cast<double>(fixed<std::uint64_t>()));
      return;
    }
    if (wire != 2) fail("a repeated double field with the wrong wire type");
    Reader p = sub();
    while (!p.done()) out.push_back(std::bit_cast<double>(p.fixed<std::uint64_t>()));
  }
  void expect(int wire, int want) {
    if (wire != want) fail(fmt::format("wire type {} where {} was expected", wire, want));
  }
  std::string string(int wire) {
    expect(wire, 2);
    return std::string(bytes());
  }
  std::int64_t integer(int wire) {
    expect(wire, 0);
    return static_cast<std::int64_t>(varint());
  }
  const std::string& source() const { return source_; }

 private:
  std::string_view b_;
  std::size_t base_;
  std::size_t pos_ = 0;
  const std::string& source_;
};

OnnxTensor read_tensor(Reader r) {
  OnnxTensor t;
  int type = 0;
  std::string_view raw;
  bool has_raw = false, external = false;
  std::vector<double> numbers;
  std::vector<std::int64_t> int_numbers;
  while (!r.done()) {
    const auto [field, wire] = r.tag();
    switch (field) {
      case 1: r.ints(wire, t.dims); break;
      case 2: type = static_cast<int>(r.integer(wire)); break;
      case 4: r.floats(wire, numbers); break;
      case 5: case 7: r.ints(wire, int_numbers); break;
      case 8: t.name = r.string(wire); break;
      case 9: r.expect(wire, 2); raw = r.bytes(); has_raw = true; break;
      case 10: r.doubles(wire, numbers); break;
      case 14: external = r.integer(wire) == 1; break;
      default: r.skip(wire);
    }
  }
  const std::string where = "tensor \"" + t.name + "\"";
  if (external)
    throw DataError(r.source(), where, "tensor data stored in an external file is not supported",
                    "data inside the .onnx file", "external data");
  t.type = static_cast<OnnxType>(type);
  std::size_t elem = 0;
  switch (t.type) {
    case OnnxType::float32: case OnnxType::int32: elem = 4; break;
    case OnnxType::float64: case OnnxType::int64: elem = 8; break;
    default:
      throw DataError(r.source(), where, "unsupported tensor element type", "float, double, int32 or int64",
                      fmt::format("data type {}", type));
  }
  std::uint64_t count = 1;
  for (auto d : t.dims) {
    if (d < 0 || d > (1LL << 31)) throw DataError(r.source(), where, "bad tensor dimension", "0 .. 2^31", std::to_string(d));
    count *= static_cast<std::uint64_t>(d);
    if (count > (1ULL << 31)) throw DataError(r.source(), where, "tensor too large", "at most 2^31 values", "more");
  }
  if (has_raw) {
    if (raw.size() != count * elem)
      throw DataError(r.source(), where, "raw_data does not match the tensor's shape",
                      fmt::format("{} bytes", count * elem), fmt::format("{} bytes", raw.size()));
    t.values.resize(count);
    for (std::size_t k = 0; k < count; ++k) {
      std::uint64_t bits = 0;
      for (std::size_t b = 0; b < elem; ++b) bits |= static_cast<std::uint64_t>(static_cast<unsigned char>(raw[k * elem + b])) << (8 * b);
      switch (t.type) {
        case OnnxType::float32: t.values[k] = std::bit_cast<float>(static_cast<std::uint32_t>(bits)); break;
        case OnnxType::float64: t.values[k] = std::bit_cast<double>(bits); break;
        case OnnxType::int32: t.values[k] = static_cast<std::int32_t>(static_cast<std::uint32_t>(bits)); break;
        default: t.values[k] = static_cast<double>(static_cast<std::int64_t>(bits)); break;
      }
    }
  } else {
    if (t.type == OnnxType::int32 || t.type == OnnxType::int64)
      for (auto v : int_numbers) numbers.push_back(static_cast<double>(t.type == OnnxType::int32 ? static_cast<std::int32_t>(v) : v));
    if (numbers.size() != count)
      throw DataError(r.source(), where, "the tensor's values do not match its shape", fmt::format("{} values", count),
                      fmt::format("{}", numbers.size()));
    t.values = std::move(numbers);
  }
  return t;
}

OnnxValueInfo read_value_info(Reader r) {
  OnnxValueInfo v;
  while (!r.done()) {
    const auto [field, wire] = r.tag();
    if (field == 1) {
      v.name = r.string(wire);
    } else if (field == 2) {
      r.expect(wire, 2);
      Reader type = r.sub();
      while (!type.done()) {
        const auto [tf, tw] = type.tag();
        if (tf != 1) { type.skip(tw); continue; }
        type.expect(tw, 2);
        Reader tensor = type.sub();
        while (!tensor.done()) {
          const auto [ef, ew] = tensor.tag();
          if (ef == 1) {
            v.type = static_cast<OnnxType>(tensor.integer(ew));
          } else if (ef == 2) {
            tensor.expect(ew, 2);
            Reader shape = tensor.sub();
            while (!shape.done()) {
              const auto [sf, sw] = shape.tag();
              if (sf != 1) { shape.skip(sw); continue; }
              shape.expect(sw, 2);
              Reader dim = shape.sub();
              std::int64_t value = -1;
              std::string param;
              while (!dim.done()) {
                const auto [df, dw] = dim.tag();
                if (df == 1) value = dim.integer(dw);
                else if (df == 2) param = dim.string(dw);
                else dim.skip(dw);
              }
              v.dims.push_back(value);
              v.dim_params.push_back(param);
            }
          } else {
            tensor.skip(ew);
          }
        }
      }
    } else {
      r.skip(wire);
    }
  }
  return v;
}

OnnxAttribute read_attribute(Reader r) {
  OnnxAttribute a;
  while (!r.done()) {
    const auto [field, wire] = r.tag();
    switch (field) {
      case 1: a.name = r.string(wire); break;
      case 2: r.expect(wire, 5); a.f = std::bit_cast<float>(r.fixed<std::uint32_t>()); break;
      case 3: a.i = r.integer(wire); break;
      case 4: a.s = r.string(wire); break;
      case 5: r.expect(wire, 2); a.t = read_tensor(r.sub()); break;
      case 7: r.floats(wire, a.floats); break;
      case 8: r.ints(wire, a.ints); break;
      case 20: a.kind = static_cast<OnnxAttribute::Kind>(r.integer(wire)); break;
      default: r.skip(wire);
    }
  }
  return a;
}

OnnxNode read_node(Reader r) {
  OnnxNode n;
  while (!r.done()) {
    const auto [field, wire] = r.tag();
    switch (field) {
      case 1: n.inputs.push_back(r.string(wire)); break;
      case 2: n.outputs.push_back(r.string(wire)); break;
      case 3: n.name = r.string(wire); break;
      case 4: n.op_type = r.string(wire); break;
      case 5: r.expect(wire, 2); n.attributes.push_back(read_attribute(r.sub())); break;
      case 7: n.domain = r.string(wire); break;
      default: r.skip(wire);
    }
  }
  return n;
}

OnnxGraph read_graph(Reader r) {
  OnnxGraph g;
  while (!r.done()) {
    const auto [field, wire] = r.tag();
    switch (field) {
      case 1: r.expect(wire, 2); g.nodes.push_back(read_node(r.sub())); break;
      case 2: g.name = r.string(wire); break;
      case 5: r.expect(wire, 2); g.initializers.push_back(read_tensor(r.sub())); break;
      case 11: r.expect(wire, 2); g.inputs.push_back(read_value_info(r.sub())); break;
      case 12: r.expect(wire, 2); g.outputs.push_back(read_value_info(r.sub())); break;
      default: r.skip(wire);
    }
  }
  return g;
}

}  // namespace

std::string serialize_onnx(const OnnxModel& m) {
  Writer w;
  w.int_field(1, m.ir_version);
  w.bytes_field(2, m.producer_name);
  w.bytes_field(3, m.producer_version);
  w.message(7, [&](Writer& g) {
    for (const auto& n : m.graph.nodes) g.message(1, [&](Writer& x) { write_node(x, n); });
    g.bytes_field(2, m.graph.name);
    for (const auto& t : m.graph.initializers) g.message(5, [&](Writer& x) { write_tensor(x, t); });
    for (const auto& v : m.graph.inputs) g.message(11, [&](Writer& x) { write_value_info(x, v); });
    for (const auto& v : m.graph.outputs) g.message(12, [&](Writer& x) { write_value_info(x, v); });
  });
  for (const auto& [domain, version] : m.opsets)
    w.message(8, [&](Writer& o) {
      if (!domain.empty()) o.bytes_field(1, domain);
      o.int_field(2, version);
    });
  for (const auto& [k, v] : m.metadata)
    w.message(14, [&](Writer& e) {
      e.bytes_field(1, k);
      e.bytes_field(2, v);
    });
  return std::move(w.str());
}

OnnxModel parse_onnx(std::string_view bytes, const std::string& source) {
  if (bytes.empty()) throw DataError(source, "", "not a valid ONNX file", "a serialized ONNX ModelProto", "an empty file");
  Reader r(bytes, 0, source);
  OnnxModel m;
  m.ir_version = 0;
  bool has_graph = false;
  while (!r.done()) {
    const auto [field, wire] = r.tag();
    switch (field) {
      case 1: m.ir_version = r.integer(wire); break;
      case 2: m.producer_name = r.string(wire); break;
      case 3: m.producer_version = r.string(wire); break;
      case 7: r.expect(wire, 2); m.graph = read_graph(r.sub()); has_graph = true; break;
      case 8: {
        r.expect(wire, 2);
        Reader o = r.sub();
        std::string domain;
        std::int64_t version = 0;
        while (!o.done()) {
          const auto [f, w] = o.tag();
          if (f == 1) domain = o.string(w);
          else if (f == 2) version = o.integer(w);
          else o.skip(w);
        }
        m.opsets.emplace_back(domain, version);
        break;
      }
      case 14: {
        r.expect(wire, 2);
        Reader e = r.sub();
        std::string k, v;
        while (!e.done()) {
          const auto [f, w] = e.tag();
          if (f == 1) k = e.string(w);
          else if (f == 2) v = e.string(w);
          else e.skip(w);
        }
        m.metadata.emplace_back(k, v);
        break;
      }
      default: r.skip(wire);
    }
  }
  if (!has_graph || m.ir_version <= 0)
    throw DataError(source, "", "not a valid ONNX file", "a ModelProto with ir_version and a graph",
                    has_graph ? "no ir_version" : "no graph");
  return m;
}

void save_onnx(const OnnxModel& model, const std::filesystem::path& path) {
  const std::string bytes = serialize_onnx(model);
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw ConfigError(path.string(), "", "cannot write file", "a writable path", "open failed");
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw ConfigError(path.string(), "", "cannot write file", "a writable path", "write failed");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw ConfigError(path.string(), "", "cannot write file", "a writable path", ec.message());
}

OnnxModel load_onnx(const std::filesystem::path& path) {
  const std::string bytes = read_input_file(path, path.string(), max_json_bytes(), /*data_file=*/true);
  return parse_onnx(bytes, path.string());
}

}  // namespace nas4ml::interop
