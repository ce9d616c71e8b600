#!/bin/sh
# build.sh BOARD PROGRAM.elf [--memory SCRIPT] SOURCES-AND-FLAGS...: a bare-metal program for an
# emulated board (boards.sh): the board's startup and targets/support.c with the given sources,
# -Os, no C library, libgcc for what the core lacks, unused sections dropped. --memory links
# against another memory map (ch32v003.ld), which fails where the program does not fit.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/boards.sh"
board=$1
qnn_board "$board"
program=$2
shift 2
memory=$here/$LDSCRIPT
if [ "${1:-}" = "--memory" ]; then
    memory=$here/$2
    shift 2
fi
# shellcheck disable=SC2086
exec $CC $CFLAGS -std=c99 -Wall -Wextra -Werror -Os -ffunction-sections -fdata-sections \
    -nostartfiles -nostdlib -I "$here" -L "$here" -T "$memory" -Wl,--gc-sections -o "$program" \
    "$here/$board/startup.c" "$here/support.c" "$@" -lgcc
