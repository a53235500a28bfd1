#!/bin/sh
# Variational autoencoders deployed encoder-only (score = sum of mu^2 of the latent means), side
# by side with a float32 PyTorch VAE of the same shape trained on the very same prepared rows
# (task_bench writes them): Shuttle (experiments/vae_shuttle.json, encoder 9-16-8-3, 8-bit
# weights) and MAGIC (a copy of it pointed at MAGIC with gammas as background). nas4ml's figures
# are those of the integer model, i.e. of the firmware's score (bit-exact, tests/synth).
#
# Usage (from the repository root, after building BUILD, default build):
#   nice benchmarks/vae_vs_pytorch.sh [BUILD] [SEEDS] [BETA]
set -eu
BUILD=${1:-build}
SEEDS=${2:-"1 2 3"}
BETA=${3:-1.0}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# The experiments with the chosen beta (and MAGIC's data set and background), written next to the
# originals' folders so that their relative paths hold.
sed "s/\"beta\": [0-9.e-]*/\"beta\": $BETA/" experiments/vae_shuttle.json > experiments/.vae_shuttle_bench.json
sed -e "s/\"beta\": [0-9.e-]*/\"beta\": $BETA/" -e 's#datasets/shuttle.json#datasets/magic.json#' \
    -e 's/"Rad.Flow"/"g"/' -e 's#vae_shuttle.json#vae_magic.json#' experiments/vae_shuttle.json > experiments/.vae_magic_bench.json
trap 'rm -rf "$TMP" experiments/.vae_shuttle_bench.json experiments/.vae_magic_bench.json' EXIT
run() {  # name experiment model hidden epochs
  echo "== $1 (beta $BETA)"
  "$BUILD/benchmarks/task_bench" "experiments/$2" "experiments/models/$3" "$TMP/$1" $SEEDS | sed 's/^/nas4ml  /'
  for seed in $SEEDS; do
    printf 'pytorch (nas4ml init) '
    /usr/bin/python3 benchmarks/pytorch_task.py --dir "$TMP/$1" --task vae --hidden "$4" --epochs "$5" \
      --latent 3 --beta "$BETA" --init nas4ml --seed "$seed"
  done
}
run shuttle_vae .vae_shuttle_bench.json shuttle_vae_9_16_8_3.json 16,8 20
run magic_vae .vae_magic_bench.json magic_vae_10_16_8_3.json 16,8 20
