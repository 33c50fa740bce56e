#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Throwaway servers for the test suite, run as plain processes (no service manager, no Docker: CI is a clean
# machine with only the .NET SDK plus what scripts/install-deps.sh adds). This file is the command dispatcher;
# the lifecycle every server shares is in scripts/servers/lib.sh, and each server family has its own file there
# (mariadb.sh: source and restore, galera.sh, azurite.sh, s3.sh: fauxqs and s3rver, pushgateway.sh).
#
#   scripts/test-servers.sh up       start the servers (a no-op when they are already up and healthy)
#   scripts/test-servers.sh down     stop exactly the processes `up` started (idempotent)
#   scripts/test-servers.sh status   print one line per server; exit 0 only when all are healthy
#
# Servers, all bound to 127.0.0.1 only:
#   source   ${BACKUP_TEST_MARIADB_PORT:-13406}   the server the tests back up
#   restore  ${BACKUP_TEST_RESTORE_PORT:-13416}   a fresh, empty server the tests restore into
# The defaults are deliberately not 13306, which a developer's own MariaDB may be using.
#
# Environment:
#   BACKUP_TEST_SERVERS_DIR        state directory (default <repo>/.test-servers, git-ignored)
#   BACKUP_TEST_MARIADB_PORT       source port (default 13406)
#   BACKUP_TEST_RESTORE_PORT       restore-target port (default 13416)
#   BACKUP_TEST_MARIADB_PASSWORD   root password (default: the one already recorded, else a random one)
#   BACKUP_TEST_AZURITE_PORT       Azurite blob port (default 14910)
#   BACKUP_TEST_SERVERS_STOP_TIMEOUT  seconds `down` waits after SIGTERM before SIGKILL (default 60)
#   BACKUP_TEST_SERVERS_START_TIMEOUT seconds `up` waits for a server to answer (default 120)
#
#   fauxqs   ${BACKUP_TEST_S3_PORT:-14900}        S3 emulator, lenient (AWS-like), bucket "backups"
#   s3rver   ${BACKUP_TEST_S3RVER_PORT:-14901}    S3 emulator, strict S3-compatible store, bucket "backups"
#   pushgateway ${BACKUP_TEST_PUSHGATEWAY_PORT:-14920} Prometheus Pushgateway (metrics specs)
#
# GALERA: a 3-node cluster "galera1..3" (only when BACKUP_TEST_GALERA=1; scripts/servers/galera.sh), with each node's
#   SQL     ${BACKUP_TEST_GALERA_PORTS:-13507,13508,13509}
#   gmcast  BASE+0..2, IST BASE+100..102, SST BASE+200..202, BASE=${BACKUP_TEST_GALERA_PEER_PORT_BASE:-15567}
# Extra commands for tests that kill nodes (they must restore 3 Synced nodes afterwards):
#   scripts/test-servers.sh galera-kill N    SIGKILL node N (as a crash would)
#   scripts/test-servers.sh galera-start N   --wsrep-recover, then rejoin at the recovered position (IST)
#
# `up` writes <dir>/env (mode 600, it holds the password), to be sourced by the tests' caller:
#   export BACKUP_TEST_MARIADB_HOST=127.0.0.1
#   export BACKUP_TEST_MARIADB_PORT=...
#   export BACKUP_TEST_MARIADB_PASSWORD=...
#   export BACKUP_TEST_RESTORE_PORT=...
#   export BACKUP_TEST_AZURITE_URL=http://127.0.0.1:<port>/devstoreaccount1
#   export BACKUP_TEST_AZURITE_CONNECTION_STRING=...   (Azurite's public development account key)
#   export BACKUP_TEST_S3_URL=http://127.0.0.1:...
#   export BACKUP_TEST_S3RVER_URL=http://127.0.0.1:...
#   export BACKUP_TEST_PUSHGATEWAY_URL=http://127.0.0.1:...
#   export BACKUP_TEST_SERVERS_DIR=<dir>
#   (with Galera) BACKUP_TEST_GALERA=1, BACKUP_TEST_GALERA_PORTS, BACKUP_TEST_GALERA_NODE_DIRS
# and <dir>/<server>/pid with the PID of each process it started.
set -euo pipefail

