#!/usr/bin/env bash
# k6 for the docker runtime on a machine without a host-built k6: the same arguments and
# environment the scenario runner gives a local k6, run in the compose file's `k6` service
# (profile `load`). The repository is /work in the container, so host paths under it are
# rewritten; the variables below are passed by name (`-e NAME`), so the merchant key never
# appears on a command line. Signals reach k6 through `docker compose run` (SIGINT ends the
# test and still writes the summary).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../../.." && pwd)"

args=()
for arg in "$@"; do args+=("${arg//"$repo"//work}"); done

envs=()
for name in PAYLAB_LOAD PAYLAB_API_URL PAYLAB_API_KEY PAYLAB_RUN_ID PAYLAB_SEED PAYLAB_SUMMARY_FILE \
  K6_PROMETHEUS_RW_SERVER_URL K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM K6_PROMETHEUS_RW_PUSH_INTERVAL; do
  if [ -n "${!name+set}" ]; then
    export "$name=${!name//"$repo"//work}"
    envs+=(-e "$name")
  fi
done

exec docker compose -f "$repo/docker-compose.yml" -p paylab --profile load \
  run --rm --no-deps -T "${envs[@]}" k6 "${args[@]}"
