#!/usr/bin/env bash
# Makes a Pulumi CLI available and prints the folder that holds it (last line of stdout).
#
# Usage: bash tools/pulumi-cli.sh [VERSION]      (or PULUMI_VERSION=VERSION bash tools/pulumi-cli.sh)
# VERSION is like 3.276.0 or v3.276.0; without one, the default below (the CLI the tests and the demo
# use). Each version is built into a folder of its own, so a version matrix keeps all of them.
#
# The official installer and get.pulumi.com cannot be reached from our machines, and the npm
# package `pulumi` only downloads from there, so the CLI is built from the Go module proxy at the
# requested version. The build lands in a cache folder outside git; a second run finds it and takes
# seconds. Go's own output (hundreds of `go: downloading` lines) goes to build.log in that folder;
# the terminal gets a few progress lines, and the log's tail if the build fails.
#
# The Node.js language host (`pulumi-language-nodejs`, which runs `runtime: nodejs` projects) is a
# COMPATIBILITY STAND-IN for the one Pulumi's installer ships: its own module
# (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) is refused by the module
# proxy at every version (403), but the sdk/v3 module itself held the host's sources up to
# v3.68.0, so that old host is built once and copied beside each CLI. With CLI v3.260.0 and
# v3.276.0 it runs JavaScript and TypeScript programs (type errors fail the run) for up, preview,
# refresh and destroy, and stops cleanly on Ctrl-C (the CI matrix runs the engine tests on both).
# Its limits: `runtime.options` in Pulumi.yaml are ignored, resource transforms and hooks are not
# relayed (newer engine calls), `Pack`/`GeneratePackage` are missing, and it does not pass
# `--root-directory`, so whoever runs `pulumi` must set PULUMI_NODEJS_ROOT_DIRECTORY to the project
# folder (else `pulumi.getRootDirectory()` is wrong). It must sit in the same folder as the real
# `pulumi` file: the CLI looks there (after resolving symlinks) before PATH.
#
# Without a VERSION, a `pulumi` on PATH that is at least $MIN_PATH_VERSION and already has
# `pulumi-language-nodejs` beside it (a full install) is used as it is; with one, only that exact
# version is. Otherwise both are built into the cache.
#
# Environment: PULUMI_CLI_CACHE overrides the cache root (default ~/.cache/linode-objkey); version
# X is built into $PULUMI_CLI_CACHE/pulumi-vX.
set -euo pipefail

