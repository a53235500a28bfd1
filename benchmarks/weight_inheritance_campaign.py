#!/usr/bin/python3
"""Weight inheritance on a real campaign, side by side with the same campaign without it.

Writes reduced copies of experiments/magic.json (population and generations from the command
line, synthesis off, one thread per campaign) in four configurations:
  off        search.inherit_weights absent (today's search)
  on         search.inherit_weights true, the same training budget
  off-e3     without inheritance, training.max_epochs 3 (every candidate trains 3 epochs)
  on-e3      with inheritance and training.max_epochs 3
runs the four at once for each seed (same seeds), and reports per configuration (median
[min, max] over seeds): the training work (epochs run x parameters) and the CPU time of the
campaign process (user + system; the four run side by side, so a loaded host slows them alike)
as fractions of "off", the candidates whose training started from a parent, and the
hypervolume of every feasible finished candidate in the (accuracy, LUT) plane with the fixed
reference of multi_fidelity_campaign.py, also as a ratio to "off" of the same seed.
Usage: benchmarks/weight_inheritance_campaign.py BUILD/nas4ml OUTDIR [--pop 50] [--gens 10] [--seeds 1 2 3]
"""
import argparse
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from multi_fidelity_campaign import ROOT, measure, summary  # noqa: E402

CONFIGS = {"off": (False, None), "on": (True, None), "off-e3": (False, 3), "on-e3": (True, 3)}


def write_experiment(out, name, seed, pop, gens, inherit, max_epochs):
    e = json.loads((ROOT / "experiments/magic.json").read_text())
    e["dataset"] = str(ROOT / "experiments/datasets/magic.json")
    e["search_space"] = str(ROOT / "search_spaces/physics_binary.json")
    e["search"] = {"algorithm": "nsga2", "population": pop, "generations": gens}
    if inherit:
        e["search"]["inherit_weights"] = True
    if max_epochs:
        e["training"]["max_epochs"] = max_epochs
    e["synthesis"] = {"enabled": False}
    e["seed"], e["threads"], e["name"] = seed, 1, name
    path = out / f"{name}.json"
    path.write_text(json.dumps(e, indent=1))
    return path


def inherited(run_dir):
    db = sqlite3.connect(run_dir / "campaign.sqlite")
    n = 0
    for (model,) in db.execute("SELECT model FROM evaluations WHERE model IS NOT NULL"):
        n += "inherited" in json.loads(model).get("training", {})
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("nas4ml")
    ap.add_argument("out")
    ap.add_argument("--pop", type=int, default=50)
    ap.add_argument("--gens", type=int, default=10)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    results = {c: [] for c in CONFIGS}
    for seed in a.seeds:
        procs = {}
        for c, (inherit, max_epochs) in CONFIGS.items():
            exp = write_experiment(out, f"{c}-{seed}", seed, a.pop, a.gens, inherit, max_epochs)
            run = out / f"{c}-{seed}"
            if not (run / "campaign.sqlite").exists():
                procs[c] = subprocess.Popen(["nice", a.nas4ml, "run", str(exp), "--out", str(run), "--threads", "1"],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for c, p in procs.items():  # CPU time of each campaign process (user + system)
            _, status, usage = os.wait4(p.pid, 0)
            if status != 0:
                raise SystemExit(f"error: {out / f'{c}-{seed}'}: expected a finished campaign, got exit status {status}")
            (out / f"{c}-{seed}" / "cpu_seconds").write_text(f"{usage.ru_utime + usage.ru_stime}\n")
        for c in CONFIGS:
            run = out / f"{c}-{seed}"
            work, _, _, hv = measure(run)
            results[c].append((work, float((run / "cpu_seconds").read_text()), inherited(run), hv))
    off = results["off"]
    print(f"magic, population {a.pop} x {a.gens} generations, seeds {a.seeds}")
    print("| configuration | training work / off | process CPU / off | inherited | HV (accuracy, LUT) | HV / off |")
    print("|---|---|---|---|---|---|")
    for c, rs in results.items():
        print(f"| {c} | {summary([r[0] / o[0] for r, o in zip(rs, off)], '{:.3f}')} | "
              f"{summary([r[1] / o[1] for r, o in zip(rs, off)], '{:.3f}')} | {summary([r[2] for r in rs], '{:.0f}')} | "
              f"{summary([r[3] for r in rs])} | {summary([r[3] / o[3] for r, o in zip(rs, off)])} |")
    print("per seed HV:", {c: [round(r[3], 4) for r in rs] for c, rs in results.items()})
    print("per seed CPU s:", {c: [round(r[1], 1) for r in rs] for c, rs in results.items()})


if __name__ == "__main__":
    main()
