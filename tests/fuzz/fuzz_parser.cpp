// libFuzzer target for one parser, chosen at compile time with -DNAS4ML_FUZZ_<NAME> (json, csv,
// arff, npy, idx, gzip). Built and run by scripts/fuzz.sh (docs/reliability.md). A user error
// (nas4ml::Error other than InternalError) is the expected outcome of a bad input; anything else
// (a crash, a sanitizer report, an InternalError, another exception, a hang) is a finding, and
// so is a parse that succeeds with a result breaking the reader's contract (check_* below).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
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

void parse(std::string_view in) {
  using namespace nas4ml;
#if defined(NAS4ML_FUZZ_JSON)
  // Whatever parses survives a round trip through its own text unchanged.
  const Json j = parse_json_text(std::string(in), "fuzz.json");
  require(parse_json_text(j.dump(), "again.json") == j, "JSON round trip");
#elif defined(NAS4ML_FUZZ_CSV)
  check_table(data::read_csv(in, "fuzz.csv", {}));
#elif defined(NAS4ML_FUZZ_ARFF)
  check_table(data::read_arff(in, "fuzz.arff", {}));
#elif defined(NAS4ML_FUZZ_NPY)
  const auto [x, y] = halves(in);
  check_table(data::read_npy(x, "x.npy", y, "y.npy", {}));
#elif defined(NAS4ML_FUZZ_IDX)
  const auto [x, y] = halves(in);
  check_table(data::read_idx(x, "x.idx", y, "y.idx", {}));
#elif defined(NAS4ML_FUZZ_GZIP)
  constexpr std::uint64_t kCap = std::uint64_t{64} << 20;
  require(data::gunzip(in, "fuzz.gz", kCap).size() <= kCap, "inflated size within the cap");
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
