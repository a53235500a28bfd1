#include "nas4ml/campaign/store.hpp"

#include <sqlite3.h>

#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <utility>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"

namespace nas4ml::campaign {
namespace {

constexpr int kApplicationId = 0x6E61736D;  // "nasm": marks a file as a nas4ml store
constexpr int kSchemaVersion = 1;

constexpr const char* kSchema = R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE evaluations (
  generation INTEGER NOT NULL, idx INTEGER NOT NULL, genome_hash TEXT NOT NULL UNIQUE,
  genome TEXT NOT NULL, model_spec TEXT NOT NULL, model TEXT NOT NULL, metrics TEXT NOT NULL,
  estimates TEXT NOT NULL, objectives TEXT NOT NULL, violation REAL NOT NULL,
  status TEXT NOT NULL, failure_reason TEXT NOT NULL, train_seconds REAL NOT NULL,
  estimate_seconds REAL NOT NULL, seed TEXT NOT NULL,
  PRIMARY KEY (generation, idx));
CREATE TABLE optimizer_states (generation INTEGER PRIMARY KEY, state TEXT NOT NULL);
CREATE TABLE synthesis_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT, genome_hash TEXT NOT NULL, generation INTEGER NOT NULL,
  backend TEXT NOT NULL, status TEXT NOT NULL, failure_reason TEXT NOT NULL, result TEXT NOT NULL);
CREATE TABLE fronts (generation INTEGER PRIMARY KEY, front TEXT NOT NULL, hypervolume REAL NOT NULL);
)sql";

/// Reference designs evaluated once (the experiment's `baselines`); `record` is JSON.
constexpr const char* kBaselines = "CREATE TABLE IF NOT EXISTS baselines (name TEXT PRIMARY KEY, record TEXT NOT NULL);";

/// One row per evaluation with flat, named columns (docs/store.md): what `nas4ml export` writes,
/// minus the objective columns named after the experiment's metrics.
constexpr const char* kFlatView = R"sql(
CREATE VIEW IF NOT EXISTS evaluations_flat AS SELECT
  generation, idx AS "index", genome_hash AS id, status, failure_reason, violation,
  (status = 'ok' AND violation = 0) AS feasible, objectives AS objectives_json,
  json_extract(metrics, '$.validation.accuracy') AS val_accuracy,
  json_extract(metrics, '$.validation.auc') AS val_auc,
  json_extract(metrics, '$.validation.loss') AS val_loss,
  json_extract(metrics, '$.test.accuracy') AS test_accuracy,
  json_extract(metrics, '$.test.auc') AS test_auc,
  json_extract(metrics, '$.test.loss') AS test_loss,
  json_extract(metrics, '$.epochs_run') AS epochs_run,
  json_extract(estimates, '$.lut') AS est_lut,
  json_extract(estimates, '$.ff') AS est_ff,
  json_extract(estimates, '$.dsp') AS est_dsp,
  json_extract(estimates, '$.bram18') AS est_bram18,
  json_extract(estimates, '$.latency_ns') AS est_latency_ns,
  json_extract(estimates, '$.latency_cycles') AS est_latency_cycles,
  json_extract(estimates, '$.ii') AS est_ii,
  json_extract(estimates, '$.bops') AS est_bops,
  json_extract(estimates, '$.ebops') AS est_ebops,
  train_seconds, estimate_seconds
FROM evaluations;
)sql";

[[noreturn]] void fail(sqlite3* db, const std::filesystem::path& path, const std::string& doing) {
  throw ConfigError(path.string(), "", "campaign store error while " + doing, "a healthy nas4ml store",
                    db ? sqlite3_errmsg(db) : "no database handle");
}

/// A prepared statement with typed binding, finalized on scope exit.
class Statement {
 public:
  Statement(sqlite3* db, const std::filesystem::path& path, const char* sql) : db_(db), path_(path) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) fail(db, path, "preparing a query");
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, const std::string& s) {
    check(sqlite3_bind_text(stmt_, i, s.c_str(), static_cast<int>(s.size()), SQLITE_TRANSIENT));
    return *this;
  }
  Statement& bind(int i, std::int64_t v) {
    check(sqlite3_bind_int64(stmt_, i, v));
    return *this;
  }
  Statement& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
  Statement& bind(int i, double v) {
    check(sqlite3_bind_double(stmt_, i, v));
    return *this;
  }
  /// Steps once; true when a row is available.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(db_, path_, "running a query");
  }
  std::string text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
  }
  std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  /// Makes the statement ready to run again with new bindings.
  Statement& reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    return *this;
  }
  double real(int col) const { return sqlite3_column_double(stmt_, col); }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) fail(db_, path_, "binding a value");
  }
  sqlite3* db_;
  const std::filesystem::path& path_;
  sqlite3_stmt* stmt_ = nullptr;
};

