"""The harness installs as a vendor installs it: a wheel, into a fresh virtual
environment, run from a folder that is not the checkout.

Everything it needs at run time (features, catalogue, profiles, templates, step
definitions, pytest settings) must come from inside the installed package, and
the only name it claims at top level is `mfa_conformance`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                            "--disable-pip-version-check", "-w", str(out), str(REPO)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-2000:]
    (found,) = out.glob("mfa_conformance-*.whl")
    return found


def test_the_wheel_claims_only_mfa_conformance(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        top = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
        top_level = next(archive.read(n) for n in names if n.endswith(".dist-info/top_level.txt")).decode().split()
    assert top == {"mfa_conformance"}
    assert top_level == ["mfa_conformance"]
    for data in ("mfa_conformance/features/requirements.toml", "mfa_conformance/features/signing_in.feature",
                 "mfa_conformance/profiles/reference.toml", "mfa_conformance/suite.ini",
                 "mfa_conformance/report/templates/report.html.j2", "mfa_conformance/webapp/templates/base.html"):
        assert data in names, f"{data} is not in the wheel"


def test_an_installed_wheel_runs_the_suite_from_any_folder(wheel: Path, tmp_path: Path) -> None:
    environment = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(environment)
    python = environment / "bin" / "python"
    installed = subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)],
                               capture_output=True, text=True, timeout=900)
    assert installed.returncode == 0, installed.stderr[-2000:]
    elsewhere = tmp_path / "vendor-folder"
    elsewhere.mkdir()
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("MFA_", "PYTHON"))}
    run = subprocess.run([str(environment / "bin" / "mfa-conformance"), "run", "-k", "Enrollment or enroll"],
                         cwd=elsewhere, capture_output=True, text=True, timeout=600, env=clean)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and " failed" not in run.stdout.splitlines()[-1]
    assert (elsewhere / "reports" / "report.html").is_file()
    where = subprocess.run([str(python), "-c", "import mfa_conformance, sys; print(mfa_conformance.__file__)"],
                           cwd=elsewhere, capture_output=True, text=True, env=clean)
    assert str(environment) in where.stdout, "the run used the checkout, not the installed wheel"
    for name in ("driver", "harness", "simulator", "steps", "explore", "webapp"):
        shadow = subprocess.run([str(python), "-c", f"import {name}"], cwd=elsewhere, capture_output=True, env=clean)
        assert shadow.returncode != 0, f"the wheel installs a top-level module {name!r}"


def test_no_script_downloads_a_browser() -> None:
    """Playwright's own browser download cannot reach anything here: every run launches Debian's
    Chromium through `executable_path`, and nothing the project runs or tells a user to run says otherwise."""
    repo = Path(__file__).resolve().parent.parent
    said = "playwright " + "install"  # spelled apart so this file does not name itself
    places = [repo / ".ci" / "run", repo / "README.md", repo / "pyproject.toml",
              *(repo / "scripts").iterdir(), *(repo / "docs").rglob("*.md"), *(repo / "benchmarks").glob("*.py")]
    naming = [str(path.relative_to(repo)) for path in places if path.is_file()
              and said in path.read_text(encoding="utf-8", errors="replace").lower()]
    assert naming == []
