// libFuzzer target for one parser, chosen at compile time with -DNAS4ML_FUZZ_<NAME> (json, csv,
// arff, npy, idx, gzip). Built and run by scripts/fuzz.sh (docs/reliability.md). A user error
// (nas4ml::Error other than InternalError) is the expected outcome of a bad input; anything else
// (a crash, a sanitizer report, an InternalError, another exception, a hang) is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "nas4ml/core/error.hpp"
#include "nas4ml/core/json.hpp"
#include "nas4ml/data/arff_reader.hpp"
#include "nas4ml/data/csv_reader.hpp"
#include "nas4ml/data/gzip_file.hpp"
#include "nas4ml/data/idx_reader.hpp"
#include "nas4ml/data/npy_reader.hpp"

namespace {

/// Splits the input in two at the first "\n--\n" (features and labels of a two-file format).
std::pair<std::string_view, std::string_view> halves(std::string_view s) {
  const auto p = s.find("\n--\n");
  if (p == std::string_view::npos) return {s, {}};
  return {s.substr(0, p), s.substr(p + 4)};
}

void parse(std::string_view in) {
  using namespace nas4ml;
#if defined(NAS4ML_FUZZ_JSON)
  (void)parse_json_text(std::string(in), "fuzz.json");
#elif defined(NAS4ML_FUZZ_CSV)
  (void)data::read_csv(in, "fuzz.csv", {});
#elif defined(NAS4ML_FUZZ_ARFF)
  (void)data::read_arff(in, "fuzz.arff", {});
#elif defined(NAS4ML_FUZZ_NPY)
  const auto [x, y] = halves(in);
  (void)data::read_npy(x, "x.npy", y, "y.npy", {});
#elif defined(NAS4ML_FUZZ_IDX)
  const auto [x, y] = halves(in);
  (void)data::read_idx(x, "x.idx", y, "y.idx", {});
#elif defined(NAS4ML_FUZZ_GZIP)
  (void)data::gunzip(in, "fuzz.gz", std::uint64_t{64} << 20);
#else
#error "define one NAS4ML_FUZZ_<NAME>"
#endif
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    parse(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const nas4ml::InternalError&) {
    std::abort();  // a broken invariant reached from input: a finding
  } catch (const nas4ml::Error&) {
    // the one-line user error: the expected answer to a bad input
  }
  return 0;
}
