#!/usr/bin/env bash
# sharing_physics_binary: random samples of search_spaces/physics_binary.json (`nas4ml space
# sample`, fixed seed), each trained on MAGIC (experiments/data/magic, UCI 159) with its own
# training genes (`nas4ml train`, seed 1), then lowered with "sharing": "none" and "cse"
# (docs/netlist.md "Shared subexpressions") and synthesized by yosys 0.23 (`nas4ml synth
# --backend yosys`, 5 ns). Prints per sample the yosys LUT and FF, the latency in cycles and the
# rtl estimate beside yosys for both lowerings, then the median LUT reduction and FF change.
#
#   benchmarks/sharing_physics_binary.sh [--nas4ml build/nas4ml] [--work DIR] [--samples N]
#                                        [--seed S] [--jobs J] [--sharing-effort E] [--summary-only]
#
# Defaults: 8 samples, seed 17, 1 yosys job at a time, the `cse` runs at sharing effort 1 (the
# search's pricing; 8 is what `nas4ml emit` writes, docs/config.md `emit_sharing_effort`). Per-run folders (design.v, yosys.log,
# result.json) stay in --work (default build/sharing_physics_binary); a re-run reads unchanged
# syntheses from --work/cache. --summary-only prints the table of the runs finished so far.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
nas4ml=$root/build/nas4ml
work=$root/build/sharing_physics_binary
samples=8
seed=17
jobs=1
effort=1
summary_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --nas4ml) nas4ml=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --samples) samples=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --sharing-effort) effort=$2; shift 2 ;;
    --summary-only) summary_only=1; shift ;;
    *) echo "error: sharing_physics_binary.sh: unknown option, expected --nas4ml, --work, --samples, --seed, --jobs, --sharing-effort or --summary-only, got $1" >&2; exit 2 ;;
  esac
done
[ -x "$nas4ml" ] || { echo "error: $nas4ml is not built (cmake --build build --target nas4ml)" >&2; exit 2; }
mkdir -p "$work/cache"
work=$(cd "$work" && pwd)  # synth --out must be absolute

summary() {
  /usr/bin/python3 - "$work" "$samples" <<'PY'
import json, os, statistics, sys
work, n = sys.argv[1], int(sys.argv[2])
def load(i, s):
    p = f"{work}/s{i}/{s}.json"
    try:
        return json.load(open(p))
    except (OSError, ValueError):
        return None
print("| sample | architecture | none LUT (est) | cse LUT (est) | LUT change | none FF (est) | cse FF (est) | FF change | latency none / cse |")
print("|---|---|---|---|---|---|---|---|---|")
lut_red, ff_chg, equal_lat = [], [], 0
for i in range(n):
    arch = open(f"{work}/s{i}/arch.txt").read().strip() if os.path.exists(f"{work}/s{i}/arch.txt") else "?"
    a, b = load(i, "none"), load(i, "cse")
    if not a or not b:
        print(f"| {i} | {arch} | not finished |||||||")
        continue
    ra, rb, ea, eb = a["resources"], b["resources"], a["estimate"], b["estimate"]
    if ra["lut"] == 0 and rb["lut"] == 0:  # training left a constant network: nothing to share
        print(f"| {i} | {arch} | 0 | 0 | constant network, not in the medians | {ra['ff']} | {rb['ff']} | | "
              f"{ea['latency_cycles']} / {eb['latency_cycles']} |")
        continue
    dl = 100 * (rb["lut"] / ra["lut"] - 1) if ra["lut"] else 0.0
    df = 100 * (rb["ff"] / ra["ff"] - 1) if ra["ff"] else 0.0
    lut_red.append(-dl); ff_chg.append(df)
    la, lb = ea["latency_cycles"], eb["latency_cycles"]
    equal_lat += la == lb
    print(f"| {i} | {arch} | {ra['lut']} ({ea['lut']:.0f}) | {rb['lut']} ({eb['lut']:.0f}) | {dl:+.1f}% "
          f"| {ra['ff']} ({ea['ff']:.0f}) | {rb['ff']} ({eb['ff']:.0f}) | {df:+.1f}% | {la} / {lb} |")
if lut_red:
    print(f"\n{len(lut_red)} samples with logic of {n}: median LUT reduction {statistics.median(lut_red):.1f}%, "
          f"median FF change {statistics.median(ff_chg):+.1f}%, equal latency in {equal_lat} of {len(lut_red)}")
PY
}
if [ $summary_only = 1 ]; then summary; exit 0; fi
[ -f experiments/data/magic/magic04.data.gz ] || { echo "error: experiments/data/magic/magic04.data.gz not found (the MAGIC data set)" >&2; exit 2; }

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $samples samples of physics_binary.json, seed $seed, cse at sharing effort $effort"
"$nas4ml" space sample search_spaces/physics_binary.json --n "$samples" --seed "$seed" > "$work/samples.txt"
"$nas4ml" space sample search_spaces/physics_binary.json --n "$samples" --seed "$seed" --json > "$work/samples.json"
# Each sample's spec: the decoded model with MAGIC's 10 inputs and 2 classes.
/usr/bin/python3 - "$work" <<'PY'
import json, os, sys
work = sys.argv[1]
specs = json.load(open(f"{work}/samples.json"))
lines = open(f"{work}/samples.txt").read().splitlines()
for i, s in enumerate(specs):
    os.makedirs(f"{work}/s{i}", exist_ok=True)
    s.pop("genome", None); s.pop("n_inputs", None)
    s["inputs"], s["outputs"] = 10, 2
    json.dump(s, open(f"{work}/s{i}/spec.json", "w"), indent=1)
    open(f"{work}/s{i}/arch.txt", "w").write(lines[i].split("?", 1)[1].split("|")[0].strip() + "\n")
PY
for ((i = 0; i < samples; i++)); do
  "$nas4ml" train "$work/s$i/spec.json" --data experiments/datasets/magic.json --seed 1 \
    --save "$work/s$i/model.q.json" > "$work/s$i/train.txt" 2>&1
done
synth_one() {  # sample sharing
  nice "$nas4ml" synth "$work/s$1/model.q.json" --backend yosys --sharing "$2" --sharing-effort "$effort" --clock-ns 5 \
    --out "$work/s$1/$2" --cache "$work/cache" --json > "$work/s$1/$2.tmp" 2> "$work/s$1/$2.err" \
    && mv "$work/s$1/$2.tmp" "$work/s$1/$2.json"
}
export -f synth_one; export nas4ml work effort
for ((i = 0; i < samples; i++)); do echo "$i none"; echo "$i cse"; done \
  | xargs -P "$jobs" -L 1 bash -c 'synth_one $0 $1 || echo "sample $0 $1: synthesis failed (see $work/s$0/$1.err)" >&2'
summary
