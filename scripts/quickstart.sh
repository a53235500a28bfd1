#!/usr/bin/env bash
# The README's `make quickstart`: runs the main job on its embedded default.
# Until campaigns exist (issue 7) the main job is a summary of the default data set.
set -euo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."
exec "$build/nas4ml" data inspect experiments/datasets/fashion_mnist.json
