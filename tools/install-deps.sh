#!/usr/bin/env bash
# Installs from the lockfile when node_modules is missing or does not match it, so that `npm test`
# and `npm run demo` are each one command on a fresh clone. Sourced by tools/test.sh and tools/demo.sh.
if [ ! -x node_modules/.bin/node ] || ! npm ls --silent >/dev/null 2>&1; then
  echo "[install] installing dependencies from package-lock.json (npm ci)"
  npm ci --no-audit --no-fund
fi
