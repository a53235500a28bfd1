// libFuzzer targets for nas4ml's parsers in one binary; the environment variable NAS4ML_FUZZ_TARGET
// chooses the parser (json, csv, arff, npy, idx, gzip, and the field readers behind the JSON
// layer: model_spec, quantized_model, search_space, device, synthesis_result, yosys_stat). Built
// and run by scripts/fuzz.sh (docs/reliability.md). A user error (nas4ml::Error other than
// InternalError) is the expected outcome of a bad input; anything else (a crash, a sanitizer
// report, an InternalError, another exception, a hang) is a finding, and so is a parse that
// succeeds with a result breaking the reader's contract (check_* below).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nas4ml/core/error.hpp"
#include "nas4ml/core/json.hpp"
#include "nas4ml/core/rng.hpp"
#include "nas4ml/data/arff_reader.hpp"
#include "nas4ml/data/csv_reader.hpp"
#include "nas4ml/data/gzip_file.hpp"
#include "nas4ml/data/idx_reader.hpp"
#include "nas4ml/data/npy_reader.hpp"
#include "nas4ml/estimate/device_model.hpp"
#include "nas4ml/nn/golden_inference.hpp"
#include "nas4ml/nn/model_spec_json.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"
#include "nas4ml/space/operators.hpp"
#include "nas4ml/space/search_space.hpp"
#include "nas4ml/synth/synthesis_result.hpp"
#include "nas4ml/synth/yosys_backend.hpp"

namespace {

/// Splits the input in two at the first "\n--\n" (features and labels of a two-file format).
std::pair<std::string_view, std::string_view> halves(std::string_view s) {
  const auto p = s.find("\n--\n");
  if (p == std::string_view::npos) return {s, {}};
  return {s.substr(0, p), s.substr(p + 4)};
}

/// A finding: says which contract broke, then aborts (libFuzzer keeps the input).
void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz contract broken: %s\n", what);
  std::abort();
}

/// What every reader promises of a table it returns (raw_table.hpp).
void check_table(const nas4ml::data::RawTable& t) {
  require(t.values.size() == t.rows() * t.n_features(), "values = rows x features");
  require(t.row_location.size() == t.rows(), "one location per row");
  for (const std::int32_t label : t.labels)
    require(label >= 0 && static_cast<std::size_t>(label) < t.label_names.size(), "label indexes label_names");
}

/// `check` must not refuse (a user error here is a broken promise, not a bad input).
template <class Fn>
void must_accept(Fn check, const char* what) {
  try {
    check();
  } catch (const nas4ml::Error& e) {
    std::fprintf(stderr, "refused: %s\n", e.what());
    require(false, what);
  }
}

/// What every reader of a JSON file promises: what it accepted, written back with its own writer,
/// is accepted again and written back identically (the saved form loses nothing). `read` takes
/// a document and a file name; `write` returns the document.
template <class Read, class Write>
void check_round_trip(const nas4ml::Json& document, Read read, Write write) {
  const nas4ml::Json once = write(read(document, "fuzz.json"));
  nas4ml::Json again;
  try {
    again = write(read(nas4ml::parse_json_text(once.dump(), "again.json"), "again.json"));
  } catch (const nas4ml::Error& e) {
    std::fprintf(stderr, "refused its own output: %s\n", e.what());
    require(false, "the reader accepts what its writer wrote");
  }
  require(again == once, "written, read and written again: the same document");
}

/// Every resource count is the sum the cell histogram gives (synthesis_result.hpp).
void check_counts(const nas4ml::synth::SynthesisResult& r) {
  const auto& c = r.resources;
  require(c == nas4ml::synth::resources_from_cells(r.cells), "resources follow the cell histogram");
  std::int64_t luts = 0;
  for (const std::int64_t n : c.lut_by_size) luts += n;
  require(luts == c.lut, "lut = sum of LUT1..LUT6");
  for (const std::int64_t n : {c.lut, c.ff, c.carry, c.dsp, c.bram18, c.srl, c.muxf7, c.muxf8, c.inv})
    require(n >= 0, "counts are non-negative");
}

void fuzz_json(std::string_view in) {
  using namespace nas4ml;
  // Whatever parses survives a round trip through its own text unchanged.
  const Json j = parse_json_text(std::string(in), "fuzz.json");
  require(parse_json_text(j.dump(), "again.json") == j, "JSON round trip");
}

void fuzz_csv(std::string_view in) {
  using namespace nas4ml;
  check_table(data::read_csv(in, "fuzz.csv", {}));
}

void fuzz_arff(std::string_view in) {
  using namespace nas4ml;
  check_table(data::read_arff(in, "fuzz.arff", {}));
}

void fuzz_npy(std::string_view in) {
  using namespace nas4ml;
  const auto [x, y] = halves(in);
  check_table(data::read_npy(x, "x.npy", y, "y.npy", {}));
}

void fuzz_idx(std::string_view in) {
  using namespace nas4ml;
  const auto [x, y] = halves(in);
  check_table(data::read_idx(x, "x.idx", y, "y.idx", {}));
}

void fuzz_gzip(std::string_view in) {
  using namespace nas4ml;
  constexpr std::uint64_t kCap = std::uint64_t{64} << 20;
  require(data::gunzip(in, "fuzz.gz", kCap).size() <= kCap, "inflated size within the cap");
}

