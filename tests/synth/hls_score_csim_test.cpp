// The anomaly score in the generated HLS project, C-simulated against Xilinx's ap_types headers:
// bit-exact with the golden score (nn::anomaly_scores) on 1,000 samples for squared and absolute
// errors and score formats that truncate, round, saturate (on some samples, not all) and append
// fractional bits; the score is compared on its own by the bench (a wrong expected score is one
// score mismatch); and a variational autoencoder's encoder (score against zero: the sum of its
// latent means' squares or magnitudes) is bit-exact too.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "firmware/random_model.hpp"
#include "nas4ml/firmware/hls_writer.hpp"
#include "nas4ml/nn/anomaly_score.hpp"
#include "nas4ml/nn/golden_inference.hpp"
#include "nas4ml/synth/hls_csim.hpp"
#include "support/temp_dir.hpp"

using namespace nas4ml;
namespace fs = std::filesystem;

namespace {

void require_ap_types() {
  const auto dir = synth::default_ap_types_dir();
  if (!fs::exists(dir / "ap_fixed.h"))
    FAIL("Xilinx's ap_types headers are missing: expected ap_fixed.h in "
         << dir << " (CMake cache variable NAS4ML_AP_TYPES_DIR, default ../shared/third_party/ap_types/include "
         << "beside the repository, or $NAS4ML_AP_TYPES); get them from "
         << "github.com/Xilinx/HLS_arbitrary_Precision_Types (include/)");
}

// A random 7-5-3-5-7 autoencoder whose reconstruction has a format of its own (another LSB than
// the input's, so the differences are aligned), with the given score; against zero, a 7-5-3
// encoder whose 3 outputs are the latent means.
nn::QuantizedModel autoencoder(std::uint64_t seed, const std::string& error, const std::string& score_format,
                               const std::string& reference = "input") {
  test::RandomModelSpec s;
  s.sizes = reference == "zero" ? std::vector<int>{7, 5, 3} : std::vector<int>{7, 5, 3, 5, 7};
  s.input = parse_fixed_format("ap_fixed<10,3,AP_RND,AP_SAT>");
  s.weight = parse_fixed_format("ap_fixed<6,1>");
  s.bias = parse_fixed_format("ap_fixed<10,3>");
  s.hidden_result = parse_fixed_format("ap_fixed<12,4,AP_RND,AP_SAT>");
  s.output_result = parse_fixed_format("ap_fixed<9,4,AP_RND,AP_SAT>");
  s.sparsity = 0.2;
  s.seed = seed;
  nn::QuantizedModel m = test::random_model(s);
  m.anomaly_score = nn::AnomalyScore{error, parse_fixed_format(score_format), reference};
  return m;
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_text(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::trunc) << text; }

// Reruns the built bench (csim.exe) in `dir` and returns what it printed.
std::string rerun(const fs::path& dir) {
  const fs::path log = dir / "rerun.log";
  const std::string cmd = "cd '" + dir.string() + "' && ./csim.exe > rerun.log 2>&1";
  (void)std::system(cmd.c_str());
  return read_text(log);
}

}  // namespace

