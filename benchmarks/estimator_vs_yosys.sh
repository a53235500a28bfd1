#!/usr/bin/env bash
# estimator_vs_yosys: trains 20 varied MLPs on MAGIC (experiments/data/magic, UCI 159), synthesizes each with
# yosys 0.23 (`nas4ml synth`), checks each bit-exactly with Verilator (`nas4ml sim`, latency in
# cycles against the netlist's), and prints the rtl estimate against synthesis per model, then the
# median and 90th-percentile |error| per resource before and after calibration, the calibration
# fitted on one half and checked on the held-back other half (`nas4ml calibrate --holdout`).
#
#   benchmarks/estimator_vs_yosys.sh [--nas4ml build/nas4ml] [--work DIR] [--models N] [--sharing none|cse]
#
# Results (per-model folders with design.v, yosys.log, result.json) stay in --work
# (default build/estimator_vs_yosys, ignored by git).
# A re-run reads unchanged syntheses from the cache in --work/cache. Time: ~4 s + ~0.07 s per
# nonzero weight per synthesis on an idle core (measured with yosys 0.23, benchmarks/README.md).
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
nas4ml="$here/build/nas4ml"
work="$here/build/estimator_vs_yosys"
max_models=1000
sharing=none
while [ $# -gt 0 ]; do
  case "$1" in
    --nas4ml) nas4ml="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --models) max_models="$2"; shift 2 ;;
    --sharing) sharing="$2"; shift 2 ;;
    *) echo "error: estimator_vs_yosys: unknown option $1 (expected --nas4ml, --work, --models, --sharing)" >&2; exit 2 ;;
  esac
done
[ -x "$nas4ml" ] || { echo "error: $nas4ml is not built (cmake --build build --target nas4ml)" >&2; exit 2; }
data="$here/experiments/datasets/magic.json"
mkdir -p "$work/models" "$work/cache"

# name  hidden widths  weight bits  sparsity  result format of hidden layers
models=(
  "m01 4 3 0.0 ap_fixed<8,4,AP_RND,AP_SAT>"
  "m02 8 4 0.5 ap_fixed<8,4,AP_RND,AP_SAT>"
  "m03 16 6 0.9 ap_fixed<8,4,AP_RND,AP_SAT>"
  "m04 32 8 0.75 ap_fixed<8,4,AP_RND,AP_SAT>"
  "m05 64 3 0.9 ap_fixed<6,3,AP_RND,AP_SAT>"
  "m06 8,8 5 0.3 ap_fixed<8,4,AP_RND,AP_SAT>"
  "m07 16,8 12 0.8 ap_fixed<10,5,AP_RND,AP_SAT>"
  "m08 32,16 4 0.6 ap_fixed<6,3>"
  "m09 4,4 10 0.2 ap_fixed<8,4,AP_RND,AP_SAT>"
  "m10 12 12 0.5 ap_fixed<12,5>"
  "m11 8,8,8 6 0.5 ap_fixed<8,4,AP_RND,AP_SAT>"
  "m12 16,16,8 3 0.7 ap_fixed<6,3,AP_RND,AP_SAT>"
  "m13 24,12 7 0.85 ap_fixed<8,4>"
  "m14 6 9 0.0 ap_fixed<10,4,AP_RND,AP_SAT>"
  "m15 48 5 0.9 ap_fixed<8,4,AP_RND,AP_SAT>"
  "m16 10,10,10 4 0.4 ap_fixed<7,3,AP_RND,AP_SAT>"
  "m17 20 11 0.75 ap_fixed<9,4,AP_RND,AP_SAT>"
  "m18 64,8 3 0.9 ap_fixed<6,3,AP_RND,AP_SAT>"
  "m19 5,5,5 8 0.1 ap_fixed<8,4>"
  "m20 40,20,10 4 0.85 ap_fixed<8,4,AP_RND,AP_SAT>"
)

