#!/usr/bin/env bash
# Debian packages the tests need: a PostgreSQL server (for the PostgreSQL test run) and
# Chromium (for the browser tests, driven by Playwright; Playwright's own browser download
# is not used), and a Chinese font for screenshots of the Chinese pages.
# Installs what is missing when we are root; otherwise says what to install.
set -euo pipefail
missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# Chinese pages in screenshots need a CJK font
ls /usr/share/fonts/truetype/wqy/wqy-microhei.ttc >/dev/null 2>&1 || missing+=(fonts-wqy-microhei)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: ${missing[*]} (install them, or set TEST_DATABASE_URL)" >&2
  exit 0
fi
echo "installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The packaged cluster is not needed: the tests start their own on loopback.
command -v pg_ctlcluster >/dev/null && pg_ctlcluster --force "$(ls /usr/lib/postgresql | tail -1)" main stop 2>/dev/null || true
