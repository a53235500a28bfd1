#include "nas4ml/search/nsga2.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/search/pareto.hpp"

namespace nas4ml::search {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr const char* kFormat = "nas4ml.nsga2.v2";
constexpr const char* kFormatV1 = "nas4ml.nsga2.v1";  // before survival kinds: always "nsga2"

void check_size(const char* field, std::size_t value, std::size_t lo, std::size_t hi) {
  if (value < lo || value > hi)
    throw ConfigError("", fmt::format("nsga2.{}", field), "value out of range",
                      fmt::format("an integer in [{}, {}]", lo, hi), std::to_string(value));
}

Json number_or_string(double v) {
  if (std::isfinite(v)) return v;
  if (std::isnan(v)) return "nan";
  return v > 0 ? "inf" : "-inf";
}

double read_number_or_string(const JsonView& v) {
  if (v.json().is_string()) {
    const std::string s = v.as_string();
    if (s == "inf") return kInf;
    if (s == "-inf") return -kInf;
    if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
    v.fail("invalid number", "a number, \"inf\", \"-inf\" or \"nan\"", "\"" + s + "\"");
  }
  return v.as_number(-std::numeric_limits<double>::max(), std::numeric_limits<double>::max());
}

std::uint64_t parse_hex(const JsonView& v) {
  const std::string s = v.as_string();
  const auto x = parse_hash_hex(s);
  if (!x) v.fail("invalid hex word", "1 to 16 lowercase hex digits", "\"" + s + "\"");
  return *x;
}

}  // namespace

void validate(const Nsga2Options& o) {
  check_size("population_size", o.population_size, 2, 1000000);
  check_size("objectives", o.directions.size(), 1, 16);
  check_size("max_duplicate_attempts", o.max_duplicate_attempts, 1, 100000);
  check_size("reference_divisions", o.reference_divisions, 0, 1000);
  check_size("prescreen", o.prescreen, 1, 100);
  if (o.initial_design != "random" && o.initial_design != "lhs")
    throw ConfigError("", "nsga2.initial_design", "invalid choice", "one of random, lhs", "\"" + o.initial_design + "\"");
  if (o.parents != "population" && o.parents != "archive")
    throw ConfigError("", "nsga2.parents", "invalid choice", "one of population, archive", "\"" + o.parents + "\"");
  if (o.operator_kind != "crossover" && o.operator_kind != "differential")
    throw ConfigError("", "nsga2.operator", "invalid choice", "one of crossover, differential", "\"" + o.operator_kind + "\"");
  (void)make_survival(o.survival, survival_settings(o));
}

SurvivalSettings survival_settings(const Nsga2Options& o) {
  SurvivalSettings s;
  s.objectives = o.directions.size();
  s.population = o.population_size;
  s.truncation = o.truncation;
  s.reference_divisions = o.reference_divisions;
  return s;
}

std::string to_string(Direction d) { return d == Direction::minimize ? "minimize" : "maximize"; }

Direction parse_direction(const std::string& w) {
  if (w == "minimize") return Direction::minimize;
  if (w == "maximize") return Direction::maximize;
  throw ConfigError("", "nsga2.directions", "invalid direction", "\"minimize\" or \"maximize\"", "\"" + w + "\"");
}

std::string to_string(Truncation t) { return t == Truncation::crowding ? "crowding" : "iterative_crowding"; }

Truncation parse_truncation(const std::string& w) {
  if (w == "crowding") return Truncation::crowding;
  if (w == "iterative_crowding") return Truncation::iterative_crowding;
  throw ConfigError("", "nsga2.truncation", "invalid truncation", "\"crowding\" or \"iterative_crowding\"",
                    "\"" + w + "\"");
}

