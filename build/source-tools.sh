#!/usr/bin/env bash
# Installs the programs a source plugin runs, on the image's runtime base, and copies them with only the shared
# libraries the base lacks into OUT_DIR (the Dockerfile's runtime stage copies OUT_DIR to /). The packages
# themselves stay behind: mariadb-client alone brings perl and its modules, 82 MB for 10 MB of programs.
#
# Usage: build/source-tools.sh SOURCE OUT_DIR      (as root, on a Debian or Ubuntu base, in an image build stage)
#        build/source-tools.sh --list              the sources this script knows, one a line
#
#   mariadb-ha       mariadb-dump (backup), mariadb (restore) and mariadb-binlog (binlog archiving and replay for
#                    point-in-time recovery, docs/pitr.md), package mariadb-client, plus the client's
#                    authentication plugins (loaded with dlopen when an account uses ed25519 or caching_sha2_password)
#   mariadb-backup   mariadb-backup (backup, --prepare, --version) and mbstream (restore: -x), package mariadb-backup;
#                    --prepare runs InnoDB recovery in-process and needs no other program. Its client library is
#                    built in and looks for authentication plugins in the server's plugin directory, which
#                    Debian's package does not ship: accounts using the default mysql_native_password work.
#
# A source plugin added under plugins/ that runs programs needs its line here; the image build fails on a source
# this script does not know, rather than ship an image that fails at run time.
set -euo pipefail

readonly SELF=${0##*/}
die() { echo "$SELF: $*" >&2; exit 1; }

# SOURCE -> "packages|programs (and plugin directories) to copy"
tools_of() {
  case $1 in
    mariadb-ha) echo "mariadb-client|/usr/bin/mariadb-dump /usr/bin/mariadb /usr/bin/mariadb-binlog @libmariadb3-plugins" ;;
    mariadb-backup) echo "mariadb-backup|/usr/bin/mariadb-backup /usr/bin/mbstream" ;;
    *) return 1 ;;
  esac
}
readonly KNOWN="mariadb-ha mariadb-backup"

if [[ ${1:-} == --list ]]; then
  printf '%s\n' $KNOWN
  exit 0
fi
(( $# == 2 )) || { echo "usage: $SELF SOURCE OUT_DIR | $SELF --list" >&2; exit 2; }
source=$1 out_dir=$2
spec=$(tools_of "$source") || die "no tools known for source '$source' (known: $KNOWN); add them to $SELF"
packages=${spec%%|*}
read -ra files <<<"${spec#*|}"

# The base's files before anything is installed: a library on this list is already in the final image.
base_files=$(mktemp)
find / -xdev \( -type f -o -type l \) -print | sort >"$base_files"

apt-get update
# shellcheck disable=SC2086 # a space-separated package list
apt-get install -y --no-install-recommends $packages
for i in "${!files[@]}"; do
  if [[ ${files[$i]} == @libmariadb3-plugins ]]; then files[i]=$(dpkg -L libmariadb3 | grep '/plugin$'); fi
done
"$(dirname "${BASH_SOURCE[0]}")/copy-with-libraries.sh" "$out_dir" "$base_files" "${files[@]}"
rm -f "$base_files"