void exec(sqlite3* db, const std::filesystem::path& path, const char* sql, const char* doing) {
  char* msg = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
    std::string m = msg ? msg : "unknown";
    sqlite3_free(msg);
    throw ConfigError(path.string(), "", std::string("campaign store error while ") + doing,
                      "a healthy nas4ml store", m);
  }
}

int pragma_int(sqlite3* db, const std::filesystem::path& path, const char* pragma) {
  Statement s(db, path, pragma);
  return s.step() ? static_cast<int>(s.integer(0)) : 0;
}

/// Why `path` cannot be opened for reading and writing ("permission denied", "read-only file
/// system"), or "" when it can. SQLite needs to write beside the store even to read it (WAL).
std::string access_problem(const std::filesystem::path& path) {
  if (::access(path.c_str(), R_OK) != 0) return errno == EACCES ? "permission denied (not readable)" : std::strerror(errno);
  struct statvfs fs {};
  if (::statvfs(path.c_str(), &fs) == 0 && (fs.f_flag & ST_RDONLY) != 0) return "read-only file system";
  if (::access(path.c_str(), W_OK) != 0) return errno == EROFS ? "read-only file system" : "permission denied (not writable)";
  const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  if (::access(dir.c_str(), W_OK | X_OK) != 0) return "permission denied (folder not writable)";
  return {};
}

/// Opens `name` (a path, or a URI with SQLITE_OPEN_URI); errors name `path` (default: `name`).
sqlite3* open_handle(const std::string& name, int flags, const std::filesystem::path& path = {}) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(name.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string why = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw ConfigError(path.empty() ? name : path.string(), "", "cannot open campaign store", "a readable SQLite file", why);
  }
  sqlite3_busy_timeout(db, 10000);
  return db;
}

Json parse_column(const std::string& text, const std::filesystem::path& path, const char* what) {
  try {
    return Json::parse(text);
  } catch (const Json::exception&) {
    throw ConfigError(path.string(), what, "corrupt JSON in the campaign store", "valid JSON",
                      text.substr(0, 40));
  }
}

std::string meta_value(sqlite3* db, const std::filesystem::path& path, const char* key) {
  Statement s(db, path, "SELECT value FROM meta WHERE key = ?");
  s.bind(1, std::string(key));
  if (!s.step()) throw ConfigError(path.string(), std::string("meta.") + key, "campaign store is incomplete",
                                   "a stored value", "nothing");
  return s.text(0);
}

EvaluationRecord read_evaluation(const Statement& s, const std::filesystem::path& path) {
  EvaluationRecord r;
  r.generation = static_cast<int>(s.integer(0));
  r.index = static_cast<int>(s.integer(1));
  r.genome_hash = s.text(2);
  r.genome = parse_column(s.text(3), path, "evaluations.genome");
  r.model_spec = parse_column(s.text(4), path, "evaluations.model_spec");
  r.model = parse_column(s.text(5), path, "evaluations.model");
  r.metrics = parse_column(s.text(6), path, "evaluations.metrics");
  r.estimates = parse_column(s.text(7), path, "evaluations.estimates");
  r.objectives = parse_column(s.text(8), path, "evaluations.objectives");
  r.violation = s.real(9);
  r.status = s.text(10);
  r.failure_reason = s.text(11);
  r.train_seconds = s.real(12);
  r.estimate_seconds = s.real(13);
  r.seed = std::stoull(s.text(14));
  return r;
}

/// ConfigError unless `path` starts with the SQLite header.
void check_header(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  char header[16] = {};
  in.read(header, sizeof header);
  if (in.gcount() < 16 || std::string(header, 15) != "SQLite format 3")
    throw ConfigError(path.string(), "", "not a campaign store", "an SQLite file written by nas4ml",
                      "a file that is not SQLite");
}

/// ConfigError unless `db` is a nas4ml store of this schema version.
void check_identity(sqlite3* db, const std::filesystem::path& path) {
  int app = 0, version = 0;
  try {
    app = pragma_int(db, path, "PRAGMA application_id");
    version = pragma_int(db, path, "PRAGMA user_version");
  } catch (const ConfigError&) {
    throw ConfigError(path.string(), "", "corrupt campaign store", "a readable SQLite file", "unreadable header");
  }
  if (app != kApplicationId)
    throw ConfigError(path.string(), "", "not a campaign store", "an SQLite file written by nas4ml",
                      fmt::format("application id {:#x}", app));
  if (version != kSchemaVersion)
    throw ConfigError(path.string(), "", "campaign store of another schema version",
                      std::to_string(kSchemaVersion), std::to_string(version));
}

