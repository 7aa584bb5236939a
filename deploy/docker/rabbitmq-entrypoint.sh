#!/bin/sh
# Entrypoint of the local RabbitMQ stand-in image (deploy/docker/local-images.sh): behaves like the upstream
# rabbitmq image as far as NOP uses it. RABBITMQ_DEFAULT_USER/PASS become the administrator created on the first
# start (so no `guest`), then the broker runs in the foreground as the rabbitmq user, logging to stdout.
set -eu

if [ "${1:-}" = rabbitmq-server ] && [ "$(id -u)" = 0 ]; then
  if [ -n "${RABBITMQ_DEFAULT_USER:-}" ] && [ -n "${RABBITMQ_DEFAULT_PASS:-}" ]; then
    cat >/etc/rabbitmq/conf.d/10-default-user.conf <<EOF
default_user = $RABBITMQ_DEFAULT_USER
default_pass = $RABBITMQ_DEFAULT_PASS
default_user_tags.administrator = true
default_permissions.configure = .*
default_permissions.read = .*
default_permissions.write = .*
EOF
  fi
  chown -R rabbitmq:rabbitmq /var/lib/rabbitmq
  shift
  export HOME=/var/lib/rabbitmq
  exec setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups /usr/lib/rabbitmq/bin/rabbitmq-server "$@"
fi
exec "$@"