void fuzz_model_spec(std::string_view in) {
  using namespace nas4ml;
  const Json doc = parse_json_text(std::string(in), "fuzz.json");
  check_round_trip(
      doc, [](const Json& d, const char* f) { return nn::parse_model_spec(JsonView(d, f)); },
      [](const nn::ModelSpec& m) { return nn::to_json(m); });
  const nn::ModelSpec spec = nn::parse_model_spec(JsonView(doc, "fuzz.json"));
  must_accept([&] { nn::validate_model_spec(spec); }, "a parsed spec passes the checks of a spec built in code");
}

void fuzz_quantized_model(std::string_view in) {
  using namespace nas4ml;
  const Json doc = parse_json_text(std::string(in), "fuzz.json");
  check_round_trip(
      doc, [](const Json& d, const char* f) { return nn::quantized_model_from_json(JsonView(d, f)); },
      [](const nn::QuantizedModel& m) { return nn::to_json(m); });
  // An accepted model is computable by the golden model, on the most extreme inputs too.
  const nn::QuantizedModel m = nn::quantized_model_from_json(JsonView(doc, "fuzz.json"));
  for (const bool high : {false, true}) {
    const std::vector<std::int64_t> x(static_cast<std::size_t>(m.n_inputs),
                                      high ? m.input_format.max_raw() : m.input_format.min_raw());
    require(nn::golden_forward(m, x).size() == static_cast<std::size_t>(m.n_outputs()), "one output per class");
  }
}

void fuzz_search_space(std::string_view in) {
  using namespace nas4ml;
  const Json doc = parse_json_text(std::string(in), "fuzz.json");
  check_round_trip(
      doc, [](const Json& d, const char* f) { return space::parse_search_space(JsonView(d, f)); },
      [](const space::SearchSpace& s) { return space::to_json(s); });
  // A random genome of an accepted space is a valid genome that decodes to a valid model spec.
  const space::SearchSpace s = space::parse_search_space(JsonView(doc, "fuzz.json"));
  require(s.size() >= 1.0, "a space holds at least one candidate");
  Rng rng(1);
  const space::Genes genes = space::random_genome(s, rng);
  require(space::check(s, genes).empty(), "a random genome is valid");
  must_accept([&] { nn::validate_model_spec(space::decode(s, genes, "fuzz")); }, "a random genome decodes to a valid spec");
}

void fuzz_device(std::string_view in) {
  using namespace nas4ml;
  const Json doc = parse_json_text(std::string(in), "fuzz.json");
  check_round_trip(
      doc, [](const Json& d, const char* f) { return estimate::parse_device_model(d, f); },
      [](const estimate::DeviceModel& d) { return estimate::to_json(d); });
}

void fuzz_synthesis_result(std::string_view in) {
  using namespace nas4ml;
  const Json doc = parse_json_text(std::string(in), "fuzz.json");
  check_round_trip(
      doc, [](const Json& d, const char* f) { return synth::synthesis_result_from_json(d, f); },
      [](const synth::SynthesisResult& r) { return synth::to_json(r); });
}

void fuzz_yosys_stat(std::string_view in) {
  using namespace nas4ml;
  // The two outputs of one yosys run: `stat -json` and the `ltp` report, joined by a line "--".
  const auto [stat, ltp] = halves(in);
  check_counts(synth::parse_yosys_stat(std::string(stat), "stat.json"));
  require(synth::parse_ltp_depth(std::string(ltp), "ltp.txt") >= 0, "logic depth >= 0");
}

/// The targets, by the name scripts/fuzz.sh passes in NAS4ML_FUZZ_TARGET.
constexpr std::pair<const char*, void (*)(std::string_view)> kTargets[] = {
    {"json", fuzz_json},
    {"csv", fuzz_csv},
    {"arff", fuzz_arff},
    {"npy", fuzz_npy},
    {"idx", fuzz_idx},
    {"gzip", fuzz_gzip},
    {"model_spec", fuzz_model_spec},
    {"quantized_model", fuzz_quantized_model},
    {"search_space", fuzz_search_space},
    {"device", fuzz_device},
    {"synthesis_result", fuzz_synthesis_result},
    {"yosys_stat", fuzz_yosys_stat},
};

/// The target this process fuzzes (set once by LLVMFuzzerInitialize).
void (*g_target)(std::string_view) = nullptr;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* name = std::getenv("NAS4ML_FUZZ_TARGET");
  for (const auto& [known, fn] : kTargets)
    if (name != nullptr && std::string_view(name) == known) g_target = fn;
  if (g_target == nullptr) {
    std::fprintf(stderr, "error: NAS4ML_FUZZ_TARGET: expected one of");
    for (const auto& [known, fn] : kTargets) std::fprintf(stderr, " %s", known);
    std::fprintf(stderr, ", got \"%s\"\n", name == nullptr ? "" : name);
    std::exit(2);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    g_target(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const nas4ml::InternalError&) {
    std::abort();  // a broken invariant reached from input: a finding
  } catch (const nas4ml::Error&) {
    // the one-line user error: the expected answer to a bad input
  }
  return 0;
}