readonly SELF=${0##*/}
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO_ROOT
STATE_DIR=${BACKUP_TEST_SERVERS_DIR:-$REPO_ROOT/.test-servers}
SOURCE_PORT=${BACKUP_TEST_MARIADB_PORT:-13406}
RESTORE_PORT=${BACKUP_TEST_RESTORE_PORT:-13416}
STOP_TIMEOUT=${BACKUP_TEST_SERVERS_STOP_TIMEOUT:-60}
START_TIMEOUT=${BACKUP_TEST_SERVERS_START_TIMEOUT:-120}
ENV_FILE=$STATE_DIR/env
# Standalone servers as "name:port". The order matters only for `down`, which walks it backwards.
STANDALONE_SERVERS=("source:$SOURCE_PORT" "restore:$RESTORE_PORT")
GALERA=${BACKUP_TEST_GALERA:-0}
IFS=, read -r -a GALERA_PORTS <<<"${BACKUP_TEST_GALERA_PORTS:-13507,13508,13509}"
GALERA_PEER_BASE=${BACKUP_TEST_GALERA_PEER_PORT_BASE:-15567}
AZURITE_PORT=${BACKUP_TEST_AZURITE_PORT:-14910}
S3_PORT=${BACKUP_TEST_S3_PORT:-14900}
S3RVER_PORT=${BACKUP_TEST_S3RVER_PORT:-14901}
PUSHGATEWAY_PORT=${BACKUP_TEST_PUSHGATEWAY_PORT:-14920}

# shellcheck source=servers/lib.sh
. "$REPO_ROOT/scripts/servers/lib.sh"
# shellcheck source=servers/mariadb.sh
. "$REPO_ROOT/scripts/servers/mariadb.sh"
# shellcheck source=servers/galera.sh
. "$REPO_ROOT/scripts/servers/galera.sh"
# shellcheck source=servers/azurite.sh
. "$REPO_ROOT/scripts/servers/azurite.sh"
# shellcheck source=servers/s3.sh
. "$REPO_ROOT/scripts/servers/s3.sh"
# shellcheck source=servers/pushgateway.sh
. "$REPO_ROOT/scripts/servers/pushgateway.sh"

# The password `up` should use: explicit env var, else the one recorded by the last `up`, else random.
current_password() {
  if [[ -n ${BACKUP_TEST_MARIADB_PASSWORD:-} ]]; then
    printf '%s' "$BACKUP_TEST_MARIADB_PASSWORD"
  elif [[ -f $ENV_FILE ]]; then
    # Our own file; sourced in a subshell so it cannot change this script's variables.
    # shellcheck source=/dev/null
    (unset BACKUP_TEST_MARIADB_PASSWORD; . "$ENV_FILE"; printf '%s' "${BACKUP_TEST_MARIADB_PASSWORD:-}")
  fi
}

healthy() { # password
  [[ -f $ENV_FILE && -n $1 ]] || return 1
  standalone_healthy "$1" && azurite_healthy && pushgateway_healthy && galera_healthy "$1" && s3_healthy
}

cmd_down() {
  pushgateway_down
  s3_down
  galera_down
  azurite_down
  standalone_down
  rm -f "$ENV_FILE"
  socket_dir_remove
}

cmd_up() {
  require_tools
  local pw
  pw=$(current_password)
  if healthy "$pw"; then
    log "already up and healthy (env: $ENV_FILE)"
    return 0
  fi
  # Anything left over (one server died, other ports or password asked for): start from scratch.
  cmd_down >/dev/null
  if [[ -z $pw ]]; then
    # Hex: safe in SQL, shell and connection strings alike.
    pw=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
  fi
  mkdir -p "$STATE_DIR"
  chmod 700 "$STATE_DIR"

  standalone_up "$pw" || { cmd_down >/dev/null 2>&1 || true; die "start failed; logs in $STATE_DIR/*/error.log and install.log"; }
  galera_up "$pw" || { cmd_down >/dev/null 2>&1 || true; die "Galera cluster start failed; logs in $STATE_DIR/galera*/error.log"; }
  azurite_up || { cmd_down >/dev/null 2>&1 || true; die "azurite start failed"; }
  s3_up || { cmd_down >/dev/null 2>&1 || true; die "S3 emulators failed to start"; }
  pushgateway_up || { cmd_down >/dev/null 2>&1 || true; die "pushgateway failed to start"; }

  (
    umask 077
    {
      echo "# Written by scripts/test-servers.sh up; source it before running the tests."
      echo "export BACKUP_TEST_MARIADB_HOST=$HOST"
      echo "export BACKUP_TEST_MARIADB_PORT=$SOURCE_PORT"
      printf 'export BACKUP_TEST_MARIADB_PASSWORD=%q\n' "$pw"
      echo "export BACKUP_TEST_RESTORE_PORT=$RESTORE_PORT"
      azurite_env
      s3_env
      pushgateway_env
      # Tests that kill and restart Galera nodes call this script again; it must find the same state.
      printf 'export BACKUP_TEST_SERVERS_DIR=%q\n' "$STATE_DIR"
      galera_env
    } >"$ENV_FILE.tmp"
    mv "$ENV_FILE.tmp" "$ENV_FILE"
  )
  log "env written to $ENV_FILE"
}

cmd_status() {
  require_tools
  local pw rc=0
  pw=$(current_password)
  standalone_status "$pw" || rc=1
  azurite_status || rc=1
  galera_status "$pw" || rc=1
  s3_status || rc=1
  pushgateway_status || rc=1
  [[ -f $ENV_FILE ]] || rc=1
  return "$rc"
}

case ${1:-} in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  galera-kill) [[ ${2:-} =~ ^[123]$ ]] || die "usage: $SELF galera-kill 1|2|3"; galera_kill "$2" ;;
  galera-start) [[ ${2:-} =~ ^[123]$ ]] || die "usage: $SELF galera-start 1|2|3"; require_tools; galera_start "$2" "$(current_password)" ;;
  *) echo "usage: $SELF up|down|status|galera-kill N|galera-start N" >&2; exit 2 ;;
esac
