"""A vendor checks a system living outside this repository with `--sut module:factory`.

The example driver (examples/vendor_driver/acme_mfa.py) is run exactly as a
vendor would run theirs: from another folder, its module on PYTHONPATH, through
the console script. Scenarios needing a capability it lacks are skipped with
the capability named, and the rest pass.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "vendor_driver"


def _run(tmp_path: Path, *args: str, pythonpath: Path | None = EXAMPLE) -> subprocess.CompletedProcess[str]:
    cli = shutil.which("mfa-conformance", path=str(Path(sys.executable).parent)) or "mfa-conformance"
    env = {k: v for k, v in os.environ.items() if k not in ("MFA_SUT", "PYTEST_XDIST_WORKER", "PYTEST_ADDOPTS")}
    if pythonpath:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run([cli, "run", *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)


def test_an_outside_driver_is_checked_and_missing_capabilities_are_skipped_by_name(tmp_path: Path) -> None:
    result = _run(tmp_path, "--sut", "acme_mfa:acme_system")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    summary = re.search(r"scenarios: (\d+) passed, (\d+) failed, (\d+) skipped", result.stdout)
    assert summary, result.stdout[-2000:]
    passed, failed, skipped = map(int, summary.groups())
    assert failed == 0 and passed > 40
    reasons = set(re.findall(r"skipped: (.+)", result.stdout))
    assert reasons == {
        f"the system under test lacks the capability '{capability}'"
        for capability in ("support-console", "client-address",  # and those only the security checks need:
                           "concurrent-sessions", "session-copy", "session-identifier", "pages-visited")
    }
    assert skipped == len(re.findall(r"^\s+skipped: ", result.stdout, re.M)) > 0


def test_the_environment_variable_selects_the_system_too(tmp_path: Path) -> None:
    env_run = subprocess.run(
        [sys.executable, "-m", "pytest", str(REPO / "steps"), "-q", "-k", "support", "--rootdir", str(REPO),
         "-c", str(REPO / "pyproject.toml")],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env={**os.environ, "MFA_SUT": "acme_mfa:acme_system", "PYTHONPATH": str(EXAMPLE)},
    )
    assert "lacks the capability 'support-console'" in env_run.stdout, env_run.stdout[-2000:]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("acme_mfa", "expected 'simulator' or 'package.module:factory'"),
        ("no_such_vendor:factory", "cannot import 'no_such_vendor'"),
        ("acme_mfa:nothing_here", "has no callable 'nothing_here'"),
        ("acme_mfa:AcmeSession", "AcmeSession() failed: TypeError"),
        ("acme_mfa:Capability", "Capability() failed"),
        ("mfa_conformance.requirements.catalogue:load_catalogue", "load_catalogue() returned dict, not a mfa_conformance.SystemUnderTest"),
    ],
)
def test_a_bad_sut_is_one_clear_line_before_any_scenario(tmp_path: Path, spec: str, message: str) -> None:
    result = _run(tmp_path, "--sut", spec)
    assert result.returncode != 0
    assert message in result.stderr + result.stdout
    assert "Traceback" not in result.stderr + result.stdout
    assert "passed" not in result.stdout
