#pragma once
/// \file An hls4ml configuration for a QuantizedModel, so a user can rebuild the same design in
/// hls4ml (fastmachinelearning.org/hls4ml, "Configuration": the keys of its YAML file and of the
/// dictionary config_from_keras_model(granularity='name') returns). The JSON holds
///   Backend, ProjectName, OutputDir, Part, ClockPeriod, IOType ("io_parallel") and
///   HLSConfig: {Model: {Precision, ReuseFactor, Strategy},
///               LayerName: {<layer>: {Precision: {weight, bias, result, accum}, ReuseFactor, Strategy}, ...}}
/// with layers named as a Keras Sequential model of Dense layers would be after hls4ml split off
/// the activations: input_1, dense_<k>, and dense_<k>_relu for a ReLU (docs/firmware.md
/// "hls4ml configuration"). An autoencoder's anomaly score, which hls4ml has no layer for, is
/// described under a key of its own, AnomalyScore (Error, Formula, Inputs, Precision, Note), that
/// hls4ml does not read. Precisions are nas4ml's formats in hls4ml's ap_fixed spelling; the
/// accumulator is the exact one of the golden model (hls_writer.hpp).
#include <string>

#include "nas4ml/core/json.hpp"
#include "nas4ml/nn/quantized_model.hpp"

namespace nas4ml::firmware {

/// Project-level entries of the configuration.
struct Hls4mlConfigOptions {
  std::string project = "myproject";            ///< ProjectName
  std::string output_dir = "hls4ml_prj";        ///< OutputDir
  std::string part = "xcvu9p-flga2104-2L-e";    ///< Part
  double clock_ns = 5.0;                        ///< ClockPeriod
  std::string backend = "Vitis";                ///< Backend
};

/// The hls4ml configuration of `model`.
Json hls4ml_config(const nn::QuantizedModel& model, const Hls4mlConfigOptions& options = {});

/// The hls4ml layer names of `model`'s layer `k`: its dense layer, and its activation ("" when linear).
std::string hls4ml_dense_name(std::size_t k);
std::string hls4ml_activation_name(const nn::QuantizedModel& model, std::size_t k);

}  // namespace nas4ml::firmware
