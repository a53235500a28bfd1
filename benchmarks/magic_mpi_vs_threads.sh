#!/usr/bin/env bash
# experiments/magic.json (500 candidates, periodic yosys synthesis, emission) on 2 threads against
# `mpirun -np 3` (a coordinator + 2 workers x 1 thread) on this machine: wall times, their ratio
# (target: MPI within 10% of threads) and whether the fronts are identical.
#   benchmarks/magic_mpi_vs_threads.sh [--nas4ml build/nas4ml] [--work DIR] [--no-synthesis] [--pairs N]
# With --pairs N (default 1) the two runs are repeated N times, alternating which goes first so a
# load that drifts during the benchmark favours neither; the median of the N ratios is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
nas4ml=build/nas4ml
work=build/bench-magic-mpi
experiment=experiments/magic.json
pairs=1
while [ $# -gt 0 ]; do
  case "$1" in
    --nas4ml) nas4ml=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --no-synthesis) experiment=no-synthesis; shift ;;
    --pairs) pairs=$2; shift 2 ;;
    *) echo "error: magic_mpi_vs_threads.sh: unknown option, expected --nas4ml, --work, --no-synthesis or --pairs, got $1" >&2; exit 2 ;;
  esac
done
rm -rf "$work"; mkdir -p "$work"
if [ "$experiment" = no-synthesis ]; then
  python3 - "$(pwd)" "$work" <<'PY'
import json, sys
root, work = sys.argv[1], sys.argv[2]
e = json.load(open(f"{root}/experiments/magic.json"))
e["name"] = "magic_nosynth"
e["dataset"] = f"{root}/experiments/datasets/magic.json"
e["search_space"] = f"{root}/search_spaces/physics_binary.json"
e["synthesis"] = {"enabled": False}
json.dump(e, open(f"{work}/magic_nosynth.json", "w"), indent=2)
PY
  experiment=$work/magic_nosynth.json
fi
as_root=()
[ "$(id -u)" -eq 0 ] && as_root=(--allow-run-as-root)
case "$pairs" in ''|*[!0-9]*|0) echo "error: magic_mpi_vs_threads.sh: --pairs: expected a positive integer, got $pairs" >&2; exit 2 ;; esac
echo "$experiment on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) at start"
run_threads() { rm -rf "$work/threads"; "$nas4ml" run "$experiment" --out "$work/threads" --threads 2 > "$work/threads.log" 2>&1; }
run_mpi() {
  rm -rf "$work/mpi"
  mpirun --oversubscribe "${as_root[@]}" -np 3 "$nas4ml" run "$experiment" --out "$work/mpi" --executor mpi --threads 1 \
    > "$work/mpi.log" 2>&1
}
seconds() { local t0; t0=$(date +%s.%N); "$@"; python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$t0" "$(date +%s.%N)"; }
ratios=()
for ((i = 1; i <= pairs; i++)); do
  if ((i % 2)); then a=$(seconds run_threads); b=$(seconds run_mpi); else b=$(seconds run_mpi); a=$(seconds run_threads); fi
  r=$(python3 -c "import sys; print(f'{float(sys.argv[2]) / float(sys.argv[1]):.3f}')" "$a" "$b")
  ratios+=("$r")
  echo "pair $i: 2 threads: $a s; mpirun -np 3 (2 workers x 1 thread): $b s; MPI / threads = $r"
  if diff <("$nas4ml" front "$work/threads" --csv) <("$nas4ml" front "$work/mpi" --csv) > /dev/null; then
    echo "  fronts: identical"
  else
    echo "  fronts: DIFFERENT"
  fi
done
python3 -c "import statistics, sys; print(f'median MPI / threads over {len(sys.argv) - 1} pairs: {statistics.median(map(float, sys.argv[1:])):.3f}')" "${ratios[@]}"
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
