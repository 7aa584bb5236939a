#!/bin/sh
# One-shot Kibana set-up for docker compose (the kibana-setup service): imports saved-objects.ndjson, i.e. the
# logs-nop-* data view and the "NOP logs" saved search (columns service.name, log.level, message, CorrelationId,
# SensorId, MessageType), and makes the data view Kibana's default. overwrite=true makes it safe to run again.
set -eu

kibana="${KIBANA_URL:-http://kibana:5601}"
auth="elastic:${ELASTIC_PASSWORD:?}"
here="$(dirname "$0")"

i=0
until curl -fsS -o /dev/null -u "$auth" "$kibana/api/status"; do
  i=$((i + 1))
  [ "$i" -lt 90 ] || { echo "kibana-setup: $kibana does not answer" >&2; exit 1; }
  sleep 2
done

curl -fsS -u "$auth" -H 'kbn-xsrf: nop' -X POST "$kibana/api/saved_objects/_import?overwrite=true" \
  --form "file=@$here/saved-objects.ndjson"
echo
curl -fsS -o /dev/null -u "$auth" -H 'kbn-xsrf: nop' -H 'content-type: application/json' -X POST \
  "$kibana/api/data_views/default" --data '{"data_view_id":"logs-nop","force":true}'
echo "kibana-setup: data view logs-nop-* and saved search \"NOP logs\" ready ($kibana/app/discover#/view/nop-logs)"
