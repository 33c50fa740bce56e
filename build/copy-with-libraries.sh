#!/usr/bin/env bash
# Copies executables, and every shared library they load that the base image lacks, into OUT_DIR with their
# paths kept, so an image can take two C programs from a build stage without their package's dependencies
# (mariadb-client pulls in perl and its modules: 81.7 MB for mariadb-dump and mariadb).
#
# Usage: build/copy-with-libraries.sh OUT_DIR BASE_FILES FILE...
#   OUT_DIR     created; copy it to / in the final image
#   BASE_FILES  the base image's files and links, one absolute path a line (`find / -xdev`), listed
#               before anything was installed: a library on this list is already in the final image
#   FILE        an executable or shared library; a directory stands for the *.so files in it (e.g. the
#               MariaDB client's authentication plugins, which it loads with dlopen, invisible to ldd)
#
# Fails when a needed library is missing ("not found" in ldd): the image would fail only at run time.
set -euo pipefail

readonly SELF=${0##*/}
die() { echo "$SELF: $*" >&2; exit 1; }
(( $# >= 3 )) || { echo "usage: $SELF OUT_DIR BASE_FILES FILE..." >&2; exit 2; }

out_dir=$1 base_files=$2
shift 2
[[ -r $base_files ]] || die "cannot read $base_files"

in_base() { grep -Fxq -- "$1" "$base_files"; }

# A path and, when it is a link (libz.so.1 -> libz.so.1.2.13), its target too: the loader opens the link.
# The directory is made canonical first: on a merged-/usr system ldd says /lib/..., which is a link to
# usr/lib; copying a real lib/ directory onto it would break the image's /lib.
copy_path() {
  local path real
  path=$(realpath -- "$(dirname -- "$1")")/$(basename -- "$1")
  real=$(realpath -- "$path")
  if in_base "$path" && in_base "$real"; then return 0; fi
  copy_one "$path"
  [[ $real == "$path" ]] || copy_one "$real"
}

# Not `cp --parents`: with any --preserve it fails on this path shape (coreutils 9.1: "usr/bin: No such
# file or directory", after copying).
copy_one() {
  mkdir -p -- "$out_dir$(dirname -- "$1")"
  cp -P --preserve=mode,timestamps -- "$1" "$out_dir$1"
}

files=()
for arg in "$@"; do
  if [[ -d $arg ]]; then
    files+=("$arg"/*.so)
  else
    files+=("$arg")
  fi
done

mkdir -p -- "$out_dir"
for file in "${files[@]}"; do
  [[ -f $file ]] || die "no such file: $file"
  copy_path "$file"
  deps=$(ldd "$file") || die "ldd $file failed"
  if grep -q 'not found' <<<"$deps"; then
    die "$file needs libraries that are not installed:"$'\n'"$(grep 'not found' <<<"$deps")"
  fi
  # "libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x...)"; the vdso and the loader line have no "=> /".
  while read -r lib; do
    copy_path "$lib"
  done < <(sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p' <<<"$deps")
done
echo "$SELF: $(find "$out_dir" -type f | wc -l) files, $(du -sh "$out_dir" | cut -f1) into $out_dir"
