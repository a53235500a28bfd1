// Whole campaigns, end to end, on tests/e2e/fixtures (900 generated samples, a tiny search
// space): store, front, firmware, report; determinism across thread counts; exact resume after
// a SIGKILL; failed candidates; refused stores; safe firmware paths.
#include <catch2/catch.hpp>

#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "nas4ml/campaign/campaign.hpp"
#include "nas4ml/campaign/store.hpp"
#include "nas4ml/search/genome.hpp"
#include "support/run_cli.hpp"
#include "support/temp_dir.hpp"
#include "support/read_text.hpp"

using namespace nas4ml;
using nas4ml::test::read_text;
using nas4ml::test::run_cli;
using nas4ml::test::source_path;

namespace {

std::string fixture(const std::string& name) { return source_path("tests/e2e/fixtures/" + name); }

campaign::RunOptions quiet_options(int threads, bool emit) {
  campaign::RunOptions o;
  o.threads = threads;
  o.emit = emit;
  o.progress = false;
  return o;
}

/// (genome hash, objectives, status, trained layers) of every stored evaluation, in (generation,
/// index) order. Timing metadata (train seconds, samples/s) is left out: it is not deterministic.
std::vector<std::string> evaluation_fingerprints(const std::filesystem::path& run) {
  const auto store = campaign::Store::open(campaign::RunPaths(run).store());
  std::vector<std::string> out;
  for (const auto& e : store.evaluations())
    out.push_back(fmt::format("{}/{} {} {} {} {}", e.generation, e.index, e.genome_hash, e.objectives.dump(),
                              e.status, std::hash<std::string>{}(e.model.is_null() ? "" : e.model.at("layers").dump())));
  return out;
}

Json front_of(const std::filesystem::path& run) {
  return campaign::Store::open(campaign::RunPaths(run).store()).front();
}

}  // namespace

