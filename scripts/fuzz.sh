#!/usr/bin/env bash
# Builds the libFuzzer binary for nas4ml's parsers and field readers (tests/fuzz/fuzz_parser.cpp)
# with clang-16, AddressSanitizer and UndefinedBehaviorSanitizer, and runs each parser's target for
# SECONDS (default 10) from the seed corpus in tests/fuzz/corpus/<parser>/ (docs/reliability.md).
#   scripts/fuzz.sh [SECONDS] [PARSER...]      e.g. scripts/fuzz.sh 600 npy gzip
# FUZZ_SEED=N fixes libFuzzer's seed (make test uses 1, so a run explores the same inputs in the
# same order on every machine; a slower machine explores a prefix). Default: a random seed.
# FUZZ_JOBS=N compiles N files at a time (default: the number of cores). Compiles go through
# ccache when it is installed (paths relative to the tree, so clones share the objects).
# Exit 0 when no target found anything; a finding leaves its input in build-fuzz/findings/.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-10}"
shift || true
PARSERS=("$@")
[ ${#PARSERS[@]} -eq 0 ] && PARSERS=(json csv arff npy idx gzip model_spec quantized_model search_space device synthesis_result yosys_stat)
CXX="${FUZZ_CXX:-clang++-16}"
JOBS="${FUZZ_JOBS:-$(nproc)}"
command -v "$CXX" >/dev/null || { echo "error: $CXX not found, expected clang-16 (scripts/install-deps.sh installs it)" >&2; exit 2; }
OUT=build-fuzz
mkdir -p "$OUT/obj" "$OUT/findings"
FLAGS=(-std=c++20 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
       -Iinclude -Isrc -isystem /usr/include/eigen3 -DSPDLOG_FMT_EXTERNAL -DSPDLOG_COMPILED_LIB -DFMT_SHARED -DSPDLOG_SHARED_LIB
       "-fdebug-prefix-map=$PWD=.")
LAUNCH=()
command -v ccache >/dev/null && LAUNCH=(env "CCACHE_BASEDIR=$PWD" CCACHE_NOHASHDIR=1 ccache)
# The readers' library code, compiled once into one archive (only what changed is recompiled,
# JOBS files at a time; the binary links only the objects it uses): the core and data modules,
# and the files of the other modules that hold the field readers and what they call.
SOURCES=(src/core/*.cpp src/data/*.cpp
         src/nn/{model_spec_json,quantized_model_json,golden_inference}.cpp src/nn/activation*.cpp
         src/search/genome.cpp src/space/{search_space,operators}.cpp src/estimate/device_model.cpp
         src/synth/{synthesis_result,yosys_backend,process,result_cache}.cpp)
compile() {  # source object [extra flags...]: writes the object only when the compiler succeeds
  local src="$1" obj="$2"
  shift 2
  "${LAUNCH[@]}" "$CXX" "${FLAGS[@]}" "$@" -c "$src" -o "$obj.tmp" && mv "$obj.tmp" "$obj"
}
stale() {  # object source: missing, or older than its source or than any project header
  [ ! -f "$1" ] || [ "$2" -nt "$1" ] || [ -n "$(find include src -newer "$1" -name '*.hpp' -print -quit)" ]
}
OBJS=()
for src in "${SOURCES[@]}" tests/fuzz/fuzz_parser.cpp; do
  obj="$OUT/obj/$(echo "$src" | tr / _).o"
  if stale "$obj" "$src"; then
    rm -f "$obj"
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || true; done
    compile "$src" "$obj" -fsanitize=fuzzer-no-link &
  fi
  OBJS+=("$obj")
done
wait || true
for obj in "${OBJS[@]}"; do
  [ -f "$obj" ] || { echo "error: compiling $obj failed (see the compiler's message above)" >&2; exit 1; }
done
LIB="$OUT/libnas4ml_fuzz.a"
rm -f "$LIB" && ar qc "$LIB" "${OBJS[@]:0:${#OBJS[@]}-1}"
"$CXX" "${FLAGS[@]}" -fsanitize=fuzzer "${OBJS[-1]}" "$LIB" -ltbb -lz -lcrypto -lspdlog -lfmt -lpthread -o "$OUT/fuzz_nas4ml"
status=0
for p in "${PARSERS[@]}"; do
  corpus="$OUT/corpus/$p"
  mkdir -p "$corpus"
  cp -n tests/fuzz/corpus/"$p"/* "$corpus"/ 2>/dev/null || true
  echo "fuzzing $p for ${SECONDS_PER_TARGET}s"
  if ! NAS4ML_FUZZ_TARGET="$p" "$OUT/fuzz_nas4ml" "$corpus" -max_total_time="$SECONDS_PER_TARGET" -max_len=65536 \
       -rss_limit_mb=2048 -seed="${FUZZ_SEED:-0}" -timeout=10 -artifact_prefix="$OUT/findings/$p-" \
       -print_final_stats=1 > "$OUT/fuzz_$p.log" 2>&1; then
    echo "error: fuzz target $p found a problem; see $OUT/fuzz_$p.log and $OUT/findings/" >&2
    tail -40 "$OUT/fuzz_$p.log" >&2
    status=1
  else
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$OUT/fuzz_$p.log" | tr '\n' ' '; echo
  fi
done
exit $status
