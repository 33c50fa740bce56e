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
die() { echo "$SELF: $*" >&2; exit 1; }
log() { echo "$SELF: $*"; }

APT_PACKAGES=()

# mariadbd lives in /usr/sbin, which is not on a normal user's PATH on Debian.
have_tool() {
  local dir
  command -v "$1" >/dev/null 2>&1 && return 0
  for dir in /usr/sbin /usr/local/sbin /sbin; do [[ -x $dir/$1 ]] && return 0; done
  return 1
}

# MariaDB server + client tools for scripts/test-servers.sh and the MariaDbHa plugin's tests.
# galera-4 and mariadb-backup come along now because the Galera test cluster (mariabackup SST) needs them.
need_mariadb() {
  if have_tool mariadbd && have_tool mariadb-dump; then
    return 0
  fi
  APT_PACKAGES+=(mariadb-server mariadb-client galera-4 mariadb-backup)
}

# The zstd CLI: the compression specs check that `zstd -t` and `zstd -d` accept what the host writes.
need_zstd() {
  have_tool zstd || APT_PACKAGES+=(zstd)
}

# Later: storage emulators from npm (Azurite, fauxqs, ...) get their own need_* function here, adding
# to an NPM_PACKAGES list installed into <repo>/.tools (git-ignored), and main gains an install step.

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
  need_zstd
  if (( ${#APT_PACKAGES[@]} > 0 )); then
    apt_install
  fi
  # Verify rather than trust the package manager: the next step needs these exact tools.
  if ! have_tool mariadbd || ! have_tool mariadb-dump; then
    die "mariadbd / mariadb-dump still missing after install"
  fi
  log "all dependencies present"
}

main "$@"
