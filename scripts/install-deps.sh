#!/usr/bin/env bash
# Installs nas4ml's Debian packages, idempotently: packages already present are skipped,
# nothing is downloaded when everything is there. Works as root; uses sudo otherwise.
#   scripts/install-deps.sh            build + test dependencies, yosys/verilator/iverilog, datasets
#   scripts/install-deps.sh --bench    also the peers the benchmarks compare against
#                                      (PyTorch, pagmo2, Optuna: large, not needed for tests)
#   scripts/install-deps.sh --print    only list what would be installed
set -euo pipefail

PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config git ccache
  # libraries (docs/architecture.md "Dependencies" says what each is for)
  libeigen3-dev libtbb-dev nlohmann-json3-dev libspdlog-dev libfmt-dev libcli11-dev
  libsqlite3-dev zlib1g-dev libssl-dev
  # tests (chromium: the report's rendering test; python3-pandas: docs/store.md's example)
  catch2 chromium python3-pandas
  # the Python module and its tests (docs/python.md, docs/interop.md: python3-onnx checks QONNX files)
  pybind11-dev python3-dev python3-numpy python3-pytest python3-onnx
  # fuzzing the parsers (scripts/fuzz.sh, docs/reliability.md)
  clang-16 libfuzzer-16-dev libclang-rt-16-dev
  # synthesis and simulation
  yosys verilator iverilog
  # cluster campaigns: the mpi executor and its tests (docs/cluster.md)
  openmpi-bin libopenmpi-dev
  # the Slurm test (a one-node Slurm on localhost: scripts/slurm-local.sh)
  slurm-wlm munge
  # the quickstart's data set (full Fashion-MNIST, 70,000 images)
  dataset-fashion-mnist
)

BENCH_PACKAGES=(python3-torch python3-numpy libpagmo-dev python3-optuna hyperfine)
print_only=0
for arg in "$@"; do
  case "$arg" in
    --bench) PACKAGES+=("${BENCH_PACKAGES[@]}") ;;
    --print) print_only=1 ;;
    *) echo "error: install-deps: unknown option, expected --bench or --print, got $arg" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ $print_only -eq 1 ]; then
  printf '%s\n' "${missing[@]}"
  exit 0
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "error: install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 2
  fi
fi
echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: done"
