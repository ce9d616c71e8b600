#!/bin/sh
# Installs the compilers and emulator the C export's tests use (tests/Host.Tests/CExportTests.cs):
# gcc for this machine, gcc-arm-linux-gnueabihf + libc6-dev-armhf-cross (its C library headers, only
# recommended by the compiler, so --no-install-recommends leaves them out) + qemu-user (32-bit ARM
# under qemu-arm), and
# gcc-arm-none-eabi (Cortex-M4 sizes), and for the bare-metal runs (targets/, tests/Host.Tests/BareMetal.cs)
# qemu-system-arm (the mps2-an386 Cortex-M4F board), qemu-system-misc (qemu-system-riscv32),
# gcc-riscv64-unknown-elf + picolibc-riscv64-unknown-elf (rv32ec); clang + zlib1g-dev, what NativeAOT links with
# (tests/Host.Tests/NativeAotSampleTests.cs). Idempotent: installs only what is missing.
set -eu
packages="gcc gcc-arm-linux-gnueabihf libc6-dev-armhf-cross qemu-user gcc-arm-none-eabi binutils-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm qemu-system-misc gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf clang zlib1g-dev"
missing=""
for package in $packages; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing="$missing $package"
done
if [ -z "$missing" ]; then
    echo "c-toolchains: all installed"
    exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends $missing
