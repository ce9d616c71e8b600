#!/usr/bin/env bash
# device-figures.sh: the catalog models' C on the emulated microcontrollers (targets/), the
# figures docs/c-export.md quotes. Runs the bare-metal C export tests (each trains its model
# with fixed flags and seed, checks every test sample on both boards) with QNN_DEVICE_FIGURES
# set, then prints per model and board: the model's flash (text + rodata, -Os) and static RAM,
# the stack a run used, the instructions of one prediction (targets/count-instructions.sh), the
# libgcc routines one prediction links and whether it fits a CH32V003 (16 KB flash, 2 KB RAM).
set -euo pipefail
cd "$(dirname "$0")/.."
figures=$(mktemp)
trap 'rm -f "$figures"' EXIT
QNN_DEVICE_FIGURES=$figures QNN_REQUIRE_DATA=1 dotnet test tests/Host.Tests/Host.Tests.csproj \
    --filter "FullyQualifiedName~CExportTests.VertebralMlp_in_C|FullyQualifiedName~CExportTests.MiniMnistCnn_in_C|FullyQualifiedName~CExportTests.BinaryLeNet5_in_C|FullyQualifiedName~CExportTests.Catalog_" >&2
echo "| model | board | flash: text + rodata (B) | RAM: static + stack (B) | instructions / prediction | helpers linked | CH32V003 |"
echo "|---|---|---|---|---|---|---|"
sort -t$'\t' -k1,1 -k2,2 "$figures" | awk -F'\t' '{
    helpers = $9 == "" ? "none" : $9
    printf "| %s | %s | %d + %d = %d | %d + %d = %d | %d | %s | %s |\n", $1, $2, $3, $4, $3 + $4, $5 + $6, $7, $5 + $6 + $7, $8, helpers, $10 }'
