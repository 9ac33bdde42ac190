"""Every name of pytest-bdd's outside its public API that the harness uses, in one place.

pytest-bdd's hooks say when a step runs, not which scenario template or Examples row a
pytest item came from, which report pytest-bdd keeps for it, or which step definitions
are registered: those live in its registries. Their names moved between releases before
(`_pytest_bdd_example`, the registries), so they are imported here only, and
tests/test_pytest_bdd_private.py fails when the installed release is not one they were
checked with, or when a name is gone.
"""

from __future__ import annotations

from pytest_bdd.feature import get_feature, get_features
from pytest_bdd.parser import Feature
from pytest_bdd.reporting import scenario_reports_registry
from pytest_bdd.scenario import scenario_wrapper_template_registry
from pytest_bdd.steps import StepFunctionContext, step_function_context_registry
from pytest_bdd.utils import CONFIG_STACK, registry_get_safe

__all__ = ["CHECKED_WITH", "EXAMPLE_PARAMETER", "current_config", "Feature", "StepFunctionContext", "get_feature", "get_features",
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