Nsga2::Nsga2(Nsga2Options options, Variation variation)
    : options_(std::move(options)),
      variation_(std::move(variation)),
      rng_(Rng::stream(options_.seed, 0, 0, "search.nsga2")) {
  validate(options_);
  survival_ = make_survival(options_.survival, survival_settings(options_));
  NAS4ML_ASSERT(variation_.random && variation_.crossover && variation_.mutate && variation_.repair &&
                    variation_.check,
                "Nsga2 needs every Variation function");
  if (options_.operator_kind == "differential" && !variation_.differential)
    throw ConfigError("", "nsga2.operator", "the encoding has no differential variation", "crossover",
                      "\"differential\"");
}

std::vector<double> Nsga2::minimized(const std::vector<double>& objectives) const {
  std::vector<double> m(objectives);
  for (std::size_t k = 0; k < m.size(); ++k)
    if (options_.directions[k] == Direction::maximize) m[k] = -m[k];
  return m;
}

std::size_t Nsga2::tournament() {
  const std::vector<Individual>& mates = this->mates();
  const std::size_t n = mates.size();
  if (n == 1) return 0;
  if (pool_.size() < 2) {
    pool_.resize(n);
    std::iota(pool_.begin(), pool_.end(), std::size_t{0});
    rng_.shuffle(pool_.begin(), pool_.end());
  }
  const std::size_t a = pool_.back();
  pool_.pop_back();
  const std::size_t b = pool_.back();
  pool_.pop_back();
  const Individual& x = mates[a];
  const Individual& y = mates[b];
  if (x.rank != y.rank) return x.rank < y.rank ? a : b;
  if (x.crowding != y.crowding) return x.crowding > y.crowding ? a : b;
  return rng_.bernoulli(0.5) ? a : b;
}

bool Nsga2::accept(Genome& child, std::vector<Genome>& out, std::vector<std::uint64_t> parents) {
  variation_.repair(child);
  const std::string why = variation_.check(child);
  NAS4ML_ASSERT(why.empty(), "variation produced an invalid genome after repair: " + why);
  const std::uint64_t h = genome_hash(child);
  if (!seen_.insert(h).second) return false;
  untold_.insert(h);
  if (!parents.empty()) parents_[h] = std::move(parents);
  out.push_back(std::move(child));
  return true;
}

std::vector<std::pair<Genome, std::vector<std::uint64_t>>> Nsga2::breed() {
  std::vector<std::pair<Genome, std::vector<std::uint64_t>>> out;
  if (options_.operator_kind == "differential") {
    const std::size_t t = tournament();
    const std::size_t base = tournament();
    const std::size_t n = mates().size();
    const auto a = static_cast<std::size_t>(rng_.below(n));
    const auto b = static_cast<std::size_t>(rng_.below(n + dropped_.size()));  // mates, then the archive
    const Genome& gb = b < n ? mates()[b].genome : dropped_[b - n];
    Genome child = variation_.differential(mates()[t].genome, mates()[base].genome, mates()[a].genome, gb, rng_);
    variation_.mutate(child, rng_);
    out.emplace_back(std::move(child), std::vector<std::uint64_t>{mates()[t].hash, mates()[base].hash});
    return out;
  }
  const std::size_t p1 = tournament();
  const std::size_t p2 = tournament();
  auto [c1, c2] = variation_.crossover(mates()[p1].genome, mates()[p2].genome, rng_);
  variation_.mutate(c1, rng_);
  variation_.mutate(c2, rng_);
  const std::uint64_t h1 = mates()[p1].hash, h2 = mates()[p2].hash;
  out.emplace_back(std::move(c1), std::vector<std::uint64_t>{h1, h2});
  out.emplace_back(std::move(c2), std::vector<std::uint64_t>{h2, h1});
  return out;
}

std::vector<std::uint64_t> Nsga2::parents(const Genome& genome) const {
  const auto it = parents_.find(genome_hash(genome));
  return it == parents_.end() ? std::vector<std::uint64_t>{} : it->second;
}