TEST_CASE("a tiny campaign produces a store, a front, firmware and a report", "[e2e][campaign]") {
  test::TempDir tmp;
  const auto run = tmp.path() / "tiny";
  const auto s = campaign::run_campaign(fixture("tiny_experiment.json"), run, quiet_options(1, true));
  CHECK(s.finished);
  CHECK(s.generations == 4);
  CHECK(s.evaluations == 24);
  REQUIRE(s.front.size() >= 1);
  const campaign::RunPaths paths(run);
  CHECK(std::filesystem::exists(paths.store()));
  CHECK(std::filesystem::exists(paths.experiment()));
  for (const auto& m : s.front) {
    const auto dir = paths.firmware_dir(m["id"].get<std::string>());
    INFO(dir);
    CHECK(std::filesystem::exists(dir / "model.q.json"));
    CHECK(std::filesystem::exists(dir / "rtl" / "nas4ml_top.v"));
    // The firmware package around the core.
    CHECK_THAT(read_text(dir / "rtl" / "nas4ml_top_axis.v"), Catch::Contains("nas4ml_top u_core"));
    CHECK_THAT(read_text(dir / "rtl" / "constraints.xdc"), Catch::Contains("create_clock -period 5 -name clk"));
    CHECK_THAT(read_text(dir / "rtl" / "build_vivado.tcl"), Catch::Contains("synth_design -top $top"));
    CHECK_THAT(read_text(dir / "rtl" / "README.md"), Catch::Contains("| `s_axis_tdata` | in |"));
    CHECK(std::filesystem::exists(dir / "tb" / "inputs.hex"));
    CHECK(std::filesystem::exists(dir / "tb" / "expected.hex"));
    CHECK(std::filesystem::exists(dir / "manifest.json"));
    // The hls target's project and the hls4ml configuration beside the Verilog.
    CHECK(std::filesystem::exists(dir / "hls" / "build_prj.tcl"));
    CHECK(std::filesystem::exists(dir / "hls" / "firmware" / "nas4ml_top.cpp"));
    CHECK(std::filesystem::exists(dir / "hls" / "tb_data" / "tb_input_raw.dat"));
    CHECK(Json::parse(read_text(dir / "hls4ml_config.json"))["HLSConfig"]["LayerName"].contains("dense_0"));
    CHECK_THAT(read_text(dir / "report.md"), Catch::Contains("# Candidate " + m["id"].get<std::string>()));
  }
  const std::string html = read_text(paths.report());
  CHECK_THAT(html, Catch::Contains("24 candidates evaluated"));
  CHECK_THAT(html, Catch::Contains(s.front[0]["id"].get<std::string>()));

  // The CLI reads the same store.
  const auto front = run_cli({"front", run.string(), "--json"});
  REQUIRE(front.exit_code == 0);
  CHECK(Json::parse(front.out).size() == s.front.size());
  const auto csv = run_cli({"front", run.string(), "--csv"});
  CHECK(csv.exit_code == 0);
  // Objectives first (accuracy, lut), then the constrained metric (latency_ns), then the rest.
  CHECK_THAT(csv.out, Catch::StartsWith("id,gen,accuracy,lut,latency_ns,auc,test_accuracy,"));
  const auto report = run_cli({"report", run.string()});
  CHECK(report.exit_code == 0);
  CHECK_THAT(report.out, Catch::Contains("report.html"));

  // `emit --csim` C-simulates a winner's HLS project against the golden model.
  const std::string id = s.front[0]["id"].get<std::string>();
  const auto emit = run_cli({"emit", run.string(), "--id", id, "--csim", "--samples", "200"});
  INFO(emit.err);
  CHECK(emit.exit_code == 0);
  CHECK_THAT(read_text(paths.firmware_dir(id) / "report.md"),
             Catch::Contains("HLS project: C simulation") && Catch::Contains("test samples") &&
                 Catch::Contains("0 mismatches: bit-exact"));

  // The emitted designs are lowered with the experiment's emit effort (absent: 8), which
  // `emit --sharing-effort` overrides for one emit; the search priced them with effort 1.
  const auto design = paths.firmware_dir(id) / "rtl" / "design.json";
  CHECK(Json::parse(read_text(design)).at("sharing_effort") == 8);
  CHECK_THAT(read_text(paths.firmware_dir(id) / "report.md"),
             Catch::Contains("| estimated (rtl, this design: sharing effort 8) |") &&
                 Catch::Contains("| estimated during the search (rtl, sharing effort 1) |"));
  const auto three = run_cli({"emit", run.string(), "--id", id, "--sharing-effort", "3"});
  INFO(three.err);
  CHECK(three.exit_code == 0);
  CHECK(Json::parse(read_text(design)).at("sharing_effort") == 3);
  CHECK_THAT(read_text(paths.firmware_dir(id) / "report.md"),
             Catch::Contains("| estimated (rtl, this design: sharing effort 3) |"));
  const auto one = run_cli({"emit", run.string(), "--id", id, "--sharing-effort", "1"});
  CHECK(one.exit_code == 0);
  CHECK_FALSE(Json::parse(read_text(design)).contains("sharing_effort"));  // the search's lowering
  CHECK_THAT(read_text(paths.firmware_dir(id) / "report.md"), Catch::Contains("| estimated (rtl) |"));
  for (const char* bad : {"0", "257", "x"}) {
    const auto r = run_cli({"emit", run.string(), "--id", id, "--sharing-effort", bad});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("--sharing-effort"));
  }
  CHECK_THAT(run_cli({"emit", "--help"}).out, Catch::Contains("hardware.emit_sharing_effort, 8 when absent"));
}

TEST_CASE("the front is identical with 1 and 2 threads", "[e2e][campaign][determinism]") {
  test::TempDir tmp;
  campaign::run_campaign(fixture("tiny_experiment.json"), tmp.path() / "t1", quiet_options(1, false));
  campaign::run_campaign(fixture("tiny_experiment.json"), tmp.path() / "t2", quiet_options(2, false));
  CHECK(front_of(tmp.path() / "t1") == front_of(tmp.path() / "t2"));
  CHECK(evaluation_fingerprints(tmp.path() / "t1") == evaluation_fingerprints(tmp.path() / "t2"));
}

