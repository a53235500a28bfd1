#!/usr/bin/env bash
# Builds the libFuzzer targets for nas4ml's parsers and field readers (tests/fuzz/fuzz_parser.cpp) with clang-16,
# AddressSanitizer and UndefinedBehaviorSanitizer, and runs each for SECONDS (default 10) from
# the seed corpus in tests/fuzz/corpus/<parser>/ (docs/reliability.md).
#   scripts/fuzz.sh [SECONDS] [PARSER...]      e.g. scripts/fuzz.sh 600 npy gzip
# FUZZ_SEED=N fixes libFuzzer's seed (make test uses 1, so a run explores the same inputs in the
# same order on every machine; a slower machine explores a prefix). Default: a random seed.
# Exit 0 when no target found anything; a finding leaves its input in build-fuzz/findings/.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-10}"
shift || true
PARSERS=("$@")
[ ${#PARSERS[@]} -eq 0 ] && PARSERS=(json csv arff npy idx gzip model_spec quantized_model search_space device synthesis_result yosys_stat)
CXX="${FUZZ_CXX:-clang++-16}"
command -v "$CXX" >/dev/null || { echo "error: $CXX not found, expected clang-16 (scripts/install-deps.sh installs it)" >&2; exit 2; }
OUT=build-fuzz
mkdir -p "$OUT/obj" "$OUT/findings"
FLAGS=(-std=c++20 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
       -Iinclude -Isrc -isystem /usr/include/eigen3 -DSPDLOG_FMT_EXTERNAL -DSPDLOG_COMPILED_LIB -DFMT_SHARED -DSPDLOG_SHARED_LIB)
# The readers' library code, compiled once into one archive (only what changed is recompiled;
# each target links only the objects it uses): the core and data modules, and the files of the
# other modules that hold the field readers and what they call.
SOURCES=(src/core/*.cpp src/data/*.cpp
         src/nn/{model_spec_json,quantized_model_json,golden_inference}.cpp src/nn/activation*.cpp
         src/search/genome.cpp src/space/{search_space,operators}.cpp src/estimate/device_model.cpp
         src/synth/{synthesis_result,yosys_backend,process,result_cache}.cpp)
OBJS=()
for src in "${SOURCES[@]}"; do
  obj="$OUT/obj/$(echo "$src" | tr / _).o"
  if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ -n "$(find include -newer "$obj" -name '*.hpp' -print -quit)" ]; then
    "$CXX" "${FLAGS[@]}" -fsanitize=fuzzer-no-link -c "$src" -o "$obj"
  fi
  OBJS+=("$obj")
done
LIB="$OUT/libnas4ml_fuzz.a"
rm -f "$LIB" && ar qc "$LIB" "${OBJS[@]}"
status=0
for p in "${PARSERS[@]}"; do
  P=$(echo "$p" | tr a-z A-Z)
  "$CXX" "${FLAGS[@]}" -fsanitize=fuzzer "-DNAS4ML_FUZZ_$P" tests/fuzz/fuzz_parser.cpp "$LIB" \
    -ltbb -lz -lcrypto -lspdlog -lfmt -lpthread -o "$OUT/fuzz_$p"
  corpus="$OUT/corpus/$p"
  mkdir -p "$corpus"
  cp -n tests/fuzz/corpus/"$p"/* "$corpus"/ 2>/dev/null || true
  echo "fuzzing $p for ${SECONDS_PER_TARGET}s"
  if ! "$OUT/fuzz_$p" "$corpus" -max_total_time="$SECONDS_PER_TARGET" -max_len=65536 -rss_limit_mb=2048 \
       -seed="${FUZZ_SEED:-0}" -timeout=10 -artifact_prefix="$OUT/findings/$p-" -print_final_stats=1 > "$OUT/fuzz_$p.log" 2>&1; then
    echo "error: fuzz target $p found a problem; see $OUT/fuzz_$p.log and $OUT/findings/" >&2
    tail -40 "$OUT/fuzz_$p.log" >&2
    status=1
  else
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$OUT/fuzz_$p.log" | tr '\n' ' '; echo
  fi
done
exit $status
