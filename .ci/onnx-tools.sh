#!/bin/sh
# Installs what the ONNX export's tests check with (tests/Host.Tests/Onnx*.cs): Debian's
# python3-onnx, ONNX 1.12 — its checker, its shape inference and the official onnx.proto that
# src/Export/Onnx/onnx.proto is compared with. ONNX Runtime itself comes from NuGet.
# Idempotent: installs only what is missing.
set -eu
if dpkg-query -W -f='${Status}' python3-onnx 2>/dev/null | grep -q "install ok installed"; then
    echo "onnx-tools: python3-onnx installed"
    exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends python3-onnx