TEST_CASE("a campaign killed mid-generation and resumed gives the identical front", "[e2e][campaign][resume]") {
  test::TempDir tmp;
  const auto whole = tmp.path() / "whole";
  const auto killed = tmp.path() / "killed";
  campaign::run_campaign(fixture("tiny_experiment.json"), whole, quiet_options(1, false));

  // SIGKILL after generation 2 is evaluated, before it is committed.
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    setenv("NAS4ML_TEST_KILL_BEFORE_COMMIT", "2", 1);
    std::freopen("/dev/null", "w", stderr);
    std::freopen("/dev/null", "w", stdout);
    execl(NAS4ML_BINARY_PATH, NAS4ML_BINARY_PATH, "run", fixture("tiny_experiment.json").c_str(), "--out",
          killed.c_str(), "--threads", "2", static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
  {
    const auto store = campaign::Store::open(campaign::RunPaths(killed).store());
    CHECK(store.last_generation() == 1);
    CHECK(store.count_evaluations() == 12);
  }
  const auto resumed = run_cli({"resume", killed.string(), "--threads", "2"});
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK_THAT(resumed.out, Catch::StartsWith("finished after 4 generations: 24 evaluations (0 failed)"));
  CHECK(front_of(killed) == front_of(whole));
  const auto a = evaluation_fingerprints(whole), b = evaluation_fingerprints(killed);
  CHECK(a == b);
  // No evaluation lost or repeated: every (generation, index) once, every genome once.
  std::set<std::string> genomes;
  for (const auto& e : campaign::Store::open(campaign::RunPaths(killed).store()).evaluations()) genomes.insert(e.genome_hash);
  CHECK(genomes.size() == 24);
}

TEST_CASE("a stopped campaign resumes to the same front", "[e2e][campaign][resume]") {
  test::TempDir tmp;
  auto first = quiet_options(1, false);
  first.stop_after_generation = 0;
  const auto s = campaign::run_campaign(fixture("tiny_experiment.json"), tmp.path() / "a", first);
  CHECK_FALSE(s.finished);
  CHECK(s.generations == 1);
  const auto r = campaign::resume_campaign(tmp.path() / "a", quiet_options(1, false));
  CHECK(r.finished);
  campaign::run_campaign(fixture("tiny_experiment.json"), tmp.path() / "b", quiet_options(1, false));
  CHECK(front_of(tmp.path() / "a") == front_of(tmp.path() / "b"));
}

TEST_CASE("a campaign stored before cse became the default resumes with none; a changed stored experiment is refused",
          "[e2e][campaign][resume][sharing]") {
  test::TempDir tmp;
  Json e = Json::parse(read_text(fixture("tiny_experiment.json")));
  e["dataset"] = fixture("blobs_dataset.json");
  e["search_space"] = fixture("tiny_space.json");
  e["hardware"]["sharing"] = "none";
  const auto file = tmp.write("tiny_none.json", e.dump(2));
  auto first = quiet_options(1, false);
  first.stop_after_generation = 0;
  campaign::run_campaign(file, tmp.path() / "old", first);
  {  // What an older version stored: no hardware.sharing (absent meant none), the same hash.
    auto store = campaign::Store::open(campaign::RunPaths(tmp.path() / "old").store());
    Json old = store.experiment();
    REQUIRE(old.at("hardware").at("sharing") == "none");
    old["hardware"].erase("sharing");
    store.set_experiment(old, store.experiment_hash());
  }
  CHECK(campaign::resume_campaign(tmp.path() / "old", quiet_options(1, false)).finished);
  campaign::run_campaign(file, tmp.path() / "none", quiet_options(1, false));
  CHECK(evaluation_fingerprints(tmp.path() / "old") == evaluation_fingerprints(tmp.path() / "none"));

  // A stored experiment that no longer matches its hash is refused in one line, nothing run.
  first.stop_after_generation = 0;
  campaign::run_campaign(file, tmp.path() / "edited", first);
  {
    auto store = campaign::Store::open(campaign::RunPaths(tmp.path() / "edited").store());
    Json edited = store.experiment();
    edited["hardware"]["sharing"] = "cse";
    store.set_experiment(edited, store.experiment_hash());
  }
  const auto before = evaluation_fingerprints(tmp.path() / "edited");
  const auto r = run_cli({"resume", (tmp.path() / "edited").string()});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::StartsWith("error: ") && Catch::Contains("meta.experiment_hash") &&
                        Catch::Contains("the experiment changed since the campaign started"));
  CHECK(r.err.find('\n') == r.err.size() - 1);
  CHECK(evaluation_fingerprints(tmp.path() / "edited") == before);
}