results=()
count=0
for line in "${models[@]}"; do
  [ $count -ge "$max_models" ] && break
  count=$((count + 1))
  read -r name widths bits sparsity result <<<"$line"
  dir="$work/models/$name"
  mkdir -p "$dir"
  layers=""
  IFS=',' read -ra ws <<<"$widths"
  for w in "${ws[@]}"; do layers+="{\"units\": $w}, "; done
  cat >"$dir/spec.json" <<JSON
{
  "name": "magic_${name}_${widths//,/_}_w${bits}_s${sparsity}",
  "inputs": 10,
  "outputs": 2,
  "input_format": "ap_fixed<8,3,AP_RND,AP_SAT>",
  "defaults": {
    "weight_format": "ap_fixed<${bits},1,AP_RND,AP_SAT>",
    "bias_format": "ap_fixed<8,3,AP_RND,AP_SAT>",
    "result_format": "${result}",
    "sparsity": ${sparsity}
  },
  "layers": [${layers}{"units": 2, "activation": "linear"}],
  "training": {"optimizer": "adam", "learning_rate": 0.005, "batch_size": 256, "epochs": 15,
               "schedule": "cosine", "patience": 5, "prune_rounds": 1}
}
JSON
  "$nas4ml" -q train "$dir/spec.json" --data "$data" --seed 1 --save "$dir/model.q.json" --json >"$dir/train.json"
  "$nas4ml" -q synth "$dir/model.q.json" --out "$dir/synth" --clock-ns 5 --sharing "$sharing" --cache "$work/cache" --json >/dev/null
  "$nas4ml" -q sim "$dir/model.q.json" --data "$data" --samples 1000 --sharing "$sharing" --json >"$dir/sim.json" || true
  results+=("$dir/synth/result.json")
  echo "done $name ($(date +%T))" >&2
done

/usr/bin/python3 - "$work" "${results[@]}" <<'PY'
import json, os, sys
work, files = sys.argv[1], sys.argv[2:]
def pct(values, p):
    v = sorted(values)
    if not v: return 0.0
    r = p / 100 * (len(v) - 1); lo = int(r); hi = min(lo + 1, len(v) - 1)
    return v[lo] + (r - lo) * (v[hi] - v[lo])
rows = []
print(f"{'model':<34} {'LUT syn':>8} {'est':>8} {'err%':>6} {'FF syn':>7} {'est':>7} {'err%':>6} {'SRL':>7} {'DSP':>5} {'BRAM':>5} {'cyc sim/net':>11} {'exact':>6} {'t(s)':>6}")
for f in files:
    r = json.load(open(f)); e = r["estimate"]; m = r["resources"]
    d = os.path.dirname(os.path.dirname(f))
    sim = json.load(open(os.path.join(d, "sim.json"))) if os.path.getsize(os.path.join(d, "sim.json")) else {}
    name = json.load(open(os.path.join(d, "model.q.json")))["name"]
    le = 100 * (e["lut"] - m["lut"]) / m["lut"]; fe = 100 * (e["ff"] - m["ff"]) / m["ff"]
    rows.append((le, fe, e["srl"] == m["srl"], e["dsp"] == m["dsp"], e["bram18"] == m["bram18"],
                 sim.get("latency_cycles") == sim.get("netlist_latency_cycles") == e["latency_cycles"], sim.get("mismatches")))
    print(f"{name:<34} {m['lut']:>8} {e['lut']:>8.0f} {le:>+6.1f} {m['ff']:>7} {e['ff']:>7.0f} {fe:>+6.1f} "
          f"{m['srl']:>3}/{e['srl']:<3.0f} {m['dsp']:>2}/{e['dsp']:<2.0f} {m['bram18']:>2}/{e['bram18']:<2.0f} "
          f"{str(sim.get('latency_cycles'))+'/'+str(sim.get('netlist_latency_cycles')):>11} "
          f"{'yes' if sim.get('mismatches') == 0 else 'NO':>6} {r['wall_seconds']:>6.1f}")
lut = [abs(x[0]) for x in rows]; ff = [abs(x[1]) for x in rows]
print(f"\nuncalibrated rtl estimate, {len(rows)} designs: LUT |error| median {pct(lut,50):.2f}% p90 {pct(lut,90):.2f}%; "
      f"FF median {pct(ff,50):.2f}% p90 {pct(ff,90):.2f}%")
print(f"SRL exact {sum(x[2] for x in rows)}/{len(rows)}, DSP exact {sum(x[3] for x in rows)}/{len(rows)}, "
      f"BRAM18 exact {sum(x[4] for x in rows)}/{len(rows)}, latency sim == netlist == estimate {sum(x[5] for x in rows)}/{len(rows)}, "
      f"bit-exact simulations {sum(1 for x in rows if x[6] == 0)}/{len(rows)}")
PY
echo
"$nas4ml" -q calibrate "${results[@]}" --device xcvu9p --holdout
