#!/bin/sh
# run.sh BOARD PROGRAM.elf: runs a bare-metal program on its emulated board; what it writes
# through semihosting comes out on standard output, and its exit status is the program's.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/boards.sh"
qnn_board "$1"
# QEMU writes semihosting output to its standard error; the board's console is unused. A
# program that hangs (a fault locks a Cortex-M up) is stopped after QNN_RUN_SECONDS (600).
# shellcheck disable=SC2086
exec timeout "${QNN_RUN_SECONDS:-600}" $QEMU -kernel "$2" 2>&1 > /dev/null