TEST_CASE("diverging candidates are stored as failed and the campaign goes on", "[e2e][campaign][failures]") {
  test::TempDir tmp;
  const auto s = campaign::run_campaign(fixture("tiny_diverge_experiment.json"), tmp.path() / "d", quiet_options(1, false));
  CHECK(s.finished);
  CHECK(s.evaluations == 8);
  REQUIRE(s.failed >= 1);
  CHECK(s.failed < s.evaluations);
  for (const auto& e : campaign::Store::open(campaign::RunPaths(tmp.path() / "d").store()).evaluations()) {
    if (e.status != "failed") continue;
    CHECK_FALSE(e.failure_reason.empty());
    CHECK(e.model.is_null());
  }
}

TEST_CASE("a synthesis that times out is stored as failed and the campaign goes on", "[e2e][campaign][failures][synthesis]") {
  test::TempDir tmp;
  setenv("NAS4ML_YOSYS", fixture("hanging_yosys.sh").c_str(), 1);
  struct Unset {
    ~Unset() { unsetenv("NAS4ML_YOSYS"); }
  } unset;
  const auto s = campaign::run_campaign(fixture("tiny_timeout_experiment.json"), tmp.path() / "t", quiet_options(2, true));
  CHECK(s.finished);
  CHECK(s.evaluations == 12);
  const auto runs = campaign::Store::open(campaign::RunPaths(tmp.path() / "t").store()).synthesis_runs();
  REQUIRE(runs.size() >= 1);
  for (const auto& r : runs) {
    CHECK(r.status == "timeout");
    CHECK_THAT(r.failure_reason, Catch::Contains("timed out"));
  }
}

TEST_CASE("periodic synthesis, emission with synthesis and a bit-exact simulation", "[e2e][campaign][synthesis]") {
  test::TempDir tmp;
  const auto run = tmp.path() / "s";
  const auto s = campaign::run_campaign(fixture("tiny_synth_experiment.json"), run, quiet_options(2, true));
  REQUIRE(s.finished);
  const auto store = campaign::Store::open(campaign::RunPaths(run).store());
  const auto runs = store.synthesis_runs();
  REQUIRE(runs.size() >= 2);  // one per generation (the last one applied at the end) + the final one
  for (const auto& r : runs) {
    INFO(r.failure_reason);
    CHECK(r.status == "ok");
    CHECK(r.result["tool_version"].get<std::string>().rfind("Yosys", 0) == 0);
  }
  int simulated = 0;
  for (const auto& m : s.front) {
    const auto report = read_text(campaign::RunPaths(run).firmware_dir(m["id"].get<std::string>()) / "report.md");
    if (report.find("bit-exact") != std::string::npos) ++simulated;
    CHECK(report.find("MISMATCH") == std::string::npos);
    CHECK_THAT(report, Catch::Contains("firmware top level nas4ml_top_axis") && Catch::Contains("0 mismatches, 0 class mismatches") &&
                           Catch::Contains("0 handshake violations"));
  }
  CHECK(simulated == static_cast<int>(s.front.size()));

  // report.md lists the syntheses stored for a member (during the search or at an earlier emit),
  // and re-running emit without synthesis keeps them.
  std::string synthesized_id;
  for (const auto& r : runs)
    for (const auto& m : s.front)
      if (r.status == "ok" && m["id"] == r.genome_hash) synthesized_id = r.genome_hash;
  REQUIRE_FALSE(synthesized_id.empty());
  const auto report_path = campaign::RunPaths(run).firmware_dir(synthesized_id) / "report.md";
  CHECK_THAT(read_text(report_path), Catch::Contains("| synthesized (Yosys"));
  const auto again = run_cli({"emit", run.string(), "--id", synthesized_id});
  INFO(again.err);
  REQUIRE(again.exit_code == 0);
  const std::string report = read_text(report_path);
  CHECK_THAT(report, Catch::Contains(", stored, front of generation "));
  CHECK(report.find(", this emit)") == std::string::npos);

  // Firmware for data arriving in raw units: the standardization folded into the first layer,
  // bit-exact in Verilator against its own golden model, its accuracy beside the unfolded one's.
  const auto folded = run_cli({"emit", run.string(), "--id", synthesized_id, "--fold-standardization", "--simulate",
                               "--samples", "200"});
  INFO(folded.err);
  REQUIRE(folded.exit_code == 0);
  const auto dir = campaign::RunPaths(run).firmware_dir(synthesized_id);
  const std::string with_raw = read_text(report_path);
  const auto section = with_raw.find("## Raw-unit inputs");
  REQUIRE(section != std::string::npos);
  CHECK_THAT(with_raw.substr(section), Catch::Contains("| unfolded (standardized inputs) | 0.") &&
                                          Catch::Contains("| folded (raw inputs) | 0.") &&
                                          Catch::Contains("0 mismatches, 0 class mismatches") &&
                                          Catch::Contains("0 handshake violations"));
  const Json model = Json::parse(read_text(dir / "raw_inputs" / "model.q.json"));
  CHECK(model["preprocessing"]["offset"][0] == 0.0);
  CHECK(model["training"].contains("folded_standardization"));
  CHECK_THAT(read_text(dir / "raw_inputs" / "rtl" / "README.md"), Catch::Contains("raw"));
  const auto bad = run_cli({"emit", run.string(), "--id", synthesized_id, "--raw-input-format", "ap_fixed<0,1>"});
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::StartsWith("error: --raw-input-format: bad fixed-point format, expected ap_fixed<W,I>"));
}

