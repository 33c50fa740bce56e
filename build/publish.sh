#!/usr/bin/env bash
# Publishes the host and the plugins into the layout the host loads at runtime:
#
#   OUT_DIR/                       src/Backup.Host (the `backup` executable), framework-dependent
#   OUT_DIR/plugins/<Assembly>/    one folder per plugins/*/*.csproj, <Assembly> = csproj name
#
# Usage: build/publish.sh [--plugins "NAME..."] [OUT_DIR]
#   OUT_DIR      default <repo>/artifacts/app; deleted and recreated
#   --plugins    publish only these plugins (folder name under plugins/ or assembly name, e.g.
#                "Local" or "Backup.Plugins.Local"), for images that carry one cloud's plugins only;
#                "" publishes no plugin. Default: every plugin.
#
# Framework-dependent with -r linux-x64: the image has the .NET runtime, and the RID drops the
# runtimes/win* and osx files that some packages carry.
#
# Speed: all projects are restored and published by ONE msbuild run over a generated traversal project
# (restore once, Backup.Abstractions compiled once, one msbuild start-up). Measured on 2 cores, host + 2
# plugins: cold 23 s / warm 3.4 s, against 29 s / 5.8 s for one `dotnet publish` per project. The
# projects are published one after the other on purpose: each gets its own PublishDir global property,
# which flows to the shared Backup.Abstractions reference, so parallel publishes would build that
# project concurrently into the same obj/ (measured 19 s cold, but racy).
set -euo pipefail

readonly SELF=${0##*/}
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO_ROOT
readonly RID=linux-x64

die() { echo "$SELF: $*" >&2; exit 1; }
usage() { echo "usage: $SELF [--plugins \"NAME...\"] [OUT_DIR]" >&2; exit 2; }

out_dir=""
plugin_filter_set=0
plugin_filter=""
while (( $# > 0 )); do
  case $1 in
    --plugins) (( $# >= 2 )) || usage; plugin_filter=$2; plugin_filter_set=1; shift 2 ;;
    --plugins=*) plugin_filter=${1#--plugins=}; plugin_filter_set=1; shift ;;
    -h|--help) usage ;;
    -*) echo "$SELF: unknown option $1" >&2; usage ;;
    *) [[ -z $out_dir ]] || usage; out_dir=$1; shift ;;
  esac
done
out_dir=${out_dir:-$REPO_ROOT/artifacts/app}
out_dir=$(realpath -m -- "$out_dir")

# OUT_DIR is deleted: refuse anything that is (or contains) the repo, the home directory or /.
case "$REPO_ROOT/" in "$out_dir"/*) die "refusing to clean $out_dir: it contains the repository" ;; esac
[[ $out_dir != / && $out_dir != "$(realpath -m -- "${HOME:-/}")" ]] || die "refusing to clean $out_dir"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Paths go verbatim into a generated MSBuild/XML file: refuse the few characters that would need escaping
# there rather than escape them (no sane checkout or output path contains them).
check_path() {
  [[ $1 != *[\&\<\>\"\'%\;\$@]* ]] || die "path contains a character this script does not escape (&<>\"'%;\$@): $1"
}

size_of() { du -sh "$@" | cut -f1; }

# Resolve the plugin list first so a typo in --plugins fails before anything is deleted.
plugins=()
for csproj in "$REPO_ROOT"/plugins/*/*.csproj; do
  [[ -e $csproj ]] || continue
  name=$(basename "$csproj" .csproj)
  folder=$(basename "$(dirname "$csproj")")
  if (( plugin_filter_set )); then
    wanted=0
    for w in $plugin_filter; do
      if [[ $w == "$name" || $w == "$folder" ]]; then wanted=1; fi
    done
    (( wanted )) || continue
  fi
  plugins+=("$csproj")
done
if (( plugin_filter_set )); then
  for w in $plugin_filter; do
    found=0
    for csproj in "${plugins[@]}"; do
      if [[ $w == "$(basename "$csproj" .csproj)" || $w == "$(basename "$(dirname "$csproj")")" ]]; then found=1; fi
    done
    (( found )) || die "--plugins: no plugin named '$w' under plugins/"
  done
fi

check_path "$REPO_ROOT"
check_path "$out_dir"

start=$SECONDS
rm -rf -- "$out_dir"
mkdir -p -- "$out_dir/plugins"

# The traversal project lives outside the repo so no Directory.Build.props applies to it.
work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT
{
  echo '<Project>'
  echo '  <ItemGroup>'
  printf '    <P Include="%s" AdditionalProperties="PublishDir=%s/" />\n' \
    "$REPO_ROOT/src/Backup.Host/Backup.Host.csproj" "$out_dir"
  for csproj in "${plugins[@]}"; do
    printf '    <P Include="%s" AdditionalProperties="PublishDir=%s/" />\n' \
      "$csproj" "$out_dir/plugins/$(basename "$csproj" .csproj)"
  done
  echo '  </ItemGroup>'
  # No XML docs in the output: they serve IDEs, not the runtime (~190 KB in every image otherwise).
  echo "  <PropertyGroup><Common>Configuration=Release;RuntimeIdentifier=$RID;SelfContained=false;PublishDocumentationFile=false;PublishReferencesDocumentationFiles=false</Common></PropertyGroup>"
  # Restore is invoked by `-restore` in its own evaluation, as NuGet requires.
  cat <<'XML'
  <Target Name="Restore">
    <MSBuild Projects="@(P)" Targets="Restore" Properties="$(Common);MSBuildRestoreSessionId=$([System.Guid]::NewGuid())" />
  </Target>
  <Target Name="PublishAll">
    <MSBuild Projects="@(P)" Targets="Publish" Properties="$(Common)" />
  </Target>
</Project>
XML
} >"$work/publish.proj"

dotnet msbuild "$work/publish.proj" -restore -t:PublishAll -nologo -v:minimal \
  || die "publish failed"

echo "published to $out_dir in $((SECONDS - start))s"
printf '  %-8s %s\n' "$(du -sh --exclude=plugins "$out_dir" | cut -f1)" "host"
for csproj in "${plugins[@]}"; do
  name=$(basename "$csproj" .csproj)
  dir=$out_dir/plugins/$name
  printf '  %-8s %s\n' "$(size_of "$dir")" "plugins/$name"
  # The host answers a plugin's requests for the shared contract from its own copies (the loader's shared
  # types), so a plugin's copy is dead weight; it is loaded only where the plugin asks for a newer version than
  # the host has, which the host refuses (docs/writing-a-plugin.md, "The project file").
  for shared in Backup.Abstractions.dll Microsoft.Extensions.Logging.Abstractions.dll; do
    if [[ -e $dir/$shared ]]; then
      echo "$SELF: warning: plugins/$name carries its own $shared (see plugins/Directory.Build.props)" >&2
    fi
  done
done
