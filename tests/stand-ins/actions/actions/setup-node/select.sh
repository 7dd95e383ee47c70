#!/usr/bin/env bash
# With CIGEN_STANDIN_TOOLCHAINS set (the parity suite), does what actions/setup-node does
# for a run: a `node` of the asked version comes first on PATH, through $GITHUB_PATH. As
# the real action takes a satisfying version from the runner's tool cache, a `node` on PATH
# that already matches is kept; otherwise the stand-in `node` beside this script is installed
# as v<version> (a major or minor alone becomes its `.99` release).
set -euo pipefail
[ -n "${CIGEN_STANDIN_TOOLCHAINS:-}" ] || exit 0
want="${STANDIN_VERSION#v}"
[ -n "$want" ] || exit 0
have=$(node --version 2>/dev/null || true)
case "${have#v}." in "$want".*) exit 0 ;; esac
case "$want" in
  *.*.*) full="$want" ;;
  *.*) full="$want.99" ;;
  *) full="$want.99.0" ;;
esac
dir="${RUNNER_TEMP:-$HOME}/standin-node/v$full/bin"
mkdir -p "$dir"
cp "$GITHUB_ACTION_PATH/node" "$dir/node"
echo "$dir" >> "$GITHUB_PATH"