TEST_CASE("resume refuses a missing, foreign or corrupt store", "[e2e][campaign][cli]") {
  test::TempDir tmp;
  auto r = run_cli({"resume", (tmp.path() / "nothing").string()});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::StartsWith("error: ") && Catch::Contains("campaign store not found"));
  std::filesystem::create_directories(tmp.path() / "foreign");
  tmp.write("foreign/campaign.sqlite", std::string(4096, 'x'));
  r = run_cli({"resume", (tmp.path() / "foreign").string()});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("not a campaign store"));
  {
    sqlite3* db = nullptr;
    std::filesystem::create_directories(tmp.path() / "other");
    REQUIRE(sqlite3_open((tmp.path() / "other" / "campaign.sqlite").c_str(), &db) == SQLITE_OK);
    sqlite3_exec(db, "CREATE TABLE t (x); INSERT INTO t VALUES (1);", nullptr, nullptr, nullptr);
    sqlite3_close(db);
  }
  r = run_cli({"resume", (tmp.path() / "other").string()});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("not a campaign store") && Catch::Contains("application id 0"));
  CHECK(r.err.find('\n') == r.err.size() - 1);  // one line
}

namespace {
/// Replaces the saved optimizer state of `generation` in the store of run folder `run`.
void overwrite_state(const std::filesystem::path& run, int generation, const std::string& text) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(campaign::RunPaths(run).store().c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "UPDATE optimizer_states SET state = ? WHERE generation = ?", -1, &st, nullptr) == SQLITE_OK);
  sqlite3_bind_text(st, 1, text.c_str(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  sqlite3_bind_int(st, 2, generation);
  REQUIRE(sqlite3_step(st) == SQLITE_DONE);
  sqlite3_finalize(st);
  sqlite3_close(db);
}
}  // namespace

