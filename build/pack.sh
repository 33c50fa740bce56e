#!/usr/bin/env bash
# Packs what a plugin author consumes into one folder, a local NuGet feed:
#
#   OUT_DIR/Backup.Abstractions.<v>.nupkg (+ .snupkg)   the contract
#   OUT_DIR/Backup.PluginTesting.<v>.nupkg (+ .snupkg)  the conformance kit
#   OUT_DIR/Backup.Templates.<v>.nupkg                  `dotnet new backup-storage` / `backup-source`
#
# Usage: build/pack.sh [--contract-version X.Y.Z] [--build-dir DIR] [OUT_DIR]
#   OUT_DIR             default <repo>/artifacts/packages (the feed samples/nuget.config names); created if
#                       missing, never emptied: packing a version again replaces its files
#   --contract-version  pack as this contract version instead of src/Backup.Abstractions/ContractVersion.props
#                       (a compatibility test's "host from the future"); every package carries it
#   --build-dir         build into DIR (dotnet's --artifacts-path) instead of the projects' bin/ and obj/, so a
#                       pack can run while something else builds the repository (the SDK tests do)
#
# <v> is the contract version. NuGet caches a package by id and version: after packing the same version again
# with changes, restore with -p:RestorePackagesPath=<dir> or clear the cache (docs/writing-a-plugin.md).
set -euo pipefail

readonly SELF=${0##*/}
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO_ROOT
readonly PROJECTS=(src/Backup.Abstractions src/Backup.PluginTesting templates)

die() { echo "$SELF: $*" >&2; exit 1; }
usage() { echo "usage: $SELF [--contract-version X.Y.Z] [--build-dir DIR] [OUT_DIR]" >&2; exit 2; }

out_dir="" contract_version="" build_dir=""
while (( $# > 0 )); do
  case $1 in
    --contract-version) (( $# >= 2 )) || usage; contract_version=$2; shift 2 ;;
    --build-dir) (( $# >= 2 )) || usage; build_dir=$2; shift 2 ;;
    -h|--help) usage ;;
    -*) echo "$SELF: unknown option $1" >&2; usage ;;
    *) [[ -z $out_dir ]] || usage; out_dir=$1; shift ;;
  esac
done
if [[ -n $contract_version && ! $contract_version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  die "--contract-version $contract_version: expected MAJOR.MINOR.PATCH"
fi
out_dir=$(realpath -m -- "${out_dir:-$REPO_ROOT/artifacts/packages}")

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

args=(-c Release -o "$out_dir" --nologo -v q)
[[ -z $contract_version ]] || args+=("-p:BackupContractVersion=$contract_version")
[[ -z $build_dir ]] || args+=(--artifacts-path "$(realpath -m -- "$build_dir")")

start=$SECONDS
mkdir -p -- "$out_dir"
# One after the other: the kit references the contract, so a parallel pack would build it twice into one obj/.
for project in "${PROJECTS[@]}"; do
  dotnet pack "$REPO_ROOT/$project" "${args[@]}" || die "packing $project failed"
done
echo "packed into $out_dir in $((SECONDS - start))s; the feed now holds:"
find "$out_dir" -maxdepth 1 -name 'Backup.*.nupkg' -printf '  %f\n' | sort
