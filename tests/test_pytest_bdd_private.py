"""pytest-bdd's private names the harness uses (mfa_conformance.pytest_bdd_private) still mean
what they meant: this fails when the installed pytest-bdd is not a release they were checked
with, when one is gone, or when a collected scenario no longer carries them."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

from mfa_conformance import pytest_bdd_private as private

REPO = Path(__file__).resolve().parent.parent


def test_the_installed_pytest_bdd_is_a_release_the_private_names_were_checked_with() -> None:
    assert version("pytest-bdd") in private.CHECKED_WITH, (
        f"pytest-bdd {version('pytest-bdd')}: check every name of mfa_conformance.pytest_bdd_private against it, "
        f"then add it to CHECKED_WITH {private.CHECKED_WITH}")


def test_the_package_allows_only_the_releases_checked_with() -> None:
    dependencies = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    [pin] = [d for d in dependencies if d.startswith("pytest-bdd")]
    assert pin.replace(" ", "") in {f"pytest-bdd=={v}" for v in private.CHECKED_WITH}, pin


def test_the_registries_hold_what_the_harness_reads_from_them() -> None:
    """In a real collection: each step definition is registered with its parser, and each scenario's
    test function has its template; every scenario takes EXAMPLE_PARAMETER, and an Outline's rows are
    parametrized under it, one dict of the row's values each."""
    code = ("import sys, pytest\n"
            "from mfa_conformance import pytest_bdd_private as p\n"
            "class Seen:\n"
            "    def pytest_collection_finish(self, session):\n"
            "        items = session.items\n"
            "        assert items and all(p.registry_get_safe(p.scenario_wrapper_template_registry, i.obj) "
            "is not None for i in items)\n"
            "        assert all(p.EXAMPLE_PARAMETER in i.fixturenames for i in items)\n"
            "        rows = [i for i in items if p.EXAMPLE_PARAMETER in getattr(getattr(i, 'callspec', None), 'params', {})]\n"
            "        assert rows and all(isinstance(i.callspec.params[p.EXAMPLE_PARAMETER], dict) for i in rows)\n"
            "        steps = list(p.step_function_context_registry.values())\n"
            "        assert steps and all(isinstance(s, p.StepFunctionContext) and s.parser for s in steps)\n"
            "        print('checked', len(items), len(rows), len(steps))\n"
            "sys.exit(pytest.main(['--collect-only', '-q', '-p', 'no:cacheprovider', sys.argv[1]], plugins=[Seen()]))\n")
    from mfa_conformance import steps
    done = subprocess.run([sys.executable, "-c", code, str(Path(steps.__file__).parent)], capture_output=True,
                          text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0 and "checked" in done.stdout, done.stdout[-3000:] + done.stderr[-3000:]
