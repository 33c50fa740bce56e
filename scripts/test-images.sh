#!/usr/bin/env bash
# Builds the container images the tests run from the project's own Dockerfile with buildah, so the tests
# (tests/Backup.Deploy.Tests/Image*Specs.cs) can run them with podman the way the CronJob does. Used by test.sh.
#
#   scripts/test-images.sh check                     exit 0 when images can be built and run here; else print why not, exit 1
#   scripts/test-images.sh pairs APP_DIR             the "SOURCE STORAGE" pairs the tests need, one a line (below)
#   scripts/test-images.sh build ENV_FILE APP_DIR    build those images and write the variables the tests read into
#                                                    ENV_FILE; when `check` fails, only say why (the tests then skip)
#   APP_DIR   a build/publish.sh output: its host names the plugins (`backup plugins --output json`)
#
# Which images: every storage with the default source (mariadb-ha), and every other source with the local storage
# only. A storage plugin is the same bits whatever the source, so one storage proves a source's image (its tools, its
# run from a read-only root) and CI builds 4 + 1 images, not 4 x 2. Tags are SOURCE-STORAGE.
#
# No registry is reachable from CI, so the two mcr.microsoft.com/dotnet bases are replaced by local stand-ins
# (--build-arg DOTNET_SDK_IMAGE / DOTNET_RUNTIME_IMAGE): a Debian bookworm rootfs (mmdebstrap) with this
# machine's .NET. Debian, not Ubuntu noble like the real bases: that is what the machine's apt mirror serves;
# both ship base-passwd, glibc and the same library names. Made once per machine (the containers storage is
# the cache) and rebuilt only when their recipe below, the .NET version or the host's CA certificates change.
# buildah's --layers cache makes a rebuild with unchanged sources nearly free.
#
# Environment:
#   BACKUP_TEST_IMAGES_REQUIRED=1   `build` fails instead of skipping when images cannot be built (CI sets it)
# Written to ENV_FILE: CONTAINERS_CONF, BACKUP_TEST_IMAGE_REPOSITORY (tags: SOURCE-STORAGE),
# BACKUP_TEST_IMAGE_RUNTIME_BASE (the runtime base the images were built on).
set -euo pipefail

