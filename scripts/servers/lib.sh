# shellcheck shell=bash
# The lifecycle every throwaway server shares: start it detached, wait until it answers, tell whether a recorded
# PID is still ours, stop it. Sourced by scripts/test-servers.sh (with the family files beside this one), bench/run.sh
# and bench/monitoring.sh, which run each server as a plain process: no service manager, no Docker.
#
# The caller sets SELF (the prefix of every message) and may set LOG_FD (where `log` writes; default 1),
# START_TIMEOUT (seconds `await_start` waits; default 120) and STATE_DIR (`server_dir NAME` is <state>/<name>, which
# holds that server's pid file, data and logs).
#
# "Ours" means: alive, and one of its arguments is exactly a marker path unique to the server's state dir (its datadir,
# data directory or persistence file) or, for fauxqs, to the checkout (its script). A recorded PID the kernel has
# since given to another program is then never signalled.

# Every server binds to loopback only.
readonly HOST=127.0.0.1

die() { echo "$SELF: $*" >&2; exit 1; }
# For code whose caller cleans up (or that runs in a background subshell): one line on stderr, then status 1.
fail() { echo "$SELF: $*" >&2; return 1; }
log() { echo "$SELF: $*" >&"${LOG_FD:-1}"; }

# TCP probe without depending on nc/ss, which a minimal CI image may lack.
port_in_use() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

port_free() { # port hint: fails with one line naming the variable that picks another port
  ! port_in_use "$1" || fail "port $HOST:$1 is already in use by another process; pick another with $2"
}

status_line() { # name port state: one line of `status`
  printf '%s: %-8s %s:%s  %s\n' "$SELF" "$1" "$HOST" "$2" "$3"
}

# One `status` line for a server that is up when its recorded PID is ours and its port accepts connections.
listener_status() { # name pidfile marker port; fails when down
  local pid
  if pid=$(running_pid "$2" "$3") && port_in_use "$4"; then status_line "$1" "$4" "up (pid $pid)"; return 0; fi
  status_line "$1" "$4" "down"
  return 1
}

server_dir() { echo "$STATE_DIR/$1"; }

running_pid() { # pidfile marker: prints the recorded PID when that process is still ours
  local pid
  [[ -f $1 ]] && pid=$(cat "$1") && pid_is_ours "$pid" "$2" && echo "$pid"
}

pid_is_ours() { # pid marker
  local pid=$1 cmdline
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  # Captured first: `tr | grep -q` can trip pipefail when grep exits early.
  cmdline=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  grep -qxF -- "$2" <<<"$cmdline"
}

# Starts a command in its own session and records its PID in PIDFILE (also in SPAWNED_PID). setsid: a Ctrl-C aimed
# at the caller (test.sh) must not kill the server behind its back (`down` does), and a node's whole process group
# can be killed at once (galera-kill). Environment assignments before `spawn` reach the command.
spawn() { # log pidfile command [args...]
  local out=$1 pidfile=$2
  shift 2
  setsid "$@" </dev/null >"$out" 2>&1 &
  SPAWNED_PID=$!
  echo "$SPAWNED_PID" >"$pidfile"
}

# Polls CHECK every 0.1 s until it succeeds; fails with one line when PID exits first or START_TIMEOUT passes.
await_start() { # name pid log what-is-missing check [args...]
  local name=$1 pid=$2 out=$3 missing=$4 i
  shift 4
  for ((i = 0; i < ${START_TIMEOUT:-120} * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || { fail "$name exited during start, see $out"; return; }
    "$@" && return 0
    sleep 0.1
  done
  fail "$name: $missing after ${START_TIMEOUT:-120}s, see $out"
}

await_port() { # name pid port log: await_start until PORT accepts connections, then one "up" line
  await_start "$1" "$2" "$4" "no answer on $HOST:$3" port_in_use "$3" && log "$1 up on $HOST:$3 (pid $2)"
}

stop_recorded() { # name pidfile marker grace-seconds: stop_process on the PID in PIDFILE, if there is one
  local pid
  [[ -f $2 ]] || return 0
  pid=$(cat "$2")
  stop_process "$1" "$pid" "$3" "$4"
}

# SIGTERM, then SIGKILL once GRACE seconds have passed; returns when the process is gone (`kill -0`, not the marker:
# an exiting process loses its cmdline before it closes its files, and a Galera datadir is copied right after).
# A PID that is not ours is left alone, and so is one that stopped being ours before the SIGKILL.
stop_process() { # name pid marker grace-seconds
  local name=$1 pid=$2 i
  pid_is_ours "$pid" "$3" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < $4 * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || { log "$name stopped (pid $pid)"; return 0; }
    sleep 0.1
  done
  pid_is_ours "$pid" "$3" || { log "$name stopped (pid $pid)"; return 0; }
  log "$name (pid $pid) still running after $4s: SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
}
