"""Every name of pytest-bdd's outside its public API that the harness uses, in one place.

pytest-bdd's hooks say when a step runs, not which scenario template or Examples row a
pytest item came from, which report pytest-bdd keeps for it, or which step definitions
are registered: those live in its registries. Their names moved between releases before
(`_pytest_bdd_example`, the registries), so they are imported here only, and
tests/test_pytest_bdd_private.py fails when the installed release is not one they were
checked with, or when a name is gone.
"""

from __future__ import annotations

import importlib

from pytest_bdd.compat import get_fixture_names, getfixturedefs
from pytest_bdd.feature import get_feature, get_features
from pytest_bdd.parser import Feature
from pytest_bdd.reporting import scenario_reports_registry
from pytest_bdd.scenario import scenario_wrapper_template_registry
from pytest_bdd.steps import StepFunctionContext, step_function_context_registry
from pytest_bdd.utils import CONFIG_STACK, registry_get_safe

_SCENARIO = importlib.import_module("pytest_bdd.scenario")  # the package's `scenario` is the decorator

__all__ = ["CHECKED_WITH", "EXAMPLE_PARAMETER", "current_config", "remember_step_lookups", "Feature", "StepFunctionContext", "get_feature", "get_features",
           "registry_get_safe", "scenario_reports_registry", "scenario_wrapper_template_registry",
           "step_function_context_registry"]

CHECKED_WITH = ("9.0.1",)
"""The pytest-bdd releases these names were checked with (pyproject.toml allows these only)."""

EXAMPLE_PARAMETER = "_pytest_bdd_example"
"""The parameter pytest-bdd parametrizes a Scenario Outline's test with: one Examples row each."""


def current_config():
    """The pytest config of the run importing a module that binds scenarios (pytest-bdd keeps it from
    configure to unconfigure), so `scenarios()` is given the run's options, not a variable; None outside one."""
    return CONFIG_STACK[-1] if CONFIG_STACK else None


def remember_step_lookups() -> None:
    """Find a step's definitions among those visible to its scenario, listed once. pytest-bdd 9 asks
    pytest about every registered fixture name for every step run (in the in-process suite, 714 steps
    by about 90 names: a third of the run's time). Which definitions a scenario sees depends only on
    where it lives and which fixtures are registered, so that list is kept under exactly those, and a
    step is matched against it in pytest-bdd's order, as pytest-bdd's own lookup would."""
    lookup = _SCENARIO.find_fixturedefs_for_step
    if getattr(lookup, "pytest_bdd_own", None) is not None:
        return
    visible: dict[tuple, list] = {}
    matched: dict[tuple, list] = {}

    def find_fixturedefs_for_step(step, fixturemanager, node):
        names = tuple(get_fixture_names(fixturemanager))
        where = (node.parent.nodeid if node.parent is not None else node.nodeid, id(fixturemanager), names)
        if where not in visible:
            visible[where] = [(fixturedef, context) for name in names
                              for fixturedef in getfixturedefs(fixturemanager, name, node) or []
                              if (context := step_function_context_registry.get(fixturedef.func)) is not None]
        step_key = (where, step.type, step.name)  # the same step text recurs across a feature's scenarios
        if step_key not in matched:
            matched[step_key] = [fixturedef for fixturedef, context in visible[where]
                                 if (context.type is None or context.type == step.type)
                                 and context.parser.is_matching(step.name)]
        yield from matched[step_key]

    find_fixturedefs_for_step.pytest_bdd_own = lookup  # type: ignore[attr-defined]
    _SCENARIO.find_fixturedefs_for_step = find_fixturedefs_for_step
