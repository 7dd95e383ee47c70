#!/usr/bin/env bash
# With CIGEN_STANDIN_TOOLCHAINS set (the parity suite, which puts stand-in pythonX.Y first on
# PATH), does what actions/setup-python does for a run: `python` and `python3` become
# python$STANDIN_VERSION, through a directory added to $GITHUB_PATH.
set -euo pipefail
[ -n "${CIGEN_STANDIN_TOOLCHAINS:-}" ] || exit 0
found=$(command -v "python$STANDIN_VERSION") || {
  echo "stand-in setup-python: no python$STANDIN_VERSION on PATH" >&2
  exit 1
}
dir="${RUNNER_TEMP:-$HOME}/standin-python-$STANDIN_VERSION"
mkdir -p "$dir"
ln -sf "$found" "$dir/python"
ln -sf "$found" "$dir/python3"
echo "$dir" >> "$GITHUB_PATH"
