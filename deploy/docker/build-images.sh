#!/usr/bin/env bash
# Builds NOP's images from the project's Dockerfiles, unchanged, with the local stand-ins of deploy/docker/local-images.sh
# as their base images (for machines without an image registry; with one, `docker compose build` does the same).
#   deploy/docker/build-images.sh [TAG]     # images nop/<service>:TAG (default: $NOP_IMAGE_TAG or dev)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TAG="${1:-${NOP_IMAGE_TAG:-dev}}"

"$ROOT/deploy/docker/local-images.sh"

# Build every image from one snapshot of the sources: the images then share the build stage's cache even while the
# working tree changes under the builds (and the snapshot needs no bin/ obj/ node_modules/ to be filtered out).
context="$(mktemp -d)"
trap 'rm -rf "$context"' EXIT
tar -C "$ROOT" --exclude=bin --exclude=obj --exclude=node_modules --exclude=dist --exclude='*.db' -cf - \
    global.json Directory.Build.props Directory.Packages.props .editorconfig .dockerignore shared services frontend deploy \
  | tar -C "$context" -xf -

args=()
while IFS= read -r line; do args+=(--build-arg "$line"); done < <("$ROOT/deploy/docker/local-images.sh" --print)

build() {
  local name="$1" dockerfile="$2" started=$SECONDS
  shift 2
  printf '==> building nop/%s:%s\n' "$name" "$TAG" >&2
  # --network host: the engine has no bridge network; NuGet and npm restores need the host's.
  DOCKER_BUILDKIT=0 docker build -q --force-rm --network host -f "$context/$dockerfile" "${args[@]}" "$@" -t "nop/$name:$TAG" "$context" >/dev/null
  printf '    nop/%s:%s built in %ss\n' "$name" "$TAG" $((SECONDS - started)) >&2
}

build ingest     deploy/docker/service.Dockerfile --build-arg PROJECT=Nop.Ingest
build processing deploy/docker/service.Dockerfile --build-arg PROJECT=Nop.Processing
build alerting   deploy/docker/service.Dockerfile --build-arg PROJECT=Nop.Alerting
build history    deploy/docker/service.Dockerfile --build-arg PROJECT=Nop.History
build notifier   deploy/docker/service.Dockerfile --build-arg PROJECT=Nop.Notifier
build smtp4dev   deploy/docker/smtp4dev.Dockerfile
build simulator  deploy/docker/service.Dockerfile --build-arg PROJECT=Nop.Simulator
build dashboard  deploy/docker/dashboard.Dockerfile
build prometheus deploy/prometheus/Dockerfile
