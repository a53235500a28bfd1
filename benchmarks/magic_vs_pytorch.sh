#!/bin/sh
# MAGIC: nas4ml's 10-32-32-2 network with 8-bit formats and 50% sparsity (integer model, test
# accuracy bit-exact with the firmware) against the same network in float32 PyTorch, both trained
# on the very same rows (export_split writes nas4ml's split for PyTorch). The target is test
# accuracy within 1% of PyTorch.
#
# Usage (from the repository root, after building build dir BUILD, default build):
#   benchmarks/magic_vs_pytorch.sh [BUILD] [SEEDS]
set -eu
BUILD=${1:-build}
SEEDS=${2:-"1 2 3"}
SPEC=experiments/models/magic_10_32_32_2.json
DATA=experiments/datasets/magic.json
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
"$BUILD/benchmarks/export_split" "$DATA" "$TMP/magic"
for seed in $SEEDS; do
  ours=$("$BUILD/nas4ml" -q train "$SPEC" --data "$DATA" --seed "$seed" --json |
         /usr/bin/python3 -c 'import json,sys; print("%.4f" % json.load(sys.stdin)["metrics"]["test"]["accuracy"])')
  theirs=$(/usr/bin/python3 benchmarks/pytorch_mlp.py --csv-dir "$TMP/magic" --hidden 32,32 --batch 256 \
           --epochs 40 --lr 0.005 --seed "$seed")
  echo "seed $seed: nas4ml 8-bit 50%-pruned integer model test accuracy $ours | $theirs"
done
