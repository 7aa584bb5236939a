#!/usr/bin/env bash
# Local stand-ins for the upstream images NOP's Dockerfiles and compose file use, for machines where no image
# registry is reachable (docs/docker-compose.md). Everything comes from Debian and from this machine:
#
#   nop-base:bookworm          debootstrap'd Debian 12 (minbase + ca-certificates, ICU, OpenSSL, curl)
#   nop-local/dotnet-sdk:10.0  + this machine's .NET SDK           (for ARG SDK_IMAGE)
#   nop-local/aspnet:10.0      + only its .NET and ASP.NET runtimes (for ARG RUNTIME_IMAGE)
#   nop-local/node:20          + this machine's node and npm       (for ARG NODE_IMAGE)
#   nop-local/rabbitmq:3       + Debian's rabbitmq-server, management and consistent-hash plugins
#
# Idempotent and cached: an image that exists is kept (NOP_REBUILD_IMAGES=1 rebuilds them all). Starts the Docker
# engine when none answers (installing Debian's docker.io when missing). Needs root for that and for debootstrap.
#
#   deploy/docker/local-images.sh            build what is missing
#   deploy/docker/local-images.sh --engine   only make sure an engine answers
#   deploy/docker/local-images.sh --tools    only make sure docker.io and docker-compose are installed
#   deploy/docker/local-images.sh --print    print the Dockerfiles' build arguments (SDK_IMAGE, RUNTIME_IMAGE,
#                                            NODE_IMAGE, BASE_IMAGE)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

BASE=nop-base:bookworm
SDK=nop-local/dotnet-sdk:10.0
RUNTIME=nop-local/aspnet:10.0
NODE=nop-local/node:20
RABBITMQ=nop-local/rabbitmq:3
# The uid the upstream .NET images give their non-root `app` user ($APP_UID).
APP_UID=1654

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

if [[ "${1:-}" == --print ]]; then
  printf '%s\n' "SDK_IMAGE=$SDK" "RUNTIME_IMAGE=$RUNTIME" "NODE_IMAGE=$NODE" "BASE_IMAGE=$BASE"
  exit 0
fi

is_root() { [[ "$(id -u)" -eq 0 ]]; }
engine_answers() { timeout 10 docker info >/dev/null 2>&1; }

ensure_tools() {
  command -v dockerd >/dev/null 2>&1 && command -v docker-compose >/dev/null 2>&1 && return
  is_root || die "docker.io / docker-compose are not installed and installing them needs root"
  say "installing docker.io and docker-compose (apt-get)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io docker-compose >/dev/null
}

ensure_engine() {
  ensure_tools
  engine_answers && return
  is_root || die "no Docker engine answers and starting one needs root"
  say "starting dockerd (no bridge, no iptables: containers use the host network)"
  # setsid + nohup: the engine outlives the shell (and the test process) that started it.
  # Without the build lock's file (fd 8): a daemon that kept it open would hold the lock for good.
  setsid nohup dockerd --bridge=none --iptables=false >/var/log/dockerd.log 2>&1 </dev/null 8>&- &
  local i
  for i in $(seq 60); do
    engine_answers && { say "dockerd ready (pid $(cat /var/run/docker.pid 2>/dev/null || echo '?'))"; return; }
    sleep 0.5
  done
  tail -n 20 /var/log/dockerd.log >&2 || true
  die "dockerd did not answer 'docker info' within 30 s (log: /var/log/dockerd.log)"
}

has_image() { docker image inspect "$1" >/dev/null 2>&1 && [[ "${NOP_REBUILD_IMAGES:-0}" != 1 ]]; }

