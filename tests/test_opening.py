"""Settings travel to the system's factory as arguments, never through the environment.

`load_system` gives each keyword the opening command has (the browser's `settings` from the
pytest plugin, `browser_options` from `explore` and `survey`) to a factory that takes it by
name; a vendor's zero-argument factory is called as before. And no module of the harness
writes the environment to pass something to another: the MFA_* variables are the user's
to set, read where a command starts.
"""

from __future__ import annotations

import ast

import pytest

from mfa_conformance.driver import Capability, SystemUnderTest
from mfa_conformance.driver.browser import browser_system
from mfa_conformance.driver.browser.settings import OPTION_FIELDS
from mfa_conformance.driver.loading import SutSpecError, load_system
from mfa_conformance.explore.cli import BROWSER_OPTIONS
from mfa_conformance.driver.opening import open_system

from .test_layering import MODULES

GIVEN: list[object] = []


class _Quiet(SystemUnderTest):
    name = "a system that only says what it was given"
    capabilities = frozenset({Capability.SEEDING})

    def sign_in(self, username, password, *, address=None):  # pragma: no cover - never reached
        raise AssertionError("only opened, never used")


def zero_argument_system() -> SystemUnderTest:
    return _Quiet()


def options_taking_system(browser_options=None) -> SystemUnderTest:
    GIVEN.append(browser_options)
    return _Quiet()


def test_a_zero_argument_factory_is_called_as_it_is_whatever_the_command_has() -> None:
    system = load_system("tests.test_opening:zero_argument_system", browser_options={"base_url": "http://x"})
    assert isinstance(system, _Quiet)


def test_a_factory_that_takes_the_browser_options_gets_them_and_nothing_else() -> None:
    GIVEN.clear()
    options = {"base_url": "http://127.0.0.1:8123", "profile": None}
    system, _ = open_system("tests.test_opening:options_taking_system", None, browser_options=options,
                            settings="not for this factory")
    assert isinstance(system, _Quiet) and GIVEN == [options]


def test_the_browser_factory_reads_its_options_before_any_browser(tmp_path) -> None:
    missing = tmp_path / "no-such-profile.toml"
    with pytest.raises(SutSpecError) as raised:
        load_system("browser", browser_options={"base_url": "http://127.0.0.1:9", "profile": str(missing)})
    assert str(missing) in str(raised.value)
    with pytest.raises(SutSpecError, match="no browser option colour"):
        browser_system(browser_options={"colour": "blue"})


def test_every_browser_option_of_explore_and_survey_names_a_setting_the_driver_takes() -> None:
    assert {entry.setting for entry in BROWSER_OPTIONS} == OPTION_FIELDS


WRITES = {"__setitem__", "update", "setdefault", "pop", "putenv", "unsetenv", "clear"}
KNOWN: set[tuple[str, str]] = set()
"""None: `run --features` goes to pytest as an option (steps/test_features.py reads it from the run)."""


def _environment_writes(path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if (isinstance(target, ast.Subscript) and ast.unparse(target.value) == "os.environ"):
                    found.add(ast.unparse(target.slice).strip("'\""))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITES:
            owner = ast.unparse(node.func.value)
            if owner == "os.environ" or (owner == "os" and node.func.attr in {"putenv", "unsetenv"}):
                found.add(f"{owner}.{node.func.attr}")
    return found


def test_no_module_of_the_harness_passes_settings_through_the_environment() -> None:
    writes = {(name, variable) for name, path in MODULES.items() for variable in _environment_writes(path)}
    assert writes == KNOWN, writes - KNOWN