/// `path` for an SQLite URI: absolute, with the characters a URI reserves escaped as %XX.
std::string uri_path(const std::filesystem::path& path) {
  std::string out;
  for (const unsigned char c : std::filesystem::absolute(path).string()) {
    if (c == '%' || c == '?' || c == '#' || c == ' ' || c < 0x20 || c >= 0x7f) out += fmt::format("%{:02X}", c);
    else out += static_cast<char>(c);
  }
  return out;
}

constexpr const char* kEvaluationColumns =
    "generation, idx, genome_hash, genome, model_spec, model, metrics, estimates, objectives, "
    "violation, status, failure_reason, train_seconds, estimate_seconds, seed";

}  // namespace

Store Store::create(const std::filesystem::path& path, const Json& experiment,
                    const std::string& experiment_hash, const Json& manifest) {
  if (std::filesystem::exists(path))
    throw ConfigError(path.string(), "", "campaign store already exists", "a new path (use `nas4ml resume`)",
                      "an existing file");
  sqlite3* db = open_handle(path.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  Store store(path, db);
  exec(db, path, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "setting the journal mode");
  exec(db, path, "BEGIN", "creating the schema");
  exec(db, path, kSchema, "creating the schema");
  exec(db, path, kFlatView, "creating the evaluations_flat view");
  exec(db, path, kBaselines, "creating the baselines table");
  exec(db, path, fmt::format("PRAGMA application_id={}; PRAGMA user_version={};", kApplicationId, kSchemaVersion).c_str(),
       "marking the store");
  for (const auto& [k, v] : {std::pair<std::string, std::string>{"experiment", experiment.dump()},
                             {"experiment_hash", experiment_hash},
                             {"manifest", manifest.dump()}}) {
    Statement one(db, path, "INSERT INTO meta (key, value) VALUES (?, ?)");
    one.bind(1, k).bind(2, v).step();
  }
  exec(db, path, "COMMIT", "creating the schema");
  return store;
}

Store Store::open_read_only(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec) || access_problem(path).empty()) return open(path);
  if (::access(path.c_str(), R_OK) != 0)
    throw ConfigError(path.string(), "", "cannot open campaign store: permission denied (not readable)",
                      "read access to the store", "permission denied");
  // A store nobody can write: read it without SQLite's shared-memory file. Without a write-ahead
  // log beside it, every committed generation is in the file itself (immutable: no locks taken);
  // with one, SQLite reads the log too (read-only WAL, SQLite >= 3.22).
  check_header(path);
  const bool has_wal = std::filesystem::exists(path.string() + "-wal", ec);
  const std::string uri = "file:" + uri_path(path) + (has_wal ? "?mode=ro" : "?mode=ro&immutable=1");
  sqlite3* db = open_handle(uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, path);
  Store store(path, db);
  check_identity(db, path);
  return store;
}

Store Store::open(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw ConfigError(path.string(), "", "campaign store not found", "an existing campaign.sqlite", "no such file");
  // Permission and read-only problems are named as such, never as corruption (a user might
  // delete a good store).
  if (const std::string why = access_problem(path); !why.empty())
    throw ConfigError(path.string(), "", "cannot open campaign store: " + why,
                      "read and write access to the store and its folder (SQLite writes its journal beside it)", why);
  check_header(path);  // before SQLite touches the file: a foreign file must stay untouched
  sqlite3* db = open_handle(path.string(), SQLITE_OPEN_READWRITE);
  Store store(path, db);
  check_identity(db, path);
  exec(db, path, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "setting the journal mode");
  exec(db, path, kFlatView, "creating the evaluations_flat view");
  exec(db, path, kBaselines, "creating the baselines table");
  Statement check(db, path, "PRAGMA quick_check");
  if (!check.step() || check.text(0) != "ok")
    throw ConfigError(path.string(), "", "corrupt campaign store", "PRAGMA quick_check = ok", check.text(0));
  return store;
}

Store::Store(Store&& o) noexcept
    : path_(std::move(o.path_)), db_(std::exchange(o.db_, nullptr)), counts_(std::exchange(o.counts_, std::nullopt)) {}
