#!/bin/sh
# profile-functions.sh BOARD PROGRAM.elf: the instructions each of the model's functions (net_*)
# executes between the second pair of marker calls (qnn_mark_begin, qnn_mark_end), one
# "function count" line each, as count-instructions.sh counts them (QEMU -singlestep -d
# exec,nochain, each logged block one instruction, named by the symbol it lies in); a routine
# they call (memset, libgcc's) counts for its caller. Build the model with
# -DQNN_LAYER='__attribute__((noinline))' so that each layer stays its own function: how the
# prices of src/Export/Device/InstructionModel.cs were fitted, a layer at a time.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/boards.sh"
qnn_board "$1"
program=$2
folder=$(mktemp -d)
trap 'rm -rf "$folder"' EXIT
mkfifo "$folder/trace"
awk '
    { name = $NF }
    name == "qnn_mark_begin" && previous != name { begins++; counting = begins == 2 }
    name == "qnn_mark_end" { counting = 0 }
    name ~ /^net_/ { owner = name }
    counting && name != "qnn_mark_begin" { counted[owner == "" ? name : owner]++ }
    { previous = name }
    END { if (begins < 2) exit 3; for (f in counted) print f, counted[f] }
' "$folder/trace" > "$folder/counts" &
reader=$!
# shellcheck disable=SC2086
timeout "${QNN_RUN_SECONDS:-600}" $QEMU -singlestep -d exec,nochain -D "$folder/trace" -kernel "$program" > /dev/null 2> "$folder/output" || { cat "$folder/output" >&2; exit 4; }
wait "$reader" || { echo "$program did not call both marker pairs" >&2; exit 3; }
sort "$folder/counts"
