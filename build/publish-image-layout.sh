#!/usr/bin/env bash
# Produces exactly the folder the Dockerfile copies into the runtime image for one storage:
#
#   OUT_DIR/backup (+ its dlls)            the host, framework-dependent
#   OUT_DIR/plugins/<source assembly>/     the mariadb-ha source
#   OUT_DIR/plugins/<storage assembly>/    the ONE storage plugin named STORAGE
#
# Usage: build/publish-image-layout.sh [--from APP_DIR] STORAGE [OUT_DIR]
#        build/publish-image-layout.sh [--from APP_DIR] --list
#   STORAGE   a storage plugin's name, as a job spec writes it: local, aws, azure, gcp, ...
#   OUT_DIR   default <repo>/artifacts/image/STORAGE; deleted and recreated
#   --from    take the host and the two plugin folders from APP_DIR, a full build/publish.sh output,
#             instead of publishing them: every storage's layout then comes from one publish (the
#             Dockerfile's build stage and test.sh do this); without it the script publishes everything
#             into a temporary folder first (each plugin is published into its own folder, so the bits are
#             the same either way)
#   --list    print the storages that can be published, one per line
#
# Which plugin is a source and which a storage is the host's answer (`backup plugins --output tsv`), read from
# the name and kind each plugin's assembly is stamped with at build time: no list of folders here, so a plugin
# added under plugins/ later gets an image without touching this script. tsv, not json: the image's build
# stage has no JSON parser.
#
# It is build/publish.sh with a plugin filter (so the image and the tests get the same bits), minus the
# .pdb files: a failing run is reported by message and exit code, not by line numbers, and the symbols
# would otherwise be a quarter of the host's size in every image. Prints the layout's size per part.
set -euo pipefail

readonly SELF=${0##*/}
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO_ROOT
# Every image carries this source; only the storage varies. mariadb-backup needs the datadir mounted and its own
# tools (docs/mariadb-backup.md).
readonly SOURCE_PLUGIN=mariadb-ha

die() { echo "$SELF: $*" >&2; exit 1; }
usage() { echo "usage: $SELF [--from APP_DIR] STORAGE [OUT_DIR] | $SELF [--from APP_DIR] --list" >&2; exit 2; }
from_dir=""
if [[ ${1:-} == --from ]]; then
  (( $# >= 2 )) || usage
  from_dir=$2
  shift 2
  [[ -x $from_dir/backup ]] || die "--from $from_dir: no published host (backup) there"
fi
(( $# >= 1 && $# <= 2 )) || usage
storage=$1
[[ $storage == --list ]] && (( $# == 1 )) || [[ $storage != -* ]] || usage

if [[ -z $from_dir ]]; then
  work=$(mktemp -d)
  trap 'rm -rf -- "$work"' EXIT
  from_dir=$work/app
  "$REPO_ROOT/build/publish.sh" "$from_dir" >&2
fi

# name<TAB>kind<TAB>plugin folder, for every plugin of the publish; a plugin that fails to load fails the layout.
listing=$("$from_dir/backup" plugins --plugins-dir "$from_dir/plugins" --output tsv) \
  || die "$from_dir/backup plugins failed (exit $?): a plugin there does not load:"$'\n'"$listing"
source_folder="" folder=""
available=()
while IFS=$'\t' read -r name kind _ _ _ path; do
  case $kind in
    source) if [[ $name == "$SOURCE_PLUGIN" ]]; then source_folder=$(dirname "$path"); fi ;;
    storage)
      available+=("$name")
      if [[ $name == "${storage,,}" ]]; then folder=$(dirname "$path"); fi ;;
  esac
done <<<"$listing"

if [[ $storage == --list ]]; then
  printf '%s\n' "${available[@]}"
  exit 0
fi
[[ -n $folder ]] || die "no storage plugin '$storage' under plugins/ (available: ${available[*]:-none})"
[[ -n $source_folder ]] || die "no source plugin '$SOURCE_PLUGIN' in $from_dir/plugins"

out_dir=${2:-$REPO_ROOT/artifacts/image/${storage,,}}

out_dir=$(realpath -m -- "$out_dir")
case "$REPO_ROOT/" in "$out_dir"/*) die "refusing to clean $out_dir: it contains the repository" ;; esac
case "$(realpath -- "$from_dir")/" in "$out_dir"/*) die "refusing to clean $out_dir: it contains $from_dir" ;; esac
rm -rf -- "$out_dir"
mkdir -p -- "$out_dir/plugins"
find "$from_dir" -mindepth 1 -maxdepth 1 ! -name plugins -exec cp -a -t "$out_dir" {} +
cp -a "$source_folder" "$folder" "$out_dir/plugins/"
find "$out_dir" -name '*.pdb' -delete

echo "image layout for storage '${storage,,}': $out_dir"
printf '  %-8s %s\n' "$(du -sh --exclude=plugins "$out_dir" | cut -f1)" "host"
for dir in "$out_dir"/plugins/*/; do
  printf '  %-8s %s\n' "$(du -sh "$dir" | cut -f1)" "plugins/$(basename "$dir")"
done
printf '  %-8s %s (%s bytes)\n' "$(du -sh "$out_dir" | cut -f1)" "total" "$(du -sb "$out_dir" | cut -f1)"
