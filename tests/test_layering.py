"""The layers stay apart, the folders follow them, and nothing imports in a circle.

From the bottom: the driver interface, the simulator (a domain model with no
I/O) and the requirements (catalogue, positions, how-to); the drivers over a
system (in-process, browser), the people and their phones, and the binding of feature files to
steps; the steps, exploration and the reference web app; at the top the
command, the pytest plugins and the reports. A layer imports only from layers
below it, and every arrow between two top-level folders points down
(FOLDER_RANK). Every import counts, also one inside a function or under
TYPE_CHECKING (a deferred import still ties two modules together), and so does a
module named in a string ("mfa_conformance.driver.inprocess:simulator_system").
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = "mfa_conformance"
MAX_LINES = 400


def _package_dirs() -> dict[str, Path]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    return {name: REPO / folder for name, folder in config["package-dir"].items()}


def _modules() -> dict[str, Path]:
    """Every module of the package by its import name, from the package-dir mapping."""
    modules: dict[str, Path] = {}
    for package, folder in sorted(_package_dirs().items(), key=lambda item: len(item[0])):
        for path in folder.rglob("*.py"):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules.setdefault(".".join([package, *parts]), path)
    return modules


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The package's own modules that this module imports (anywhere in its body)."""
    is_package = path.name == "__init__.py"
    base = name.split(".") if is_package else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            prefix = base[: len(base) - node.level + 1] if node.level else []
            module = ".".join([*prefix, *(node.module.split(".") if node.module else [])])
            targets = [f"{module}.{alias.name}" if f"{module}.{alias.name}" in MODULES else module
                       for alias in node.names]
        else:
            continue
        found |= {target for target in targets if target in MODULES and target != name}
    return found


NAMED = re.compile(rf"^({PACKAGE}(?:\.\w+)+)(?::\w+)?$")


