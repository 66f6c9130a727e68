#!/usr/bin/env bash
# Times the README's two commands, `npm run demo` and `npm test`, on fresh clones of this
# repository's HEAD: "cold" runs start with empty caches (the CLI cache, Go's module and build
# caches, npm's cache, so a fresh machine's first run), "warm" runs with this machine's own caches.
# Each run gets a clone of its own; one line per run goes to the TSV (seconds, exit status, the
# 1-minute load average at the start, its highest 30 s sample and at the end), and the log of each
# run stays beside it.
#
# Usage: bash tools/fresh-clone-times.sh [ROUNDS] [WORK_DIR]   (defaults: 3, a new temporary folder)
# A round is: demo warm, demo cold, test warm, test cold.
set -uo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rounds=${1:-3}
work=${2:-$(mktemp -d /tmp/fresh-times.XXXXXX)}
mkdir -p "$work"
out=$work/times.tsv
[ -f "$out" ] || printf 'command\tcaches\tround\tseconds\texit\tload_start\tload_max\tload_end\tcommit\n' >"$out"

load() { cut -d' ' -f1 /proc/loadavg; }

one_run() { # $1: demo|test  $2: cold|warm  $3: round
  local name=$1-$2-$3
  local dir=$work/$name caches=$work/$name.caches
  local -a cold_env=() command=(npm test)
  [ "$1" = demo ] && command=(npm run demo)
  rm -rf "$dir"
  git clone -q "$repo" "$dir"
  if [ "$2" = cold ]; then
    mkdir -p "$caches"
    cold_env=(PULUMI_CLI_CACHE="$caches/cli" GOCACHE="$caches/go-build" GOMODCACHE="$caches/go-mod"
      npm_config_cache="$caches/npm")
  fi
  local samples=$work/$name.load start_load started ended status
  start_load=$(load)
  (while sleep 30; do load; done) >"$samples" &
  local sampler=$!
  started=$(date +%s.%N)
  (cd "$dir" && env "${cold_env[@]}" "${command[@]}") >"$work/$name.log" 2>&1
  status=$?
  ended=$(date +%s.%N)
  kill "$sampler" 2>/dev/null
  wait "$sampler" 2>/dev/null
  local max_load
  max_load=$( (echo "$start_load"; cat "$samples"; load) | sort -g | tail -1)
  printf '%s\t%s\t%s\t%.1f\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$(echo "$ended - $started" | bc)" \
    "$status" "$start_load" "$max_load" "$(load)" "$(git -C "$dir" rev-parse --short HEAD)" >>"$out"
  tail -1 "$out"
  # Go's module cache is read-only by design; make it writable so it can be removed.
  [ -d "$caches" ] && chmod -R u+w "$caches" && rm -rf "$caches"
  rm -rf "$dir"
}

for round in $(seq 1 "$rounds"); do
  one_run demo warm "$round"
  one_run demo cold "$round"
  one_run test warm "$round"
  one_run test cold "$round"
done
echo "results: $out"
