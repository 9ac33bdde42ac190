#!/usr/bin/env bash
# Installs what the project's tests need on a fresh machine, then runs them all:
# the acceptance suite in-process, the project's own tests, the browser run.
# Extra arguments go to pytest (e.g. scripts/test.sh -m "not browser").
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromium-headless-shell ] || [ ! -x /usr/bin/zbarimg ]; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-headless-shell zbar-tools >/dev/null
    elif [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromium-headless-shell ]; then
        echo "scripts/test.sh: Debian's chromium is missing; run: sudo apt-get install -y chromium chromium-headless-shell" >&2
        exit 2
    else
        echo "scripts/test.sh: zbarimg is missing, so the zbar QR test is skipped; run: sudo apt-get install -y zbar-tools" >&2
    fi
fi

python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -e '.[oscal]'  # the OSCAL export's tests need its extra
exec .venv/bin/python -m pytest "$@"
