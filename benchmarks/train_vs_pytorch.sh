#!/bin/sh
# Training throughput against PyTorch in one run: nas4ml's train_throughput (QAT, 6-bit weights, 50%
# pruning masks, batch 1024, validation every epoch) and the same networks, batch and epochs in
# PyTorch (float32, no QAT), on random 16->5 data and on LetterRecognition (same rows for both).
# The machine may be shared: compare the figures of one run as ratios.
#
# Usage (from the repository root): benchmarks/train_vs_pytorch.sh [BUILD]
set -eu
BUILD=${1:-build}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
"$BUILD/benchmarks/train_throughput" --epochs-random 10 --rows-random 65536 --epochs-letter 40
/usr/bin/python3 benchmarks/pytorch_mlp.py --random 65536 --features 16 --classes 5 --epochs 10 --threads 1
/usr/bin/python3 benchmarks/pytorch_mlp.py --random 65536 --features 16 --classes 5 --epochs 10 --threads 2
"$BUILD/benchmarks/export_split" experiments/datasets/letter.json "$TMP/letter" >/dev/null
/usr/bin/python3 benchmarks/pytorch_mlp.py --csv-dir "$TMP/letter" --epochs 40 --threads 1
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