TEST_CASE("resume and report refuse a corrupt optimizer state in one line and change nothing", "[e2e][campaign][cli][bad_input]") {
  test::TempDir tmp;
  campaign::RunOptions o = quiet_options(1, false);
  o.stop_after_generation = 1;
  campaign::run_campaign(fixture("tiny_experiment.json"), tmp.path() / "good", o);
  const Json state = campaign::Store::open(campaign::RunPaths(tmp.path() / "good").store()).optimizer_state(1);
  REQUIRE(state.contains("hv_bounds"));
  auto edited = [&](auto change) {
    Json s = state;
    change(s);
    return s.dump();
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not JSON", "{\"nsga2\": "},
      {"no optimizer", "{}"},
      {"rng of 3 words", edited([](Json& s) { s["nsga2"]["rng"].erase(0); })},
      {"population member without a genome", edited([](Json& s) { s["nsga2"]["population"][0].erase("genome"); })},
      {"objectives of the wrong count", edited([](Json& s) { s["nsga2"]["population"][0]["objectives"].push_back(1.0); })},
      {"seen count unlike the store", edited([](Json& s) { s["nsga2"]["seen_count"] = 5; })},
      {"hypervolume bounds as a string", edited([](Json& s) { s["hv_bounds"] = "x"; })},
      {"hypervolume bounds of one objective", edited([](Json& s) { s["hv_bounds"]["hi"] = Json::array({1.0}); })},
      {"hypervolume bound not a number", edited([](Json& s) { s["hv_bounds"]["lo"][0] = Json::array(); })},
  };
  for (const auto& [what, text] : cases) {
    INFO(what);
    const auto run = tmp.path() / "bad";
    std::filesystem::remove_all(run);
    std::filesystem::copy(tmp.path() / "good", run, std::filesystem::copy_options::recursive);
    overwrite_state(run, 1, text);
    const auto before = evaluation_fingerprints(run);
    // The report reads only the hypervolume bounds of the state; resume reads all of it.
    const bool report_reads_it = what == "not JSON" || what.rfind("hypervolume", 0) == 0;
    for (const char* command : {"resume", "report"}) {
      INFO(command);
      if (std::string(command) == "report" && !report_reads_it) continue;
      const auto r = run_cli({command, run.string()});
      CHECK(r.exit_code == 2);
      CHECK_THAT(r.err, Catch::StartsWith("error: ") && Catch::Contains("campaign.sqlite"));
      CHECK(r.err.find('\n') == r.err.size() - 1);  // one line
    }
    CHECK(evaluation_fingerprints(run) == before);
    CHECK(campaign::Store::open(campaign::RunPaths(run).store()).last_generation() == 1);
  }
}

TEST_CASE("run refuses a folder that already holds a campaign", "[e2e][campaign][cli]") {
  test::TempDir tmp;
  campaign::RunOptions o = quiet_options(1, false);
  o.stop_after_generation = 0;
  campaign::run_campaign(fixture("tiny_experiment.json"), tmp.path() / "x", o);
  const auto r = run_cli({"run", fixture("tiny_experiment.json"), "--out", (tmp.path() / "x").string()});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("a campaign already exists here"));
}

TEST_CASE("emit refuses ids that would leave the run folder", "[e2e][campaign][cli]") {
  test::TempDir tmp;
  campaign::RunOptions o = quiet_options(1, false);
  o.stop_after_generation = 0;
  campaign::run_campaign(fixture("tiny_experiment.json"), tmp.path() / "x", o);
  for (const char* id : {"../../escape", "/etc", "a/../../b", ".."}) {
    INFO(id);
    const auto r = run_cli({"emit", (tmp.path() / "x").string(), "--id", id});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("unsafe candidate id"));
  }
  CHECK_FALSE(std::filesystem::exists(tmp.path() / "escape"));
  const auto unknown = run_cli({"emit", (tmp.path() / "x").string(), "--id", "0123456789abcdef"});
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.err, Catch::Contains("no candidate with this id"));
}

TEST_CASE("a campaign with smsemoa survival and pre-screening resumes to the same evaluations", "[e2e][campaign][resume]") {
  test::TempDir tmp;
  auto first = quiet_options(1, false);
  first.stop_after_generation = 1;
  const auto s = campaign::run_campaign(fixture("tiny_smsemoa_experiment.json"), tmp.path() / "a", first);
  CHECK_FALSE(s.finished);
  const auto r = campaign::resume_campaign(tmp.path() / "a", quiet_options(2, false));
  CHECK(r.finished);
  CHECK(r.evaluations == 24);
  campaign::run_campaign(fixture("tiny_smsemoa_experiment.json"), tmp.path() / "b", quiet_options(1, false));
  CHECK(evaluation_fingerprints(tmp.path() / "a") == evaluation_fingerprints(tmp.path() / "b"));
  CHECK(front_of(tmp.path() / "a") == front_of(tmp.path() / "b"));
}

