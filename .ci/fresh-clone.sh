#!/usr/bin/env bash
# CI: a user's first contact. Clones this repository into an empty folder with nothing beside it
# and runs the README's main job there exactly as the README writes it, on an empty HOME, with no
# QNN_DATA_DIR and no network route anywhere (every proxy variable points at a closed port), and
# expects exit 0 and an accuracy line. NuGet packages come from this machine's package folder
# (NUGET_PACKAGES), which the restore before this script filled: the clone needs no download.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
packages="${NUGET_PACKAGES:-$(dotnet nuget locals global-packages -l | sed 's/^global-packages: //')}"
main_job="$(sed -n 's/^| main job[^|]*| `\(.*\)` |$/\1/p' "$repo/README.md")"
if [ -z "$main_job" ]; then
  echo "fresh-clone: README.md has no main job row (| main job … | \`COMMAND\` |)" >&2
  exit 1
fi
parent="$(mktemp -d /tmp/qnn-fresh.XXXXXX)"
trap 'rm -rf "$parent"' EXIT
mkdir "$parent/home"
git clone -q --no-local "$repo" "$parent/qnn"
echo "fresh-clone: $main_job  (in $parent/qnn, HOME=$parent/home, no network)" >&2
closed=http://127.0.0.1:9
set +e
(cd "$parent/qnn" && env -i PATH="$PATH" HOME="$parent/home" NUGET_PACKAGES="$packages" \
  DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 \
  NUGET_CERT_REVOCATION_MODE=offline \
  HTTP_PROXY=$closed HTTPS_PROXY=$closed ALL_PROXY=$closed http_proxy=$closed https_proxy=$closed all_proxy=$closed \
  bash -c "$main_job") > "$parent/out.txt" 2> "$parent/err.txt"
code=$?
set -e
cat "$parent/out.txt" >&2
cat "$parent/err.txt" >&2
if [ "$code" -ne 0 ]; then
  echo "fresh-clone: the main job exited $code on a fresh clone" >&2
  exit 1
fi
if ! grep -Eq '^max [0-9]+\.[0-9]{2}%  mean [0-9]+\.[0-9]{2}%' "$parent/out.txt"; then
  echo "fresh-clone: the main job printed no accuracy line" >&2
  exit 1
fi
echo "fresh-clone: the main job trained on a fresh clone with no network" >&2
