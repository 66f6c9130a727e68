#!/usr/bin/env bash
# `npm test`: builds, makes the Pulumi CLI available (building it once from the Go module proxy
# when needed), then runs every layer of tests. The engine suite runs in a mocha process of its
# own, because runtime mocks and inline Automation API programs both set Pulumi's global runtime
# state.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
npm run build --silent
PULUMI_CLI_DIR=$(bash tools/pulumi-cli.sh)
export PULUMI_CLI_DIR
export PATH="$PWD/node_modules/.bin:$PATH"
status=0
npx mocha --config .mocharc.json "dist/tests/*.test.js" "dist/tests/unit/**/*.test.js" || status=$?
npx mocha --config .mocharc.json --timeout 600000 "dist/tests/engine/**/*.test.js" || status=$?
exit $status
