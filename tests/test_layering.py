"""The layers stay apart: the simulator is a domain model with no I/O, and the
steps reach a system only through the driver interface."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _imports(folder: str) -> dict[str, set[str]]:
    found = {}
    for path in sorted((REPO / folder).rglob("*.py")):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(REPO))] = names
    return found


@pytest.mark.parametrize("folder", ["steps", "harness"])
def test_steps_and_harness_never_import_the_simulator(folder: str) -> None:
    offenders = {path: names for path, names in _imports(folder).items() if "simulator" in names}
    assert offenders == {}


def test_the_simulator_does_no_io_and_knows_no_harness() -> None:
    forbidden = {"pytest", "pytest_bdd", "playwright", "flask", "starlette", "http", "urllib", "socket",
                 "sqlite3", "requests", "driver", "harness", "steps", "webapp", "freezegun", "os", "subprocess"}
    offenders = {path: names & forbidden for path, names in _imports("simulator").items() if names & forbidden}
    assert offenders == {}


def test_only_the_in_process_driver_imports_the_simulator_in_driver() -> None:
    users = {path for path, names in _imports("driver").items() if "simulator" in names}
    assert users == {"driver/inprocess.py"}
