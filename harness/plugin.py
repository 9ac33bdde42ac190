"""The pytest plugin that binds the scenarios to a system under test.

It adds `--sut`, registers every catalogue ID and capability tag as a marker
(so `--strict-markers` catches a typo in a tag), loads the system once before
any scenario runs, and skips a scenario whose capability tag the system lacks,
naming the capability.
"""

from __future__ import annotations

import pytest
from pytest_bdd.reporting import scenario_reports_registry
from pytest_bdd.scenario import scenario_wrapper_template_registry
from pytest_bdd.utils import registry_get_safe

from mfa_conformance.driver import Capability, SystemUnderTest
from mfa_conformance.driver.loading import SutSpecError, load_system, resolve_sut_spec

from .catalogue import CAPABILITY_TAGS, KINDS, CatalogueError, load_catalogue

__all__ = ["is_scenario", "scenario_record", "SYSTEM_KEY", "SCENARIO_PROPERTY"]

SCENARIO_PROPERTY = "mfa_scenario"

SYSTEM_KEY = pytest.StashKey[SystemUnderTest]()


def is_scenario(item: pytest.Item) -> bool:
    return "_pytest_bdd_example" in getattr(item, "fixturenames", ())


def scenario_record(item: pytest.Item) -> dict[str, object]:
    """Feature, rule, scenario, tags and per-step outcome of a scenario item, as plain data.

    Every step of the scenario is listed, background steps first, whether it ran
    or not: reports render the whole scenario from this record alone. Each step's
    `status` is "passed", "failed" (the step that failed) or "skipped" (never ran);
    `failed` is pytest-bdd's own flag, which it also sets on the steps after a failure.
    """
    template = registry_get_safe(scenario_wrapper_template_registry, getattr(item, "obj", None))
    assert template is not None
    callspec = getattr(item, "callspec", None)
    example = callspec.params.get("_pytest_bdd_example", {}) if callspec else {}
    scenario = template.render(example)
    ran = registry_get_safe(scenario_reports_registry, item)
    reported = ran.serialize()["steps"] if ran is not None else []
    backgrounds = len(template.all_background_steps)
    steps, failure_seen = [], False
    for index, step in enumerate(scenario.steps):
        done = reported[index] if index < len(reported) else None
        failed = bool(done and done["failed"])
        status = "skipped" if done is None or failure_seen else "failed" if failed else "passed"
        failure_seen = failure_seen or failed
        steps.append({
            "keyword": step.keyword, "text": step.name, "failed": failed,
            "duration": round(done["duration"], 6) if done and status != "skipped" else 0.0,
            "status": status, "line": step.line_number, "background": index < backgrounds,
            "datatable": [[str(cell) for cell in row] for row in step.datatable.raw()] if step.datatable else None,
            "docstring": step.docstring,
        })
    rule = template.rule
    return {
        "feature": template.feature.name, "feature_file": template.feature.rel_filename,
        "feature_description": template.feature.description or "",
        "rule": rule.name if rule else None, "rule_description": (rule.description or "") if rule else "",
        "keyword": scenario.keyword, "scenario": scenario.name, "line": template.line_number,
        "example": callspec.indices.get("_pytest_bdd_example") if callspec else None,
        "tags": sorted(template.tags | template.feature.tags | (rule.tags if rule else set())),
        "steps": steps, "ran": ran is not None,
    }


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mfa-conformance", "MFA conformance harness")
    group.addoption(
        "--sut",
        default=None,
        help="system under test: 'simulator' (default) or 'package.module:factory'; env MFA_SUT",
    )


def pytest_configure(config: pytest.Config) -> None:
    try:
        catalogue = load_catalogue()
    except CatalogueError as error:
        raise pytest.UsageError(str(error)) from None
    for requirement in catalogue.values():
        config.addinivalue_line("markers", f"{requirement.id}: [{requirement.kind}] {requirement.statement}")
    for kind in KINDS:
        config.addinivalue_line("markers", f"{kind}: the scenario checks {kind} behaviour")
    for tag, capability in CAPABILITY_TAGS.items():
        config.addinivalue_line("markers", f"{tag}: needs the capability '{capability}' of the system under test")


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    if not any(is_scenario(item) for item in items) or SYSTEM_KEY in config.stash:
        return
    spec = resolve_sut_spec(config.getoption("sut"))
    try:
        config.stash[SYSTEM_KEY] = load_system(spec)
    except SutSpecError as error:
        raise pytest.UsageError(str(error)) from None


def pytest_runtest_setup(item: pytest.Item) -> None:
    if not is_scenario(item):
        return
    system = item.config.stash[SYSTEM_KEY]
    for tag, capability in CAPABILITY_TAGS.items():
        if item.get_closest_marker(tag) and Capability(capability) not in system.capabilities:
            pytest.skip(f"the system under test lacks the capability '{capability}'")


def pytest_unconfigure(config: pytest.Config) -> None:
    system = config.stash.get(SYSTEM_KEY, None)
    if system is not None:
        system.close()


@pytest.fixture
def system(request: pytest.FixtureRequest) -> SystemUnderTest:
    """The system under test, told when each scenario starts and ends."""
    system = request.config.stash[SYSTEM_KEY]
    system.start_scenario(request.node.nodeid)
    yield system
    failed = getattr(request.node, "_mfa_failed", False)
    system.finish_scenario(failed)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    if report.when == "call" and report.failed:
        item._mfa_failed = True  # type: ignore[attr-defined]
    if is_scenario(item) and (report.when == "call" or report.outcome != "passed"):
        # user_properties travel from xdist workers, so every report is built from this record.
        report.user_properties.append((SCENARIO_PROPERTY, scenario_record(item)))
    return report
