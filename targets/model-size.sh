#!/bin/sh
# model-size.sh BOARD SOURCE.c: the bytes of the model's own code and tables, as the docs
# measure them: SOURCE.c compiled alone with -Os for the board, then "text rodata data bss".
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/boards.sh"
qnn_board "$1"
object=$(mktemp --suffix=.o)
trap 'rm -f "$object"' EXIT
# shellcheck disable=SC2086
$CC $CFLAGS -std=c99 -Os -c -o "$object" "$2"
$SIZE -A "$object" | awk '
    $1 ~ /^\.text/ { text += $2 } $1 ~ /^\.s?rodata/ { rodata += $2 }
    $1 ~ /^\.s?data/ { data += $2 } $1 ~ /^\.s?bss/ { bss += $2 }
    END { print text + 0, rodata + 0, data + 0, bss + 0 }'