// One child by surrogate pre-screening: up to `prescreen` new candidates are bred, the k-NN model
// predicts each one's objectives, and the one dominated by the fewest population members (ties:
// the farthest from every evaluated genome) is handed out. false when no new candidate was bred.
bool Nsga2::ask_prescreened(std::vector<Genome>& out) {
  std::vector<Genome> cands;
  std::vector<std::vector<std::uint64_t>> cand_parents;
  std::unordered_set<std::uint64_t> hashes;
  for (std::size_t tries = 0; cands.size() < options_.prescreen && tries < options_.max_duplicate_attempts; ++tries) {
    for (auto& [child, parents] : breed()) {
      variation_.repair(child);
      NAS4ML_ASSERT(variation_.check(child).empty(), "variation produced an invalid genome after repair");
      const std::uint64_t h = genome_hash(child);
      if (seen_.count(h) || !hashes.insert(h).second) {
        ++duplicates_rejected_;
        continue;
      }
      if (cands.size() < options_.prescreen) {
        cand_parents.push_back(std::move(parents));
        cands.push_back(std::move(child));
      }
    }
  }
  if (cands.empty()) return false;
  std::vector<double> lo, hi;
  gene_ranges(archive_, lo, hi);
  std::vector<Point> members;
  for (const auto& ind : population_)
    if (ind.violation == 0.0) members.push_back(minimized(ind.objectives));
  std::size_t best = 0, best_count = 0;
  double best_far = 0.0;
  for (std::size_t i = 0; i < cands.size(); ++i) {
    const Prediction p = predict(archive_, cands[i], 3, lo, hi);
    std::size_t count = 0;
    for (const auto& q : members) count += dominates(q, p.point) ? 1 : 0;
    if (i == 0 || count < best_count || (count == best_count && p.nearest > best_far)) {
      best = i;
      best_count = count;
      best_far = p.nearest;
    }
  }
  seen_.insert(genome_hash(cands[best]));
  untold_.insert(genome_hash(cands[best]));
  parents_[genome_hash(cands[best])] = std::move(cand_parents[best]);
  out.push_back(std::move(cands[best]));
  return true;
}

std::vector<Genome> Nsga2::ask(std::size_t n) {
  std::vector<Genome> out;
  out.reserve(n);
  std::size_t failures = 0;  // consecutive duplicates
  const std::size_t limit = options_.max_duplicate_attempts;
  const bool prescreen = options_.prescreen > 1 && !archive_.genomes.empty() && !population_.empty();
  while (prescreen && out.size() < n)
    if (!ask_prescreened(out)) break;  // the plain path below takes over (and its fallbacks)
  if (population_.empty() && evaluations_ == 0 && options_.initial_design == "lhs" && variation_.design)
    for (Genome& g : variation_.design(n, rng_))
      if (!accept(g, out)) ++duplicates_rejected_;  // the loop below fills the gap with random genomes
  while (out.size() < n) {
    if (population_.empty() || failures >= limit) {
      if (failures >= 2 * limit) {
        spdlog::warn("nsga2: generation {}: only {} of {} new genomes after {} duplicate attempts; the search "
                     "space looks exhausted",
                     generation_, out.size(), n, failures);
        break;
      }
      Genome g = variation_.random(rng_);
      if (accept(g, out)) failures = 0;
      else {
        ++failures;
        ++duplicates_rejected_;
      }
      continue;
    }
    for (auto& [child, parents] : breed()) {
      if (out.size() >= n) break;
      if (accept(child, out, std::move(parents))) failures = 0;
      else {
        ++failures;
        ++duplicates_rejected_;
      }
    }
  }
  return out;
}

