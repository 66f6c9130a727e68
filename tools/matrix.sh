#!/usr/bin/env bash
# The version matrix's other legs. `npm test` runs every test on the default CLI (the newest,
# 3.276.0) with the SDK pinned in package-lock.json (3.260.0), the package test also on the oldest
# supported SDK (3.139.0). Each leg given here as CLI:SDK runs, with that CLI and that
# @pulumi/pulumi, the tests that depend most on them: the engine lifecycle (with its secret scans,
# debug events included), the CLI project test (a user's project run by `pulumi`, plain-token
# refusal included) and the package test (npm pack into a fresh project, with the leg's SDK and
# with the oldest supported one).
#
# Usage: bash tools/matrix.sh [CLI:SDK ...]
# Default legs: 3.276.0:3.276.0 (the newest on npm and the Go proxy) and 3.260.0:3.260.0 (the pinned one).
#
# A leg runs in a scratch copy of this checkout (git's tracked and untracked-not-ignored files), with
# `npm ci` and then `npm install --no-save @pulumi/pulumi@SDK`, so this checkout's node_modules and
# package-lock.json are never changed. The CLI comes from tools/pulumi-cli.sh (built once per version).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
legs=("$@")
[ ${#legs[@]} -gt 0 ] || legs=(3.276.0:3.276.0 3.260.0:3.260.0)
FILES=(lifecycle cli-project package)
status=0
scratch=
# A run cut short (Ctrl-C, a CI timeout) must not leave its scratch checkout behind.
trap 'rm -rf "$scratch"' EXIT
for leg in "${legs[@]}"; do
  cli=${leg%%:*} sdk=${leg#*:}
  t0=$(date +%s)
  echo "[matrix] leg CLI $cli, SDK $sdk"
  cli_dir=$(bash tools/pulumi-cli.sh "$cli")
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/objkey-matrix-XXXXXX")
  git ls-files -z -co --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$scratch"
  (
    cd "$scratch"
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
    npm install --no-save --no-audit --no-fund --loglevel=error "@pulumi/pulumi@$sdk" >/dev/null
    export PATH="$PWD/node_modules/.bin:$PATH" PULUMI_CLI_DIR=$cli_dir
    npm run build --silent
    echo "[matrix] CLI $("$cli_dir/pulumi" version), SDK $(node -p 'require("@pulumi/pulumi/package.json").version'), set up in $(($(date +%s) - t0))s"
    rc=0
    for f in "${FILES[@]}"; do
      t1=$(date +%s)
      npx mocha --config .mocharc.json --timeout 600000 "dist/tests/engine/$f.test.js" || rc=1
      echo "[matrix] CLI $cli / SDK $sdk: $f took $(($(date +%s) - t1))s"
    done
    exit $rc
  ) || status=1
  rm -rf "$scratch"
  echo "[matrix] leg CLI $cli, SDK $sdk took $(($(date +%s) - t0))s"
done
exit $status
