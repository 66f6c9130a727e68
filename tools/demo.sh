#!/usr/bin/env bash
# One command for the main job: install, make the Pulumi CLI available, then run the demo
# (emulator, pulumi up, outputs, a second up, destroy). Used by `npm run demo`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source tools/install-deps.sh
npm run build --silent
PULUMI_CLI_DIR=$(bash tools/pulumi-cli.sh)
export PULUMI_CLI_DIR
# npm ci put Node 22 (the node@22 devDependency) in node_modules/.bin; Pulumi 3.260 needs it.
export PATH="$PWD/node_modules/.bin:$PATH"
exec node dist/tools/demo.js