Store& Store::operator=(Store&& o) noexcept {
  if (this != &o) {
    sqlite3_close(db_);
    path_ = std::move(o.path_);
    db_ = std::exchange(o.db_, nullptr);
    counts_ = std::exchange(o.counts_, std::nullopt);
  }
  return *this;
}
Store::~Store() { sqlite3_close(db_); }

Json Store::experiment() const { return parse_column(meta_value(db_, path_, "experiment"), path_, "meta.experiment"); }
std::string Store::experiment_hash() const { return meta_value(db_, path_, "experiment_hash"); }
Json Store::manifest() const { return parse_column(meta_value(db_, path_, "manifest"), path_, "meta.manifest"); }

void Store::set_manifest(const Json& manifest) {
  Statement s(db_, path_, "UPDATE meta SET value = ? WHERE key = 'manifest'");
  s.bind(1, manifest.dump()).step();
}

std::optional<std::string> Store::cached(const std::string& key) const {
  Statement s(db_, path_, "SELECT value FROM meta WHERE key = ?");
  s.bind(1, "cache." + key);
  if (!s.step()) return std::nullopt;
  return s.text(0);
}

void Store::set_cached(const std::string& key, const std::string& value) {
  Statement s(db_, path_, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)");
  s.bind(1, "cache." + key).bind(2, value).step();
}

void Store::add_baseline(const std::string& name, const EvaluationRecord& r) {
  const Json record = {{"model_spec", r.model_spec}, {"model", r.model},         {"metrics", r.metrics},
                       {"estimates", r.estimates},   {"objectives", r.objectives}, {"violation", r.violation},
                       {"status", r.status},         {"failure_reason", r.failure_reason},
                       {"train_seconds", r.train_seconds}};
  Statement s(db_, path_, "INSERT OR REPLACE INTO baselines (name, record) VALUES (?, ?)");
  s.bind(1, name).bind(2, record.dump()).step();
}

std::vector<std::pair<std::string, EvaluationRecord>> Store::baselines() const {
  std::vector<std::pair<std::string, EvaluationRecord>> out;
  Statement s(db_, path_, "SELECT name, record FROM baselines ORDER BY rowid");
  while (s.step()) {
    const Json j = parse_column(s.text(1), path_, "baselines.record");
    EvaluationRecord r;
    r.genome_hash = s.text(0);
    r.model_spec = j.value("model_spec", Json());
    r.model = j.value("model", Json());
    r.metrics = j.value("metrics", Json());
    r.estimates = j.value("estimates", Json());
    r.objectives = j.value("objectives", Json());
    r.violation = j["violation"].is_number() ? j["violation"].get<double>() : std::numeric_limits<double>::infinity();
    r.status = j.value("status", std::string("failed"));
    r.failure_reason = j.value("failure_reason", std::string());
    r.train_seconds = j.value("train_seconds", 0.0);
    out.emplace_back(s.text(0), std::move(r));
  }
  return out;
}

