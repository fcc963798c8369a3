#!/usr/bin/env bash
# Builds release archives as krew installs them, and the krew manifest from the template
# .krew.yaml. Writes into the out dir (default dist/) only, never into tracked files.
#
#   krew/release.sh [--out-dir DIR]
#       this machine's release: cargo build --release, package, manifest --allow-missing
#   krew/release.sh package --os OS --arch ARCH --bin-dir DIR [--out-dir DIR]
#       archive binaries built elsewhere (the release workflow, one job per platform):
#       oc-prunetags_<version>_<os>_<arch>.tar.gz (.zip for windows) and its .sha256
#   krew/release.sh manifest [--tag vX.Y.Z] [--out-dir DIR] [--allow-missing]
#       render .krew.yaml into DIR/prunetags.yaml: {{ .TagName }} is the tag, and each
#       addURIAndSha becomes the uri and the sha256 of that archive in DIR, as
#       krew-release-bot renders it from the release's assets. --allow-missing drops the
#       platforms not built here (a manifest for local `krew install --manifest`).
#
# The archives are reproducible (sorted, fixed owner and mtime, gzip -n): the same binaries
# give the same sha256. GNU tar is needed (macOS: gtar).
set -euo pipefail
cd "$(dirname "$0")/.."

# What each archive holds at its root; tests/krew.rs checks the template's bin/files against
# the archives this script makes. man/ and completions/ are directories.
UNIX_FILES=(kubectl-prunetags oc-prunetags kubectl_complete-prunetags oc_complete-prunetags LICENSE README.md man completions)
WINDOWS_FILES=(kubectl-prunetags.exe oc-prunetags.exe LICENSE README.md man completions)

die() { echo "release.sh: $*" >&2; exit 2; }

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
out_dir=dist
cmd=all
os=
arch=
bin_dir=
tag=v$version
allow_missing=
case "${1:-}" in
  package|manifest) cmd=$1; shift ;;
esac
while [ $# -gt 0 ]; do
  case "$1" in
    --out-dir) out_dir=$2; shift 2 ;;
    --os) os=$2; shift 2 ;;
    --arch) arch=$2; shift 2 ;;
    --bin-dir) bin_dir=$2; shift 2 ;;
    --tag) tag=$2; shift 2 ;;
    --allow-missing) allow_missing=1; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
[ "$tag" = "v$version" ] || die "tag $tag is not v$version, the version in Cargo.toml"

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1
  else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

gnu_tar() {
  local t
  for t in gtar tar; do
    if command -v "$t" >/dev/null 2>&1 && "$t" --version 2>/dev/null | grep -q 'GNU tar'; then
      echo "$t"; return
    fi
  done
  die "GNU tar not found (macOS: brew install gnu-tar)"
}

archive_name() { # OS ARCH
  if [ "$1" = windows ]; then echo "oc-prunetags_${version}_$1_$2.zip"
  else echo "oc-prunetags_${version}_$1_$2.tar.gz"; fi
}

