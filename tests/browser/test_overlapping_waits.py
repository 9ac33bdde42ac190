"""Waits on the real clock overlap: while one worker's scenario waits for time to pass,
another's runs, each on its own cast, so no two share an account or its time steps.

Against the staging deployment (no test hooks, the real clock), two scenarios that
each wait more than a minute run at once under `-n 2`: their waits intersect in time,
and they run on different workers, whose casts (profiles/staging.toml's pool) hold
different accounts.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from mfa_conformance.driver.browser.profile import load_profile

from .served import REPO, ServedApp, clean_environment

pytestmark = pytest.mark.browser

PROFILE = REPO / "profiles" / "staging.toml"
ACCOUNTS = REPO / "profiles" / "staging-accounts.toml"
WAITING = ["A code kept for more than a minute has expired", "An expired code does not complete the setup"]


def test_two_workers_wait_on_the_clock_at_once_on_their_own_accounts(tmp_path: Path, chromium) -> None:
    env = {"MFA_STAGING_PASSWORD": secrets.token_urlsafe(18), "MFA_SUPPORT_PASSWORD": secrets.token_urlsafe(18)}
    outcomes = tmp_path / "outcomes.json"
    with ServedApp(tmp_path / "staging.sqlite3", env=env, test_hooks=False,
                   options=["--accounts", str(ACCOUNTS)]) as app:
        selection = [arg for name in WAITING for arg in ("--scenario", name)]
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "steps", "-q", "-p", "no:randomly", "-p", "tests.scenario_outcomes",
             "--scenario-outcomes", str(outcomes), "--sut", "browser", "--base-url", app.url, "--profile",
             str(PROFILE), "--report-dir", str(tmp_path / "reports"), "-n", "2", "--dist", "load", *selection],
            cwd=REPO, capture_output=True, text=True, timeout=600, env={**clean_environment(), **env})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    ran = json.loads(outcomes.read_text(encoding="utf-8"))
    assert sorted(s["scenario"] for s in ran) == sorted(WAITING) and {s["outcome"] for s in ran} == {"passed"}
    first, second = ran
    assert first["mfa_waits"]["worker"] != second["mfa_waits"]["worker"], "both ran on one worker"
    spans = [[(start, start + seconds) for start, seconds, _ in s["mfa_waits"]["waits"]] for s in ran]
    assert all(spans), f"a scenario did not wait on the real clock: {spans}"
    overlapping = [(a, b) for a in spans[0] for b in spans[1] if a[0] < b[1] and b[0] < a[1]]
    assert overlapping, f"the two scenarios' waits never overlapped: {spans}"
    casts = load_profile(PROFILE).casts
    usernames = [{p.username for p in cast.personas.values()} for cast in casts]
    assert len(casts) >= 4 and all(not a & b for i, a in enumerate(usernames) for b in usernames[i + 1:])
