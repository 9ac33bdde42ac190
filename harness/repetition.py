"""`--repeat N`: every selected scenario runs N times, to find the flaky ones.

Each repetition is a test of its own (`...[repeat-2-of-3]`), parametrized at
collection, so it starts from the scenario's starting state with fresh fixtures,
as any scenario does, and every xdist worker collects the same tests. The
repetitions of a scenario run one after another: serially they are collected
side by side; under xdist's default distribution they are sent to one worker
together, so two copies of a scenario, with the same personas, never meet on one
system at once (that would be a clash, not flakiness). How the outcomes become
one per scenario is `mfa_conformance.report.stability`'s business.
"""

from __future__ import annotations

import re

import pytest

__all__ = ["REPEAT_LIMIT", "RepeatError", "repetitions", "repeat_id", "scenario_id", "repetition_of", "add_option",
           "Repetitions"]

REPEAT_LIMIT = 100
_PARAMETER = "_mfa_repetition"
_REPEAT_ID = re.compile(r"(?:\[|-)repeat-(\d+)-of-(\d+)\]$")


class RepeatError(ValueError):
    """A --repeat value that is not a number of repetitions; the message says why, in one line."""


def repetitions(text: str) -> int:
    """The number of repetitions `--repeat TEXT` asks for: a whole number from 1 to REPEAT_LIMIT."""
    if not re.fullmatch(r"-?[0-9]+", text.strip()):
        raise RepeatError(f"not a whole number: give how many times each scenario runs, 1 to {REPEAT_LIMIT}")
    count = int(text)
    if not 1 <= count <= REPEAT_LIMIT:
        raise RepeatError(f"out of range: each scenario runs 1 to {REPEAT_LIMIT} times")
    return count


def repeat_id(number: int, of: int) -> str:
    return f"repeat-{number}-of-{of}"


def scenario_id(nodeid: str) -> str:
    """The node id a repetition's scenario has in a run without --repeat."""
    match = _REPEAT_ID.search(nodeid)
    if match is None:
        return nodeid
    return nodeid[:match.start()] + ("]" if match.group(0).startswith("-") else "")


def repetition_of(item: pytest.Item) -> tuple[int, int] | None:
    """(number, of) of a repeated scenario's test; None in a run without --repeat."""
    callspec = getattr(item, "callspec", None)
    number = callspec.params.get(_PARAMETER) if callspec is not None else None
    return None if number is None else (number, item.config.getoption("repeat"))


def _option(text: str) -> int:
    import argparse

    try:
        return repetitions(text)
    except RepeatError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_option(group: pytest.OptionGroup) -> None:
    group.addoption("--repeat", type=_option, default=1, metavar="N",
                    help=f"run each selected scenario N times (1 to {REPEAT_LIMIT}) and report the scenarios "
                         f"whose outcome changed as flaky")


class Repetitions:
    """The hooks of --repeat; registered by mfa_conformance.plugin (on the xdist controller and workers)."""

    @pytest.hookimpl(trylast=True)  # after pytest-bdd's examples: a scenario's repetitions are collected together
    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        from mfa_conformance.steps.pytest_bdd_private import EXAMPLE_PARAMETER  # not at import: `run` reads --repeat before pytest starts

        count = metafunc.config.getoption("repeat", 1)
        if count <= 1 or EXAMPLE_PARAMETER not in metafunc.fixturenames:
            return
        metafunc.fixturenames.append(_PARAMETER)
        metafunc.parametrize(_PARAMETER, range(1, count + 1), ids=[repeat_id(n, count) for n in range(1, count + 1)])

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_make_scheduler(self, config: pytest.Config, log: object) -> object | None:
        """Under `-n`, a scenario's repetitions go to one worker together (unless --dist chose otherwise)."""
        if config.getoption("repeat", 1) <= 1 or config.getvalue("dist") != "load":
            return None
        from xdist.scheduler import LoadScopeScheduling

        class ByScenario(LoadScopeScheduling):
            def _split_scope(self, nodeid: str) -> str:
                return scenario_id(nodeid)

        return ByScenario(config, log)