package() {
  if [ -z "$os" ] || [ -z "$arch" ] || [ -z "$bin_dir" ]; then
    die "package needs --os, --arch and --bin-dir"
  fi
  local exe='' name files
  [ "$os" = windows ] && exe=.exe
  [ -f "$bin_dir/oc-prunetags$exe" ] || die "no $bin_dir/oc-prunetags$exe"
  stage=$(mktemp -d)
  trap 'rm -rf "${stage:-}"' EXIT
  # One program, both names (identical files): kubectl and krew run kubectl-prunetags, oc
  # either.
  install -m 0755 "$bin_dir/oc-prunetags$exe" "$stage/oc-prunetags$exe"
  install -m 0755 "$bin_dir/oc-prunetags$exe" "$stage/kubectl-prunetags$exe"
  if [ "$os" != windows ]; then
    # kubectl's plugin completion helpers: shell scripts, so not for Windows.
    install -m 0755 completions/kubectl_complete-prunetags completions/oc_complete-prunetags "$stage/"
  fi
  install -m 0644 LICENSE README.md "$stage/"
  # The committed pages (tests/man.rs keeps them equal to the CLI): no need to run the binary,
  # which a cross-compiled one could not do here.
  mkdir "$stage/man" "$stage/completions"
  install -m 0644 man/*.1 "$stage/man/"
  local f
  for f in completions/*; do
    case "$f" in *_complete-prunetags) ;; *) install -m 0644 "$f" "$stage/completions/" ;; esac
  done
  if [ "$os" = windows ]; then files=("${WINDOWS_FILES[@]}"); else files=("${UNIX_FILES[@]}"); fi
  for f in "${files[@]}"; do
    [ -e "$stage/$f" ] || die "$f missing from the archive"
  done

  mkdir -p "$out_dir"
  name=$(archive_name "$os" "$arch")
  rm -f "$out_dir/$name"
  if [ "$os" = windows ]; then
    # zip stores mtimes from 1980 on; fixed ones keep the archive reproducible.
    find "$stage" -exec touch -h -d '1980-01-01T00:00:00Z' {} +
    local abs
    abs=$(cd "$out_dir" && pwd)/$name
    if command -v zip >/dev/null 2>&1; then
      (cd "$stage" && find "${files[@]}" | LC_ALL=C sort | zip -X -q -9 "$abs" -@)
    else
      # The Windows runners have 7-Zip, not zip.
      (cd "$stage" && 7z a -tzip -bd -mx=9 "$abs" "${files[@]}" >/dev/null)
    fi
  else
    "$(gnu_tar)" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 \
      -C "$stage" -cf - "${files[@]}" | gzip -n -9 > "$out_dir/$name"
  fi
  echo "$(sha256 "$out_dir/$name")  $name" > "$out_dir/$name.sha256"
  echo "built $out_dir/$name: sha256 $(cut -d' ' -f1 "$out_dir/$name.sha256")"
}

manifest() {
  [ -d "$out_dir" ] || die "no $out_dir: build or download the archives first"
  local sums="" f
  for f in "$out_dir"/oc-prunetags_"$version"_*; do
    case "$f" in *.tar.gz|*.zip) sums="$sums $(basename "$f")=$(sha256 "$f")" ;; esac
  done
  # krew-release-bot's template: Go's text/template with addURIAndSha "URL" .TagName, whose
  # URL may use {{ .TagName }} and {{ .Version }} (the tag's digits); it prints
  # "uri: URL\n    sha256: SUM", the platform's keys at 4 spaces.
  awk -v tag="$tag" -v ver="$version" -v sums="$sums" -v allow="$allow_missing" '
    BEGIN {
      n = split(sums, kv, " ")
      for (i = 1; i <= n; i++) { split(kv[i], p, "="); sum[p[1]] = p[2] }
    }
    function subst(s) {
      gsub(/[{][{] *[.]TagName *[}][}]/, tag, s)
      gsub(/[{][{] *[.]Version *[}][}]/, ver, s)
      return s
    }
    function flush() {
      if (inblock && !drop) printf "%s", buf
      buf = ""; inblock = 0; drop = 0
    }
    /^  - selector:/ { flush(); inblock = 1 }
    inblock && !/^  - selector:/ && !/^    / { flush() }
    {
      line = $0; missing = 0
      if (line ~ /[{][{] *addURIAndSha /) {
        start = index(line, "addURIAndSha \"") + 14
        rest = substr(line, start)
        url = subst(substr(rest, 1, index(rest, "\"") - 1))
        name = url; sub(/.*\//, "", name)
        if (name in sum) {
          line = "    uri: " url "\n    sha256: " sum[name]
        } else if (allow != "") {
          drop = 1
          print "not built here, left out: " name > "/dev/stderr"
        } else {
          print "release.sh: no archive " name " in the out dir" > "/dev/stderr"; failed = 1; missing = 1
        }
      } else {
        line = subst(line)
      }
      if (!drop && !missing && line ~ /[{][{]/) { print "release.sh: template left unrendered: " line > "/dev/stderr"; failed = 1 }
      if (inblock) buf = buf line "\n"; else print line
    }
    END { flush(); if (failed) exit 1 }
  ' .krew.yaml > "$out_dir/prunetags.yaml.tmp" || { rm -f "$out_dir/prunetags.yaml.tmp"; exit 1; }
  grep -q '^    sha256: ' "$out_dir/prunetags.yaml.tmp" \
    || { rm -f "$out_dir/prunetags.yaml.tmp"; die "no archive of $version in $out_dir"; }
  mv "$out_dir/prunetags.yaml.tmp" "$out_dir/prunetags.yaml"
  echo "rendered $out_dir/prunetags.yaml ($tag)"
}

case "$cmd" in
  package) package ;;
  manifest) manifest ;;
  all)
    case "$(uname -s)" in
      Linux) os=linux ;;
      Darwin) os=darwin ;;
      *) die "build on Linux or macOS; the release workflow builds Windows" ;;
    esac
    case "$(uname -m)" in
      x86_64|amd64) arch=amd64 ;;
      aarch64|arm64) arch=arm64 ;;
      *) die "unsupported machine $(uname -m)" ;;
    esac
    cargo build --release --locked --bin oc-prunetags
    bin_dir=target/release
    package
    allow_missing=1
    manifest
    ;;
esac
