#!/usr/bin/env bash
# Writes each PrometheusRule (for the Prometheus Operator) from its plain Prometheus rules file, so the rules have
# one source: prometheusrule.yaml from backup-rules.yml, binlogs/prometheusrule.yaml from
# binlogs/binlog-archiver-rules.yml. tests/Backup.Deploy.Tests fails when they differ: run this after editing the rules.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# generate RULES OUT NAME
generate() {
  {
    cat <<HEADER
# GENERATED from $(basename "$1") by generate-prometheusrule.sh: edit that file and re-run the script.
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: $3
  labels:
    # The Prometheus Operator loads rules whose labels match its ruleSelector (kube-prometheus-stack: its release name).
    app.kubernetes.io/name: backup
spec:
HEADER
    # Only the groups: a file's leading comment says what it is, the header above what made it.
    sed -n '/^groups:/,$p' "$1" | sed 's/^\(.\)/  \1/'
  } >"$2"
}

generate backup-rules.yml prometheusrule.yaml backup
generate binlogs/binlog-archiver-rules.yml binlogs/prometheusrule.yaml backup-binlog-archiver
