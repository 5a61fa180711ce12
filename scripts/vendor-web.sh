#!/usr/bin/env bash
# Refreshes the front-end libraries compiled into the server binary.
#
# The UI loads nothing from the internet, and the build must not need npm: the
# vendored files under crates/server/assets/vendor/ are committed. This script
# reproduces them from the npm registry at the versions pinned in
# web/package-lock.json (`npm ci`), so an upgrade is: edit web/package.json,
# `npm install` in web/, run this script, commit. `--check` only verifies the
# committed files equal what npm delivers (exit 1 if not).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/crates/server/assets/vendor"
check=0
[[ "${1:-}" == "--check" ]] && check=1

cd "$root/web"
npm ci --no-audit --no-fund --silent
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/images"
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css "$tmp/"
cp node_modules/leaflet/dist/images/*.png "$tmp/images/"
cp node_modules/leaflet/LICENSE "$tmp/LICENSE.leaflet"

if [[ $check == 1 ]]; then
  if diff -r "$tmp" "$out" >/dev/null; then
    echo "vendored web assets match web/package-lock.json"
  else
    echo "vendored web assets differ from web/package-lock.json: run scripts/vendor-web.sh" >&2
    exit 1
  fi
else
  rm -rf "$out"
  cp -r "$tmp" "$out"
  echo "vendored into $out"
fi