void Nsga2::tell(const std::vector<Genome>& genomes, const std::vector<std::vector<double>>& objectives,
                 const std::vector<double>& violations) {
  const std::size_t m = options_.directions.size();
  NAS4ML_ASSERT(genomes.size() == objectives.size() && genomes.size() == violations.size(),
                "tell: one objective vector and one violation per genome");
  std::unordered_set<std::uint64_t> members;
  for (const auto& ind : population_) members.insert(ind.hash);
  std::vector<Individual> pool = population_;
  for (std::size_t i = 0; i < genomes.size(); ++i) {
    const std::string why = variation_.check(genomes[i]);
    NAS4ML_ASSERT(why.empty(), "tell: invalid genome: " + why);
    NAS4ML_ASSERT(objectives[i].size() == m,
                  fmt::format("tell: genome {} has {} objectives, expected {}", i, objectives[i].size(), m));
    double v = violations[i];
    if (std::isnan(v)) v = kInf;
    NAS4ML_ASSERT(v >= 0.0, fmt::format("tell: violation of genome {} is negative ({})", i, v));
    if (!std::isinf(v))
      for (double f : objectives[i])
        NAS4ML_ASSERT(std::isfinite(f), fmt::format("tell: genome {} has a non-finite objective; tell a failed "
                                                    "candidate with violation = infinity", i));
    Individual ind;
    ind.genome = genomes[i];
    ind.hash = genome_hash(ind.genome);
    seen_.insert(ind.hash);
    untold_.erase(ind.hash);
    parents_.erase(ind.hash);
    ++evaluations_;
    if (!members.insert(ind.hash).second) continue;
    ind.objectives = objectives[i];
    ind.violation = v;
    if ((options_.prescreen > 1 || archive_parents()) && v == 0.0) add_to_archive(ind);
    pool.push_back(std::move(ind));
  }

  // Elitist (mu + lambda) survival on population + told, by the survival kind.
  std::vector<Point> mins;
  std::vector<double> viol;
  for (const auto& ind : pool) {
    mins.push_back(std::isinf(ind.violation) ? std::vector<double>(m, 0.0) : minimized(ind.objectives));
    viol.push_back(ind.violation);
  }
  std::vector<Individual> next;
  if (pool.size() <= options_.population_size) {
    next = std::move(pool);
  } else {
    const auto keep = survival_->select(mins, viol, options_.population_size, rng_);
    if (options_.operator_kind == "differential") keep_dropped(pool, keep);
    next.reserve(keep.size());
    for (std::size_t i : keep) next.push_back(std::move(pool[i]));
  }
  population_ = std::move(next);
  rebuild_ranks();
  pool_.clear();
  ++generation_;
}

// JADE's external archive: the genomes survival dropped, in pool order; beyond population_size,
// members drawn at random leave.
void Nsga2::keep_dropped(const std::vector<Individual>& pool, const std::vector<std::size_t>& keep) {
  std::vector<char> kept(pool.size(), 0);
  for (std::size_t i : keep) kept[i] = 1;
  for (std::size_t i = 0; i < pool.size(); ++i)
    if (!kept[i]) dropped_.push_back(pool[i].genome);
  while (dropped_.size() > options_.population_size)
    dropped_.erase(dropped_.begin() + static_cast<std::ptrdiff_t>(rng_.below(dropped_.size())));
}

// Archives a feasible evaluation (and offers it to the elite with parents "archive").
void Nsga2::add_to_archive(const Individual& ind) {
  archive_.genomes.push_back(ind.genome);
  archive_.points.push_back(minimized(ind.objectives));
  if (archive_parents()) offer_elite(ind);
}

// Keeps the elite non-dominated: a point enters unless a member dominates or equals it, and
// drops the members it dominates.
void Nsga2::offer_elite(const Individual& ind) {
  const Point p = minimized(ind.objectives);
  for (const auto& e : elite_) {
    const Point q = minimized(e.objectives);
    if (dominates(q, p) || q == p) return;
  }
  elite_.erase(std::remove_if(elite_.begin(), elite_.end(),
                              [&](const Individual& e) { return dominates(p, minimized(e.objectives)); }),
               elite_.end());
  elite_.push_back(ind);
}

// The elite of a restored optimizer, replayed from the archive in evaluation order.
void Nsga2::restore_elite() {
  for (std::size_t i = 0; i < archive_.genomes.size(); ++i) {
    Individual ind;
    ind.genome = archive_.genomes[i];
    ind.hash = genome_hash(ind.genome);
    ind.objectives = minimized(archive_.points[i]);  // negation is its own inverse
    offer_elite(ind);
  }
}

