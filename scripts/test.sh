#!/usr/bin/env bash
# Runs every test of the workspace, on SQLite and on PostgreSQL, with real
# headless Chromium for the UI tests.
#
# Installs what is missing (Debian: postgresql-15, postgis, chromium,
# chromium-driver, fonts-noto-cjk, nats-server for the stream's fault test) and starts a throwaway PostgreSQL cluster,
# unless JINGHAI_TEST_DATABASE_URL names a server to use. Extra arguments go
# to `cargo test` (e.g. `scripts/test.sh -p jinghai-store`).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh all
# shellcheck source=scripts/pg-test-cluster.sh
source scripts/pg-test-cluster.sh
jinghai_pg_start

cargo test --workspace --locked "$@"
