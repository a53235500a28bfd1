// Small lookups on the ONNX structures (nas4ml/interop/onnx_model.hpp).
#include "nas4ml/interop/onnx_model.hpp"

namespace nas4ml::interop {

std::string to_string(OnnxType t) {
  switch (t) {
    case OnnxType::float32: return "float";
    case OnnxType::float64: return "double";
    case OnnxType::int32: return "int32";
    case OnnxType::int64: return "int64";
    case OnnxType::undefined: break;
  }
  return "type " + std::to_string(static_cast<int>(t));
}

const OnnxAttribute* OnnxNode::attribute(const std::string& n) const {
  for (const auto& a : attributes)
    if (a.name == n) return &a;
  return nullptr;
}

const OnnxTensor* OnnxGraph::initializer(const std::string& n) const {
  for (const auto& t : initializers)
    if (t.name == n) return &t;
  return nullptr;
}

std::optional<std::string> OnnxModel::meta(const std::string& key) const {
  for (const auto& [k, v] : metadata)
    if (k == key) return v;
  return std::nullopt;
}

}  // namespace nas4ml::interop