def _named(name: str, path: Path) -> set[str]:
    """The package's own modules this module names in a string, to import them by name."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and (match := NAMED.match(node.value)):
            if match.group(1) in MODULES and match.group(1) != name:
                found.add(match.group(1))
    return found


GRAPH = {name: _imports(name, path) | _named(name, path) for name, path in MODULES.items()}

# Which layer each module is in: the longest matching name wins.
LAYERS = {
    f"{PACKAGE}": 0,  # the public names a vendor imports, re-exported from the driver interface
    f"{PACKAGE}.errors": 0,
    f"{PACKAGE}.driver": 0,
    f"{PACKAGE}.simulator": 0,
    f"{PACKAGE}.features": 0,
    f"{PACKAGE}.profiles": 0,
    f"{PACKAGE}.requirements": 0,
    f"{PACKAGE}.driver.loading": 1,  # names the built-in drivers below by string
    f"{PACKAGE}.driver.opening": 1,
    f"{PACKAGE}.driver.inprocess": 1,
    f"{PACKAGE}.driver.inprocess_pages": 1,
    f"{PACKAGE}.driver.provisioned": 1,
    f"{PACKAGE}.driver.browser": 1,
    f"{PACKAGE}.people": 1,
    f"{PACKAGE}.steps.pytest_bdd_private": 1,
    f"{PACKAGE}.steps.feature_files": 1,
    f"{PACKAGE}.steps": 2,
    f"{PACKAGE}.explore": 2,
    f"{PACKAGE}.survey": 2,
    f"{PACKAGE}.webapp": 2,
    f"{PACKAGE}.plugin": 3,
    f"{PACKAGE}.outcome": 3,
    f"{PACKAGE}.console": 3,
    f"{PACKAGE}.browser_options": 3,
    f"{PACKAGE}.report": 3,
    f"{PACKAGE}.evidence": 3,
    f"{PACKAGE}.suite": 3,
    f"{PACKAGE}.preflight": 3,
    f"{PACKAGE}.repetition": 3,
    f"{PACKAGE}.reasons": 3,
    f"{PACKAGE}.cli": 4,
    f"{PACKAGE}.__main__": 4,
}

# Each top-level folder's rank: an import from one folder into another points to a lower rank.
FOLDER_RANK = {"simulator": 0, "features": 0, "profiles": 0, "requirements": 1, "driver": 2, "people": 3,
               "steps": 4, "explore": 4, "webapp": 4, "harness": 5}


def _layer(module: str) -> int:
    parts = module.split(".")
    for size in range(len(parts), 0, -1):
        if ".".join(parts[:size]) in LAYERS:
            return LAYERS[".".join(parts[:size])]
    raise AssertionError(f"{module} is in no layer: add it to LAYERS")


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_every_module_has_a_layer() -> None:
    for module in MODULES:
        _layer(module)


def test_no_layer_imports_one_above_it() -> None:
    upward = {f"{module} -> {target}" for module, targets in GRAPH.items() for target in targets
              if _layer(target) > _layer(module)}
    assert upward == set()


def _folder(module: str) -> str:
    return MODULES[module].relative_to(REPO).parts[0]


def test_every_folder_has_a_rank() -> None:
    assert {_folder(module) for module in MODULES} == set(FOLDER_RANK)


def test_every_arrow_between_folders_points_down() -> None:
    crossing = {f"{_folder(module)} -> {_folder(target)} ({module} -> {target})"
                for module, targets in GRAPH.items() for target in targets
                if _folder(target) != _folder(module) and FOLDER_RANK[_folder(target)] >= FOLDER_RANK[_folder(module)]}
    assert crossing == set()


def test_a_module_named_in_a_string_counts_as_imported() -> None:
    """The built-in drivers are imported by name (`--sut simulator`); the arrow is checked all the same."""
    assert f"{PACKAGE}.driver.inprocess" in GRAPH[f"{PACKAGE}.driver.loading"]


def test_no_import_cycle() -> None:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in GRAPH[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(GRAPH):
        if module not in index:
            visit(module)
    assert cycles == []


def test_the_simulator_does_no_io_and_knows_no_harness() -> None:
    forbidden = {"pytest", "pytest_bdd", "playwright", "flask", "starlette", "http", "urllib", "socket",
                 "sqlite3", "requests", "freezegun", "os", "subprocess"}
    offenders = {}
    for module, path in MODULES.items():
        if not _within(module, f"{PACKAGE}.simulator"):
            continue
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
        own = {target for target in GRAPH[module] if not _within(target, f"{PACKAGE}.simulator")}
        if names & forbidden or own:
            offenders[module] = sorted(names & forbidden | own)
    assert offenders == {}


@pytest.mark.parametrize("package", ["steps", "explore", "requirements", "people", "plugin", "report", "console"])
def test_only_the_in_process_driver_and_the_web_app_import_the_simulator(package: str) -> None:
    offenders = {module for module, targets in GRAPH.items() if _within(module, f"{PACKAGE}.{package}")
                 and any(_within(target, f"{PACKAGE}.simulator") for target in targets)}
    assert offenders == set()


def test_the_steps_reach_a_system_only_through_the_driver_interface() -> None:
    drivers = (f"{PACKAGE}.driver.inprocess", f"{PACKAGE}.driver.browser", f"{PACKAGE}.webapp")
    offenders = {f"{module} -> {target}" for module, targets in GRAPH.items()
                 if _within(module, f"{PACKAGE}.steps") or _within(module, f"{PACKAGE}.explore")
                 for target in targets if any(_within(target, name) for name in drivers)}
    assert offenders == set()


def test_no_module_is_over_400_lines() -> None:
    long = {module: count for module, path in MODULES.items()
            if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_the_wheel_lists_every_package_folder() -> None:
    """A folder with an __init__.py that pyproject.toml does not list would be left out of the wheel."""
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    packages = {module for module, path in MODULES.items() if path.name == "__init__.py"}
    assert packages == listed


@pytest.mark.parametrize("word", ["browser", "plugin", "baseline"])
def test_a_word_that_says_what_a_module_is_names_one_module(word: str) -> None:
    """Domain names repeat across layers on purpose (enrollment in the simulator, the web app, the steps);
    a name saying what kind of thing a module is (the browser, a plugin, a baseline) must not."""
    named = sorted(module for module in MODULES if module.rsplit(".", 1)[-1] == word)
    assert len(named) <= 1, named
