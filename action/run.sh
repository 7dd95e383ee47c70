#!/usr/bin/env bash
# Runs the cigen command line given as the action's `args` input with the binary the install
# step just put in place. The arguments are split on whitespace only: no quoting, no globbing,
# no variable expansion, so the input can never become shell code.
set -euo pipefail
set -f
: "${CIGEN_PATH:?the install step did not report a cigen path}"
read -r -a argv <<<"${CIGEN_ARGS:-}"
# `${argv[@]+...}` keeps bash 3.2 (macOS) happy with an empty array under `set -u`.
exec "$CIGEN_PATH" ${argv[@]+"${argv[@]}"}
