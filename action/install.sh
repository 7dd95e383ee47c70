#!/usr/bin/env bash
# Installs cigen for the GitHub Action in ../action.yml.
#
# Two modes:
#   CIGEN_BINARY=path    use a binary built earlier in the job: no download; it must run and
#                        report its version (and match CIGEN_VERSION when that is set too).
#   CIGEN_VERSION=x.y.z  download the release archive for this runner over HTTPS, verify its
#                        SHA-256 against checksums.txt (committed next to this script) BEFORE
#                        extracting, and install it into the runner's tool cache.
# Either way the binary's directory is appended to $GITHUB_PATH and the `version` and `path`
# outputs are written to $GITHUB_OUTPUT.
#
# It fails closed: an unknown version or platform, a missing SHA-256 tool, a failed download
# or a checksum mismatch stops it before anything is installed, and its temporary files are
# removed on every exit.
#
# Testing only: CIGEN_INSTALL_BASE_URL replaces https://github.com/cigen-dev/cigen/releases/download
# so the tests can serve archives from a local HTTP server. It accepts https:// URLs, and
# http:// only for 127.0.0.1 (a test server on this machine cannot present a trusted TLS
# certificate). The checksum table still decides what may be installed, so the override only
# changes where the bytes come from, never which bytes are accepted.
#
# Keep this bash 3.2 compatible: macOS runners may run it with /bin/bash.
set -euo pipefail

readonly DEFAULT_BASE_URL="https://github.com/cigen-dev/cigen/releases/download"
script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly script_dir
readonly checksums="${script_dir}/checksums.txt"

# Messages go to stderr (the runner reads workflow commands there too), so a failure inside
# a command substitution still reaches the log.
fail() {
  if [ "${GITHUB_ACTIONS:-}" = "true" ]; then
    echo "::error title=cigen install::$*" >&2
  fi
  echo "cigen install: error: $*" >&2
  exit 1
}

note() {
  echo "cigen install: $*"
}

# Temporary files live in one directory removed on every exit, success or failure.
tmp_root="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"
work="$(mktemp -d "${tmp_root%/}/cigen-install.XXXXXX")"
cleanup() {
  rm -rf "$work"
}
trap cleanup EXIT

# --- inputs ------------------------------------------------------------------------------

version="${CIGEN_VERSION:-}"
binary="${CIGEN_BINARY:-}"

# An exact semantic version: MAJOR.MINOR.PATCH with optional pre-release/build suffixes.
# A leading `v` is accepted and dropped, as in the release tag `v0.1.0`.
check_version() {
  local v="$1"
  case "$v" in
    latest | LATEST | Latest | stable | "*")
      fail "version '$v' is refused: pin an exact version such as 0.1.0, so every run installs the same, checksum-verified binary"
      ;;
  esac
  if ! printf '%s\n' "$v" | grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$'; then
    fail "version '$v' is not an exact version: use MAJOR.MINOR.PATCH such as 0.1.0 (ranges, wildcards and 'latest' are refused)"
  fi
}

if [ -n "$version" ]; then
  version="${version#v}"
  check_version "$version"
fi
if [ -z "$version" ] && [ -z "$binary" ]; then
  fail "set the 'version' input to an exact cigen version such as 0.1.0 (or 'binary' to a cigen built earlier in the job)"
fi

# --- helpers -----------------------------------------------------------------------------

# Windows runners run this under Git Bash, whose paths ($GITHUB_PATH readers) expect Windows form.
native_path() {
  if [ "${RUNNER_OS:-}" = "Windows" ] && command -v cygpath >/dev/null 2>&1; then
    cygpath -w "$1"
  else
    printf '%s\n' "$1"
  fi
}

# Runs the binary and prints the version it reports (`cigen 0.1.0` -> `0.1.0`).
reported_version() {
  local out
  if ! out="$("$1" --version 2>&1)"; then
    fail "'$1 --version' failed: ${out}"
  fi
  out="$(printf '%s\n' "$out" | head -n 1)"
  case "$out" in
    "cigen "*) printf '%s\n' "${out#cigen }" ;;
    *) fail "'$1 --version' printed '${out}', not 'cigen <version>': is this a cigen binary?" ;;
  esac
}

