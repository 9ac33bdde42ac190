#!/usr/bin/env bash
# The suite against real open-source MFA stacks nobody here wrote (tests/real_products/):
# each installed from the package registry at pinned versions into a venv of its own,
# served by its own configuration, and checked through Chromium with the profile written
# from its screens. A scenario that reached a verdict before (expected.toml beside each
# profile) must still reach one; the product's own failures are findings, not CI failures.
# The stacks are checked at the same time: most of a hookless run waits on the real clock.
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

work=$(mktemp -d)
pids=()
trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done' EXIT
for stack in "${stacks[@]}"; do          # install and serve each, one after the other
    home=tests/real_products/$stack
    venv=.venv-$stack
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$home/requirements.txt"
    "$venv/bin/python" -m "tests.real_products.$stack.serve" --port "${PORT[$stack]}" --state "$work/$stack" \
        > "$work/$stack.out" 2> "$work/$stack.log" &
    pids+=($!)
    for _ in $(seq 120); do grep -q "http://" "$work/$stack.out" 2>/dev/null && break; sleep 0.5; done
    grep -q "http://" "$work/$stack.out" || { echo "$stack did not start:"; tail -20 "$work/$stack.log"; exit 1; }
done
runs=()
for stack in "${stacks[@]}"; do          # check them at the same time
    ( rc=0
      timeout 1800 .venv/bin/mfa-conformance run --sut browser --base-url "http://127.0.0.1:${PORT[$stack]}" \
          --profile "tests/real_products/$stack/profile.toml" --report-dir "reports/$stack" -n 2 \
          > "$work/$stack.run" 2>&1 || rc=$?
      echo "$rc" > "$work/$stack.rc" ) &
    runs+=($!)
done
wait "${runs[@]}"
status=0
for stack in "${stacks[@]}"; do
    echo "── $stack ──────────────────────────────────────────"
    cat "$work/$stack.run"
    rc=$(cat "$work/$stack.rc")
    if [ "$rc" -gt 1 ]; then   # 0: conformant, 1: scenarios failed (the product's findings); else the run broke
        echo "real_products: the run against $stack ended with exit $rc"; status=1; continue
    fi
    .venv/bin/python scripts/verdicts_reached.py "reports/$stack" "tests/real_products/$stack/expected.toml" || status=1
done
exit $status
