# shellcheck shell=bash
# PUSHGATEWAY: the Prometheus Pushgateway (Debian's prometheus-pushgateway, installed by scripts/install-deps.sh),
# which the metrics specs push to and scrape. Empty on every `up`; its persistence file under the state dir also
# marks the process as ours. Needs lib.sh; expects PUSHGATEWAY_PORT and STATE_DIR.

pushgateway_dir() { server_dir pushgateway; }
pushgateway_marker() { echo "--persistence.file=$(pushgateway_dir)/metrics"; }

pushgateway_up() {
  local dir bin
  bin=$(command -v prometheus-pushgateway || echo /usr/bin/prometheus-pushgateway)
  [[ -x $bin ]] || { fail "prometheus-pushgateway not found; run scripts/install-deps.sh"; return; }
  port_free "$PUSHGATEWAY_PORT" BACKUP_TEST_PUSHGATEWAY_PORT || return
  dir=$(pushgateway_dir)
  rm -rf "$dir"; mkdir -p "$dir"
  spawn "$dir/server.log" "$dir/pid" "$bin" --web.listen-address="$HOST:$PUSHGATEWAY_PORT" "$(pushgateway_marker)"
  await_port pushgateway "$SPAWNED_PID" "$PUSHGATEWAY_PORT" "$dir/server.log"
}

pushgateway_down() {
  stop_recorded pushgateway "$(pushgateway_dir)/pid" "$(pushgateway_marker)" 5
  rm -f "$(pushgateway_dir)/pid" "$(pushgateway_dir)/metrics"
}

pushgateway_status() { listener_status pushgateway "$(pushgateway_dir)/pid" "$(pushgateway_marker)" "$PUSHGATEWAY_PORT"; }

pushgateway_healthy() { pushgateway_status >/dev/null; }

pushgateway_env() { echo "export BACKUP_TEST_PUSHGATEWAY_URL=http://$HOST:$PUSHGATEWAY_PORT"; }
