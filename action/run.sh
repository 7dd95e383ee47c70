#!/usr/bin/env bash
# Runs the cigen command line given as the action's `args` input with the binary the install
# step just put in place. The arguments are split on whitespace only, newlines included (so
# `args: |` over several lines is one command line): no quoting, no globbing, no variable
# expansion, so the input can never become shell code.
set -euo pipefail
set -f
: "${CIGEN_PATH:?the install step did not report a cigen path}"
# `-d ''` reads up to the end of the input rather than the first newline; `read` then reports
# end-of-file (status 1), which is the expected outcome here.
read -r -d '' -a argv <<<"${CIGEN_ARGS:-}" || true
# `${argv[@]+...}` keeps bash 3.2 (macOS) happy with an empty array under `set -u`.
exec "$CIGEN_PATH" ${argv[@]+"${argv[@]}"}
