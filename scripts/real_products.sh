#!/usr/bin/env bash
# The suite against real open-source MFA stacks nobody here wrote (tests/real_products/):
# each installed from the package registry at pinned versions into a venv of its own,
# served by its own configuration, and checked through Chromium with the profile written
# from its screens. A scenario that reached a verdict before (expected.toml beside each
# profile) must still reach one; the product's own failures are findings, not CI failures.
#
#   bash scripts/real_products.sh [django_stack|flask_security_stack ...]
set -euo pipefail
cd "$(dirname "$0")/.."
stacks=("$@")
[ ${#stacks[@]} -gt 0 ] || stacks=(django_stack flask_security_stack)
declare -A PORT=([flask_security_stack]=8771 [django_stack]=8772)

REAL_PRODUCT_PASSWORD=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(18))')
REAL_PRODUCT_SUPPORT_PASSWORD=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(18))')
REAL_PRODUCT_SUPPORT_USERNAME=support
FST_LOGIN_RATE=60/minute     # the Flask stack's sign-in limit per address; its profile paces under it
export REAL_PRODUCT_PASSWORD REAL_PRODUCT_SUPPORT_PASSWORD REAL_PRODUCT_SUPPORT_USERNAME FST_LOGIN_RATE

servers=()
trap 'for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done' EXIT
status=0
for stack in "${stacks[@]}"; do
    home=tests/real_products/$stack
    venv=.venv-$stack
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$home/requirements.txt"
    state=$(mktemp -d)
    "$venv/bin/python" -m "tests.real_products.$stack.serve" --port "${PORT[$stack]}" --state "$state" \
        > "$state/serve.out" 2> "$state/serve.log" &
    servers+=($!)
    for _ in $(seq 120); do grep -q "http://" "$state/serve.out" 2>/dev/null && break; sleep 0.5; done
    grep -q "http://" "$state/serve.out" || { echo "$stack did not start:"; tail -20 "$state/serve.log"; exit 1; }
    rc=0
    timeout 1500 .venv/bin/mfa-conformance run --sut browser --base-url "http://127.0.0.1:${PORT[$stack]}" \
        --profile "$home/profile.toml" --report-dir "reports/$stack" -n 2 || rc=$?
    if [ "$rc" -gt 1 ]; then   # 0: conformant, 1: scenarios failed (the product's findings); else the run broke
        echo "real_products: the run against $stack ended with exit $rc"; exit "$rc"
    fi
    .venv/bin/python scripts/verdicts_reached.py "reports/$stack" "$home/expected.toml" || status=1
done
exit $status
