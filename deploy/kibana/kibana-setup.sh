#!/bin/sh
# One-shot Kibana set-up for docker compose (the kibana-setup service): imports saved-objects.ndjson, i.e. the
# logs-nop-* data view and the "NOP logs" saved search (columns service.name, log.level, message, CorrelationId,
# SensorId, MessageType), and makes the data view Kibana's default. overwrite=true makes it safe to run again.
# Then the read-only user operators browse the logs as, so nobody needs the elastic superuser for that (least
# privilege, OWASP ASVS 4.0 V1.4.3 / V4.1.3): role nop_log_reader (Kibana's role API: read and view_index_metadata on
# logs-nop-*, the Discover and Dashboard features read-only in the default space) and user nop-log-reader with
# NOP_LOG_READER_PASSWORD (Elasticsearch's user API).
set -eu

kibana="${KIBANA_URL:-http://kibana:5601}"
es="${ELASTICSEARCH_URL:-http://elasticsearch:9200}"
auth="elastic:${ELASTIC_PASSWORD:?}"
here="$(dirname "$0")"

json_string() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }

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

# https://www.elastic.co/guide/en/kibana/8.15/role-management-api-put.html (feature privileges, not a base one).
curl -fsS -o /dev/null -u "$auth" -H 'kbn-xsrf: nop' -H 'content-type: application/json' -X PUT \
  "$kibana/api/security/role/nop_log_reader" --data '{
  "description": "Reads the NOP logs in Discover and dashboards; changes nothing",
  "elasticsearch": {
    "cluster": [],
    "indices": [{ "names": ["logs-nop-*"], "privileges": ["read", "view_index_metadata"] }]
  },
  "kibana": [{ "base": [], "feature": { "discover": ["read"], "dashboard": ["read"] }, "spaces": ["default"] }]
}'
curl -fsS -o /dev/null -u "$auth" -H 'content-type: application/json' -X PUT "$es/_security/user/nop-log-reader" \
  --data "{\"password\":\"$(json_string "${NOP_LOG_READER_PASSWORD:?}")\",\"roles\":[\"nop_log_reader\"],\
\"full_name\":\"NOP log reader (operators)\"}"
echo "kibana-setup: user nop-log-reader (role nop_log_reader: read-only logs-nop-*, Discover and Dashboard) set"
