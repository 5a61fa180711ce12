#!/usr/bin/env bash
# Runs the benchmarks, with a throwaway PostgreSQL for the ones that compare
# backends. `scripts/bench.sh` runs all; `scripts/bench.sh rollup`, `linking`,
# `viewport` (the live map's viewport queries) or `stream` (the AIS stream
# through NATS JetStream vs in-process, 1 and 2 workers) one.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh postgres nats
# shellcheck source=scripts/pg-test-cluster.sh
source scripts/pg-test-cluster.sh
jinghai_pg_start

case "${1:-all}" in
    rollup) cargo bench -p jinghai-store --bench rollup ;;
    linking) cargo bench -p jinghai-store --bench linking ;;
    viewport) cargo bench -p jinghai-server --bench viewport ;;
    stream) cargo bench -p jinghai-stream --bench stream ;;
    all) cargo bench --workspace ;;
    *) echo "bench: unknown benchmark '$1' (rollup, linking, viewport, stream, all)" >&2; exit 2 ;;
esac
