#!/usr/bin/env bash
# With CIGEN_STANDIN_TOOLCHAINS set (the parity suite, which puts stand-in pythonX.Y first on
# PATH), does what actions/setup-python does for a run: `python` and `python3` become
# python$STANDIN_VERSION, through a directory added to $GITHUB_PATH.
set -euo pipefail
[ -n "${CIGEN_STANDIN_TOOLCHAINS:-}" ] || exit 0
# PyPy versions (`pypy3.10`) are their own executables, CPython ones `pythonX.Y`.
case "$STANDIN_VERSION" in
  pypy*) name="$STANDIN_VERSION" ;;
  *) name="python$STANDIN_VERSION" ;;
esac
found=$(command -v "$name") || {
  echo "stand-in setup-python: no $name on PATH" >&2
  exit 1
}
dir="${RUNNER_TEMP:-$HOME}/standin-python-$STANDIN_VERSION"
mkdir -p "$dir"
ln -sf "$found" "$dir/python"
ln -sf "$found" "$dir/python3"
echo "$dir" >> "$GITHUB_PATH"
