#!/usr/bin/env bash
# The README's `make quickstart`: runs the main job on its embedded default, the campaign
# experiments/quickstart.json (Fashion-MNIST from Debian, pooled to 7x7; a small search with real
# yosys synthesis of a few winners), into runs/quickstart. Running it again continues or re-emits
# that campaign (`nas4ml resume`) instead of starting over. Then the winners are emitted again with
# their Verilog simulated (Verilator) and their HLS projects C-simulated (g++ with Xilinx's ap_types
# headers, docs/firmware.md), each bit-exact against the golden model (see their report.md).
set -euo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."
if [ -f runs/quickstart/campaign.sqlite ]; then
  "$build/nas4ml" resume runs/quickstart
else
  "$build/nas4ml" run experiments/quickstart.json --out runs/quickstart
fi
# C simulation needs Xilinx's open-source ap_types headers (github.com/Xilinx/HLS_arbitrary_Precision_Types):
# $NAS4ML_AP_TYPES, else the folder the build was configured with.
ap_types=${NAS4ML_AP_TYPES:-$(sed -n 's/^NAS4ML_AP_TYPES_DIR:PATH=//p' "$build/CMakeCache.txt" 2>/dev/null)}
if [ -n "$ap_types" ] && [ -f "$ap_types/ap_fixed.h" ]; then
  exec "$build/nas4ml" emit runs/quickstart --simulate --csim
fi
echo "quickstart: no ap_types headers (ap_fixed.h) in '${ap_types:-<unset>}': the HLS projects are written but not" \
  "C-simulated; set NAS4ML_AP_TYPES to Xilinx's HLS_arbitrary_Precision_Types/include to C-simulate them (docs/firmware.md)" >&2
exec "$build/nas4ml" emit runs/quickstart --simulate
