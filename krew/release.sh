#!/usr/bin/env bash
# Builds the release archive for this machine (linux/amd64 on CI), computes its sha256 and fills
# that platform's entry (uri, sha256) and spec.version in krew/prunetags.yaml.
#
#   krew/release.sh                   cargo build --release, archive into dist/, fill the manifest
#   krew/release.sh --bin-dir DIR     archive the binaries already built in DIR (no build)
#   krew/release.sh --fill ARCHIVE    only fill the entry of an archive built elsewhere
#                                     (its name says the platform: ..._<os>_<arch>.tar.gz|.zip)
# Options: --out-dir DIR (default dist), --manifest FILE (default krew/prunetags.yaml).
# Environment: RELEASE_BASE_URL (default: the GitHub releases of the homepage).
#
# The archive is reproducible (sorted, fixed owner and mtime, gzip -n): the same binaries give
# the same sha256.
set -euo pipefail
cd "$(dirname "$0")/.."

# What the archive holds at its root; tests/krew.rs checks the manifest's bin/files against it.
ARCHIVE_FILES=(kubectl-prunetags oc-prunetags kubectl_complete-prunetags oc_complete-prunetags kubectl-prunetags.1 oc-prunetags.1 LICENSE README.md completions)

out_dir=dist
manifest=krew/prunetags.yaml
bin_dir=
fill_only=
while [ $# -gt 0 ]; do
  case "$1" in
    --out-dir) out_dir=$2; shift 2 ;;
    --manifest) manifest=$2; shift 2 ;;
    --bin-dir) bin_dir=$2; shift 2 ;;
    --fill) fill_only=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "release.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
base_url=${RELEASE_BASE_URL:-https://github.com/oc-prunetags/oc-prunetags/releases/download}

# fill OS ARCH URI SHA256: rewrites uri and sha256 of the platform entry matching os/arch, and
# spec.version.
fill() {
  local os=$1 arch=$2 uri=$3 sum=$4 tmp
  tmp=$(mktemp)
  awk -v os="$os" -v arch="$arch" -v uri="$uri" -v sum="$sum" -v ver="v$version" '
    /^  - selector:/ { o = ""; a = "" }
    /^        os: /   { o = $2 }
    /^        arch: / { a = $2 }
    /^  version: /    { print "  version: " ver; next }
    /^    uri: /    && o == os && a == arch { print "    uri: " uri; found++; next }
    /^    sha256: / && o == os && a == arch { print "    sha256: \"" sum "\""; next }
    { print }
    END { if (found != 1) { print "no single platform entry for " os "/" arch > "/dev/stderr"; exit 1 } }
  ' "$manifest" > "$tmp"
  cat "$tmp" > "$manifest"
  rm -f "$tmp"
  echo "filled $os/$arch in $manifest: sha256 $sum"
}

if [ -n "$fill_only" ]; then
  name=$(basename "$fill_only")
  platform=${name#oc-prunetags_"$version"_}
  platform=${platform%.tar.gz}
  platform=${platform%.zip}
  os=${platform%_*}
  arch=${platform#*_}
  sum=$(sha256sum "$fill_only" | cut -d' ' -f1)
  fill "$os" "$arch" "$base_url/v$version/$name" "$sum"
  exit 0
fi

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  *) echo "release.sh: build on Linux or macOS; fill other platforms with --fill" >&2; exit 2 ;;
esac
case "$(uname -m)" in
  x86_64|amd64) arch=amd64 ;;
  aarch64|arm64) arch=arm64 ;;
  *) echo "release.sh: unsupported machine $(uname -m)" >&2; exit 2 ;;
esac

if [ -z "$bin_dir" ]; then
  cargo build --release --locked --bin oc-prunetags
  bin_dir=target/release
fi

name="oc-prunetags_${version}_${os}_${arch}.tar.gz"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
# One program, both names (identical files): kubectl/krew run kubectl-prunetags, oc either.
install -m 0755 "$bin_dir/oc-prunetags" "$stage/oc-prunetags"
install -m 0755 "$bin_dir/oc-prunetags" "$stage/kubectl-prunetags"
install -m 0755 completions/kubectl_complete-prunetags completions/oc_complete-prunetags "$stage/"
"$stage/oc-prunetags" man > "$stage/oc-prunetags.1"
"$stage/kubectl-prunetags" man > "$stage/kubectl-prunetags.1"
install -m 0644 LICENSE README.md "$stage/"
mkdir "$stage/completions"
for f in completions/*; do
  case "$f" in *_complete-prunetags) ;; *) install -m 0644 "$f" "$stage/completions/" ;; esac
done
for f in "${ARCHIVE_FILES[@]}"; do
  [ -e "$stage/$f" ] || { echo "release.sh: $f missing from the archive" >&2; exit 1; }
done

mkdir -p "$out_dir"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$stage" -cf - "${ARCHIVE_FILES[@]}" \
  | gzip -n -9 > "$out_dir/$name"
sum=$(sha256sum "$out_dir/$name" | cut -d' ' -f1)
echo "$sum  $name" > "$out_dir/$name.sha256"
echo "built $out_dir/$name"
fill "$os" "$arch" "$base_url/v$version/$name" "$sum"