readonly SELF=${0##*/}
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO_ROOT
readonly OCI_DIR=$REPO_ROOT/.tools/oci
readonly IMAGE_REPOSITORY=localhost/startree-backup-test
readonly SDK_STANDIN=localhost/startree-backup-standin/dotnet-sdk:10.0
readonly RUNTIME_STANDIN=localhost/startree-backup-standin/dotnet-runtime:10.0
readonly RECIPE_LABEL=io.startree.standin-recipe
readonly EXTRA_CA_DIR=/usr/local/share/ca-certificates
readonly DEFAULT_SOURCE=mariadb-ha PROOF_STORAGE=local

die() { echo "$SELF: $*" >&2; exit 1; }
log() { echo "$SELF: $*" >&2; }

dotnet_dir() { dirname "$(realpath "$(command -v dotnet)")"; }

# Why images cannot be built and run here, or nothing.
why_not() {
  local tool
  (( EUID == 0 )) || { echo "not root: rootless buildah/podman would need subuid ranges this test does not set up"; return; }
  for tool in buildah podman mmdebstrap runc dotnet; do
    command -v "$tool" >/dev/null 2>&1 || { echo "$tool is not installed (scripts/install-deps.sh installs it)"; return; }
  done
  [[ -d $(dotnet_dir)/shared/Microsoft.NETCore.App ]] || echo "no Microsoft.NETCore.App beside $(command -v dotnet)"
}

# This VM cannot raise podman's default rlimits (no CAP_SYS_RESOURCE: "setrlimit RLIMIT_NOFILE: Operation not
# permitted"), and crun refuses its cgroup v1/v2 hybrid: fixed rlimits and runc.
write_containers_conf() {
  mkdir -p "$OCI_DIR"
  cat >"$OCI_DIR/containers.conf" <<'EOF'
[containers]
default_ulimits = ["nofile=16384:16384", "nproc=8192:8192"]
[engine]
runtime = "runc"
EOF
}

# A container on the bookworm rootfs that trusts the host's extra CAs: the VM's egress is a TLS-intercepting
# proxy, and NuGet in the SDK stand-in fails with "UntrustedRoot" without them.
standin_container() {
  local c
  c=$(buildah from --pull-never localhost/startree-backup-standin/bookworm:minbase)
  if compgen -G "$EXTRA_CA_DIR/*" >/dev/null; then
    buildah copy --quiet "$c" "$EXTRA_CA_DIR/" "$EXTRA_CA_DIR/" >/dev/null
    # (Its "rehash: skipping ca-certificates.crt" warnings are noise: the bundle is written.)
    buildah run "$c" -- update-ca-certificates >/dev/null 2>&1
  fi
  echo "$c"
}

# What the real images have: the runtime-deps packages, .NET under /usr/share/dotnet, the "app" user 1654.
make_standins() {
  local recipe=$1 d version c
  d=$(dotnet_dir)
  version=$(ls "$d/shared/Microsoft.NETCore.App" | sort -V | tail -n 1)
  # Docker's apt trimming as in the real images: no caches, docs or locales (with docker-clean in place
  # mmdebstrap's own clean leaves the *.bin caches: the second hook removes them).
  cat >"$OCI_DIR/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  mmdebstrap --quiet --variant=minbase --include=ca-certificates,libicu72,libssl3,tzdata \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --customize-hook="upload $OCI_DIR/docker-clean /etc/apt/apt.conf.d/docker-clean" \
    --customize-hook='rm -f "$1"/var/cache/apt/*.bin' \
    bookworm "$OCI_DIR/rootfs.tar"
  podman import --quiet "$OCI_DIR/rootfs.tar" localhost/startree-backup-standin/bookworm:minbase >/dev/null
  rm -f "$OCI_DIR/rootfs.tar"

  c=$(standin_container)   # runtime: the muxer, host/fxr and Microsoft.NETCore.App only
  buildah run "$c" -- mkdir -p "$d/shared"
  buildah copy --quiet "$c" "$d/dotnet" "$d/LICENSE.txt" "$d/ThirdPartyNotices.txt" "$d/" >/dev/null
  buildah copy --quiet "$c" "$d/host" "$d/host" >/dev/null
  buildah copy --quiet "$c" "$d/shared/Microsoft.NETCore.App" "$d/shared/Microsoft.NETCore.App" >/dev/null
  standin_finish "$c" "$d" "$version" "$recipe" "$RUNTIME_STANDIN"

  c=$(standin_container)   # sdk: all of the machine's .NET
  buildah copy --quiet "$c" "$d" "$d" >/dev/null
  buildah config --env NUGET_XMLDOC_MODE=skip --env DOTNET_GENERATE_ASPNET_CERTIFICATE=false "$c"
  standin_finish "$c" "$d" "$version" "$recipe" "$SDK_STANDIN"
  podman rmi --force localhost/startree-backup-standin/bookworm:minbase >/dev/null
}

standin_finish() {
  local c=$1 d=$2 version=$3 recipe=$4 name=$5
  buildah run "$c" -- sh -c "ln -s $d/dotnet /usr/bin/dotnet && groupadd -g 1654 app && useradd -u 1654 -g 1654 -m app"
  buildah config --env DOTNET_VERSION="$version" --env DOTNET_RUNNING_IN_CONTAINER=true --env APP_UID=1654 \
    --label "$RECIPE_LABEL=$recipe" "$c"
  buildah commit --quiet --rm "$c" "$name" >/dev/null
}

standin_recipe() {
  { declare -f standin_container make_standins standin_finish; ls "$(dotnet_dir)/shared/Microsoft.NETCore.App" "$(dotnet_dir)/sdk"
    cat "$EXTRA_CA_DIR"/* 2>/dev/null || true; } | sha256sum | cut -c1-16
}

label_of() { podman image inspect --format "{{index .Labels \"$RECIPE_LABEL\"}}" "$1" 2>/dev/null || true; }

ensure_standins() {
  local recipe start=$SECONDS
  recipe=$(standin_recipe)
  if [[ $(label_of "$RUNTIME_STANDIN") == "$recipe" && $(label_of "$SDK_STANDIN") == "$recipe" ]]; then
    log "reusing the stand-in base images ($recipe)"
    return 0
  fi
  log "making the stand-in base images ($recipe): bookworm minbase + $(dotnet_dir)"
  make_standins "$recipe"
  log "stand-ins made in $((SECONDS - start))s"
}

# The image's layers, newest first, and what the Dockerfile adds on top of the runtime base.
report_sizes() {
  local image=$1 base_size size
  base_size=$(podman image inspect --format '{{.Size}}' "$RUNTIME_STANDIN")
  size=$(podman image inspect --format '{{.Size}}' "$image")
  echo "layers of $image with content, newest first (the last two are the stand-in runtime base):"
  podman history --format '{{.Size}}\t{{.CreatedBy}}' "$image" | grep -v '^0 B' | cut -c1-130 | sed 's/^/  /'
  awk -v s="$size" -v b="$base_size" 'BEGIN { printf "  %.1f MB total, %.1f MB on top of the runtime base (stand-in)\n", s / 1e6, (s - b) / 1e6 }'
}

# The pairs the tests need (see the top of this file), from the plugins APP_DIR's host lists.
pairs() {
  local app_dir=$1 plugins kind name
  plugins=$("$REPO_ROOT/build/publish-image-layout.sh" --from "$app_dir" --list) || die "cannot list the plugins of $app_dir"
  while read -r kind name; do
    if [[ $kind == storage ]]; then echo "$DEFAULT_SOURCE $name"; fi
  done <<<"$plugins"
  while read -r kind name; do
    if [[ $kind == source && $name != "$DEFAULT_SOURCE" ]]; then echo "$name $PROOF_STORAGE"; fi
  done <<<"$plugins"
}

build() {
  local env_file=$1 app_dir=$2 reason source storage start list
  reason=$(why_not)
  if [[ -n $reason ]]; then
    [[ ${BACKUP_TEST_IMAGES_REQUIRED:-0} != 1 ]] || die "cannot build the images (BACKUP_TEST_IMAGES_REQUIRED=1): $reason"
    log "skipped: $reason"
    return 0
  fi
  write_containers_conf
  export CONTAINERS_CONF=$OCI_DIR/containers.conf
  # The stand-ins and the image tags are machine-wide: one build at a time.
  exec 9>"${TMPDIR:-/tmp}/startree-backup-test-images.lock"
  flock 9
  list=$(pairs "$app_dir")
  ensure_standins
  while read -r source storage; do
    start=$SECONDS
    buildah bud --pull=never --layers --quiet --build-arg SOURCE="$source" --build-arg STORAGE="$storage" \
      --build-arg DOTNET_SDK_IMAGE="$SDK_STANDIN" --build-arg DOTNET_RUNTIME_IMAGE="$RUNTIME_STANDIN" \
      -t "$IMAGE_REPOSITORY:$source-$storage" "$REPO_ROOT" >/dev/null
    log "built $IMAGE_REPOSITORY:$source-$storage in $((SECONDS - start))s"
    report_sizes "$IMAGE_REPOSITORY:$source-$storage"
  done <<<"$list"
  mkdir -p "$(dirname "$env_file")"
  cat >"$env_file" <<EOF
export CONTAINERS_CONF=$CONTAINERS_CONF
export BACKUP_TEST_IMAGE_REPOSITORY=$IMAGE_REPOSITORY
export BACKUP_TEST_IMAGE_RUNTIME_BASE=$RUNTIME_STANDIN
EOF
}

case ${1:-} in
  check)
    (( $# == 1 )) || die "usage: $SELF check"
    reason=$(why_not)
    [[ -z $reason ]] || { echo "$reason"; exit 1; }
    ;;
  pairs)
    (( $# == 2 )) || die "usage: $SELF pairs APP_DIR"
    pairs "$2"
    ;;
  build)
    (( $# == 3 )) || die "usage: $SELF build ENV_FILE APP_DIR"
    build "$2" "$3"
    ;;
  *) echo "usage: $SELF check | pairs APP_DIR | build ENV_FILE APP_DIR" >&2; exit 2 ;;
esac
