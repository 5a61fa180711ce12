#!/usr/bin/env bash
# Agreement of `jinghai decode` with pyais on every real AIS file under
# shared/data/ais (see crates/ais/PYAIS.md for the last results).
#
#   scripts/pyais-check.sh            # all files
#   scripts/pyais-check.sh FILE...    # these files
#
# Installs pyais from PyPI into target/pyais-venv on first use, builds the
# release binary, then runs scripts/pyais_compare.py. Exit status 1 when
# agreement (deliberate differences aside) is below 99.9 %.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
data="${JINGHAI_SHARED_DATA:-$root/../shared/data}/ais"
venv="$root/target/pyais-venv"

if ! "$venv/bin/python" -c 'import pyais' 2>/dev/null; then
    echo "installing pyais into $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet 'pyais>=2,<3'
fi

cargo build --release --quiet -p jinghai
bin="${CARGO_TARGET_DIR:-$root/target}/release/jinghai"

if [ "$#" -gt 0 ]; then
    files=("$@")
else
    shopt -s nullglob
    files=("$data"/tracks/*.nmea "$data"/tracks/*.nmea.gz "$data"/nmea/*
        "$data"/conformance/*.nmea "$data"/conformance/*.aivdm "$data"/conformance/*.log
        "$data"/conformance/*.txt "$data"/conformance/*.ais)
fi
echo "pyais $("$venv/bin/python" -c 'import pyais; print(pyais.__version__)'), $bin" >&2
exec "$venv/bin/python" "$root/scripts/pyais_compare.py" "$bin" "${files[@]}"
