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

# The consistent-hash exchange of earlier versions (docs/architecture.md §3, "Partitioning"): its bindings would route
# every reading to a partition a second time. An import never deletes, so do it here (404: already gone).
legacy="$api/exchanges/%2F/nop.readings.partitioned"
case "$(curl -sS -o /dev/null -w '%{http_code}' -u "$admin" -X DELETE "$legacy")" in
  204) echo "rabbitmq-setup: deleted nop.readings.partitioned, the consistent-hash exchange of an older version" ;;
  404) ;;
  *) echo "rabbitmq-setup: could not delete nop.readings.partitioned" >&2; exit 1 ;;
esac

# An import leaves a queue that already exists as it is, without a word: a broker volume from before the work queues got
# their length limit would stay unbounded. The work queues are the ones the file dead-letters for (their .retry.N queues
# name them too, hence sort -u); each must have x-overflow reject-publish, or the operator must recreate it.
for queue in $(grep -o '"x-dead-letter-routing-key": *"[^"]*"' "$here/definitions.json" | sed 's/.*"\([^"]*\)"$/\1/' | sort -u); do
  # Per-service retry and dead exchanges (no user may write the default exchange): a queue of a version that shared
  # nop.retry/nop.dead keeps its old dead-letter exchange, which an import cannot change (docs/architecture.md §3).
  service="${queue%%.*}"
  case "$(curl -fsS -u "$admin" "$api/queues/%2F/$queue")" in
    *'"x-dead-letter-exchange":"nop.dead.'"$service"'"'*) ;;
    *) echo "rabbitmq-setup: queue $queue dead-letters to the shared nop.dead of an older version." \
         "Stop the services, let it drain, delete it and its .retry.N queues (rabbitmqctl delete_queue) and run" \
         "rabbitmq-setup again." >&2
       exit 1 ;;
  esac
  case "$(curl -fsS -u "$admin" "$api/queues/%2F/$queue")" in
    *'"x-overflow":"reject-publish"'*) ;;
    *) echo "rabbitmq-setup: queue $queue exists without the length limit of definitions.json (declared by an older version)." \
         "Let it drain, delete it (rabbitmqctl delete_queue $queue) and run rabbitmq-setup again." >&2
       exit 1 ;;
  esac
  # One retry queue per delay (RabbitMq__RetryDelays: three by default, Notifier five), as the file lists them; each
  # must dead-letter at least once (a quorum queue), or a retry falling due while the work queue is full would be lost.
  pattern="$(printf '%s' "$queue" | sed 's/\./\\./g')"
  steps="$(grep -o "\"name\": *\"$pattern\.retry\.[0-9]*\"" "$here/definitions.json" \
    | sed 's/.*\.retry\.\([0-9]*\)"$/\1/')"
  [ -n "$steps" ] || { echo "rabbitmq-setup: definitions.json lists no retry queue of $queue" >&2; exit 1; }
  for step in $steps; do
    case "$(curl -fsS -u "$admin" "$api/queues/%2F/$queue.retry.$step")" in
      *'"x-dead-letter-exchange":"nop.retry.'"$service"'"'*'"x-dead-letter-strategy":"at-least-once"'* | \
      *'"x-dead-letter-strategy":"at-least-once"'*'"x-dead-letter-exchange":"nop.retry.'"$service"'"'*) ;;
      *) echo "rabbitmq-setup: queue $queue.retry.$step is missing, not an at-least-once quorum queue or dead-letters" \
           "to the default exchange (an older version)." \
           "Let it drain, delete it (rabbitmqctl delete_queue $queue.retry.$step) and run rabbitmq-setup again." >&2
         exit 1 ;;
    esac
  done
  # The single .retry queue of versions before one queue per delay: nothing is sent to it any more, and what it holds
  # goes back to the work queue as each delay expires (25 s at most by default). Deleted here once empty.
  if old="$(curl -fsS -u "$admin" "$api/queues/%2F/$queue.retry" 2>/dev/null)"; then
    case "$old" in
      *'"messages":0,'* | *'"messages":0}'*)
        curl -fsS -u "$admin" -X DELETE "$api/queues/%2F/$queue.retry"
        echo "rabbitmq-setup: deleted $queue.retry, the empty retry queue of an older version" ;;
      *) echo "rabbitmq-setup: $queue.retry of an older version still holds messages; they return to $queue as their" \
           "delays expire: run rabbitmq-setup again later to delete it" ;;
    esac
  fi
done
echo "rabbitmq-setup: every work queue has its length limit and at-least-once retry queues, one per delay"

for service in ingest processing alerting dashboard history notifier; do
  var="RABBITMQ_$(echo "$service" | tr '[:lower:]' '[:upper:]')_PASSWORD"
  eval "password=\${$var:-}"
  check "$var" "$password"
  curl -fsS -u "$admin" -H 'content-type: application/json' -X PUT \
    --data "{\"password\":\"$password\",\"tags\":\"\"}" "$api/users/nop-$service"
  echo "rabbitmq-setup: password of nop-$service set"
done
