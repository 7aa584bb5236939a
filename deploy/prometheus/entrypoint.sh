#!/bin/sh
# Prometheus reads a scrape's bearer token only from its config or a file (authorization.credentials_file), and
# compose hands secrets over in the environment (Compose v1, which NOP supports, has no secrets from variables): write
# NOP_METRICS_TOKEN to the file prometheus.yml names, readable by this user only, then run Prometheus.
set -eu
if [ -z "${NOP_METRICS_TOKEN:-}" ]; then
  echo "NOP_METRICS_TOKEN is not set: the services' /metrics would refuse every scrape" >&2
  exit 1
fi
umask 077
printf '%s' "$NOP_METRICS_TOKEN" >/run/nop-prometheus/metrics-token
exec /usr/bin/prometheus "$@"
