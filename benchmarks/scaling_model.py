#!/usr/bin/env python3
"""The scaling model of docs/cluster.md: the fraction of busy worker ranks of a generational
campaign under the mpi executor, predicted from measured evaluation times and the coordinator's
measured cost per evaluation.

    benchmarks/scaling_model.py RUN_DIR [--coordinator-us 200] [--commit-ms 5] [--seed 1]

RUN_DIR is a finished campaign (its store gives the distribution of evaluation times: train +
estimate seconds of every stored evaluation). For each rank count R (one coordinator, R - 1
workers with one thread each) and population P, every generation is P times drawn from that
distribution (bootstrap, 200 generations), handed out longest-first to the first free worker
(what the executor does), plus the coordinator's cost: `coordinator-us` per evaluation, spent
serially, and `commit-ms` per generation (store commit, tell, progress). Busy fraction = work
done / (workers x generation wall time). Prints the table and, per R, the smallest population
that keeps >= 90% of the workers busy.
"""
import argparse
import heapq
import random
import sqlite3
import sys


def generation_busy(times, workers, coord_s, commit_s):
    """Busy fraction of one generation scheduled longest-first on `workers` workers."""
    jobs = sorted(times, reverse=True)
    free = [0.0] * workers  # when each worker is free next (heap)
    heapq.heapify(free)
    hand_out = 0.0  # the coordinator hands jobs out one after another
    end = 0.0
    for t in jobs:
        hand_out += coord_s
        start = max(heapq.heappop(free), hand_out)
        finish = start + t
        end = max(end, finish)
        heapq.heappush(free, finish)
    wall = end + commit_s
    return sum(times) / (workers * wall)


def busy(dist, ranks, population, coord_s, commit_s, rng, generations=200):
    workers = ranks - 1
    total = 0.0
    for _ in range(generations):
        total += generation_busy([rng.choice(dist) for _ in range(population)], workers, coord_s, commit_s)
    return total / generations


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("run_dir")
    ap.add_argument("--coordinator-us", type=float, default=200.0)
    ap.add_argument("--commit-ms", type=float, default=5.0)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    db = sqlite3.connect(f"{a.run_dir}/campaign.sqlite")
    dist = [r[0] + r[1] for r in db.execute("select train_seconds, estimate_seconds from evaluations")]
    if not dist:
        sys.exit(f"error: {a.run_dir}/campaign.sqlite: no evaluations, expected a finished campaign")
    dist.sort()
    n = len(dist)
    print(f"evaluation times from {n} evaluations: median {dist[n // 2]:.3f} s, p90 {dist[int(0.9 * n)]:.3f} s, "
          f"max {dist[-1]:.3f} s, mean {sum(dist) / n:.3f} s; coordinator {a.coordinator_us:g} us/evaluation, "
          f"{a.commit_ms:g} ms/generation")
    rng = random.Random(a.seed)
    pops = [20, 50, 100, 200, 500, 1000, 2000, 5000]
    print("ranks | " + " | ".join(f"P={p}" for p in pops) + " | P for >= 90% busy")
    for ranks in [16, 64, 256, 1024]:
        row = [busy(dist, ranks, p, a.coordinator_us * 1e-6, a.commit_ms * 1e-3, rng, 50 if p >= 1000 else 200)
               for p in pops]
        need = next((p for p, b in zip(pops, row) if b >= 0.9), None)
        print(f"{ranks} | " + " | ".join(f"{100 * b:.0f}%" for b in row) + f" | {need if need else '> ' + str(pops[-1])}")


if __name__ == "__main__":
    main()