// Ranks and mating merits of the population, from the survival kind (for nsga2 the same ranks
// as the pool's sort and the crowding of the survivors per front).
void Nsga2::rebuild_ranks() {
  const std::size_t m = options_.directions.size();
  std::vector<Point> mins;
  std::vector<double> viol;
  for (const auto& ind : population_) {
    mins.push_back(std::isinf(ind.violation) ? std::vector<double>(m, 0.0) : minimized(ind.objectives));
    viol.push_back(ind.violation);
  }
  const SurvivalScores s = survival_->score(mins, viol);
  for (std::size_t i = 0; i < population_.size(); ++i) {
    population_[i].rank = s.rank[i];
    population_[i].crowding = s.merit[i];
  }
  if (!archive_parents()) return;
  // The mating pool: the population and the elite members survival dropped, scored together.
  mating_ = population_;
  std::unordered_set<std::uint64_t> members;
  for (const auto& ind : population_) members.insert(ind.hash);
  for (const auto& e : elite_)
    if (!members.count(e.hash)) {
      mating_.push_back(e);
      mins.push_back(minimized(e.objectives));
      viol.push_back(0.0);
    }
  const SurvivalScores all = survival_->score(mins, viol);
  for (std::size_t i = 0; i < mating_.size(); ++i) {
    mating_[i].rank = all.rank[i];
    mating_[i].crowding = all.merit[i];
  }
}

std::vector<std::size_t> Nsga2::front() const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < population_.size(); ++i)
    if (population_[i].rank == 0 && population_[i].violation == 0.0) out.push_back(i);
  return out;
}

Json Nsga2::state(bool include_seen) const {
  Json j = Json::object();
  j["format"] = kFormat;
  Json opt = Json::object();
  opt["population_size"] = options_.population_size;
  Json dirs = Json::array();
  for (auto d : options_.directions) dirs.push_back(to_string(d));
  opt["directions"] = dirs;
  opt["seed"] = hash_hex(options_.seed);
  opt["max_duplicate_attempts"] = options_.max_duplicate_attempts;
  opt["truncation"] = to_string(options_.truncation);
  opt["survival"] = options_.survival;
  opt["reference_divisions"] = options_.reference_divisions;
  opt["prescreen"] = options_.prescreen;
  if (options_.initial_design != "random") opt["initial_design"] = options_.initial_design;
  if (options_.parents != "population") opt["parents"] = options_.parents;
  if (options_.operator_kind != "crossover") opt["operator"] = options_.operator_kind;
  j["options"] = opt;
  j["variation"] = variation_.fingerprint;
  j["generation"] = generation_;
  j["evaluations"] = evaluations_;
  j["duplicates_rejected"] = duplicates_rejected_;
  Json rng = Json::array();
  for (auto w : rng_.state()) rng.push_back(hash_hex(w));
  j["rng"] = rng;
  j["tournament_pool"] = pool_;
  Json pop = Json::array();
  for (const auto& ind : population_) {
    Json e = Json::object();
    e["genome"] = to_json(ind.genome);
    Json obj = Json::array();
    for (double f : ind.objectives) obj.push_back(number_or_string(f));
    e["objectives"] = obj;
    e["violation"] = number_or_string(ind.violation);
    pop.push_back(e);
  }
  j["population"] = pop;
  if (include_seen) {
    std::vector<std::uint64_t> seen(seen_.begin(), seen_.end());
    std::sort(seen.begin(), seen.end());
    Json s = Json::array();
    for (auto h : seen) s.push_back(hash_hex(h));
    j["seen"] = s;
  } else {
    j["seen_count"] = seen_.size();
  }
  // Handed out but never told (a caller that evaluated other genomes instead): not in the
  // caller's list of evaluated genomes, so kept here.
  std::vector<std::uint64_t> untold(untold_.begin(), untold_.end());
  std::sort(untold.begin(), untold.end());
  Json u = Json::array();
  for (auto h : untold) u.push_back(hash_hex(h));
  j["untold"] = u;
  Json arch = Json::array();  // minimized objectives, as the model uses them
  for (std::size_t i = 0; i < archive_.genomes.size(); ++i)
    arch.push_back(Json{{"genome", to_json(archive_.genomes[i])}, {"objectives", archive_.points[i]}});
  j["archive"] = arch;
  if (options_.operator_kind == "differential") {
    Json dropped = Json::array();
    for (const auto& g : dropped_) dropped.push_back(to_json(g));
    j["dropped"] = dropped;
  }
  return j;
}

