#!/usr/bin/env bash
# Produces exactly the folder the Dockerfile copies into the runtime image for one storage:
#
#   OUT_DIR/backup (+ its dlls)            the host, framework-dependent
#   OUT_DIR/plugins/Backup.Plugins.MariaDbHa/   the mariadb-ha source
#   OUT_DIR/plugins/Backup.Plugins.<X>/    the ONE storage plugin named STORAGE
#
# Usage: build/publish-image-layout.sh STORAGE [OUT_DIR]
#        build/publish-image-layout.sh --list
#   STORAGE   a storage plugin's folder under plugins/, case-insensitive: local, aws, azure, gcp, ...
#   OUT_DIR   default <repo>/artifacts/image/STORAGE; deleted and recreated
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

die() { echo "$SELF: $*" >&2; exit 1; }
usage() { echo "usage: $SELF STORAGE [OUT_DIR] | $SELF --list" >&2; exit 2; }
(( $# >= 1 && $# <= 2 )) || usage

storage=$1
# The plugin folder whose name matches STORAGE ignoring case (aws -> plugins/Aws), so a plugin added
# under plugins/ later gets an image without touching this script.
folder=""
available=()
for dir in "$REPO_ROOT"/plugins/*/; do
  name=$(basename "$dir")
  if [[ $name == "$SOURCE_PLUGIN" ]]; then continue; fi
  compgen -G "$dir*.csproj" >/dev/null || continue
  available+=("${name,,}")
  if [[ ${name,,} == "${storage,,}" ]]; then folder=$name; fi
done
if [[ $storage == --list ]]; then
  (( $# == 1 )) || usage
  printf '%s\n' "${available[@]}"
  exit 0
fi
[[ $storage != -* ]] || usage
[[ -n $folder ]] || die "no storage plugin '$storage' under plugins/ (available: ${available[*]:-none})"

out_dir=${2:-$REPO_ROOT/artifacts/image/${storage,,}}

"$REPO_ROOT/build/publish.sh" --plugins "$SOURCE_PLUGIN $folder" "$out_dir"
find "$out_dir" -name '*.pdb' -delete

echo "image layout for storage '${storage,,}': $out_dir"
printf '  %-8s %s\n' "$(du -sh --exclude=plugins "$out_dir" | cut -f1)" "host"
for dir in "$out_dir"/plugins/*/; do
  printf '  %-8s %s\n' "$(du -sh "$dir" | cut -f1)" "plugins/$(basename "$dir")"
done
printf '  %-8s %s (%s bytes)\n' "$(du -sh "$out_dir" | cut -f1)" "total" "$(du -sb "$out_dir" | cut -f1)"
