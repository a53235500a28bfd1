#pragma once
/// \file "smsemoa" survival: constrained non-dominated sort, whole fronts while they fit, then the
/// member of the last front with the smallest exclusive hypervolume contribution is removed, the
/// contributions are updated, and so on until the population fits.
///
/// N. Beume, B. Naujoks, M. Emmerich, "SMS-EMOA: Multiobjective selection based on dominated
/// hypervolume", European Journal of Operational Research 181(3):1653-1669, 2007. The paper's
/// steady state (one child per generation) is ask(1)/tell; with larger batches this is its
/// (mu + lambda) form, removing lambda members one at a time (greedy, exact contributions).
///
/// Contributions are measured on the last front normalized to [0, 1] by its own minimum and
/// maximum per objective, against the reference point 1.1 in every objective (so objectives of
/// any scale weigh alike). The member with the smallest value of each objective (the front's
/// extremes; ties broken by the whole vector) is removed only after every other member: without
/// that, the extremes of a concave front contribute little, go first, and the front shrinks
/// generation after generation (measured on ZDT2: 0.505 instead of 0.538). After a removal only
/// the members whose contribution can change are recomputed: q changes only when the box shared
/// by q and the removed r (max(q, r)) is not covered by a third member.
/// Mating merit: none (binary tournament on rank, ties by a coin), as the paper selects parents
/// at random.
#include <memory>

#include "nas4ml/search/survival.hpp"

namespace nas4ml::search {

/// SMS-EMOA's survival.
class SmsEmoaSurvival final : public Survival {
 public:
  std::string kind() const override { return "smsemoa"; }
  std::vector<std::size_t> select(const std::vector<Point>& points, const std::vector<double>& violations,
                                  std::size_t mu, Rng& rng) const override;
  SurvivalScores score(const std::vector<Point>& points, const std::vector<double>& violations) const override;
};

/// Removes members of `front` (all feasible, minimized) one at a time, the smallest exclusive
/// hypervolume contribution first (ties: the later member), until `room` are left; contributions
/// as described above. Returns the kept members of `front` in their order.
std::vector<std::size_t> hypervolume_truncation(const std::vector<Point>& points, const std::vector<std::size_t>& front,
                                                std::size_t room);

/// Factory registered as "smsemoa".
std::unique_ptr<Survival> make_smsemoa_survival(const SurvivalSettings& settings);

}  // namespace nas4ml::search