# The CLI built when no version is asked for: the newest on npm and the Go module proxy when last
# checked (users' installers give them the newest CLI, while each project pins its own SDK, so the
# tests run the newest CLI with the SDK in package-lock.json). tools/matrix.sh runs the pinned one.
DEFAULT_VERSION=v3.276.0
# Without a version asked for, a full install on PATH at least this new is used as it is.
MIN_PATH_VERSION=v3.260.0
requested=${1:-${PULUMI_VERSION:-}}
PULUMI_VERSION=${requested:-$DEFAULT_VERSION}
PULUMI_VERSION=v${PULUMI_VERSION#v}
[[ $PULUMI_VERSION =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]] || {
  echo "[pulumi-cli] not a Pulumi version: '$requested' (expected like 3.276.0)" >&2
  exit 2
}
# The last sdk/v3 release that still contains nodejs/cmd/pulumi-language-nodejs.
LANGHOST_VERSION=v3.68.0
CLIPBOARD_REPLACE=github.com/tgummerer/clipboard@v0.0.0-20241001131231-d02d263e614e
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache_root=${PULUMI_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/linode-objkey}
cache=$cache_root/pulumi-$PULUMI_VERSION
log=$cache/build.log
shim_src=$root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs

say() { echo "[pulumi-cli] $*" >&2; }

version_ok() { # $1: a version like v3.261.0 or 3.261.0
  local want=${PULUMI_VERSION#v} have=${1#v} min=${MIN_PATH_VERSION#v}
  [ -n "$have" ] || return 1
  if [ -n "$requested" ]; then [ "$have" = "$want" ]; return; fi
  [ "$(printf '%s\n%s\n' "$min" "$have" | sort -V | head -n1)" = "$min" ]
}

install_shim() { # $1: folder
  [ -f "$shim_src" ] || { say "missing $shim_src: run npm ci first"; exit 1; }
  if ! cmp -s "$shim_src" "$1/pulumi-resource-pulumi-nodejs" 2>/dev/null; then
    cp "$shim_src" "$1/pulumi-resource-pulumi-nodejs" && chmod 0755 "$1/pulumi-resource-pulumi-nodejs"
  fi
}

# Runs a build step with its output in $log; on failure prints the log's tail and stops.
quietly() { # $1: what, then the command
  local what=$1
  shift
  echo "=== $what: $*" >>"$log"
  if ! "$@" >>"$log" 2>&1; then
    say "FAILED: $what. Last lines of $log:"
    tail -n 40 "$log" >&2
    exit 1
  fi
}

build_langhost() { # $1: bin folder. Built once per cache root (a scratch module needing sdk/v3 at $LANGHOST_VERSION).
  local out=$1/pulumi-language-nodejs stamp=$1/.pulumi-language-nodejs.version
  if [ -x "$out" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$LANGHOST_VERSION" ]; then return 0; fi
  local lh=$cache_root/langhost-$LANGHOST_VERSION
  mkdir -p "$lh"
  (
    # Two CLI versions built at once would otherwise write the same scratch module.
    if command -v flock >/dev/null 2>&1; then exec 8>"$lh/.lock" && flock 8; fi
    if [ ! -x "$lh/pulumi-language-nodejs" ]; then
      command -v go >/dev/null 2>&1 || { say "no Go toolchain to build the Node.js language host"; exit 1; }
      local t0
      t0=$(date +%s)
      say "building the Node.js language host (compatibility stand-in, sdk $LANGHOST_VERSION; first time only, about a minute; log: $log)"
      cd "$lh"
      [ -f go.mod ] || quietly "go mod init (language host)" go mod init local/langhostbuild
      quietly "go get (language host)" go get github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs@$LANGHOST_VERSION
      quietly "go build (language host)" env CGO_ENABLED=0 go build -trimpath \
        -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$LANGHOST_VERSION" \
        -o pulumi-language-nodejs.tmp github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs
      mv pulumi-language-nodejs.tmp pulumi-language-nodejs
      say "built the Node.js language host in $(($(date +%s) - t0))s"
    fi
  )
  cp "$lh/pulumi-language-nodejs" "$out.tmp" && mv "$out.tmp" "$out"
  echo "$LANGHOST_VERSION" >"$stamp"
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
  say "not using the pulumi on PATH ($(pulumi version 2>/dev/null || echo unknown version)): it needs to be $([ -n "$requested" ] && echo "$PULUMI_VERSION" || echo ">= $MIN_PATH_VERSION") with pulumi-language-nodejs beside it"
fi

bin=$cache/bin
if [ -x "$bin/pulumi" ] && [ "$("$bin/pulumi" version 2>/dev/null)" = "$PULUMI_VERSION" ]; then
  install_shim "$bin"
  build_langhost "$bin"
  say "using cached $PULUMI_VERSION from $bin"
  echo "$bin"
  exit 0
fi

command -v go >/dev/null 2>&1 || { say "no pulumi $PULUMI_VERSION on PATH and no Go toolchain to build one"; exit 1; }
start=$(date +%s)
work=$cache/build
mkdir -p "$work" "$bin"
: >"$log"
say "building Pulumi CLI $PULUMI_VERSION into $cache (first time only; 4 to 15 minutes on 2 cores, by load and Go's caches; Go's output goes to $log)"
cd "$work"
[ -f go.mod ] || quietly "go mod init" go mod init local/pulumibuild
# pkg/go.mod has a non-local replace that a wrapper module must copy; go install pkg@version refuses it.
quietly "go mod edit" go mod edit -replace=github.com/atotto/clipboard=$CLIPBOARD_REPLACE
say "resolving and downloading modules (go get)"
quietly "go get (tool)" go get -tool github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@$PULUMI_VERSION
quietly "go get (pkg, sdk)" go get github.com/pulumi/pulumi/pkg/v3@$PULUMI_VERSION github.com/pulumi/pulumi/sdk/v3@$PULUMI_VERSION
say "compiling (go build) after $(($(date +%s) - start))s"
ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION"
(while sleep 60; do say "still compiling, $(($(date +%s) - start))s so far"; done) &
ticker=$!
trap 'kill $ticker 2>/dev/null || true' EXIT
quietly "go build" env CGO_ENABLED=0 go build -trimpath -tags osusergo,grpcnotrace -ldflags "$ldflags" \
  -o "$bin/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
kill $ticker 2>/dev/null || true
mv "$bin/pulumi.tmp" "$bin/pulumi"
install_shim "$bin"
build_langhost "$bin"
say "built $("$bin/pulumi" version) in $(($(date +%s) - start))s"
echo "$bin"
