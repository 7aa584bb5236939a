#!/bin/sh
# One-shot broker set-up for docker compose (the rabbitmq-setup service), run with curl against the management API:
# loads definitions.json (topology, one user per service, least-privilege permissions), then gives each service user
# its password from the environment (.env), since a definitions file can only hold fixed password hashes. The users in
# definitions.json have no usable password until then. Safe to run again: both steps are idempotent.
set -eu

api="${RABBITMQ_API:-http://rabbitmq:15672/api}"
admin="${RABBITMQ_DEFAULT_USER:?}:${RABBITMQ_DEFAULT_PASS:?}"
here="$(dirname "$0")"

# The passwords also go into AMQP URIs (RabbitMq__Uri) and into JSON here: keep them to URL-safe characters.
check() {
  case "$2" in
    "" ) echo "rabbitmq-setup: $1 is empty" >&2; exit 1 ;;
    *[!A-Za-z0-9._~-]* ) echo "rabbitmq-setup: $1 may only contain A-Z a-z 0-9 . _ ~ -" >&2; exit 1 ;;
  esac
}

i=0
until curl -fsS -o /dev/null -u "$admin" "$api/overview"; do
  i=$((i + 1))
  [ "$i" -lt 60 ] || { echo "rabbitmq-setup: the management API at $api does not answer" >&2; exit 1; }
  sleep 1
done

curl -fsS -u "$admin" -H 'content-type: application/json' -X POST --data-binary "@$here/definitions.json" "$api/definitions"
echo "rabbitmq-setup: loaded definitions.json"

# An import leaves a queue that already exists as it is, without a word: a broker volume from before the work queues got
# their length limit would stay unbounded. The work queues are the ones the file dead-letters for (their .retry queues
# name them too, hence sort -u); each must have x-overflow reject-publish, or the operator must recreate it.
for queue in $(grep -o '"x-dead-letter-routing-key": *"[^"]*"' "$here/definitions.json" | sed 's/.*"\([^"]*\)"$/\1/' | sort -u); do
  case "$(curl -fsS -u "$admin" "$api/queues/%2F/$queue")" in
    *'"x-overflow":"reject-publish"'*) ;;
    *) echo "rabbitmq-setup: queue $queue exists without the length limit of definitions.json (declared by an older version)." \
         "Let it drain, delete it (rabbitmqctl delete_queue $queue) and run rabbitmq-setup again." >&2
       exit 1 ;;
  esac
  # Its retry queue must dead-letter at least once (a quorum queue), or a retry falling due while the work queue is
  # full would be lost.
  case "$(curl -fsS -u "$admin" "$api/queues/%2F/$queue.retry")" in
    *'"x-dead-letter-strategy":"at-least-once"'*) ;;
    *) echo "rabbitmq-setup: queue $queue.retry exists as a classic queue (declared by an older version)." \
         "Let it drain, delete it (rabbitmqctl delete_queue $queue.retry) and run rabbitmq-setup again." >&2
       exit 1 ;;
  esac
done
echo "rabbitmq-setup: every work queue has its length limit and an at-least-once retry queue"

for service in ingest processing alerting dashboard; do
  var="RABBITMQ_$(echo "$service" | tr '[:lower:]' '[:upper:]')_PASSWORD"
  eval "password=\${$var:-}"
  check "$var" "$password"
  curl -fsS -u "$admin" -H 'content-type: application/json' -X PUT \
    --data "{\"password\":\"$password\",\"tags\":\"\"}" "$api/users/nop-$service"
  echo "rabbitmq-setup: password of nop-$service set"
done
