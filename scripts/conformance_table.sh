#!/usr/bin/env bash
# The conformance table of the runs CI made (README, "A conformance table across products"):
# each report folder that is there is packaged and signed with one key made for this job (its
# private half removed when the script ends, so nothing else can be signed with it), and the
# table of the packages goes to reports/table/ with them, a CI artifact. A folder without
# results.json (a run that did not happen) is left out, saying so.
#
#   bash scripts/conformance_table.sh [REPORT_DIR ...]
#   (default: what .ci/run writes: reports, reports/browser, reports/staging, and the real products')
#   CI_RUN_URL=https://ci.example/job/42 bash scripts/conformance_table.sh   # the attestations' url
set -euo pipefail
cd "$(dirname "$0")/.."
folders=("$@")
[ ${#folders[@]} -gt 0 ] || folders=(reports reports/browser reports/staging reports/django_stack reports/flask_security_stack)
out=reports/table

keys=$(mktemp -d)
trap 'rm -rf "$keys"' EXIT
.venv/bin/python - "$keys/ci-ed25519.pem" <<'PY'
import os, sys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

pem = Ed25519PrivateKey.generate().private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                 serialization.NoEncryption())
with os.fdopen(os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as key:
    key.write(pem)
PY

rm -rf "$out" && mkdir -p "$out/packages"
packages=()
for folder in "${folders[@]}"; do
    if [ ! -f "$folder/results.json" ]; then
        echo "conformance_table: $folder: no results.json (that run did not happen); left out"
        continue
    fi
    name=$(basename "$folder")
    [ "$folder" != reports ] || name=simulator
    .venv/bin/mfa-conformance package "$folder" --key "$keys/ci-ed25519.pem" -o "$out/packages/$name.zip" \
        ${CI_RUN_URL:+--url "$CI_RUN_URL"} > /dev/null
    packages+=("$out/packages/$name.zip")
done
[ ${#packages[@]} -gt 0 ] || { echo "conformance_table: no report folder to package"; exit 1; }
.venv/bin/mfa-conformance table "${packages[@]}" -o "$out/conformance-table.html"
