#!/usr/bin/env bash
# Makes a Pulumi CLI available and prints the folder that holds it (last line of stdout).
#
# The official installer and get.pulumi.com cannot be reached from our machines, and the npm
# package `pulumi` only downloads from there, so the CLI is built from the Go module proxy at a
# pinned version that agrees with the @pulumi/pulumi in package-lock.json. The build lands in a
# cache folder outside git; a second run finds it and takes seconds.
#
# The Node.js language host (module github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3)
# is not served by the module proxy (403 "This module version is not available" for every
# version), so programs run as Automation API inline programs, which need only `pulumi` and the
# dynamic-provider shim. A `pulumi` found on PATH that is new enough is used as it is.
#
# Environment: PULUMI_CLI_CACHE overrides the cache folder.
set -euo pipefail

PULUMI_VERSION=v3.260.0
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

if command -v pulumi >/dev/null 2>&1 && version_ok "$(pulumi version 2>/dev/null || true)"; then
  dir=$(dirname "$(command -v pulumi)")
  say "using $(pulumi version) from $dir"
  if [ -w "$dir" ] && ! command -v pulumi-resource-pulumi-nodejs >/dev/null 2>&1; then install_shim "$dir"; fi
  echo "$dir"
  exit 0
fi

bin=$cache/bin
if [ -x "$bin/pulumi" ] && [ "$("$bin/pulumi" version 2>/dev/null)" = "$PULUMI_VERSION" ]; then
  install_shim "$bin"
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
say "built $("$bin/pulumi" version) in $(( $(date +%s) - start ))s"
echo "$bin"
