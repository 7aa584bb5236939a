#!/bin/sh
# One-shot Elasticsearch set-up for docker compose (the elasticsearch-setup service): the password of kibana_system
# (the user Kibana connects with) and a nop-logs user for the services' log sink that may only create documents in the
# logs-nop-* data streams. Passwords come from .env. Safe to run again.
set -eu

es="${ELASTICSEARCH_URL:-http://elasticsearch:9200}"
auth="elastic:${ELASTIC_PASSWORD:?}"

json_string() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }

i=0
until curl -fsS -o /dev/null -u "$auth" "$es/_cluster/health?wait_for_status=yellow&timeout=5s"; do
  i=$((i + 1))
  [ "$i" -lt 60 ] || { echo "elasticsearch-setup: $es does not answer" >&2; exit 1; }
  sleep 2
done

curl -fsS -o /dev/null -u "$auth" -H 'content-type: application/json' -X POST "$es/_security/user/kibana_system/_password" \
  --data "{\"password\":\"$(json_string "${KIBANA_PASSWORD:?}")\"}"
echo "elasticsearch-setup: kibana_system password set"

curl -fsS -o /dev/null -u "$auth" -H 'content-type: application/json' -X PUT "$es/_security/role/nop_logs_writer" --data '{
  "cluster": ["monitor"],
  "indices": [{ "names": ["logs-nop-*"], "privileges": ["create_doc", "auto_configure"] }]
}'
curl -fsS -o /dev/null -u "$auth" -H 'content-type: application/json' -X PUT "$es/_security/user/nop-logs" \
  --data "{\"password\":\"$(json_string "${NOP_LOGS_PASSWORD:?}")\",\"roles\":[\"nop_logs_writer\"],\"full_name\":\"NOP services' log sink\"}"
echo "elasticsearch-setup: user nop-logs (role nop_logs_writer: create_doc on logs-nop-*) set"