# Appends to $GITHUB_PATH / $GITHUB_OUTPUT. Done here, in a script file, because writing
# non-constant values there inline in a composite action is what zizmor flags.
publish() {
  local dir="$1" path="$2" ver="$3"
  if [ -n "${GITHUB_PATH:-}" ]; then
    native_path "$dir" >>"$GITHUB_PATH"
  else
    note "not on GitHub Actions (GITHUB_PATH unset): add ${dir} to PATH yourself"
  fi
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    {
      printf 'version=%s\n' "$ver"
      printf 'path=%s\n' "$(native_path "$path")"
    } >>"$GITHUB_OUTPUT"
  fi
  note "installed cigen ${ver} at ${path}"
}

# Where installs go: the runner's tool cache (kept between jobs on self-hosted runners),
# else its temp directory.
install_root() {
  local root="${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-}}"
  if [ -z "$root" ]; then
    fail "neither RUNNER_TOOL_CACHE nor RUNNER_TEMP is set: run this from GitHub Actions (or set one of them)"
  fi
  printf '%s\n' "${root%/}"
}

# Moves a verified staging directory into place; replaces an earlier install of the same key.
place() {
  local staged="$1" dest="$2"
  mkdir -p "$(dirname "$dest")"
  rm -rf "$dest"
  mv "$staged" "$dest"
}

# --- mode 1: a binary built earlier in the job -------------------------------------------

