#!/bin/sh
# Regression and anomaly detection, side by side with float32 PyTorch networks of the same shape
# trained on the very same prepared rows (task_bench writes them):
# - HIGGS m_bb regression (experiments/higgs_mass.json, model 21-32-16-1, 8-bit weights): the
#   resolution of nas4ml's integer model against PyTorch's float one (target: within 5%);
# - autoencoders on Shuttle and MAGIC (9-6-3-6-9 and 10-6-3-6-10, 8-bit weights): AUC and TPR at
#   fixed FPR of the firmware's fixed-point anomaly score against the float score (target: AUC
#   within 0.01).
#
# Usage (from the repository root, after building build dir BUILD, default build):
#   nice benchmarks/tasks_vs_pytorch.sh [BUILD] [SEEDS]
# Environment: NAS4ML_INIT=uniform_fan_in trains nas4ml with that training.init (a copy of each
# model spec with the key set; default: the spec's own, "he"); PYTORCH_INITS lists PyTorch's
# initializations to run (default "pytorch nas4ml").
set -eu
BUILD=${1:-build}
SEEDS=${2:-"1 2 3"}
NAS4ML_INIT=${NAS4ML_INIT:-}
PYTORCH_INITS=${PYTORCH_INITS:-"pytorch nas4ml"}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
run() {  # name experiment model task hidden epochs
  echo "== $1"
  model="experiments/models/$3"
  if [ -n "$NAS4ML_INIT" ]; then
    /usr/bin/python3 -c 'import json, sys
m = json.load(open(sys.argv[1])); m.setdefault("training", {})["init"] = sys.argv[2]
json.dump(m, open(sys.argv[3], "w"), indent=1)' "$model" "$NAS4ML_INIT" "$TMP/$3"
    model="$TMP/$3"
  fi
  echo "nas4ml init: ${NAS4ML_INIT:-he}"
  "$BUILD/benchmarks/task_bench" "experiments/$2" "$model" "$TMP/$1" $SEEDS | sed 's/^/nas4ml  /'
  units=""
  if [ -f "$TMP/$1/units.txt" ]; then
    set -- "$@" $(cat "$TMP/$1/units.txt")
    units="--offset $7 --scale $8"
  fi
  for init in $PYTORCH_INITS; do
    for seed in $SEEDS; do
      printf 'pytorch (%s init) ' "$init"
      /usr/bin/python3 benchmarks/pytorch_task.py --dir "$TMP/$1" --task "$4" --hidden "$5" --epochs "$6" $units \
        --init "$init" --seed "$seed"
    done
  done
}
run higgs_mass higgs_mass.json higgs_mass_21_32_16_1.json regression 32,16 30
run shuttle_ae shuttle_ae.json shuttle_ae_9_6_3_6_9.json autoencoder 6,3,6 20
run magic_ae magic_ae.json magic_ae_10_6_3_6_10.json autoencoder 6,3,6 20