namespace {

/// The seen hashes: saved in the state ("seen"), or only counted ("seen_count") and given by the
/// caller plus those handed out but never told ("untold", also saved).
void restore_seen(const JsonView& view, const std::vector<std::uint64_t>* given, std::unordered_set<std::uint64_t>& out,
                  std::unordered_set<std::uint64_t>& untold) {
  if (view.has("untold")) {
    const JsonView u = view.at("untold");
    u.require_array("an array of hex hashes");
    for (std::size_t i = 0; i < u.size(); ++i) untold.insert(parse_hex(u.at(i)));
  }
  if (view.has("seen")) {
    const JsonView seen = view.at("seen");
    seen.require_array("an array of hex hashes");
    for (std::size_t i = 0; i < seen.size(); ++i) out.insert(parse_hex(seen.at(i)));
    return;
  }
  const JsonView count = view.at("seen_count");
  const auto expected = static_cast<std::size_t>(count.as_int(0, std::numeric_limits<std::int64_t>::max()));
  if (given) out.insert(given->begin(), given->end());
  out.insert(untold.begin(), untold.end());
  if (out.size() != expected)
    count.fail("the evaluated genomes do not match the optimizer state",
               fmt::format("{} distinct genomes handed out", expected), fmt::format("{} given", out.size()));
}

}  // namespace