TEST_CASE("the HLS project's anomaly score C-simulates bit-exactly with the golden score", "[synth][hls][csim][score]") {
  require_ap_types();
  struct Case {
    const char* error;
    const char* format;
    bool saturates;  // the format's limit is reached by some (not all) samples
  };
  const Case cases[] = {
      {"squared", "ap_ufixed<14,8,AP_TRN,AP_SAT>", true},     // truncates and saturates
      {"absolute", "ap_ufixed<16,6,AP_RND,AP_SAT>", false},   // rounds half up
      {"squared", "ap_ufixed<24,8,AP_RND,AP_WRAP>", false},   // appends fractional bits, cannot overflow
  };
  std::uint64_t seed = 40;
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.error << " " << c.format) {
      test::TempDir tmp;
      const nn::QuantizedModel m = autoencoder(++seed, c.error, c.format);
      const auto project = firmware::write_hls_project(m);
      firmware::save_hls_project(project, tmp.path());
      const auto vectors = firmware::make_test_vectors(m, test::random_inputs(m, 1000, seed));
      REQUIRE(vectors.scores_raw == nn::anomaly_scores(m, vectors.inputs_raw));
      const auto max = m.anomaly_score->format.max_raw();
      const auto saturated = std::count(vectors.scores_raw.begin(), vectors.scores_raw.end(), max);
      if (c.saturates) {
        CHECK(saturated > 0);
        CHECK(saturated < 900);
      } else {
        CHECK(saturated == 0);
      }
      CHECK(std::set<std::int64_t>(vectors.scores_raw.begin(), vectors.scores_raw.end()).size() > 50);
      firmware::save_hls_testbench_data(vectors, tmp.path());
      const auto r = synth::run_hls_csim(tmp.path(), project.project);
      CHECK(r.samples == 1000);
      CHECK(r.scores == 1000);
      CHECK(r.checked == 1000 * 8);  // 7 reconstruction outputs and the score
      CHECK(r.mismatches == 0);
      CHECK(r.score_mismatches == 0);

      // The bench compares the score: one wrong expected score is one (score) mismatch.
      const fs::path expected = tmp.path() / "tb_data" / "tb_output_raw.dat";
      std::string text = read_text(expected);
      const auto line_end = text.find('\n');
      const auto last_space = text.rfind(' ', line_end);
      const std::int64_t first = std::stoll(text.substr(last_space + 1, line_end - last_space - 1));
      REQUIRE(first == vectors.scores_raw[0]);
      text.replace(last_space + 1, line_end - last_space - 1, std::to_string(first + 1));
      write_text(expected, text);
      const std::string log = rerun(tmp.path());
      CHECK(log.find("mismatches=1 scores=1000 score_mismatches=1") != std::string::npos);
      CHECK(log.find("sample 0 score: expected") != std::string::npos);
    }
  }
}

TEST_CASE("a variational autoencoder's encoder scores its latent means in the HLS project", "[synth][hls][csim][score][vae]") {
  require_ap_types();
  // A 7-5-3 encoder (the latent means mu_0..mu_2) scored against zero: S = sum mu_i^2 or sum |mu_i|.
  for (const char* error : {"squared", "absolute"}) {
    DYNAMIC_SECTION(error) {
      test::TempDir tmp;
      const nn::QuantizedModel m = autoencoder(50, error, "ap_ufixed<16,7,AP_TRN,AP_SAT>", "zero");
      const auto project = firmware::write_hls_project(m);
      firmware::save_hls_project(project, tmp.path());
      CHECK(read_text(tmp.path() / "firmware" / "parameters.h").find("static const bool reference = false;") !=
            std::string::npos);

      // The golden score is the means' own: sum_i (mu_i at the output's LSB)^2 or |mu_i|, cast once.
      const auto vectors = firmware::make_test_vectors(m, test::random_inputs(m, 1000, 51));
      const auto n = static_cast<std::size_t>(m.n_outputs());
      const bool squared = std::string(error) == "squared";
      for (std::size_t r = 0; r < vectors.rows; ++r) {
        std::int64_t sum = 0;
        for (std::size_t o = 0; o < n; ++o) {
          const std::int64_t y = vectors.outputs_raw[r * n + o];
          sum += squared ? y * y : std::abs(y);
        }
        const int f = m.layers.back().result_format.fractional();
        REQUIRE(vectors.scores_raw[r] == cast_raw(sum, squared ? 2 * f : f, m.anomaly_score->format));
      }
      CHECK(std::set<std::int64_t>(vectors.scores_raw.begin(), vectors.scores_raw.end()).size() > 50);
      firmware::save_hls_testbench_data(vectors, tmp.path());
      const auto r = synth::run_hls_csim(tmp.path(), project.project);
      CHECK(r.samples == 1000);
      CHECK(r.scores == 1000);
      CHECK(r.checked == 1000 * 4);  // 3 latent means and the score
      CHECK(r.mismatches == 0);
      CHECK(r.score_mismatches == 0);
    }
  }
}
