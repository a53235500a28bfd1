#pragma once
/// \file OnnxModel <-> the bytes of an .onnx file: the protocol-buffer wire format
/// (https://protobuf.dev/programming-guides/encoding/) written and read directly for the messages
/// and field numbers of onnx/onnx.proto (docs/interop.md says why no protobuf library is linked).
/// The reader accepts packed and unpacked repeated numbers, float_data/double_data/int*_data and
/// raw_data tensors, skips unknown fields, and reports a truncated or malformed file as one
/// DataError naming the byte offset.
#include <filesystem>
#include <string>
#include <string_view>

#include "nas4ml/interop/onnx_model.hpp"

namespace nas4ml::interop {

/// The serialized ModelProto.
std::string serialize_onnx(const OnnxModel& model);

/// Parses a serialized ModelProto; `source` names the file in errors.
OnnxModel parse_onnx(std::string_view bytes, const std::string& source);

/// Writes `model` to `path` (atomically: a temporary file renamed over it).
void save_onnx(const OnnxModel& model, const std::filesystem::path& path);

/// Reads an .onnx file (at most 256 MiB).
OnnxModel load_onnx(const std::filesystem::path& path);

}  // namespace nas4ml::interop
