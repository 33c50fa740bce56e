#!/usr/bin/env bash
# Runs one real backup on the embedded default, from a fresh machine:
#   installs MariaDB if missing, starts a throwaway server on 127.0.0.1, fills a small sample database,
#   publishes the host with its plugins, runs `backup run --spec examples/local.yaml` into ./backups,
#   checks the result with `sha1sum -c`, and stops the server it started.
#
# Usage: scripts/demo-backup.sh            (BACKUP_DEMO_KEEP_SERVER=1 leaves the server running)
# Environment: BACKUP_DEMO_PORT (default 13446), BACKUP_LOCAL_DIR (default <repo>/backups).
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO_ROOT
cd "$REPO_ROOT"

export BACKUP_TEST_SERVERS_DIR=$REPO_ROOT/.demo-server
export BACKUP_TEST_MARIADB_PORT=${BACKUP_DEMO_PORT:-13446}
export BACKUP_TEST_RESTORE_PORT=$((BACKUP_TEST_MARIADB_PORT + 10))
export BACKUP_LOCAL_DIR=${BACKUP_LOCAL_DIR:-$REPO_ROOT/backups}

scripts/install-deps.sh
started=0
if ! scripts/test-servers.sh status >/dev/null 2>&1; then
  scripts/test-servers.sh up
  started=1
fi
stop_server() { if [[ $started == 1 && ${BACKUP_DEMO_KEEP_SERVER:-0} != 1 ]]; then scripts/test-servers.sh down; fi; }
trap stop_server EXIT

# shellcheck disable=SC1091 # written by test-servers.sh up
source "$BACKUP_TEST_SERVERS_DIR/env"

echo "==> filling the sample database 'demo_shop'"
MYSQL_PWD=$BACKUP_TEST_MARIADB_PASSWORD mariadb --no-defaults -h127.0.0.1 -P"$BACKUP_TEST_MARIADB_PORT" -uroot <<'SQL'
CREATE DATABASE IF NOT EXISTS demo_shop;
USE demo_shop;
CREATE TABLE IF NOT EXISTS customers (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL);
CREATE TABLE IF NOT EXISTS orders (id INT AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL, amount DECIMAL(10,2) NOT NULL);
INSERT IGNORE INTO customers VALUES (1, 'Ada'), (2, 'Grace');
INSERT INTO orders (customer_id, amount) SELECT 1 + (seq % 2), seq / 100 FROM seq_1_to_10000;
SQL

echo "==> publishing the host and plugins into artifacts/app"
build/publish.sh "$REPO_ROOT/artifacts/app" >/dev/null

echo "==> backup run --spec examples/local.yaml"
# The spec names the variable that holds the password (password.env), never the password itself.
MARIADB_HA_SERVICE_NAME=127.0.0.1 MARIADB_PORT=$BACKUP_TEST_MARIADB_PORT MARIADB_ROOT_PASSWORD=$BACKUP_TEST_MARIADB_PASSWORD \
  artifacts/app/backup run --spec examples/local.yaml

echo "==> stored in $BACKUP_LOCAL_DIR/mariadb-ha-backup:"
ls -l "$BACKUP_LOCAL_DIR/mariadb-ha-backup"
newest=$(ls -t "$BACKUP_LOCAL_DIR"/mariadb-ha-backup/*.tar.gz.sha1 | head -n1)
(cd "$(dirname "$newest")" && sha1sum -c "$(basename "$newest")")