void Store::set_experiment(const Json& experiment, const std::string& experiment_hash) {
  exec(db_, path_, "BEGIN IMMEDIATE", "replacing the experiment");
  try {
    Statement(db_, path_, "UPDATE meta SET value = ? WHERE key = 'experiment'").bind(1, experiment.dump()).step();
    Statement(db_, path_, "UPDATE meta SET value = ? WHERE key = 'experiment_hash'").bind(1, experiment_hash).step();
    exec(db_, path_, "COMMIT", "replacing the experiment");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void Store::commit_generation(int generation, const std::vector<EvaluationRecord>& evaluations,
                              const Json& optimizer_state, const Json& front, double hypervolume) {
  exec(db_, path_, "BEGIN IMMEDIATE", "committing a generation");
  try {
    const std::string sql = fmt::format("INSERT INTO evaluations ({}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                                        kEvaluationColumns);
    Statement s(db_, path_, sql.c_str());
    for (const auto& e : evaluations) {
      NAS4ML_ASSERT(e.generation == generation, "evaluation stored under another generation");
      s.reset().bind(1, e.generation).bind(2, e.index).bind(3, e.genome_hash).bind(4, e.genome.dump())
          .bind(5, e.model_spec.dump()).bind(6, e.model.dump()).bind(7, e.metrics.dump())
          .bind(8, e.estimates.dump()).bind(9, e.objectives.dump()).bind(10, e.violation)
          .bind(11, e.status).bind(12, e.failure_reason).bind(13, e.train_seconds)
          .bind(14, e.estimate_seconds).bind(15, std::to_string(e.seed));
      s.step();
    }
    Statement st(db_, path_, "INSERT INTO optimizer_states (generation, state) VALUES (?, ?)");
    st.bind(1, generation).bind(2, optimizer_state.dump()).step();
    Statement fr(db_, path_, "INSERT INTO fronts (generation, front, hypervolume) VALUES (?,?,?)");
    fr.bind(1, generation).bind(2, front.dump()).bind(3, hypervolume).step();
    exec(db_, path_, "COMMIT", "committing a generation");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  if (counts_) {
    counts_->all += static_cast<std::int64_t>(evaluations.size());
    for (const auto& e : evaluations) counts_->failed += e.status != "ok" ? 1 : 0;
  }
}

std::optional<int> Store::last_generation() const {
  Statement s(db_, path_, "SELECT MAX(generation) FROM optimizer_states");
  if (!s.step() || s.text(0).empty()) return std::nullopt;
  return static_cast<int>(s.integer(0));
}

Json Store::optimizer_state(int generation) const {
  Statement s(db_, path_, "SELECT state FROM optimizer_states WHERE generation = ?");
  s.bind(1, generation);
  if (!s.step())
    throw ConfigError(path_.string(), fmt::format("optimizer_states[{}]", generation),
                      "no optimizer state for this generation", "a committed generation", "nothing");
  return parse_column(s.text(0), path_, "optimizer_states.state");
}

std::vector<EvaluationRecord> Store::evaluations(std::optional<int> generation) const {
  const std::string sql = fmt::format("SELECT {} FROM evaluations {} ORDER BY generation, idx", kEvaluationColumns,
                                      generation ? "WHERE generation = ?" : "");
  Statement s(db_, path_, sql.c_str());
  if (generation) s.bind(1, *generation);
  std::vector<EvaluationRecord> out;
  while (s.step()) out.push_back(read_evaluation(s, path_));
  return out;
}

std::optional<EvaluationRecord> Store::evaluation(const std::string& genome_hash) const {
  const std::string sql = fmt::format("SELECT {} FROM evaluations WHERE genome_hash = ?", kEvaluationColumns);
  Statement s(db_, path_, sql.c_str());
  s.bind(1, genome_hash);
  if (!s.step()) return std::nullopt;
  return read_evaluation(s, path_);
}

std::int64_t Store::count_evaluations(bool failed_only) const {
  if (!counts_) {
    Statement s(db_, path_, "SELECT COUNT(*), COALESCE(SUM(status != 'ok'), 0) FROM evaluations");
    s.step();
    counts_ = Counts{s.integer(0), s.integer(1)};
  }
  return failed_only ? counts_->failed : counts_->all;
}

std::vector<std::string> Store::genome_hashes(int generation) const {
  Statement s(db_, path_, "SELECT genome_hash FROM evaluations WHERE generation <= ? ORDER BY generation, idx");
  s.bind(1, generation);
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.text(0));
  return out;
}

void Store::add_synthesis(const SynthesisRecord& r) {
  Statement s(db_, path_,
              "INSERT INTO synthesis_runs (genome_hash, generation, backend, status, failure_reason, result) "
              "VALUES (?,?,?,?,?,?)");
  s.bind(1, r.genome_hash).bind(2, r.generation).bind(3, r.backend).bind(4, r.status).bind(5, r.failure_reason)
      .bind(6, r.result.dump());
  s.step();
}

std::vector<SynthesisRecord> Store::synthesis_runs() const {
  Statement s(db_, path_,
              "SELECT genome_hash, generation, backend, status, failure_reason, result FROM synthesis_runs ORDER BY id");
  std::vector<SynthesisRecord> out;
  while (s.step()) {
    SynthesisRecord r;
    r.genome_hash = s.text(0);
    r.generation = static_cast<int>(s.integer(1));
    r.backend = s.text(2);
    r.status = s.text(3);
    r.failure_reason = s.text(4);
    r.result = parse_column(s.text(5), path_, "synthesis_runs.result");
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<std::pair<int, double>> Store::hypervolume_history() const {
  Statement s(db_, path_, "SELECT generation, hypervolume FROM fronts ORDER BY generation");
  std::vector<std::pair<int, double>> out;
  while (s.step()) out.emplace_back(static_cast<int>(s.integer(0)), s.real(1));
  return out;
}

Json Store::front(std::optional<int> generation) const {
  Statement s(db_, path_, generation ? "SELECT front FROM fronts WHERE generation = ?"
                                     : "SELECT front FROM fronts ORDER BY generation DESC LIMIT 1");
  if (generation) s.bind(1, *generation);
  if (!s.step()) return Json::array();
  return parse_column(s.text(0), path_, "fronts.front");
}

}  // namespace nas4ml::campaign
