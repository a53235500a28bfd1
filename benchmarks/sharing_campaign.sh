#!/usr/bin/env bash
# sharing_campaign: the MAGIC campaign of experiments/magic.json run twice with the same seed and
# budget, once with "hardware.sharing": "none" and once with "cse" (docs/netlist.md "Shared
# subexpressions"), and the smallest front LUT reached at fixed accuracy levels (validation
# accuracy, the campaign's objective) by each, with the campaign's CPU time (user + system of the
# nas4ml process, from /usr/bin/time) and the estimation time summed from the store.
#
#   benchmarks/sharing_campaign.sh [--nas4ml build/nas4ml] [--work DIR] [--population P]
#                                  [--generations G] [--threads T] [--synthesis] [--summary-only]
#
# Defaults: population 20, generations 5 (100 candidates), 1 thread, periodic synthesis off (the
# front's LUT is then the rtl estimate). Both campaigns run at the same time, side by side.
# --summary-only prints the table again from the runs in --work.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
nas4ml=$root/build/nas4ml
work=$root/build/sharing_campaign
population=20
generations=5
threads=1
synthesis=0
summary_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --nas4ml) nas4ml=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --population) population=$2; shift 2 ;;
    --generations) generations=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --synthesis) synthesis=1; shift ;;
    --summary-only) summary_only=1; shift ;;
    *) echo "error: sharing_campaign.sh: unknown option, expected --nas4ml, --work, --population, --generations, --threads, --synthesis or --summary-only, got $1" >&2; exit 2 ;;
  esac
done
[ -x "$nas4ml" ] || { echo "error: $nas4ml is not built (cmake --build build --target nas4ml)" >&2; exit 2; }

summary() {
  /usr/bin/python3 - "$work" <<'PY'
import csv, json, sys
work = sys.argv[1]
levels = [0.85, 0.86, 0.87]
rows = {}
for s in ["none", "cse"]:
    front = json.load(open(f"{work}/{s}.front.json"))
    u, sy, wall = map(float, open(f"{work}/{s}.time").read().split())
    evals = list(csv.DictReader(open(f"{work}/{s}.export.csv")))
    est = sum(float(e["estimate_seconds"] or 0) for e in evals)
    best = []
    for a in levels:
        ok = [(c["lut"], c["latency_ns"]) for c in front if (c.get("accuracy") or 0) >= a]
        best.append(min(ok) if ok else None)
    rows[s] = (best, u + sy, wall, len(front), len(evals), est)
print("| sharing | evaluations | front size | " + " | ".join(f"min LUT (latency) at acc >= {a}" for a in levels)
      + " | CPU s | wall s | estimation s (sum) |")
print("|---|---|---|" + "---|" * len(levels) + "---|---|---|")
for s, (best, cpu, wall, n, ne, est) in rows.items():
    cells = " | ".join("-" if b is None else f"{b[0]:.0f} ({b[1]:.0f} ns)" for b in best)
    print(f"| {s} | {ne} | {n} | {cells} | {cpu:.1f} | {wall:.0f} | {est:.2f} |")
for i, a in enumerate(levels):
    n, c = rows["none"][0][i], rows["cse"][0][i]
    if n and c:
        n, c = n[0], c[0]
        print(f"acc >= {a}: cse/none LUT = {c / n:.3f} ({100 * (c / n - 1):+.1f}%)")
print(f"CPU time cse/none = {rows['cse'][1] / rows['none'][1]:.2f}; "
      f"estimation time cse/none = {rows['cse'][5] / max(rows['none'][5], 1e-9):.2f}")
PY
}
# The same networks priced both ways: every candidate on the `none` campaign's front (its emitted
# model.q.json) estimated again with --sharing cse, to separate the lowering's effect from the
# searches' different paths.
reprice() {
  /usr/bin/python3 - "$work" "$nas4ml" <<'PY'
import json, statistics, subprocess, sys
work, nas4ml = sys.argv[1], sys.argv[2]
front = json.load(open(f"{work}/none.front.json"))
lut, ff, lat_same, n = [], [], 0, 0
for c in front:
    model = f"{work}/none/firmware/{c['id']}/model.q.json"
    e = {s: json.loads(subprocess.run([nas4ml, "estimate", model, "--sharing", s, "--json"], check=True,
                                      capture_output=True, text=True).stdout) for s in ["none", "cse"]}
    a, b = e["none"], e["cse"]
    if a["lut"] == 0:
        continue
    n += 1
    lut.append(100 * (b["lut"] / a["lut"] - 1)); ff.append(100 * (b["ff"] / a["ff"] - 1) if a["ff"] else 0.0)
    lat_same += a["latency_cycles"] == b["latency_cycles"]
print(f"none front re-estimated with cse ({n} candidates with logic): LUT change median {statistics.median(lut):+.1f}% "
      f"(range {min(lut):+.1f}% to {max(lut):+.1f}%), FF change median {statistics.median(ff):+.1f}% "
      f"(range {min(ff):+.1f}% to {max(ff):+.1f}%), equal latency in {lat_same} of {n}")
PY
}
if [ $summary_only = 1 ]; then summary; reprice; exit 0; fi
[ -f experiments/data/magic/magic04.data.gz ] || { echo "error: experiments/data/magic/magic04.data.gz not found (the MAGIC data set)" >&2; exit 2; }
rm -rf "$work"; mkdir -p "$work"

for sharing in none cse; do
  /usr/bin/python3 - "$root" "$work" "$sharing" "$population" "$generations" "$synthesis" <<'PY'
import json, sys
root, work, sharing, pop, gens, synth = sys.argv[1:7]
e = json.load(open(f"{root}/experiments/magic.json"))
e["name"] = f"magic_{sharing}"
e["dataset"] = f"{root}/experiments/datasets/magic.json"
e["search_space"] = f"{root}/search_spaces/physics_binary.json"
e["hardware"]["sharing"] = sharing
e["search"]["population"] = int(pop)
e["search"]["generations"] = int(gens)
if synth != "1":
    e["synthesis"] = {"enabled": False}
json.dump(e, open(f"{work}/magic_{sharing}.json", "w"), indent=2)
PY
done

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "budget: population $population x $generations generations, $threads thread(s), synthesis $([ $synthesis = 1 ] && echo on || echo off), seed $(/usr/bin/python3 -c "import json;print(json.load(open('experiments/magic.json'))['seed'])")"
for sharing in none cse; do  # side by side, so both see the same host load
  /usr/bin/time -f "%U %S %e" -o "$work/$sharing.time" \
    nice "$nas4ml" -q run "$work/magic_$sharing.json" --out "$work/$sharing" --threads "$threads" > "$work/$sharing.out" &
done
wait
for sharing in none cse; do
  "$nas4ml" front "$work/$sharing" --json > "$work/$sharing.front.json"
  "$nas4ml" export "$work/$sharing" --csv > "$work/$sharing.export.csv"
done
summary
reprice
