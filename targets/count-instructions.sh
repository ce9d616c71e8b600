#!/bin/sh
# count-instructions.sh BOARD PROGRAM.elf: the instructions the emulated core executes between
# the second pair of marker calls (qnn_mark_begin, qnn_mark_end) of a program built on
# targets/target.h, less those of the first pair (which the program calls back to back, so the
# markers' own cost cancels). QEMU runs one instruction per translation block (-singlestep) and
# logs each block it executes (-d exec,nochain); the count is those log lines. Exact in
# instructions; QEMU is not cycle-accurate, so this says nothing of cycles, wait states or caches.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/boards.sh"
qnn_board "$1"
program=$2
address() { $NM "$program" | awk -v name="$1" '$3 == name { print tolower($1) }'; }
begin=$(address qnn_mark_begin)
end=$(address qnn_mark_end)
[ -n "$begin" ] && [ -n "$end" ] || { echo "$program has no qnn_mark_begin/qnn_mark_end" >&2; exit 2; }
folder=$(mktemp -d)
trap 'rm -rf "$folder"' EXIT
mkfifo "$folder/trace"
awk -v begin="$begin" -v end="$end" '
    { split($4, f, "/"); pc = substr(f[2], length(f[2]) - 7) }
    pc == begin { marks++; if (marks == 1 || marks == 2) start = NR }
    pc == end && (marks == 1 || marks == 2) { counted[marks] = NR - start }
    END { if (marks < 2) exit 3; print counted[2] - counted[1] }
' "$folder/trace" > "$folder/count" &
reader=$!
timeout "${QNN_RUN_SECONDS:-600}" $QEMU -singlestep -d exec,nochain -D "$folder/trace" -kernel "$program" > /dev/null 2> "$folder/output" || { cat "$folder/output" >&2; exit 4; }
wait "$reader" || { echo "$program did not call both marker pairs" >&2; exit 3; }
cat "$folder/count"
