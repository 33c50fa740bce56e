#!/usr/bin/env bash
# Produces exactly the folder the Dockerfile copies into the runtime image for one (source, storage) pair:
#
#   OUT_DIR/backup (+ its dlls)            the host, framework-dependent
#   OUT_DIR/plugins/<source assembly>/     the ONE source plugin named SOURCE (mariadb-ha, mariadb-backup, ...)
#   OUT_DIR/plugins/<storage assembly>/    the ONE storage plugin named STORAGE (local, aws, azure, gcp, ...)
#
# Usage: build/publish-image-layout.sh [--from APP_DIR] SOURCE STORAGE [OUT_DIR]
#        build/publish-image-layout.sh [--from APP_DIR] --list
#   SOURCE    a source plugin's name as the host lists it (`backup plugins`), e.g. mariadb-ha
#   STORAGE   a storage plugin's name, e.g. local
#   OUT_DIR   default <repo>/artifacts/image/SOURCE-STORAGE; deleted and recreated
#   --from    take the host and the two plugin folders from APP_DIR, a full build/publish.sh output (the
#             Dockerfile's build stage and test.sh do this: every pair's layout comes from one publish); without
#             it, everything is published into a temporary folder first
#   --list    print every plugin as "KIND NAME", one a line (kind: source or storage)
#
# Which plugin is which comes from the host itself (`backup plugins --output json`: name, kind, assembly path),
# not from folder names, so a plugin added under plugins/ gets images without touching this script.
# The .pdb files are left out: a failing run is reported by message and exit code, not by line numbers, and the
# symbols would otherwise be a quarter of the host's size in every image. Prints the layout's size per part.
# Needs jq.
set -euo pipefail

readonly SELF=${0##*/}
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO_ROOT

die() { echo "$SELF: $*" >&2; exit 1; }
usage() { echo "usage: $SELF [--from APP_DIR] SOURCE STORAGE [OUT_DIR] | $SELF [--from APP_DIR] --list" >&2; exit 2; }
command -v jq >/dev/null || die "jq is not installed (scripts/install-deps.sh installs it)"

from_dir=""
if [[ ${1:-} == --from ]]; then
  (( $# >= 2 )) || usage
  from_dir=$2
  shift 2
  [[ -x $from_dir/backup ]] || die "--from $from_dir: no published host (backup) there"
fi
(( $# >= 1 && $# <= 3 )) || usage
[[ $1 == --list ]] && (( $# != 1 )) && usage
[[ $1 == --list ]] || (( $# >= 2 )) || usage

if [[ -z $from_dir ]]; then
  from_dir=$(mktemp -d)
  trap 'rm -rf -- "$from_dir"' EXIT
  "$REPO_ROOT/build/publish.sh" "$from_dir" >&2
fi

# "KIND NAME PATH" of every plugin that loads. Exit 3 (a broken or ignored folder) still prints the listing; the
# broken plugin has no kind and is then simply not offered.
# Plain output whatever the caller exports (BACKUP_LOG_FORMAT=json would wrap the listing in a log record).
listing=$(BACKUP_PLUGINS_DIR= BACKUP_LOG_FORMAT= "$from_dir/backup" plugins --output json) || (( $? == 3 )) \
  || die "'$from_dir/backup plugins --output json' failed"
plugins=$(jq -r '.plugins[] | select(.kind != null) | "\(.kind) \(.name) \(.path)"' <<<"$listing") \
  || die "cannot read the plugin listing of $from_dir/backup"

if [[ $1 == --list ]]; then
  cut -d' ' -f1,2 <<<"$plugins"
  exit 0
fi
[[ $1 != -* && $2 != -* ]] || usage
source=$1 storage=$2

# The plugin folder (under APP_DIR/plugins) of the plugin of KIND named NAME.
folder_of() { # kind name
  local kind name path
  while read -r kind name path; do
    if [[ $kind == "$1" && $name == "$2" ]]; then basename "$(dirname "$path")"; return 0; fi
  done <<<"$plugins"
  die "no $1 plugin '$2' (available: $(awk -v k="$1" '$1 == k { printf "%s%s", s, $2; s = " " }' <<<"$plugins"))"
}
source_folder=$(folder_of source "$source")
storage_folder=$(folder_of storage "$storage")

out_dir=$(realpath -m -- "${3:-$REPO_ROOT/artifacts/image/$source-$storage}")
case "$REPO_ROOT/" in "$out_dir"/*) die "refusing to clean $out_dir: it contains the repository" ;; esac
case "$(realpath -- "$from_dir")/" in "$out_dir"/*) die "refusing to clean $out_dir: it contains $from_dir" ;; esac
rm -rf -- "$out_dir"
mkdir -p -- "$out_dir/plugins"
find "$from_dir" -mindepth 1 -maxdepth 1 ! -name plugins -exec cp -a -t "$out_dir" {} +
cp -a "$from_dir/plugins/$source_folder" "$from_dir/plugins/$storage_folder" "$out_dir/plugins/"
find "$out_dir" -name '*.pdb' -delete

echo "image layout for source '$source', storage '$storage': $out_dir"
printf '  %-8s %s\n' "$(du -sh --exclude=plugins "$out_dir" | cut -f1)" "host"
for dir in "$out_dir"/plugins/*/; do
  printf '  %-8s %s\n' "$(du -sh "$dir" | cut -f1)" "plugins/$(basename "$dir")"
done
printf '  %-8s %s (%s bytes)\n' "$(du -sh "$out_dir" | cut -f1)" "total" "$(du -sb "$out_dir" | cut -f1)"
