#pragma once
/// \file The subset of ONNX (https://onnx.ai, onnx/onnx.proto) nas4ml reads and writes: one graph
/// of nodes, constant initializers, typed inputs/outputs, opset imports and metadata. Enough for
/// dense networks (MatMul/Gemm, Add, Relu, BatchNormalization) and QONNX `Quant` nodes; other
/// fields of a file are skipped on reading. (De)serialized by onnx_wire.hpp.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nas4ml::interop {

/// ONNX TensorProto.DataType values nas4ml handles.
enum class OnnxType : int { undefined = 0, float32 = 1, int32 = 6, int64 = 7, float64 = 11 };

/// "float", "double", ... for messages.
std::string to_string(OnnxType t);

/// A constant tensor (an initializer or a `value` attribute). Values are held as doubles, which
/// every float32, float64 and int32 value is exactly (int64 values beyond 2^53 are refused).
struct OnnxTensor {
  std::string name;
  OnnxType type = OnnxType::float32;
  std::vector<std::int64_t> dims;
  std::vector<double> values;  ///< row-major; size = product of dims (1 for a scalar)
};

/// A node attribute (AttributeProto); only the fields of its type are meaningful.
struct OnnxAttribute {
  enum class Kind : int { undefined = 0, f = 1, i = 2, s = 3, t = 4, floats = 6, ints = 7 };
  std::string name;
  Kind kind = Kind::undefined;
  double f = 0;
  std::int64_t i = 0;
  std::string s;
  std::vector<double> floats;
  std::vector<std::int64_t> ints;
  std::optional<OnnxTensor> t;
};

/// One operator application (NodeProto).
struct OnnxNode {
  std::string name;
  std::string op_type;
  std::string domain;  ///< "" = the standard ai.onnx domain
  std::vector<std::string> inputs, outputs;
  std::vector<OnnxAttribute> attributes;

  /// The attribute `name`, or nullptr.
  const OnnxAttribute* attribute(const std::string& name) const;
};

/// A graph input or output (ValueInfoProto with a tensor type); dims of -1 are symbolic.
struct OnnxValueInfo {
  std::string name;
  OnnxType type = OnnxType::float32;
  std::vector<std::int64_t> dims;
  std::vector<std::string> dim_params;  ///< symbolic names (e.g. "batch"), "" for fixed dims
};

/// A graph (GraphProto).
struct OnnxGraph {
  std::string name;
  std::vector<OnnxNode> nodes;
  std::vector<OnnxTensor> initializers;
  std::vector<OnnxValueInfo> inputs, outputs;

  /// The initializer called `name`, or nullptr.
  const OnnxTensor* initializer(const std::string& name) const;
};

/// A model file (ModelProto).
struct OnnxModel {
  std::int64_t ir_version = 8;
  std::vector<std::pair<std::string, std::int64_t>> opsets;  ///< (domain, version)
  std::string producer_name, producer_version;
  OnnxGraph graph;
  std::vector<std::pair<std::string, std::string>> metadata;  ///< metadata_props

  /// The metadata value of `key`, if present.
  std::optional<std::string> meta(const std::string& key) const;
};

}  // namespace nas4ml::interop
