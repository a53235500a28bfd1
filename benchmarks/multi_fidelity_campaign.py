#!/usr/bin/python3
"""Multi-fidelity early stopping on a real campaign, side by side with the same campaign without it.

Writes reduced copies of experiments/magic.json (population and generations from the command
line, synthesis off, one thread per campaign) with search.multi_fidelity absent ("off"), with its
defaults ("on") and with a tighter setting ("tight": quality_slack 0.1, hardware_slack 0), runs
the three at once for each seed, and reports per configuration (median [min, max] over seeds):
  - training work: sum over candidates of epochs run x (trainable parameters) x training rows,
    as a fraction of "off" (deterministic), and the CPU time of the campaign process (user +
    system, the three run side by side, so a loaded host slows them alike) as a fraction of "off";
  - candidates stopped early;
  - the hypervolume of every feasible finished candidate in the (accuracy, LUT) plane, points
    (1 - accuracy) / 0.5 and LUT / (10% of the device's LUTs, the experiment's constraint),
    reference point (1, 1) -- fixed, so runs compare.
Usage: benchmarks/multi_fidelity_campaign.py BUILD/nas4ml OUTDIR [--pop 50] [--gens 10] [--seeds 1 2 3]
"""
import argparse
import json
import os
import sqlite3
import statistics
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = {"off": None, "on": {}, "tight": {"quality_slack": 0.1, "hardware_slack": 0.0}}
MAGIC_FEATURES = 10
LUT_BOUND = 0.10 * 1182240  # xcvu9p LUTs x the experiment's max_fraction_of_device


def write_experiment(out, name, seed, pop, gens, mf):
    e = json.loads((ROOT / "experiments/magic.json").read_text())
    e["dataset"] = str(ROOT / "experiments/datasets/magic.json")
    e["search_space"] = str(ROOT / "search_spaces/physics_binary.json")
    e["search"] = {"algorithm": "nsga2", "population": pop, "generations": gens}
    if mf is not None:
        e["search"]["multi_fidelity"] = mf
    e["synthesis"] = {"enabled": False}
    e["seed"], e["threads"], e["name"] = seed, 1, name
    path = out / f"{name}.json"
    path.write_text(json.dumps(e, indent=1))
    return path


def parameters(spec):
    n_in, total = spec.get("n_inputs", MAGIC_FEATURES), 0  # the stored spec leaves the inputs to the data set
    for layer in spec["layers"]:
        total += (n_in + 1) * layer["units"]
        n_in = layer["units"]
    return total


def hypervolume_2d(points):
    pts = sorted(p for p in points if p[0] < 1 and p[1] < 1)
    hv, best_y = 0.0, 1.0
    for x, y in pts:
        if y < best_y:
            hv += (1 - x) * (best_y - y)
            best_y = y
    return hv


def measure(run_dir):
    db = sqlite3.connect(run_dir / "campaign.sqlite")
    work = seconds = 0.0
    stopped = 0
    points = []
    for status, spec, metrics, est, violation, ts in db.execute(
            "SELECT status, model_spec, metrics, estimates, violation, train_seconds FROM evaluations"):
        seconds += ts
        stopped += status == "stopped_early"
        if metrics is None or spec is None:
            continue
        m, s = json.loads(metrics), json.loads(spec)
        if not m:
            continue
        work += m["epochs_run"] * parameters(s)
        if status == "ok" and violation == 0:
            e = json.loads(est)
            points.append(((1 - m["validation"]["accuracy"]) / 0.5, e["lut"] / LUT_BOUND))
    return work, seconds, stopped, hypervolume_2d(points)


def summary(values, fmt="{:.4f}"):
    return (fmt + " [" + fmt + ", " + fmt + "]").format(statistics.median(values), min(values), max(values))


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
        for c, mf in CONFIGS.items():
            exp = write_experiment(out, f"{c}{seed}", seed, a.pop, a.gens, mf)
            run = out / f"{c}{seed}"
            if not (run / "campaign.sqlite").exists():
                procs[c] = subprocess.Popen(["nice", a.nas4ml, "run", str(exp), "--out", str(run), "--threads", "1"],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for c, p in procs.items():  # CPU time of each campaign process (user + system)
            _, status, usage = os.wait4(p.pid, 0)
            if status != 0:
                raise SystemExit(f"error: {out / (c + str(seed))}: expected a finished campaign, got exit status {status}")
            (out / f"{c}{seed}" / "cpu_seconds").write_text(f"{usage.ru_utime + usage.ru_stime}\n")
        for c in CONFIGS:
            run = out / f"{c}{seed}"
            results[c].append(measure(run) + (float((run / "cpu_seconds").read_text()),))
    off_work = [r[0] for r in results["off"]]
    print(f"magic, population {a.pop} x {a.gens} generations, seeds {a.seeds}")
    print("| configuration | training work / off | process CPU / off | stopped early | HV (accuracy, LUT) |")
    print("|---|---|---|---|---|")
    for c, rs in results.items():
        print(f"| {c} | {summary([r[0] / w for r, w in zip(rs, off_work)], '{:.3f}')} | "
              f"{summary([r[4] / o[4] for r, o in zip(rs, results['off'])], '{:.3f}')} | {summary([r[2] for r in rs], '{:.0f}')} | "
              f"{summary([r[3] for r in rs])} |")


if __name__ == "__main__":
    main()
