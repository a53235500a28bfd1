#include "nas4ml/netlist/cmvm_search.hpp"

#include <algorithm>
#include <bit>
#include <numeric>
#include <vector>

#include "nas4ml/core/error.hpp"
#include "nas4ml/core/rng.hpp"
#include "nas4ml/netlist/csd.hpp"
#include "nas4ml/netlist/digit_tree.hpp"
#include "nas4ml/netlist/msd_recoding.hpp"
#include "nas4ml/netlist/row_factoring.hpp"
#include "nas4ml/netlist/netlist.hpp"

namespace nas4ml::netlist {
namespace {

/// One form a run searches: cmvm.hpp's own factoring of the matrix, or first a spanning tree of
/// its rows (edge penalty, tree depth limit; -1 none), optionally then the column factoring.
struct Form {
  bool row_tree = false;
  Factoring factoring = Factoring::none;
  int penalty = 0, max_depth = -1;
  bool guided = false;  ///< its matrix (a row-tree form's F) in the guided MSD recoding (guided_recoding)
  int passes = 2;       ///< guided: the recoding's passes over the matrix
};

/// The factored forms in the order they are tried at dc = -1 (the cheapest first on random 8-bit
/// matrices of other seeds than benchmarks/cmvm's table, greedy order of gains; the guided MSD
/// row-tree form second, in place of a row tree of depth limit 3, which gained least); the last is
/// the plain search, which on the identity permutation is run 0.
constexpr Form kForms[] = {{true, Factoring::columns, 3, -1}, {true, Factoring::none, 3, -1, true},
                           {false, Factoring::columns, 0, -1}, {true, Factoring::columns, 2, 4},
                           {true, Factoring::columns, 1, -1},  {false, Factoring::both, 0, -1},
                           {false, Factoring::rows, 0, -1},    {false, Factoring::none, 0, -1}};
constexpr int kFormCount = static_cast<int>(std::size(kForms));
/// A run of a layer in cmvm.hpp's stage-aware mode: a form on permutation p of the matrix.
struct StageRun {
  Form form;
  int permutation = 0;
};
/// The runs 1 .. 7 of a layer in cmvm.hpp's stage-aware mode (a pipeline boundary inside its plain
/// trees, dc = -1). There the factored forms' graphs are deeper and mostly carry more values over
/// the boundaries than the plain trees, so few are kept, while the plain search stays within the
/// bound by construction. Measured on trained networks at 5 ns (rtl estimate; docs/netlist.md
/// "Sharing effort"): run 1 the plain search in the guided MSD recoding (physics_binary sample 5
/// 30,431 -> 29,880 LUT), runs 2 and 3 the row-tree forms of kForms[0] and kForms[1] (MAGIC 8,963
/// -> 8,938), runs 4 and 5 the plain search in the recodings of one and of three passes (other
/// digits: samples 7, 8 and 9 -0.2% to -0.7% against two more permutations in their place), runs
/// 6 and 7 in the guided MSD recoding of permutations 1 and 2 (other ties: with runs 4 and 5,
/// LetterRecognition 54,013 -> 53,653).
constexpr Form kGuidedPlain{false, Factoring::none, 0, -1, true};
constexpr Form kGuidedOnce{false, Factoring::none, 0, -1, true, 1}, kGuidedThrice{false, Factoring::none, 0, -1, true, 3};
constexpr StageRun kStageRuns[] = {{kGuidedPlain, 0}, {{true, Factoring::columns, 3, -1}, 0},
                                   {{true, Factoring::none, 3, -1, true}, 0}, {kGuidedOnce, 0},
                                   {kGuidedThrice, 0}, {kGuidedPlain, 1}, {kGuidedPlain, 2}};
static_assert(std::size(kStageRuns) == kFormCount - 1, "one stage-aware run per factored form");
/// The form of the ruin-and-recreate runs, and the probability an op survives a ruin step.
constexpr Form kLnsForm{true, Factoring::none, 3, -1};
constexpr double kKeep = 0.6;
/// The ties (csd.hpp) at which guided_recoding (msd_recoding.hpp) tries the other digit: up to 2^4 forms per entry.
constexpr int kRecodingTies = 4;

/// Ruin and recreate, one step of a large-neighbourhood search (Shaw, CP 1998; Schrimpf et al.,
/// J. Comput. Phys. 159(2), 2000): keeps each op whose operands are inputs or kept ops with
/// probability `keep`, writes every row over the inputs and the kept ops (the other ops expanded
/// into their operands), and runs the greedy search on that matrix; the kept ops come first in the
/// result. Returns false (g unchanged) when an expanded term would shift beyond 61 bits or a
/// coefficient reach 2^60.
bool recreate(CmvmGraph& g, std::span<const std::uint8_t> extra, DelayScope scope, int stage_levels, double keep,
              Rng& rng) {
  const int C = g.n_inputs;
  const auto R = g.rows.size();
  std::vector<std::int32_t> column(g.depth.size(), -1);  // the signal's column in the new matrix
  for (int i = 0; i < C; ++i) column[std::size_t(i)] = i;
  std::vector<std::size_t> kept;
  for (std::size_t k = 0; k < g.ops.size(); ++k) {
    const CmvmOp& op = g.ops[k];
    if (column[std::size_t(op.a)] < 0 || column[std::size_t(op.b)] < 0 || !(rng.uniform() < keep)) continue;
    column[std::size_t(C) + k] = static_cast<std::int32_t>(std::size_t(C) + kept.size());
    kept.push_back(k);
  }
  const std::size_t W = std::size_t(C) + kept.size();
  std::vector<std::int64_t> m(R * W, 0);
  std::vector<CmvmTerm> stack;
  for (std::size_t r = 0; r < R; ++r) {
    stack.assign(g.rows[r].begin(), g.rows[r].end());
    while (!stack.empty()) {
      const CmvmTerm t = stack.back();
      stack.pop_back();
      if (t.shift > 61) return false;
      if (const std::int32_t c = column[std::size_t(t.signal)]; c >= 0) {
        m[r * W + std::size_t(c)] += (t.negative ? -1 : 1) * (std::int64_t{1} << t.shift);
        continue;
      }
      const CmvmOp& op = g.ops[std::size_t(t.signal - C)];
      stack.push_back({op.a, t.shift, t.negative});
      stack.push_back({op.b, t.shift + op.shift, t.negative != op.subtract});
    }
  }
  constexpr std::int64_t big = std::int64_t{1} << 60;  // sums stay far from overflow
  if (std::any_of(m.begin(), m.end(), [](std::int64_t v) { return v <= -big || v >= big; })) return false;
  CmvmGraph h = share_subexpressions(m, static_cast<int>(R), static_cast<int>(W), extra, -1, scope, Factoring::none,
                                     stage_levels);
  CmvmGraph out;
  out.n_inputs = C;
  out.depth.assign(std::size_t(C), 0);
  std::vector<std::int32_t> signal(W + h.ops.size());
  std::iota(signal.begin(), signal.begin() + C, 0);
  const auto push = [&out](const CmvmOp& op, std::int32_t a, std::int32_t b) {
    out.ops.push_back({a, b, op.shift, op.subtract});
    out.depth.push_back(std::max(out.depth[std::size_t(a)], out.depth[std::size_t(b)]) + 1);
    return static_cast<std::int32_t>(out.depth.size() - 1);
  };
  for (std::size_t j = 0; j < kept.size(); ++j) {
    const CmvmOp& op = g.ops[kept[j]];
    signal[std::size_t(C) + j] = push(op, signal[std::size_t(column[std::size_t(op.a)])], signal[std::size_t(column[std::size_t(op.b)])]);
  }
  for (std::size_t k = 0; k < h.ops.size(); ++k)
    signal[W + k] = push(h.ops[k], signal[std::size_t(h.ops[k].a)], signal[std::size_t(h.ops[k].b)]);
  out.rows = std::move(h.rows);
  for (auto& row : out.rows)
    for (CmvmTerm& t : row) t.signal = signal[std::size_t(t.signal)];
  out.zero_term = std::move(h.zero_term);
  out.depth_limit = g.depth_limit;
  g = std::move(out);
  return true;
}

/// `steps` ruin-and-recreate steps on g (seeded by their number), each kept when it costs no more
/// adders and fits(graph).
template <class Fits>
void improve(CmvmGraph& g, std::span<const std::uint8_t> extra, DelayScope scope, int stage_levels, int steps,
             const Fits& fits) {
  Rng rng = Rng::stream(0, static_cast<std::uint64_t>(steps), 1, "netlist.cmvm_search.lns");
  std::int64_t adders = cmvm_adders(g);
  for (int k = 0; k < steps; ++k) {
    CmvmGraph h = g;
    if (!recreate(h, extra, scope, stage_levels, kKeep, rng)) return;
    const std::int64_t a = cmvm_adders(h);
    if (a > adders || !fits(h)) continue;
    g = std::move(h);
    adders = a;
  }
}

/// The search on F (f_i = r_i -+ r_parent(i)); then, parents first, a row with children is summed
/// into one term (shallowest two first), which each child row takes as one term more.
CmvmGraph search_row_tree(std::span<const std::int64_t> m, int rows, int cols, std::span<const std::uint8_t> extra,
                          const Form& form, DelayScope scope, int stage_levels, int lns) {
  const DigitTree t = digit_spanning_tree(m, std::size_t(rows), std::size_t(cols), form.penalty, form.max_depth);
  const std::vector<std::int64_t> f = factor_rows(t, m, rows, cols);
  const std::vector<std::uint64_t> recoding =
      form.guided ? guided_recoding(f, std::size_t(rows), std::size_t(cols), kRecodingTies, form.passes)
                  : std::vector<std::uint64_t>{};
  CmvmGraph g = share_subexpressions(f, rows, cols, extra, -1, scope, form.factoring, stage_levels, {}, recoding);
  improve(g, extra, scope, stage_levels, lns, [](const CmvmGraph&) { return true; });
  chain_rows(g, t, extra);
  return g;
}

/// The row and column permutations of round p (p = 0: the identity): new row k is row pr[k].
void permutation(int p, int rows, int cols, std::vector<int>& pr, std::vector<int>& pc) {
  pr.resize(std::size_t(rows));
  pc.resize(std::size_t(cols));
  std::iota(pr.begin(), pr.end(), 0);
  std::iota(pc.begin(), pc.end(), 0);
  if (p == 0) return;
  Rng rng = Rng::stream(0, static_cast<std::uint64_t>(p), 0, "netlist.cmvm_search");
  rng.shuffle(pr.begin(), pr.end());
  rng.shuffle(pc.begin(), pc.end());
}

/// One run: the form on permutation p of the matrix (with `lns` ruin-and-recreate steps on a
/// row-tree form's graph before its chain is summed), its graph mapped back to the original numbering.
CmvmGraph run(std::span<const std::int64_t> m, int rows, int cols, std::span<const std::uint8_t> extra, int dc,
              DelayScope scope, int stage_levels, const Form& form, int p, int lns = 0) {
  std::vector<int> pr, pc;
  permutation(p, rows, cols, pr, pc);
  const auto R = std::size_t(rows), C = std::size_t(cols);
  std::vector<std::int64_t> pm(R * C);
  std::vector<std::uint8_t> pe(extra.empty() ? 0 : R);
  for (std::size_t r = 0; r < R; ++r) {
    for (std::size_t c = 0; c < C; ++c) pm[r * C + c] = m[std::size_t(pr[r]) * C + std::size_t(pc[c])];
    if (!extra.empty()) pe[r] = extra[std::size_t(pr[r])];
  }
  CmvmGraph g = form.row_tree ? search_row_tree(pm, rows, cols, pe, form, scope, stage_levels, lns)
                              : share_subexpressions(pm, rows, cols, pe, dc, scope, form.factoring, stage_levels, {},
                                                     form.guided ? guided_recoding(pm, R, C, kRecodingTies, form.passes)
                                                                 : std::vector<std::uint64_t>{});
  if (p == 0) return g;
  const auto input = [&pc, cols](std::int32_t s) { return s < cols ? pc[std::size_t(s)] : s; };
  for (CmvmOp& op : g.ops) {
    op.a = input(op.a);
    op.b = input(op.b);
  }
  std::vector<std::vector<CmvmTerm>> out(R);
  std::vector<std::uint8_t> zero(R, 0);
  for (std::size_t r = 0; r < R; ++r) {
    for (CmvmTerm& t : g.rows[r]) t.signal = input(t.signal);
    out[std::size_t(pr[r])] = std::move(g.rows[r]);
    zero[std::size_t(pr[r])] = g.zero_term[r];
  }
  g.rows = std::move(out);
  g.zero_term = std::move(zero);
  return g;
}

/// The plain trees' terms per row (CSD digits and the constant).
std::vector<std::uint64_t> plain_terms(std::span<const std::int64_t> m, int rows, int cols, std::span<const std::uint8_t> extra) {
  std::vector<std::uint64_t> n(std::size_t(rows), 0);
  for (std::size_t r = 0; r < std::size_t(rows); ++r) {
    n[r] = extra.empty() ? 0 : extra[r];
    for (std::size_t c = 0; c < std::size_t(cols); ++c) n[r] += std::uint64_t(csd_weight(m[r * std::size_t(cols) + c]));
  }
  return n;
}

}  // namespace

int layer_effort(int effort, std::span<const std::int64_t> m, std::span<const std::uint8_t> extra_terms) {
  if (effort >= kSmallLayerEffort) return effort;
  std::uint64_t terms = 0;
  for (std::uint8_t e : extra_terms) terms += e;
  for (std::size_t k = 0; k < m.size() && terms <= kSmallLayerTerms; ++k) terms += std::uint64_t(csd_weight(m[k]));
  return terms <= kSmallLayerTerms ? kSmallLayerEffort : effort;
}

int cmvm_depth(const CmvmGraph& g, std::span<const std::uint8_t> extra_terms) {
  int d = 0;
  for (std::size_t r = 0; r < g.rows.size(); ++r)
    d = std::max(d, cmvm_row_depth(g, static_cast<int>(r), extra_terms.empty() ? 0 : extra_terms[r]));
  return d;
}

CmvmGraph search_subexpressions(std::span<const std::int64_t> m, int rows, int cols,
                                std::span<const std::uint8_t> extra_terms, int dc, int effort, DelayScope scope,
                                int stage_levels, PatternWeights weights) {
  NAS4ML_ASSERT(effort >= 1 && effort <= kMaxSharingEffort, "cmvm_search: effort out of range");
  CmvmGraph best = share_subexpressions(m, rows, cols, extra_terms, dc, scope, Factoring::none, stage_levels, weights);
  if (effort == 1) return best;
  // Factored forms only without a depth limit (they are deeper). The bound every kept graph
  // meets: dc >= 0, the layer's D + dc; a pipelined layer at dc = -1, the end of the plain
  // trees' last stage; else none (-1).
  const bool factored = dc < 0;
  int bound = dc >= 0 ? best.depth_limit : -1;
  const std::vector<std::uint64_t> terms = plain_terms(m, rows, cols, extra_terms);
  int deepest = 0;
  for (std::uint64_t n : terms) deepest = std::max(deepest, n > 1 ? static_cast<int>(std::bit_width(n - 1)) : 0);
  if (factored && stage_levels > 0) bound = (std::max(deepest, 1) + stage_levels - 1) / stage_levels * stage_levels;
  // The stage-aware mode of cmvm.hpp (a boundary inside the plain trees): the layer carries no
  // more values over its boundaries than the plain trees (cmvm_boundary_values()); at dc = -1 its
  // runs are kStageRuns.
  const bool stage_aware = stage_levels > 0 && stage_levels < deepest;
  const bool stage_runs = factored && stage_aware;
  const auto fits = [&](const CmvmGraph& g) {
    if (bound >= 0 && cmvm_depth(g, extra_terms) > bound) return false;
    if (!stage_aware) return true;
    const int boundaries = (deepest - 1) / stage_levels;
    return cmvm_boundary_values(g, stage_levels, boundaries, extra_terms) <= plain_boundary_values(terms, stage_levels, boundaries);
  };
  std::int64_t best_adders = cmvm_adders(best);
  int best_depth = cmvm_depth(best, extra_terms);
  const auto consider = [&](CmvmGraph g) {
    const std::int64_t adders = cmvm_adders(g);
    const int depth = cmvm_depth(g, extra_terms);
    if (!fits(g)) return;
    if (adders < best_adders || (adders == best_adders && depth < best_depth)) {
      best = std::move(g);
      best_adders = adders;
      best_depth = depth;
    }
  };
  // Runs 1 .. kFormCount - 1: in the stage-aware mode kStageRuns; else without a depth limit
  // kForms on the identity (but the plain one, run 0), else the plain search on permutation k.
  // The remaining runs are ruin-and-recreate steps: on kLnsForm without any bound, else on the
  // best graph so far (within the bound; not with the per-row scope, whose bounds differ by row).
  for (int k = 1; k < std::min(effort, kFormCount); ++k) {
    if (stage_runs) {
      const StageRun& r = kStageRuns[k - 1];
      consider(run(m, rows, cols, extra_terms, dc, scope, stage_levels, r.form, r.permutation));
      continue;
    }
    if (!factored && k == 1) {  // under a depth limit, run 1: the matrix in the guided MSD recoding
      consider(run(m, rows, cols, extra_terms, dc, scope, stage_levels, kGuidedPlain, 0));
      continue;
    }
    consider(run(m, rows, cols, extra_terms, dc, scope, stage_levels, factored ? kForms[k - 1] : Form{}, factored ? 0 : k));
  }
  if (effort > kFormCount) {
    // A pipelined layer: the row-tree form only when its plain run fits the bound (in the
    // stage-aware mode, the steps on the best graph).
    if (factored && !stage_runs && (bound < 0 || fits(run(m, rows, cols, extra_terms, dc, scope, stage_levels, kLnsForm, 0)))) {
      consider(run(m, rows, cols, extra_terms, dc, scope, stage_levels, kLnsForm, 0, effort - kFormCount));
    } else if (scope == DelayScope::layer) {
      CmvmGraph g = best;
      improve(g, extra_terms, scope, stage_levels, effort - kFormCount, fits);
      consider(std::move(g));
    }
  }
  return best;
}

}  // namespace nas4ml::netlist
