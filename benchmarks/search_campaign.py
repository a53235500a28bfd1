#!/usr/bin/python3
"""Search settings on a real campaign, side by side with today's default search.

Writes reduced copies of experiments/<experiment>.json (population and generations from the
command line, a share of the generations for the "-half", "-two-fifths" and "-third" configurations, synthesis off, one thread per campaign) in the configurations named on the command
line (default: all of CONFIGS), runs them at once for each seed, and reports per configuration
(median [min, max] over seeds): the training work (epochs run x parameters) and the CPU time of the
campaign process (user + system; the configurations of a seed run side by side, so a loaded host
slows them alike) as fractions of "default", and the hypervolume of every feasible finished
candidate in the (accuracy, LUT) plane with the fixed reference of multi_fidelity_campaign.py,
also as a ratio to "default" of the same seed.
Usage: benchmarks/search_campaign.py BUILD/nas4ml OUTDIR [--experiment magic|higgs] [--pop 50]
       [--gens 10] [--seeds 1 2 3] [--configs default inherit-e3 ...]
"smsemoa" and "nsga3" change only search.algorithm (the survival kind) against "default" (nsga2);
"smsemoa-inherit" and "nsga3-inherit" compare with "inherit" (nsga2 with weight inheritance).
"""
import argparse
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from multi_fidelity_campaign import LUT_BOUND, ROOT, hypervolume_2d, summary  # noqa: E402

# name -> (keys added to "search", training.max_epochs or None, share of the generations);
# "search.algorithm" is nsga2 unless the keys name another survival kind
INHERIT = {"inherit_weights": True}
DE = {"operator": "differential"}
CONFIGS = {
    "default": ({}, None, 1.0),
    "inherit": (INHERIT, None, 1.0),
    "inherit-e3": (INHERIT, 3, 1.0),
    "inherit-e5": (INHERIT, 5, 1.0),
    "inherit-half": (INHERIT, None, 0.5),
    "inherit-e5-half": (INHERIT, 5, 0.5),
    "differential": (DE, None, 1.0),
    "differential-half": (DE, None, 0.5),
    "differential-inherit": ({**DE, **INHERIT}, None, 1.0),
    "differential-inherit-half": ({**DE, **INHERIT}, None, 0.5),
    "differential-inherit-e5": ({**DE, **INHERIT}, 5, 1.0),
    "inherit-third": (INHERIT, None, 0.3),
    "differential-inherit-third": ({**DE, **INHERIT}, None, 0.3),
    "inherit-two-fifths": (INHERIT, None, 0.4),
    "differential-inherit-two-fifths": ({**DE, **INHERIT}, None, 0.4),
    "differential-clamp-inherit": ({**DE, "differential": {"bounds": "clamp"}, **INHERIT}, None, 1.0),
    "differential-clamp-inherit-half": ({**DE, "differential": {"bounds": "clamp"}, **INHERIT}, None, 0.5),
    "smsemoa": ({"algorithm": "smsemoa"}, None, 1.0),
    "nsga3": ({"algorithm": "nsga3"}, None, 1.0),
    "smsemoa-inherit": ({"algorithm": "smsemoa", **INHERIT}, None, 1.0),
    "nsga3-inherit": ({"algorithm": "nsga3", **INHERIT}, None, 1.0),
}


def write_experiment(out, experiment, name, seed, pop, gens, config):
    keys, max_epochs, share = CONFIGS[config]
    gens = max(1, round(gens * share))
    e = json.loads((ROOT / f"experiments/{experiment}.json").read_text())
    e["dataset"] = str(ROOT / f"experiments/datasets/{experiment}.json")
    e["search_space"] = str(ROOT / "search_spaces/physics_binary.json")
    e["search"] = {"algorithm": "nsga2", "population": pop, "generations": gens, **keys}  # keys may set algorithm
    if max_epochs:
        e["training"]["max_epochs"] = max_epochs
    e["synthesis"] = {"enabled": False}
    e["seed"], e["threads"], e["name"] = seed, 1, name
    path = out / f"{name}.json"
    path.write_text(json.dumps(e, indent=1))
    return path


def features(experiment):
    d = json.loads((ROOT / f"experiments/datasets/{experiment}.json").read_text())
    return {"magic": 10, "higgs": 28}[d["name"]]


def measure(run_dir, n_features):
    db = sqlite3.connect(run_dir / "campaign.sqlite")
    work, points = 0.0, []
    for status, spec, metrics, est, violation in db.execute(
            "SELECT status, model_spec, metrics, estimates, violation FROM evaluations"):
        if metrics is None or spec is None:
            continue
        m, s = json.loads(metrics), json.loads(spec)
        if not m:
            continue
        n_in, params = n_features, 0
        for layer in s["layers"]:
            params += (n_in + 1) * layer["units"]
            n_in = layer["units"]
        work += m["epochs_run"] * params
        if status == "ok" and violation == 0:
            points.append(((1 - m["validation"]["accuracy"]) / 0.5, json.loads(est)["lut"] / LUT_BOUND))
    return work, hypervolume_2d(points)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("nas4ml")
    ap.add_argument("out")
    ap.add_argument("--experiment", default="magic", choices=["magic", "higgs"])
    ap.add_argument("--pop", type=int, default=50)
    ap.add_argument("--gens", type=int, default=10)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--configs", nargs="+", default=list(CONFIGS), choices=list(CONFIGS))
    a = ap.parse_args()
    configs = ["default"] + [c for c in a.configs if c != "default"]
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    results = {c: [] for c in configs}
    for seed in a.seeds:
        procs = {}
        for c in configs:
            exp = write_experiment(out, a.experiment, f"{c}-{seed}", seed, a.pop, a.gens, c)
            run = out / f"{c}-{seed}"
            if not (run / "cpu_seconds").exists():
                procs[c] = subprocess.Popen(["nice", a.nas4ml, "run", str(exp), "--out", str(run), "--threads", "1"],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for c, p in procs.items():  # CPU time of each campaign process (user + system)
            _, status, usage = os.wait4(p.pid, 0)
            if status != 0:
                raise SystemExit(f"error: {out / f'{c}-{seed}'}: expected a finished campaign, got exit status {status}")
            (out / f"{c}-{seed}" / "cpu_seconds").write_text(f"{usage.ru_utime + usage.ru_stime}\n")
        for c in configs:
            run = out / f"{c}-{seed}"
            work, hv = measure(run, features(a.experiment))
            results[c].append((work, float((run / "cpu_seconds").read_text()), hv))
    base = results["default"]
    print(f"{a.experiment}, population {a.pop} x {a.gens} generations, seeds {a.seeds}")
    print("| configuration | training work / default | process CPU / default | HV (accuracy, LUT) | HV / default |")
    print("|---|---|---|---|---|")
    for c, rs in results.items():
        print(f"| {c} | {summary([r[0] / o[0] for r, o in zip(rs, base)], '{:.3f}')} | "
              f"{summary([r[1] / o[1] for r, o in zip(rs, base)], '{:.3f}')} | "
              f"{summary([r[2] for r in rs])} | {summary([r[2] / o[2] for r, o in zip(rs, base)])} |")
    print("per seed HV:", {c: [round(r[2], 4) for r in rs] for c, rs in results.items()})
    print("per seed CPU s:", {c: [round(r[1], 1) for r in rs] for c, rs in results.items()})


if __name__ == "__main__":
    main()
