#!/usr/bin/env bash
# `npm test`: installs from the lockfile when needed, builds, makes the Pulumi CLI available
# (building it once from the Go module proxy when needed), then runs every layer of tests. Each
# engine test file runs in a mocha process of its own, because runtime mocks and inline Automation
# API programs both set Pulumi's global runtime state.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source tools/install-deps.sh
export PATH="$PWD/node_modules/.bin:$PATH"
# The node@22 dev dependency puts Node 22 first on PATH; if npm skipped its install script, Node
# would silently stay older and @pulumi/pulumi would fail in confusing ways.
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 22 ]; then
  echo "npm test needs Node.js 22 or later, found $(node --version) at $(command -v node)." >&2
  echo "The node@22 dev dependency provides it: run npm ci (its install script must be allowed; see allowScripts in package.json)." >&2
  exit 1
fi
npm run build --silent
PULUMI_CLI_DIR=$(bash tools/pulumi-cli.sh)
export PULUMI_CLI_DIR
status=0
npx mocha --config .mocharc.json "dist/tests/*.test.js" "dist/tests/unit/**/*.test.js" || status=$?
# One process per engine file: an inline program cut short (SIGINT, SIGKILL of the CLI) can leave
# Pulumi's in-process runtime state behind, which must not reach another file's programs.
for file in dist/tests/engine/*.test.js; do
  npx mocha --config .mocharc.json --timeout 600000 "$file" || status=$?
done
exit $status