if [ -n "$binary" ]; then
  case "$binary" in
    /* | [A-Za-z]:[\\/]*) ;;
    *) binary="${GITHUB_WORKSPACE:-$PWD}/${binary}" ;;
  esac
  [ -f "$binary" ] || fail "binary '${binary}' does not exist"
  [ -x "$binary" ] || fail "binary '${binary}' is not executable"
  got="$(reported_version "$binary")"
  if [ -n "$version" ] && [ "$got" != "$version" ]; then
    fail "binary '${binary}' reports version ${got}, but the 'version' input asks for ${version}"
  fi
  exe="cigen"
  case "$binary" in *.exe) exe="cigen.exe" ;; esac
  # A directory holding only cigen, so adding it to PATH adds nothing else from the build dir.
  mkdir -p "$work/stage"
  cp "$binary" "$work/stage/$exe"
  chmod +x "$work/stage/$exe"
  dest="$(install_root)/cigen/local"
  place "$work/stage" "$dest"
  publish "$dest" "$dest/$exe" "$got"
  exit 0
fi

# --- mode 2: a release download ----------------------------------------------------------

os="${RUNNER_OS:-$(uname -s)}"
arch="${RUNNER_ARCH:-$(uname -m)}"
case "$os" in
  Linux) os_key=linux ;;
  macOS | Darwin) os_key=macos ;;
  Windows | MINGW* | MSYS* | CYGWIN*) os_key=windows ;;
  *) os_key="" ;;
esac
case "$arch" in
  X64 | x86_64 | amd64 | AMD64) arch_key=x86_64 ;;
  ARM64 | aarch64 | arm64) arch_key=aarch64 ;;
  *) arch_key="" ;;
esac
case "${os_key}/${arch_key}" in
  linux/x86_64) target=x86_64-unknown-linux-musl ;;
  linux/aarch64) target=aarch64-unknown-linux-musl ;;
  macos/x86_64) target=x86_64-apple-darwin ;;
  macos/aarch64) target=aarch64-apple-darwin ;;
  windows/x86_64) target=x86_64-pc-windows-msvc ;;
  *) fail "no cigen release for this runner (OS '${os}', architecture '${arch}'): releases exist for Linux x86_64/aarch64, macOS x86_64/arm64 and Windows x86_64; build cigen yourself and pass it as the 'binary' input" ;;
esac
if [ "$os_key" = windows ]; then
  ext=zip
  exe=cigen.exe
else
  ext=tar.gz
  exe=cigen
fi
archive="cigen-${target}.${ext}"

# The checksum table: `<version> <target> <sha256>` per line, `#` comments.
[ -f "$checksums" ] || fail "checksum table ${checksums} is missing: cannot verify, refusing to install"
expected="$(awk -v v="$version" -v t="$target" '$1 !~ /^#/ && $1 == v && $2 == t { print $3; n++ } END { if (n > 1) exit 3 }' "$checksums")" ||
  fail "checksum table lists ${version} ${target} more than once: refusing to install"
if [ -z "$expected" ]; then
  fail "no checksum for cigen ${version} (${target}) in this action's checksum table: use a released version this action knows (update the action's pin), or the 'binary' input"
fi
if ! printf '%s\n' "$expected" | grep -Eq '^[0-9a-f]{64}$'; then
  fail "checksum table entry for ${version} ${target} is not a SHA-256 hex digest: refusing to install"
fi

if command -v sha256sum >/dev/null 2>&1; then
  sha256() { sha256sum "$1" | awk '{ print $1 }'; }
elif command -v shasum >/dev/null 2>&1; then
  sha256() { shasum -a 256 "$1" | awk '{ print $1 }'; }
else
  fail "neither sha256sum nor shasum is available: cannot verify the download, refusing to install"
fi
command -v curl >/dev/null 2>&1 || fail "curl is required to download cigen"

base="${CIGEN_INSTALL_BASE_URL:-$DEFAULT_BASE_URL}"
base="${base%/}"
case "$base" in
  https://*) protocols="=https" ;;
  http://127.0.0.1:* | http://127.0.0.1/*) protocols="=http" ;;
  *) fail "CIGEN_INSTALL_BASE_URL must be an https:// URL (or http://127.0.0.1 for tests), got '${base}'" ;;
esac
url="${base}/v${version}/${archive}"

# Retries with exponential backoff (1, 2, 4, 8 s) on top of curl's own transient retries.
attempt=1
max_attempts=5
delay=1
while :; do
  if curl --proto "$protocols" --proto-redir "$protocols" --tlsv1.2 --fail --silent --show-error --location \
    --connect-timeout 20 --max-time 300 --retry 2 \
    --output "$work/$archive" "$url"; then
    break
  fi
  if [ "$attempt" -ge "$max_attempts" ]; then
    fail "could not download ${url} after ${max_attempts} attempts"
  fi
  note "download failed (attempt ${attempt}/${max_attempts}); retrying in ${delay}s"
  sleep "$delay"
  attempt=$((attempt + 1))
  delay=$((delay * 2))
done

actual="$(sha256 "$work/$archive")"
if [ "$actual" != "$expected" ]; then
  fail "checksum mismatch for ${archive}: expected ${expected}, got ${actual}; nothing was installed"
fi
note "verified ${archive} (sha256 ${actual})"

# Extract only after the checksum matched.
mkdir -p "$work/x"
if [ "$ext" = zip ]; then
  if command -v unzip >/dev/null 2>&1; then
    unzip -q "$work/$archive" -d "$work/x"
  elif command -v 7z >/dev/null 2>&1; then
    7z x -y -bd "-o$work/x" "$work/$archive" >/dev/null
  else
    fail "neither unzip nor 7z is available to extract ${archive}"
  fi
else
  tar -xzf "$work/$archive" -C "$work/x"
fi
staged="$work/x/cigen-${target}"
[ -f "$staged/$exe" ] || fail "${archive} does not contain cigen-${target}/${exe}"
chmod +x "$staged/$exe"
got="$(reported_version "$staged/$exe")"
[ "$got" = "$version" ] || fail "${archive} holds cigen ${got}, expected ${version}"

dest="$(install_root)/cigen/${version}/${target}"
place "$staged" "$dest"
publish "$dest" "$dest/$exe" "$version"
