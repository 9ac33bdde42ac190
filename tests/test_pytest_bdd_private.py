"""pytest-bdd's private names the harness uses (mfa_conformance.steps.pytest_bdd_private) still mean
what they meant: this fails when the installed pytest-bdd is not a release they were checked
with, when one is gone, or when a collected scenario no longer carries them."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

from mfa_conformance.steps import pytest_bdd_private as private

REPO = Path(__file__).resolve().parent.parent


def test_the_installed_pytest_bdd_is_a_release_the_private_names_were_checked_with() -> None:
    assert version("pytest-bdd") in private.CHECKED_WITH, (
        f"pytest-bdd {version('pytest-bdd')}: check every name of mfa_conformance.steps.pytest_bdd_private against it, "
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
            "from mfa_conformance.steps import pytest_bdd_private as p\n"
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


_OUTCOMES = """
import json, sys, pytest
from mfa_conformance.steps import pytest_bdd_private as p

class Outcomes:
    def __init__(self, own):
        self.own, self.seen = own, {}
    @pytest.hookimpl(trylast=True)
    def pytest_configure(self, config):
        lookup = p._SCENARIO.find_fixturedefs_for_step
        assert lookup.pytest_bdd_own is not None  # the harness's plugin put its lookup in place
        if self.own:
            p._SCENARIO.find_fixturedefs_for_step = lookup.pytest_bdd_own
    def pytest_runtest_logreport(self, report):
        if report.when == "call" or report.outcome != "passed":
            self.seen[report.nodeid] = report.outcome

outcomes = Outcomes(sys.argv[2] == "pytest-bdd's own")
pytest.main(["-q", "-p", "no:cacheprovider", sys.argv[1]], plugins=[outcomes])
print(json.dumps(outcomes.seen))
"""


def test_each_scenario_ends_alike_with_pytest_bdds_own_step_lookup() -> None:
    """The harness keeps the step definitions a scenario can see (remember_step_lookups): the whole
    in-process suite gives the same outcome, scenario by scenario, as with pytest-bdd's own lookup."""
    from mfa_conformance import steps

    runs = {}
    for lookup in ("the harness's", "pytest-bdd's own"):
        done = subprocess.run([sys.executable, "-c", _OUTCOMES, str(Path(steps.__file__).parent), lookup],
                              capture_output=True, text=True, cwd=REPO, timeout=300)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        runs[lookup] = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(runs["the harness's"]) == 99 and "passed" in runs["the harness's"].values()
    assert runs["the harness's"] == runs["pytest-bdd's own"]