TEST_CASE("multi-fidelity: stopped candidates are stored with partial metrics, never on a front, and resume is exact", "[e2e][campaign][resume][early_stopping]") {
  test::TempDir tmp;
  const std::string exp = fixture("tiny_multi_fidelity_experiment.json");
  campaign::run_campaign(exp, tmp.path() / "whole", quiet_options(1, false));
  const auto store = campaign::Store::open(campaign::RunPaths(tmp.path() / "whole").store());
  std::set<std::string> stopped;
  for (const auto& e : store.evaluations()) {
    if (e.status != "stopped_early") continue;
    stopped.insert(e.genome_hash);
    CHECK(e.generation > 0);  // the first generation has no front to be dominated by
    CHECK(e.objectives.size() == 2);  // partial objectives, metrics and model are kept
    CHECK(e.metrics.at("epochs_run").get<int>() < e.metrics.at("epochs_planned").get<int>());
    CHECK(e.model.at("training").at("stopped_by_check") == true);
    CHECK_THAT(e.failure_reason, Catch::StartsWith("stopped early after "));
  }
  REQUIRE_FALSE(stopped.empty());  // no slack in this fixture: some candidates do stop
  for (int g = 0; g < 4; ++g)
    for (const auto& m : store.front(g)) CHECK(stopped.count(m.at("id").get<std::string>()) == 0);
  // The optimizer was told they failed: infinite violation, never in its non-dominated set.
  const Json state = store.optimizer_state(3);
  for (const auto& ind : state.at("nsga2").at("population")) {
    const std::string id = search::hash_hex(search::genome_hash(
        search::genome_from_json(JsonView(ind.at("genome"), "state", "$.genome"))));
    if (stopped.count(id)) CHECK(ind.at("violation") == "inf");
  }
  // `front` lists none of them; the report counts them apart from failures.
  const auto front_cli = run_cli({"front", (tmp.path() / "whole").string()});
  REQUIRE(front_cli.exit_code == 0);
  for (const auto& id : stopped) CHECK(front_cli.out.find(id) == std::string::npos);
  REQUIRE(run_cli({"report", (tmp.path() / "whole").string()}).exit_code == 0);
  CHECK_THAT(read_text(tmp.path() / "whole" / "report.html"),
             Catch::Contains(fmt::format("(0 failed, {} stopped early)", stopped.size())));
  // Same evaluations with 2 threads, and after a stop and a resume.
  auto first = quiet_options(2, false);
  first.stop_after_generation = 1;
  CHECK_FALSE(campaign::run_campaign(exp, tmp.path() / "resumed", first).finished);
  CHECK(campaign::resume_campaign(tmp.path() / "resumed", quiet_options(2, false)).finished);
  CHECK(evaluation_fingerprints(tmp.path() / "resumed") == evaluation_fingerprints(tmp.path() / "whole"));
  CHECK(front_of(tmp.path() / "resumed") == front_of(tmp.path() / "whole"));
}

TEST_CASE("weight inheritance: children start from a stored parent, deterministic for any thread count and after a resume", "[e2e][campaign][resume][inheritance]") {
  test::TempDir tmp;
  const std::string exp = fixture("tiny_inherit_experiment.json");  // tiny_experiment.json + inherit_weights
  campaign::run_campaign(exp, tmp.path() / "whole", quiet_options(1, false));
  campaign::run_campaign(fixture("tiny_experiment.json"), tmp.path() / "plain", quiet_options(1, false));
  const auto store = campaign::Store::open(campaign::RunPaths(tmp.path() / "whole").store());
  const auto plain = campaign::Store::open(campaign::RunPaths(tmp.path() / "plain").store()).evaluations();
  std::map<std::string, int> generation_of;
  std::map<std::string, std::string> status_of;
  for (const auto& e : store.evaluations()) {
    generation_of[e.genome_hash] = e.generation;
    status_of[e.genome_hash] = e.status;
  }
  int inherited = 0;
  const auto evaluations = store.evaluations();
  REQUIRE(evaluations.size() == plain.size());
  for (std::size_t i = 0; i < evaluations.size(); ++i) {
    const auto& e = evaluations[i];
    if (e.model.is_null() || !e.model.at("training").contains("inherited")) {
      if (e.generation == 0 && !e.model.is_null())  // no parents yet: trained as without inheritance
        CHECK(e.model.at("layers") == plain[i].model.at("layers"));
      continue;
    }
    ++inherited;
    CHECK(e.generation > 0);
    const Json& from = e.model.at("training").at("inherited");
    const std::string parent = from.at("parent").get<std::string>();
    REQUIRE(generation_of.count(parent) == 1);
    CHECK(generation_of[parent] < e.generation);  // a trained member of an earlier generation
    CHECK(status_of[parent] == "ok");
    CHECK_FALSE(from.at("layers").empty());
    if (e.generation == 1) {  // the same child as without inheritance, trained from another start
      CHECK(e.genome_hash == plain[i].genome_hash);
      CHECK(e.model.at("layers") != plain[i].model.at("layers"));
    }
  }
  CHECK(inherited >= 6);
  // Same evaluations and front with 2 threads, stopped after generation 1 and resumed.
  auto first = quiet_options(2, false);
  first.stop_after_generation = 1;
  CHECK_FALSE(campaign::run_campaign(exp, tmp.path() / "resumed", first).finished);
  CHECK(campaign::resume_campaign(tmp.path() / "resumed", quiet_options(2, false)).finished);
  CHECK(evaluation_fingerprints(tmp.path() / "resumed") == evaluation_fingerprints(tmp.path() / "whole"));
  CHECK(front_of(tmp.path() / "resumed") == front_of(tmp.path() / "whole"));
}

