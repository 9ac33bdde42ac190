"""A deployed product without test hooks: pre-provisioned accounts, the real clock,
vendor support behind a password (docs/browser.md). The reference app served so
passes what it is asked, and broken builds served the same way still fail."""

from __future__ import annotations

import secrets
import subprocess
from pathlib import Path

import pytest

from .served import REPO, ServedApp, run_cli

pytestmark = pytest.mark.browser

PROFILE = REPO / "profiles" / "staging.toml"
ACCOUNTS = REPO / "profiles" / "staging-accounts.toml"
# (variant, the scenario that must catch it)
CAUGHT_BY = [
    ("no_lockout", "As many wrong codes in a row as lock code entry lock Erin's code entry"),
    ("reset_keeps_the_device", "Codes from the old device stop working after a reset"),
]


def _staging(tmp_path: Path, variant: str | None) -> tuple[ServedApp, dict[str, str]]:
    """The staging profile's accounts served from their file, without test hooks."""
    env = {"MFA_STAGING_PASSWORD": secrets.token_urlsafe(18), "MFA_SUPPORT_PASSWORD": secrets.token_urlsafe(18)}
    app = ServedApp(tmp_path / "staging.sqlite3", env=env, variant=variant, test_hooks=False,
                    options=["--accounts", str(ACCOUNTS)])
    return app.start(), env


def _check(app: ServedApp, env: dict[str, str], tmp_path: Path, scenario: str) -> subprocess.CompletedProcess[str]:
    return run_cli("run", "--sut", "browser", "--base-url", app.url, "--profile", str(PROFILE), "--scenario", scenario,
                   "--report-dir", str(tmp_path / "reports"), env=env, timeout=600)


@pytest.mark.parametrize(("variant", "scenario"), CAUGHT_BY, ids=[v for v, _ in CAUGHT_BY])
def test_a_broken_build_served_without_hooks_fails(tmp_path: Path, variant: str, scenario: str) -> None:
    app, env = _staging(tmp_path, variant)
    try:
        done = _check(app, env, tmp_path, scenario)
    finally:
        app.stop()
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-2000:]
    assert "1 failed" in done.stdout


def test_the_reference_app_served_without_hooks_passes_the_same_scenarios(tmp_path: Path) -> None:
    app, env = _staging(tmp_path, None)
    try:
        for _, scenario in CAUGHT_BY:
            done = _check(app, env, tmp_path, scenario)
            assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
            assert "1 passed" in done.stdout
    finally:
        app.stop()


def test_a_lock_shown_at_the_next_attempt_passes_through_the_browser(tmp_path: Path) -> None:
    """The how-to does not say which answer announces the lock: the wrong code that locks may say "wrong"."""
    app, env = _staging(tmp_path, "lock_shown_next")
    try:
        done = run_cli("run", "--sut", "browser", "--base-url", app.url, "--profile", str(PROFILE), "-m", "SGN-06",
                       "--report-dir", str(tmp_path / "reports"), env=env, timeout=600)
    finally:
        app.stop()
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert " 0 failed" in done.stdout and "As many wrong codes in a row as lock code entry" in done.stdout
