#!/usr/bin/env bash
# The mpi executor's coordinator cost per evaluation (target: <= 200 us), with workers that return
# every evaluation at once, over 20,000 evaluations (population 100 x 200 generations of
# experiments/magic.json's space, synthesis off), at 2, 4 and 8 oversubscribed ranks.
#   benchmarks/coordinator_cost.sh [--build build] [--work DIR] [--ranks "2 4 8"]
# GENERATIONS=20 in the environment makes a quick 2,000-evaluation trial.
set -euo pipefail
cd "$(dirname "$0")/.."
build=build
work=build/bench-coordinator
ranks="2 4 8"
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --ranks) ranks=$2; shift 2 ;;
    *) echo "error: coordinator_cost.sh: unknown option, expected --build, --work or --ranks, got $1" >&2; exit 2 ;;
  esac
done
[ -x "$build/benchmarks/coordinator_cost" ] || { echo "error: $build/benchmarks/coordinator_cost not built (needs MPI)" >&2; exit 2; }
rm -rf "$work"; mkdir -p "$work"
root=$(pwd)
python3 - "$root" "$work" "${GENERATIONS:-200}" <<'PY'
import json, sys
root, work = sys.argv[1], sys.argv[2]
e = json.load(open(f"{root}/experiments/magic.json"))
e["name"] = "coordinator_cost"
e["dataset"] = f"{root}/experiments/datasets/magic.json"
e["search_space"] = f"{root}/search_spaces/physics_binary.json"
e["search"] = {"algorithm": "nsga2", "population": 100, "generations": int(sys.argv[3])}
e["synthesis"] = {"enabled": False}
json.dump(e, open(f"{work}/experiment.json", "w"), indent=2)
PY
as_root=()
[ "$(id -u)" -eq 0 ] && as_root=(--allow-run-as-root)
echo "coordinator cost per evaluation, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for n in $ranks; do
  printf 'ranks %s: ' "$n"
  mpirun --oversubscribe "${as_root[@]}" -np "$n" "$build/benchmarks/coordinator_cost" "$work/experiment.json" "$work/run$n"
done
