#!/usr/bin/env bash
# Campaign benchmark: the 500-candidate campaign of experiments/magic.json (50 x 10 generations,
# periodic yosys synthesis, emission with synthesis and Verilator simulation) on this machine,
# and the speed-up of the search from 1 to 2 threads (the same campaign without synthesis, which
# runs in its own background thread whatever --threads says).
#   benchmarks/campaign_magic.sh [--nas4ml build/nas4ml] [--work DIR]
# Prints wall times and where the time went (from the campaign store), and the final front.
set -euo pipefail
cd "$(dirname "$0")/.."
nas4ml=build/nas4ml
work=build/bench-campaign
while [ $# -gt 0 ]; do
  case "$1" in
    --nas4ml) nas4ml=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    *) echo "error: campaign_magic.sh: unknown option, expected --nas4ml or --work, got $1" >&2; exit 2 ;;
  esac
done
[ -f experiments/data/magic/magic04.data.gz ] || { echo "error: experiments/data/magic/magic04.data.gz not found (the MAGIC data set; run from the repository root)" >&2; exit 2; }
rm -rf "$work"; mkdir -p "$work"
root=$(pwd)

# The same experiment without synthesis, for the thread speed-up.
python3 - "$root" "$work" <<'PY'
import json, sys
root, work = sys.argv[1], sys.argv[2]
e = json.load(open(f"{root}/experiments/magic.json"))
e["name"] = "magic_nosynth"
e["dataset"] = f"{root}/experiments/datasets/magic.json"
e["search_space"] = f"{root}/search_spaces/physics_binary.json"
e["synthesis"] = {"enabled": False}
json.dump(e, open(f"{work}/magic_nosynth.json", "w"), indent=2)
PY

summary() {  # where the time went, from the store
  python3 - "$1" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(f"{sys.argv[1]}/campaign.sqlite")
n, failed, train, est = db.execute(
    "select count(*), sum(status != 'ok'), sum(train_seconds), sum(estimate_seconds) from evaluations").fetchone()
print(f"  evaluations {n} ({failed} failed); training {train:.1f} s and estimation {est:.2f} s summed over candidates")
runs = db.execute("select status, result from synthesis_runs").fetchall()
wall = sum(json.loads(r)["wall_seconds"] for s, r in runs if s == "ok")
print(f"  synthesis runs {len(runs)} ({sum(s != 'ok' for s, _ in runs)} failed/timed out), yosys wall {wall:.1f} s")
PY
}

run() {  # name experiment threads
  local t0 t1
  t0=$(date +%s.%N)
  "$nas4ml" -q run "$2" --out "$work/$1" --threads "$3" > "$work/$1.out"
  t1=$(date +%s.%N)
  python3 -c "print(f'{$t1 - $t0:.1f}')"
}

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== magic.json, 2 threads, synthesis as configured"
t_full=$(run full experiments/magic.json 2)
echo "  wall ${t_full} s"
summary "$work/full"
echo "== search without synthesis: 1 thread vs 2 threads"
t1=$(run nosynth1 "$work/magic_nosynth.json" 1)
t2=$(run nosynth2 "$work/magic_nosynth.json" 2)
python3 -c "print(f'  1 thread {$t1} s, 2 threads {$t2} s: speed-up {$t1 / $t2:.2f}x')"
if cmp -s <("$nas4ml" front "$work/nosynth1" --csv) <("$nas4ml" front "$work/nosynth2" --csv); then
  echo "  fronts identical with 1 and 2 threads"
else
  echo "  FRONTS DIFFER between 1 and 2 threads"; exit 1
fi
echo "== final front of magic.json"
"$nas4ml" front "$work/full"