# Build context in a temporary folder; $1 = image, stdin = Dockerfile, the rest = files to put beside it.
build_image() {
  local image="$1" ctx
  shift
  ctx="$(mktemp -d)"
  cat >"$ctx/Dockerfile"
  if [[ $# -gt 0 ]]; then cp -a "$@" "$ctx/"; fi
  say "building $image"
  # --network host: apt-get inside the build reaches the Debian mirror; the engine has no bridge network.
  DOCKER_BUILDKIT=0 docker build -q --force-rm --network host -t "$image" "$ctx" >/dev/null
  rm -rf "$ctx"
}

debian_mirror() {
  local uri
  uri="$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)"
  if [[ -z "$uri" ]]; then
    uri="$(awk '$1 == "deb" && $3 == "bookworm" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)"
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

# debootstrap mounts /proc and /sys inside the root file system: unmount whatever an interrupted run left there before
# removing the folder, and never cross into another file system.
ROOTFS=""
remove_rootfs() {
  [[ "$ROOTFS" == /var/tmp/nop-rootfs.* && -d "$ROOTFS" ]] || return 0
  grep -o " $ROOTFS/[^ ]*" /proc/mounts | sort -r | xargs -r umount -l || true
  rm -rf --one-file-system "$ROOTFS"
}

build_base() {
  has_image "$BASE" && return
  is_root || die "debootstrap needs root"
  if ! command -v debootstrap >/dev/null 2>&1; then
    say "installing debootstrap (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
  fi
  local rootfs mirror
  ROOTFS="$(mktemp -d /var/tmp/nop-rootfs.XXXXXX)"
  rootfs="$ROOTFS"
  trap remove_rootfs EXIT
  mirror="$(debian_mirror)"
  say "debootstrap bookworm from $mirror (about a minute)"
  debootstrap --variant=minbase --include=ca-certificates,libicu72,libssl3,curl \
    bookworm "$rootfs" "$mirror" >/var/tmp/nop-debootstrap.log 2>&1 \
    || { tail -n 20 /var/tmp/nop-debootstrap.log >&2; die "debootstrap failed"; }
  # Trust what this machine trusts: its own CAs (e.g. an egress proxy's) let builds reach the same mirrors and NuGet.
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
    chroot "$rootfs" update-ca-certificates >/dev/null
  fi
  # The image needs no package lists or downloaded .debs; apt-get update fetches fresh lists when a build needs them.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import -c 'CMD ["/bin/bash"]' -c 'ENV LANG=C.UTF-8' - "$BASE" >/dev/null
  remove_rootfs
  say "imported $BASE"
}

dotnet_root() { dirname "$(readlink -f "$(command -v dotnet)")"; }

build_sdk() {
  has_image "$SDK" && return
  local root
  root="$(dotnet_root)"
  # Like mcr.microsoft.com/dotnet/sdk: the SDK in /usr/share/dotnet, `dotnet` on the PATH, no telemetry or banner.
  build_image "$SDK" "$root" <<EOF
FROM $BASE
COPY dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
ENV DOTNET_ROOT=/usr/share/dotnet DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 \\
    DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 DOTNET_RUNNING_IN_CONTAINER=true NUGET_XMLDOC_MODE=skip
${NUGET_CERT_REVOCATION_MODE:+ENV NUGET_CERT_REVOCATION_MODE=$NUGET_CERT_REVOCATION_MODE}
EOF
}

build_runtime() {
  has_image "$RUNTIME" && return
  local root ctx
  root="$(dotnet_root)"
  ctx="$(mktemp -d)"
  # Only the host and the two shared frameworks (and their licences): a runtime image, not an SDK.
  mkdir -p "$ctx/dotnet/shared"
  cp -a "$root/dotnet" "$root/host" "$ctx/dotnet/"
  cp -a "$root/shared/Microsoft.NETCore.App" "$root/shared/Microsoft.AspNetCore.App" "$ctx/dotnet/shared/"
  cp -a "$root"/LICENSE.txt "$root"/ThirdPartyNotices.txt "$ctx/dotnet/" 2>/dev/null || true
  # Like mcr.microsoft.com/dotnet/aspnet: a non-root `app` user with $APP_UID, HTTP on 8080 by default.
  build_image "$RUNTIME" "$ctx/dotnet" <<EOF
FROM $BASE
COPY dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet \\
 && groupadd --gid $APP_UID app && useradd --uid $APP_UID --gid app --no-create-home --shell /bin/false app
ENV APP_UID=$APP_UID ASPNETCORE_HTTP_PORTS=8080 DOTNET_RUNNING_IN_CONTAINER=true DOTNET_ROOT=/usr/share/dotnet
EOF
  rm -rf "$ctx"
}

build_node() {
  has_image "$NODE" && return
  command -v node >/dev/null 2>&1 || die "node is not installed on this machine (apt-get install nodejs npm)"
  local node npm ctx
  node="$(readlink -f "$(command -v node)")"
  npm="$(dirname "$(readlink -f "$(command -v npm)")")"
  # npm's folder is node_modules/npm/bin -> node_modules/npm.
  npm="$(cd "$npm/.." && pwd)"
  ctx="$(mktemp -d)"
  mkdir -p "$ctx/node/bin" "$ctx/node/lib/node_modules"
  cp -a "$node" "$ctx/node/bin/node"
  cp -a "$npm" "$ctx/node/lib/node_modules/npm"
  # Like node:20-bookworm-slim: node and npm on the PATH (the binary needs only libc, libstdc++ and libgcc).
  build_image "$NODE" "$ctx/node" <<EOF
FROM $BASE
COPY node /usr/local
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && node --version && npm --version
# Node has its own CA list: point it at the system's, which holds this machine's CAs too.
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false \\
    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
EOF
  rm -rf "$ctx"
}

build_rabbitmq() {
  has_image "$RABBITMQ" && return
  # Like rabbitmq:3-management: config in /etc/rabbitmq (conf.d/ and enabled_plugins), data in /var/lib/rabbitmq,
  # ports 5672/15672, RABBITMQ_DEFAULT_USER/PASS honoured on first start.
  build_image "$RABBITMQ" "$HERE/rabbitmq-entrypoint.sh" <<EOF
FROM $BASE
RUN apt-get update -qq \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends rabbitmq-server >/dev/null \\
 && rm -rf /var/lib/apt/lists/* /var/lib/rabbitmq/mnesia \\
 && rabbitmq-plugins enable --offline rabbitmq_management rabbitmq_consistent_hash_exchange >/dev/null \\
 && mkdir -p /etc/rabbitmq/conf.d && chown -R rabbitmq:rabbitmq /etc/rabbitmq /var/lib/rabbitmq
COPY rabbitmq-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
ENV RABBITMQ_CONFIG_FILES=/etc/rabbitmq/conf.d RABBITMQ_LOGS=- RABBITMQ_PID_FILE=/var/lib/rabbitmq/rabbit.pid
EXPOSE 5672 15672
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
CMD ["rabbitmq-server"]
EOF
}

if [[ "${1:-}" == --tools ]]; then ensure_tools; exit 0; fi
ensure_engine
[[ "${1:-}" == --engine ]] && exit 0
# One build at a time (./nop test starts one in the background while tests may call this too): a second call waits
# here, then finds the images built.
exec 8>/var/tmp/nop-local-images.lock
flock 8
build_base
build_sdk
build_runtime
build_node
build_rabbitmq
say "local images ready: $BASE $SDK $RUNTIME $NODE $RABBITMQ"
