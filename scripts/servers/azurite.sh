# shellcheck shell=bash
# AZURITE: the Azure Blob emulator (installed by scripts/install-deps.sh into <repo>/.tools/azurite),
# for the azure plugin's tests. Data on disk (--location): the in-memory mode grows past 1 GB over
# several large uploads. --skipApiVersionCheck: Azure.Storage.Blobs 12.30.1 sends API version
# 2026-10-06, newer than Azurite 3.37.0 knows. Ours: the process whose --location is our data directory.
# Needs lib.sh and REPO_ROOT; expects AZURITE_PORT, STATE_DIR and STOP_TIMEOUT.
readonly AZURITE_BIN=$REPO_ROOT/.tools/azurite/node_modules/.bin/azurite-blob
readonly AZURITE_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

azurite_dir() { server_dir azurite; }

azurite_up() {
  local dir
  [[ -x $AZURITE_BIN ]] || { fail "azurite-blob not found at $AZURITE_BIN; run scripts/install-deps.sh"; return; }
  port_free "$AZURITE_PORT" BACKUP_TEST_AZURITE_PORT || return
  dir=$(azurite_dir)
  rm -rf "$dir"; mkdir -p "$dir/data"
  spawn "$dir/azurite.log" "$dir/pid" "$AZURITE_BIN" --blobHost "$HOST" --blobPort "$AZURITE_PORT" --location "$dir/data" \
    --skipApiVersionCheck --silent --disableTelemetry
  await_port azurite "$SPAWNED_PID" "$AZURITE_PORT" "$dir/azurite.log"
}

azurite_down() {
  local dir
  dir=$(azurite_dir)
  stop_recorded azurite "$dir/pid" "$dir/data" "$STOP_TIMEOUT"
  # Keep the log; drop the blobs (the large-upload tests leave hundreds of MB).
  rm -rf "$dir/data" "$dir/pid"
}

azurite_status() { listener_status azurite "$(azurite_dir)/pid" "$(azurite_dir)/data" "$AZURITE_PORT"; }

azurite_healthy() { azurite_status >/dev/null; }

azurite_env() {
  local url="http://$HOST:$AZURITE_PORT/devstoreaccount1"
  echo "export BACKUP_TEST_AZURITE_URL=$url"
  printf 'export BACKUP_TEST_AZURITE_CONNECTION_STRING=%q\n' \
    "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$AZURITE_KEY;BlobEndpoint=$url;"
}