Nsga2 Nsga2::restore(const JsonView& view, Variation variation, const std::vector<std::uint64_t>* seen) {
  view.check_keys({"format", "options", "variation", "generation", "evaluations", "duplicates_rejected", "rng",
                   "tournament_pool", "population", "seen", "seen_count", "untold", "archive", "dropped"});
  const std::string format = view.get_string("format");
  if (format != kFormat && format != kFormatV1)
    view.at("format").fail("unsupported state format", std::string("\"") + kFormat + "\" or \"" + kFormatV1 + "\"",
                           "\"" + format + "\"");
  const JsonView o = view.at("options");
  if (format == kFormat)
    o.check_keys({"population_size", "directions", "seed", "max_duplicate_attempts", "truncation", "survival",
                  "reference_divisions", "prescreen", "initial_design", "parents", "operator"});
  else
    o.check_keys({"population_size", "directions", "seed", "max_duplicate_attempts", "truncation"});
  Nsga2Options opt;
  opt.population_size = static_cast<std::size_t>(o.get_int("population_size", 2, 1000000));
  const JsonView dirs = o.at("directions");
  dirs.require_array("an array of \"minimize\"/\"maximize\"");
  for (std::size_t i = 0; i < dirs.size(); ++i) opt.directions.push_back(parse_direction(dirs.at(i).as_string()));
  opt.seed = parse_hex(o.at("seed"));
  opt.max_duplicate_attempts = static_cast<std::size_t>(o.get_int("max_duplicate_attempts", 1, 100000));
  opt.truncation = parse_truncation(o.get_string("truncation"));
  if (format == kFormat) {
    opt.survival = o.get_string("survival");
    opt.reference_divisions = static_cast<std::size_t>(o.get_int("reference_divisions", 0, 1000));
    opt.prescreen = static_cast<std::size_t>(o.get_int("prescreen", 1, 100));
    opt.initial_design = o.get_choice("initial_design", {"random", "lhs"}, "random");
    opt.parents = o.get_choice("parents", {"population", "archive"}, "population");
    opt.operator_kind = o.get_choice("operator", {"crossover", "differential"}, "crossover");
  }
  const std::string fp = view.get_string("variation");
  if (fp != variation.fingerprint)
    view.at("variation").fail("the saved search used a different encoding", "\"" + variation.fingerprint + "\"",
                              "\"" + fp + "\"");
  Nsga2 out(opt, std::move(variation));
  const auto big = std::numeric_limits<std::int64_t>::max();
  out.generation_ = static_cast<std::size_t>(view.get_int("generation", 0, big));
  out.evaluations_ = static_cast<std::size_t>(view.get_int("evaluations", 0, big));
  out.duplicates_rejected_ = static_cast<std::size_t>(view.get_int("duplicates_rejected", 0, big));
  const JsonView rng = view.at("rng");
  rng.require_array("an array of 4 hex words");
  if (rng.size() != 4) rng.fail("wrong size", "4 hex words", std::to_string(rng.size()));
  Rng::State st{};
  for (std::size_t i = 0; i < 4; ++i) st[i] = parse_hex(rng.at(i));
  out.rng_ = Rng::from_state(st);
  const JsonView pop = view.at("population");
  pop.require_array("an array of individuals");
  if (pop.size() > opt.population_size)
    pop.fail("population larger than population_size", fmt::format("at most {}", opt.population_size),
             std::to_string(pop.size()));
  for (std::size_t i = 0; i < pop.size(); ++i) {
    const JsonView e = pop.at(i);
    e.check_keys({"genome", "objectives", "violation"});
    Individual ind;
    ind.genome = genome_from_json(e.at("genome"));
    const std::string why = out.variation_.check(ind.genome);
    if (!why.empty()) e.at("genome").fail("invalid genome", "a genome of this search space", why);
    ind.hash = genome_hash(ind.genome);
    const JsonView obj = e.at("objectives");
    obj.require_array("an array of objective values");
    if (obj.size() != opt.directions.size())
      obj.fail("wrong number of objectives", std::to_string(opt.directions.size()), std::to_string(obj.size()));
    for (std::size_t k = 0; k < obj.size(); ++k) ind.objectives.push_back(read_number_or_string(obj.at(k)));
    ind.violation = read_number_or_string(e.at("violation"));
    out.population_.push_back(std::move(ind));
  }
  restore_seen(view, seen, out.seen_, out.untold_);
  if (format == kFormat) {
    const JsonView arch = view.at("archive");
    arch.require_array("an array of {genome, objectives}");
    for (std::size_t i = 0; i < arch.size(); ++i) {
      const JsonView e = arch.at(i);
      e.check_keys({"genome", "objectives"});
      out.archive_.genomes.push_back(genome_from_json(e.at("genome")));
      const JsonView obj = e.at("objectives");
      obj.require_array("an array of objective values");
      Point p;
      if (obj.size() != opt.directions.size())
        obj.fail("wrong number of objectives", std::to_string(opt.directions.size()), std::to_string(obj.size()));
      for (std::size_t k = 0; k < obj.size(); ++k) p.push_back(read_number_or_string(obj.at(k)));
      out.archive_.points.push_back(std::move(p));
    }
  }
  if (view.has("dropped")) {
    const JsonView dropped = view.at("dropped");
    dropped.require_array("an array of genomes");
    if (dropped.size() > opt.population_size)
      dropped.fail("too many dropped genomes", fmt::format("at most {}", opt.population_size),
                   std::to_string(dropped.size()));
    for (std::size_t i = 0; i < dropped.size(); ++i) {
      Genome g = genome_from_json(dropped.at(i));
      const std::string why = out.variation_.check(g);
      if (!why.empty()) dropped.at(i).fail("invalid genome", "a genome of this search space", why);
      out.dropped_.push_back(std::move(g));
    }
  }
  if (out.archive_parents()) out.restore_elite();
  out.rebuild_ranks();
  const JsonView tp = view.at("tournament_pool");
  tp.require_array("an array of mating-pool indices");
  const auto mates = static_cast<std::int64_t>(out.mates().size());
  for (std::size_t i = 0; i < tp.size(); ++i)
    out.pool_.push_back(static_cast<std::size_t>(tp.at(i).as_int(0, mates - 1)));
  return out;
}

}  // namespace nas4ml::search