TEST_CASE("a campaign with nsga3 survival, archive parents and a Latin hypercube start: same evaluations for 1 and 2 threads and after a resume", "[e2e][campaign][resume][determinism]") {
  test::TempDir tmp;
  const std::string exp = fixture("tiny_nsga3_experiment.json");  // 4 objectives, a tight latency constraint
  campaign::run_campaign(exp, tmp.path() / "whole", quiet_options(1, false));
  auto first = quiet_options(2, false);
  first.stop_after_generation = 1;
  CHECK_FALSE(campaign::run_campaign(exp, tmp.path() / "resumed", first).finished);
  CHECK(campaign::resume_campaign(tmp.path() / "resumed", quiet_options(2, false)).finished);
  CHECK(evaluation_fingerprints(tmp.path() / "resumed") == evaluation_fingerprints(tmp.path() / "whole"));
  const Json front = front_of(tmp.path() / "whole");
  CHECK(front_of(tmp.path() / "resumed") == front);
  REQUIRE_FALSE(front.empty());
  // Constrained domination: no stored front member breaks the constraint.
  const auto store = campaign::Store::open(campaign::RunPaths(tmp.path() / "whole").store());
  for (const auto& m : front) CHECK(store.evaluation(m.at("id").get<std::string>())->violation == 0.0);
}

TEST_CASE("a campaign with differential variation: other children than crossover, same evaluations for 1 and 2 threads and after a resume", "[e2e][campaign][resume][differential]") {
  test::TempDir tmp;
  const std::string exp = fixture("tiny_differential_experiment.json");  // tiny_inherit_experiment.json + operator
  campaign::run_campaign(exp, tmp.path() / "whole", quiet_options(1, false));
  campaign::run_campaign(fixture("tiny_inherit_experiment.json"), tmp.path() / "crossover", quiet_options(1, false));
  const auto store = campaign::Store::open(campaign::RunPaths(tmp.path() / "whole").store());
  const auto de = store.evaluations();
  const auto sbx = campaign::Store::open(campaign::RunPaths(tmp.path() / "crossover").store()).evaluations();
  REQUIRE(de.size() == sbx.size());
  std::set<std::string> bred_de, bred_sbx;
  for (std::size_t i = 0; i < de.size(); ++i) {
    if (de[i].generation == 0) CHECK(de[i].genome_hash == sbx[i].genome_hash);  // the same random start
    else {
      bred_de.insert(de[i].genome_hash);
      bred_sbx.insert(sbx[i].genome_hash);
    }
  }
  CHECK(bred_de != bred_sbx);
  const Json state = store.optimizer_state(3).at("nsga2");
  CHECK(state.at("options").at("operator") == "differential");
  CHECK(state.at("variation").get<std::string>().find("de(f=0.5,cr=0.5,bounds=clamp)") != std::string::npos);
  CHECK(state.at("dropped").size() == 6);
  // Same evaluations and front with 2 threads, stopped after generation 1 and resumed.
  auto first = quiet_options(2, false);
  first.stop_after_generation = 1;
  CHECK_FALSE(campaign::run_campaign(exp, tmp.path() / "resumed", first).finished);
  CHECK(campaign::resume_campaign(tmp.path() / "resumed", quiet_options(2, false)).finished);
  CHECK(evaluation_fingerprints(tmp.path() / "resumed") == evaluation_fingerprints(tmp.path() / "whole"));
  CHECK(front_of(tmp.path() / "resumed") == front_of(tmp.path() / "whole"));
}
