#!/usr/bin/env bash
# Installs the Debian packages a part of the project needs, only when missing.
#
#   scripts/install-deps.sh postgres   # PostgreSQL 15 server + PostGIS 3
#   scripts/install-deps.sh browser    # Chromium + ChromeDriver (+ CJK fonts) for UI tests
#   scripts/install-deps.sh office     # LibreOffice Calc + poppler, to check exported documents
#   scripts/install-deps.sh nats       # NATS server with JetStream (the AIS stream's broker, fault test)
#   scripts/install-deps.sh all
set -euo pipefail

need=()
want() { dpkg -s "$1" >/dev/null 2>&1 || need+=("$1"); }

for part in "${@:-all}"; do
    case "$part" in
        postgres) want postgresql-15; want postgresql-15-postgis-3 ;;
        browser) want chromium; want chromium-driver; want fonts-noto-cjk ;;
        office) want libreoffice-calc-nogui; want poppler-utils; want fonts-noto-cjk ;;
        nats) want nats-server ;;
        all) want postgresql-15; want postgresql-15-postgis-3; want chromium; want chromium-driver; want fonts-noto-cjk; want libreoffice-calc-nogui; want poppler-utils; want nats-server ;;
        *) echo "install-deps: unknown part '$part' (postgres, browser, office, nats, all)" >&2; exit 2 ;;
    esac
done

[ ${#need[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${need[*]}"
sudo=()
[ "$(id -u)" = "0" ] || sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
