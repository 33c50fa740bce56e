#!/usr/bin/env bash
# Produces exactly the folder the Dockerfile copies into the runtime image for one storage:
#
#   OUT_DIR/backup (+ its dlls)            the host, framework-dependent
#   OUT_DIR/plugins/Backup.Plugins.MariaDbHa/   the mariadb-ha source
#   OUT_DIR/plugins/Backup.Plugins.<X>/    the ONE storage plugin named STORAGE
#
# Usage: build/publish-image-layout.sh [--from APP_DIR] STORAGE [OUT_DIR]
#        build/publish-image-layout.sh --list
#   STORAGE   a storage plugin's folder under plugins/, case-insensitive: local, aws, azure, gcp, ...
#   OUT_DIR   default <repo>/artifacts/image/STORAGE; deleted and recreated
#   --from    take the host and the two plugin folders from APP_DIR, a full build/publish.sh output,
#             instead of publishing them: every storage's layout then comes from one publish (the
#             Dockerfile's build stage and test.sh do this; each plugin is published into its own
#             folder, so the bits are the same either way)
#   --list    print the storages that can be published, one per line (every plugin folder but the source)
#
# It is build/publish.sh with a plugin filter (so the image and the tests get the same bits), minus the
# .pdb files: a failing run is reported by message and exit code, not by line numbers, and the symbols
# would otherwise be a quarter of the host's size in every image. Prints the layout's size per part.
set -euo pipefail

readonly SELF=${0##*/}
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO_ROOT
# Every image carries this source; only the storage varies.
readonly SOURCE_PLUGIN=MariaDbHa
# Source plugin folders under plugins/: never offered as a STORAGE. The image carries SOURCE_PLUGIN only (mariadb-backup
# needs the datadir mounted and its own tools: docs/mariadb-backup.md; an ARG SOURCE is still to come).
readonly SOURCE_PLUGINS=" MariaDbHa MariaDbBackup "

die() { echo "$SELF: $*" >&2; exit 1; }
usage() { echo "usage: $SELF [--from APP_DIR] STORAGE [OUT_DIR] | $SELF --list" >&2; exit 2; }
from_dir=""
if [[ ${1:-} == --from ]]; then
  (( $# >= 2 )) || usage
  from_dir=$2
  shift 2
  [[ -x $from_dir/backup ]] || die "--from $from_dir: no published host (backup) there"
fi
(( $# >= 1 && $# <= 2 )) || usage

storage=$1
# The plugin folder whose name matches STORAGE ignoring case (aws -> plugins/Aws), so a plugin added
# under plugins/ later gets an image without touching this script.
folder="" assembly=""
available=()
for dir in "$REPO_ROOT"/plugins/*/; do
  name=$(basename "$dir")
  if [[ $SOURCE_PLUGINS == *" $name "* ]]; then continue; fi
  csproj=$(compgen -G "$dir*.csproj" | head -n 1) || continue
  available+=("${name,,}")
  if [[ ${name,,} == "${storage,,}" ]]; then folder=$name assembly=$(basename "$csproj" .csproj); fi
done
if [[ $storage == --list ]]; then
  (( $# == 1 )) && [[ -z $from_dir ]] || usage
  printf '%s\n' "${available[@]}"
  exit 0
fi
[[ $storage != -* ]] || usage
[[ -n $folder ]] || die "no storage plugin '$storage' under plugins/ (available: ${available[*]:-none})"

out_dir=${2:-$REPO_ROOT/artifacts/image/${storage,,}}

if [[ -n $from_dir ]]; then
  out_dir=$(realpath -m -- "$out_dir")
  case "$REPO_ROOT/" in "$out_dir"/*) die "refusing to clean $out_dir: it contains the repository" ;; esac
  case "$(realpath -- "$from_dir")/" in "$out_dir"/*) die "refusing to clean $out_dir: it contains $from_dir" ;; esac
  source_assembly=$(basename "$(compgen -G "$REPO_ROOT/plugins/$SOURCE_PLUGIN/*.csproj" | head -n 1)" .csproj)
  for plugin in "$source_assembly" "$assembly"; do
    [[ -d $from_dir/plugins/$plugin ]] || die "--from $from_dir: no plugins/$plugin there"
  done
  rm -rf -- "$out_dir"
  mkdir -p -- "$out_dir/plugins"
  find "$from_dir" -mindepth 1 -maxdepth 1 ! -name plugins -exec cp -a -t "$out_dir" {} +
  cp -a "$from_dir/plugins/$source_assembly" "$from_dir/plugins/$assembly" "$out_dir/plugins/"
else
  "$REPO_ROOT/build/publish.sh" --plugins "$SOURCE_PLUGIN $folder" "$out_dir"
fi
find "$out_dir" -name '*.pdb' -delete

echo "image layout for storage '${storage,,}': $out_dir"
printf '  %-8s %s\n' "$(du -sh --exclude=plugins "$out_dir" | cut -f1)" "host"
for dir in "$out_dir"/plugins/*/; do
  printf '  %-8s %s\n' "$(du -sh "$dir" | cut -f1)" "plugins/$(basename "$dir")"
done
printf '  %-8s %s (%s bytes)\n' "$(du -sh "$out_dir" | cut -f1)" "total" "$(du -sb "$out_dir" | cut -f1)"
