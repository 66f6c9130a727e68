#!/usr/bin/env bash
# Makes a Pulumi CLI available and prints the folder that holds it (last line of stdout).
#
# The official installer and get.pulumi.com cannot be reached from our machines, and the npm
# package `pulumi` only downloads from there, so the CLI is built from the Go module proxy at a
# pinned version that agrees with the @pulumi/pulumi in package-lock.json. The build lands in a
# cache folder outside git; a second run finds it and takes seconds.
#
# The Node.js language host (`pulumi-language-nodejs`, which runs `runtime: nodejs` projects) is a
# COMPATIBILITY STAND-IN for the one Pulumi's installer ships: its own module
# (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) is refused by the module
# proxy at every version (403), but the sdk/v3 module itself held the host's sources up to
# v3.68.0, so that old host is built beside the CLI. With CLI v3.260.0 it runs JavaScript and
# TypeScript programs (type errors fail the run) for up, preview, refresh and destroy, and stops
# cleanly on Ctrl-C. Its limits: `runtime.options` in Pulumi.yaml are ignored, resource transforms
# and hooks are not relayed (newer engine calls), `Pack`/`GeneratePackage` are missing, and it does
# not pass `--root-directory`, so whoever runs `pulumi` must set PULUMI_NODEJS_ROOT_DIRECTORY to the
# project folder (else `pulumi.getRootDirectory()` is wrong). It must sit in the same folder as the
# real `pulumi` file: the CLI looks there (after resolving symlinks) before PATH.
#
# A `pulumi` on PATH that is new enough and already has `pulumi-language-nodejs` beside it (a full
# install) is used as it is; otherwise both are built into the cache.
#
# Environment: PULUMI_CLI_CACHE overrides the cache folder.
set -euo pipefail

PULUMI_VERSION=v3.260.0
# The last sdk/v3 release that still contains nodejs/cmd/pulumi-language-nodejs.
LANGHOST_VERSION=v3.68.0
CLIPBOARD_REPLACE=github.com/tgummerer/clipboard@v0.0.0-20241001131231-d02d263e614e
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${PULUMI_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/linode-objkey/pulumi-$PULUMI_VERSION}
shim_src=$root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs

say() { echo "[pulumi-cli] $*" >&2; }

version_ok() { # $1: a version like v3.261.0 or 3.261.0
  local want=${PULUMI_VERSION#v} have=${1#v}
  [ -n "$have" ] && [ "$(printf '%s\n%s\n' "$want" "$have" | sort -V | head -n1)" = "$want" ]
}

install_shim() { # $1: folder
  [ -f "$shim_src" ] || { say "missing $shim_src: run npm ci first"; exit 1; }
  if ! cmp -s "$shim_src" "$1/pulumi-resource-pulumi-nodejs" 2>/dev/null; then
    cp "$shim_src" "$1/pulumi-resource-pulumi-nodejs" && chmod 0755 "$1/pulumi-resource-pulumi-nodejs"
  fi
}

build_langhost() { # $1: bin folder. A scratch module of its own: it needs sdk/v3 at $LANGHOST_VERSION.
  local out=$1/pulumi-language-nodejs stamp=$1/.pulumi-language-nodejs.version
  if [ -x "$out" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$LANGHOST_VERSION" ]; then return 0; fi
  command -v go >/dev/null 2>&1 || { say "no Go toolchain to build the Node.js language host"; exit 1; }
  local t0 lh=$cache/langhost-build
  t0=$(date +%s)
  say "building the Node.js language host (compatibility stand-in, sdk $LANGHOST_VERSION) into $1 (first time only; about a minute)"
  mkdir -p "$lh"
  (
    cd "$lh"
    [ -f go.mod ] || go mod init local/langhostbuild >/dev/null 2>&1
    go get github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs@$LANGHOST_VERSION >&2
    CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$LANGHOST_VERSION" \
      -o "$out.tmp" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs >&2
  )
  mv "$out.tmp" "$out"
  echo "$LANGHOST_VERSION" >"$stamp"
  say "built the Node.js language host in $(( $(date +%s) - t0 ))s"
}

# The folder of the real `pulumi` file on PATH (symlinks resolved, as the CLI itself does).
path_pulumi_dir() { dirname "$(readlink -f "$(command -v pulumi)")"; }

if command -v pulumi >/dev/null 2>&1 && version_ok "$(pulumi version 2>/dev/null || true)" \
  && [ -x "$(path_pulumi_dir)/pulumi-language-nodejs" ]; then
  dir=$(path_pulumi_dir)
  say "using $(pulumi version) from $dir (with its pulumi-language-nodejs)"
  if [ -w "$dir" ] && ! command -v pulumi-resource-pulumi-nodejs >/dev/null 2>&1; then install_shim "$dir"; fi
  echo "$dir"
  exit 0
fi

# One build at a time per cache folder: two first runs at once (npm test and npm run demo) would
# write the same .tmp files and scratch modules. The second waits, then finds the build done.
mkdir -p "$cache"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$cache/.lock"
  flock 9
fi

if command -v pulumi >/dev/null 2>&1; then
  say "not using the pulumi on PATH ($(pulumi version 2>/dev/null || echo unknown version)): it needs to be >= $PULUMI_VERSION with pulumi-language-nodejs beside it"
fi

bin=$cache/bin
if [ -x "$bin/pulumi" ] && [ "$("$bin/pulumi" version 2>/dev/null)" = "$PULUMI_VERSION" ]; then
  install_shim "$bin"
  build_langhost "$bin"
  say "using cached $PULUMI_VERSION from $bin"
  echo "$bin"
  exit 0
fi

command -v go >/dev/null 2>&1 || { say "no pulumi >= $PULUMI_VERSION on PATH and no Go toolchain to build one"; exit 1; }
say "building Pulumi CLI $PULUMI_VERSION into $cache (first time only; takes several minutes on 2 cores)"
start=$(date +%s)
work=$cache/build
mkdir -p "$work" "$bin"
cd "$work"
[ -f go.mod ] || go mod init local/pulumibuild >/dev/null 2>&1
# pkg/go.mod has a non-local replace that a wrapper module must copy; go install pkg@version refuses it.
go mod edit -replace=github.com/atotto/clipboard=$CLIPBOARD_REPLACE
say "resolving modules (go get)"
go get -tool github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@$PULUMI_VERSION >&2
go get github.com/pulumi/pulumi/pkg/v3@$PULUMI_VERSION github.com/pulumi/pulumi/sdk/v3@$PULUMI_VERSION >&2
say "compiling (go build) after $(( $(date +%s) - start ))s"
ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION"
( while sleep 30; do say "still compiling, $(( $(date +%s) - start ))s so far"; done ) &
ticker=$!
trap 'kill $ticker 2>/dev/null || true' EXIT
CGO_ENABLED=0 go build -trimpath -tags osusergo,grpcnotrace -ldflags "$ldflags" -o "$bin/pulumi.tmp" \
  github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
mv "$bin/pulumi.tmp" "$bin/pulumi"
install_shim "$bin"
kill $ticker 2>/dev/null || true
build_langhost "$bin"
say "built $("$bin/pulumi" version) in $(( $(date +%s) - start ))s"
echo "$bin"
