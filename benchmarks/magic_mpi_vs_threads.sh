#!/usr/bin/env bash
# experiments/magic.json (500 candidates, periodic yosys synthesis, emission) on 2 threads against
# `mpirun -np 3` (a coordinator + 2 workers x 1 thread) on this machine: wall times, their ratio
# (target: MPI within 10% of threads) and whether the fronts are identical.
#   benchmarks/magic_mpi_vs_threads.sh [--nas4ml build/nas4ml] [--work DIR] [--no-synthesis]
set -euo pipefail
cd "$(dirname "$0")/.."
nas4ml=build/nas4ml
work=build/bench-magic-mpi
experiment=experiments/magic.json
while [ $# -gt 0 ]; do
  case "$1" in
    --nas4ml) nas4ml=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --no-synthesis) experiment=no-synthesis; shift ;;
    *) echo "error: magic_mpi_vs_threads.sh: unknown option, expected --nas4ml, --work or --no-synthesis, got $1" >&2; exit 2 ;;
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
echo "$experiment on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) at start"
t0=$(date +%s.%N)
"$nas4ml" run "$experiment" --out "$work/threads" --threads 2 > "$work/threads.log" 2>&1
t1=$(date +%s.%N)
mpirun --oversubscribe "${as_root[@]}" -np 3 "$nas4ml" run "$experiment" --out "$work/mpi" --executor mpi --threads 1 \
  > "$work/mpi.log" 2>&1
t2=$(date +%s.%N)
python3 - "$t0" "$t1" "$t2" <<'PY'
import sys
t0, t1, t2 = map(float, sys.argv[1:])
a, b = t1 - t0, t2 - t1
print(f"2 threads: {a:.1f} s; mpirun -np 3 (2 workers x 1 thread): {b:.1f} s; MPI / threads = {b / a:.3f}")
PY
if diff <("$nas4ml" front "$work/threads" --csv) <("$nas4ml" front "$work/mpi" --csv) > /dev/null; then
  echo "fronts: identical"
else
  echo "fronts: DIFFERENT"
fi
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
