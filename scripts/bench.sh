#!/usr/bin/env bash
# Runs the benchmarks, with a throwaway PostgreSQL for the ones that compare
# backends. `scripts/bench.sh` runs all; `scripts/bench.sh rollup`, `linking` or
# `viewport` (the live map's viewport queries) one.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh postgres
# shellcheck source=scripts/pg-test-cluster.sh
source scripts/pg-test-cluster.sh
jinghai_pg_start

case "${1:-all}" in
    rollup) cargo bench -p jinghai-store --bench rollup ;;
    linking) cargo bench -p jinghai-store --bench linking ;;
    viewport) cargo bench -p jinghai-server --bench viewport ;;
    all) cargo bench --workspace ;;
    *) echo "bench: unknown benchmark '$1' (rollup, linking, viewport, all)" >&2; exit 2 ;;
esac
