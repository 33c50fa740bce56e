#!/usr/bin/env bash
# Writes prometheusrule.yaml (for the Prometheus Operator) from backup-rules.yml (plain Prometheus), so the rules
# have one source. tests/Backup.Deploy.Tests fails when the two differ: run this after editing the rules.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
{
  cat <<'HEADER'
# GENERATED from backup-rules.yml by generate-prometheusrule.sh: edit that file and re-run the script.
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: backup
  labels:
    # The Prometheus Operator loads rules whose labels match its ruleSelector (kube-prometheus-stack: its release name).
    app.kubernetes.io/name: backup
spec:
HEADER
  sed 's/^\(.\)/  \1/' backup-rules.yml
} >prometheusrule.yaml
