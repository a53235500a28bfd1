#!/bin/sh
# Knowledge distillation on UCI Letter Recognition: test accuracy of two small students with vs
# without the float teacher of experiments/letter_distill.json, mean over 5 seeds, one run.
# Usage: benchmarks/distillation.sh <LetterRecognition.csv> [build-dir]
set -eu
csv=${1:?usage: benchmarks/distillation.sh <LetterRecognition.csv> [build-dir]}
build=${2:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
cmake --build "$build" --target distill_bench >/dev/null
exec nice "$build/benchmarks/distill_bench" "$root/experiments/letter_distill.json" "$csv" \
  "$root/experiments/models/letter_student_16_16_26.json" \
  "$root/experiments/models/letter_student_16_32_26.json" -- 1 2 3 4 5
