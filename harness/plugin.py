"""The pytest plugin that binds the scenarios to a system under test.

It adds `--sut`, `--scenario`, `--positions` and `--repeat` (whose hooks are in
`mfa_conformance.repetition`), registers every catalogue ID and
capability tag as a marker (so `--strict-markers` catches a typo in a tag), checks
the feature files and loads the system once before any scenario runs (a problem
with either is one usage-error line, also under pytest-xdist, where the
controller checks before the workers start), and skips a scenario whose
capability tag the system lacks, naming the capability.

The run's declared positions (`mfa_conformance.requirements.positions`) are the system's own
and a `--positions` file's, checked and merged when the system is loaded and
handed to the system (`adopt_positions`, which configures the reference
simulator); steps read them from the `positions` fixture. A scenario tagged for
an alternative the system does not take is skipped, naming the position.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mfa_conformance import steps as steps_package
from mfa_conformance.driver import Capability, SystemUnderTest
from mfa_conformance.driver.errors import CannotTell, ServerError
from mfa_conformance.driver.loading import BUILT_IN, SutSpecError, find_factory, load_system, resolve_sut_spec
from mfa_conformance.driver.opening import PositionsLayer, Unusable, declared_positions, read_positions_file
from mfa_conformance.requirements.catalogue import CAPABILITY_TAGS, KINDS, CatalogueError, load_catalogue
from mfa_conformance.requirements.positions import (TAG_PREFIX, Declaration, PositionsError, load_positions,
                                                    position_tags)
from mfa_conformance.steps.feature_files import FeatureFileError, bound_features, check_features, registered_steps
from mfa_conformance.steps.pytest_bdd_private import (EXAMPLE_PARAMETER, registry_get_safe, remember_step_lookups,
                                                      scenario_reports_registry, scenario_wrapper_template_registry)

from .outcome import SCENARIO_PROPERTY, ScenarioRecord
from .report.model import StepResult
from .reasons import harness_fault, short_reason
from .repetition import Repetitions, add_option, repetition_of, scenario_id

__all__ = ["is_scenario", "scenario_record", "runs_the_suite", "declare_positions", "SYSTEM_KEY", "OPENED_KEY", "FACTORY_KEY",
           "POSITIONS_KEY"]

CANNOT_TELL = "cannot tell"
"""How the reason of a scenario whose outcome the screen did not show begins (a skip, no verdict)."""

SYSTEM_KEY = pytest.StashKey[SystemUnderTest]()
OPENED_KEY = pytest.StashKey[SystemUnderTest]()
"""A system a driver's plugin opened while checking that the run can start, for this plugin to adopt."""
FACTORY_KEY = pytest.StashKey[dict[str, object]]()
"""What a driver's plugin gives the system's factory, by name (`load_system`): the browser's `settings`."""
POSITIONS_KEY = pytest.StashKey[Declaration]()
"""The run's declared positions, once the system is loaded."""
_FILE_KEY = pytest.StashKey[tuple[str, dict] | None]()
"""(where, table) of the --positions file, read at configure time."""
STEPS_DIR = Path(steps_package.__file__).resolve().parent


def runs_the_suite(config: pytest.Config) -> bool:
    """Whether the run collects the acceptance suite (not, say, only the project's own tests)."""
    for arg in config.args:
        path = Path(config.invocation_params.dir, arg.split("::")[0]).resolve()
        if path == STEPS_DIR or STEPS_DIR in path.parents or path in STEPS_DIR.parents:
            return True
    return False


def is_scenario(item: pytest.Item) -> bool:
    return EXAMPLE_PARAMETER in getattr(item, "fixturenames", ())


def scenario_record(item: pytest.Item) -> ScenarioRecord:
    """Feature, rule, scenario, tags and per-step outcome of a scenario item.

    Every step of the scenario is listed, background steps first, whether it ran
    or not: reports render the whole scenario from this record alone.
    """
    template = registry_get_safe(scenario_wrapper_template_registry, getattr(item, "obj", None))
    assert template is not None
    callspec = getattr(item, "callspec", None)
    example = callspec.params.get(EXAMPLE_PARAMETER, {}) if callspec else {}
    scenario = template.render(example)
    ran = registry_get_safe(scenario_reports_registry, item)
    tags = template.tags | template.feature.tags | (template.rule.tags if template.rule else set())
    declaration = item.config.stash.get(POSITIONS_KEY, None)
    checked = position_tags(tags) if declaration is not None else []
    reported = ran.serialize()["steps"] if ran is not None else []
    backgrounds = len(template.all_background_steps)
    steps, failure_seen = [], False
    for index, step in enumerate(scenario.steps):
        done = reported[index] if index < len(reported) else None
        failed = bool(done and done["failed"])
        status = "skipped" if done is None or failure_seen else "failed" if failed else "passed"
        failure_seen = failure_seen or failed
        steps.append(StepResult(
            keyword=step.keyword, text=step.name,
            duration=round(done["duration"], 6) if done and status != "skipped" else 0.0,
            status=status, line=step.line_number, background=index < backgrounds,
            datatable=[[str(cell) for cell in row] for row in step.datatable.raw()] if step.datatable else None,
            docstring=step.docstring,
        ))
    rule = template.rule
    # The name as printed and as `--scenario` takes it: an example of an outline whose name
    # has no <placeholder> would read like its siblings, so its example id is added.
    # (--repeat adds the repetition to the id: it names a test, not a scenario.)
    example_id = scenario_id(f"[{callspec.id}]")[1:-1] if callspec is not None else ""
    title = scenario.name if not example_id or scenario.name != template.name else f"{scenario.name} [{example_id}]"
    repetition = repetition_of(item)
    return ScenarioRecord(
        feature=template.feature.name, feature_file=template.feature.rel_filename, title=title,
        feature_description=template.feature.description or "",
        rule=rule.name if rule else None, rule_description=(rule.description or "") if rule else "",
        keyword=scenario.keyword, scenario=scenario.name, line=template.line_number,
        example=callspec.indices.get(EXAMPLE_PARAMETER) if callspec else None,
        tags=sorted(tags), steps=steps, ran=ran is not None,
        positions={tag.name: declaration[tag.name] for tag in checked},  # type: ignore[index]
        position_skip=next((reason for tag in checked if (reason := tag.skip_reason(declaration))), None),
        repetition={"number": repetition[0], "of": repetition[1]} if repetition else None,
    )


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mfa-conformance", "MFA conformance harness")
    group.addoption(
        "--sut",
        default=None,
        help="system under test: 'simulator' (default) or 'package.module:factory'; env MFA_SUT",
    )
    group.addoption(
        "--scenario", action="append", default=None, metavar="NAME",
        help="run only the scenario of this exact name, as the output prints it (repeatable)",
    )
    group.addoption(
        "--positions", default=None, metavar="FILE",
        help="TOML file whose [positions] table declares the alternatives the system takes where the how-to "
             "leaves a choice (features/positions.toml); configures the reference simulator too; env MFA_POSITIONS",
    )
    group.addoption(
        "--features", dest="mfa_features", default=None, metavar="PATH",  # pytest-bdd's --feature takes "features"
        help="a .feature file or folder to bind instead of the packaged features (as `mfa-conformance run --features`)",
    )
    add_option(group)  # --repeat N


def _positions_file(config: pytest.Config) -> PositionsLayer | None:
    """The --positions file's table, checked against the positions catalogue (read once);
    UsageError names the problem."""
    if _FILE_KEY in config.stash:
        return config.stash[_FILE_KEY]
    try:
        layer = read_positions_file(config.getoption("positions", None), Path(config.invocation_params.dir))
    except Unusable as error:
        raise pytest.UsageError(str(error)) from None
    config.stash[_FILE_KEY] = layer
    return layer


def declare_positions(config: pytest.Config, system: SystemUnderTest) -> Declaration:
    """The run's positions: the system's own and the --positions file's, checked, merged, and
    handed to the system (as `survey` and `explore` do); stashed for the `positions` fixture and the reports."""
    try:
        declaration = declared_positions(system, _positions_file(config))
    except Unusable as error:
        raise pytest.UsageError(str(error)) from None
    config.stash[POSITIONS_KEY] = declaration
    return declaration


@pytest.hookimpl(tryfirst=True)
def pytest_bdd_apply_tag(tag: str, function: object) -> object | None:
    """`@position:NAME[=VALUE]` becomes the `position` marker, not a marker of its own name."""
    if tag.startswith(TAG_PREFIX):
        return pytest.mark.position(tag[len(TAG_PREFIX):])(function)
    return None


def pytest_configure(config: pytest.Config) -> None:
    try:
        catalogue = load_catalogue()
        load_positions()
    except (CatalogueError, PositionsError) as error:
        raise pytest.UsageError(str(error)) from None
    config.addinivalue_line("markers", "position(NAME[=VALUE]): the scenario checks a declared position")
    for requirement in catalogue.values():
        config.addinivalue_line("markers", f"{requirement.id}: [{requirement.kind}] {requirement.statement}")
    for kind in KINDS:
        config.addinivalue_line("markers", f"{kind}: the scenario checks {kind} behaviour")
    for tag, capability in CAPABILITY_TAGS.items():
        config.addinivalue_line("markers", f"{tag}: needs the capability '{capability}' of the system under test")
    _positions_file(config)
    config.pluginmanager.register(Repetitions(), "mfa-repetitions")
    remember_step_lookups()
    if hasattr(config, "workerinput") or not runs_the_suite(config):
        return  # a worker runs what its controller checked
    try:
        check_features(bound_features(config), registered_steps(), check_tag=_check_position_tag)
    except FeatureFileError as error:
        raise pytest.UsageError(str(error)) from None
    if config.getoption("numprocesses", None):
        _check_system_before_workers_start(config)


def _check_system_before_workers_start(config: pytest.Config) -> None:
    """Under xdist the workers load the system; a failure there would be an INTERNALERROR.

    The controller imports the factory, and calls it once (closing what it returns),
    except for the browser driver, whose own plugin checks the browser run."""
    spec = resolve_sut_spec(config.getoption("sut"))
    try:
        if BUILT_IN.get(spec, spec) == BUILT_IN["browser"]:
            find_factory(spec)  # the browser plugin declares the positions of the system it checks
            return
        system = load_system(spec)
    except SutSpecError as error:
        raise pytest.UsageError(str(error)) from None
    try:
        declare_positions(config, system)
        _check_accounts(system)
    finally:
        system.close()


def _check_position_tag(tag: str) -> None:
    try:
        position_tags([tag])
    except PositionsError as error:
        raise ValueError(str(error).removeprefix("tag ")) from None


def _check_accounts(system: SystemUnderTest, items: list[pytest.Item] | None = None) -> None:
    """Serially, only the scenarios that will run (selected, their capabilities offered);
    on the xdist controller, which has no items, every feature's."""
    from .preflight import cast_of, check_accounts  # imports the steps; only a run of scenarios needs them

    cast = None
    if items is not None:
        lines = [step.text for item in items if is_scenario(item) and not _lacks_capability(item, system)
                 for step in scenario_record(item).steps]
        cast = cast_of(lines)
    problem = check_accounts(system, cast)
    if problem is not None:
        raise pytest.UsageError(f"before any scenario: {problem}")


@pytest.hookimpl(trylast=True)  # after -k and -m have deselected: only the scenarios that will run count
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    names = config.getoption("scenario")
    if names:
        chosen = set(names)
        kept = [item for item in items if is_scenario(item)
                and chosen & {(record := scenario_record(item)).title, record.scenario}]
        kept_ids = {id(item) for item in kept}
        deselected = [item for item in items if id(item) not in kept_ids]
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = kept
    if not any(is_scenario(item) for item in items) or SYSTEM_KEY in config.stash:
        return
    spec = resolve_sut_spec(config.getoption("sut"))
    try:
        opened = config.stash.get(OPENED_KEY, None)
        config.stash[SYSTEM_KEY] = opened if opened is not None else load_system(spec, **config.stash.get(FACTORY_KEY, {}))
    except SutSpecError as error:
        raise pytest.UsageError(str(error)) from None
    declare_positions(config, config.stash[SYSTEM_KEY])
    if not hasattr(config, "workerinput"):  # under xdist the controller checked (a worker's error is no one line)
        _check_accounts(config.stash[SYSTEM_KEY], items)


def _lacks_capability(item: pytest.Item, system: SystemUnderTest) -> str | None:
    for tag, capability in CAPABILITY_TAGS.items():
        if item.get_closest_marker(tag) and Capability(capability) not in system.capabilities:
            return capability
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    if not is_scenario(item):
        return
    system = item.config.stash[SYSTEM_KEY]
    skip = scenario_record(item).position_skip
    if skip:
        pytest.skip(str(skip))
    capability = _lacks_capability(item, system)
    if capability is not None:
        pytest.skip(f"the system under test lacks the capability '{capability}'")


def pytest_unconfigure(config: pytest.Config) -> None:
    system = config.stash.get(SYSTEM_KEY, None)
    if system is not None:
        system.close()


@pytest.fixture
def positions(request: pytest.FixtureRequest) -> Declaration:
    """The alternatives the system under test declares (the reference default where it declares none)."""
    return request.config.stash[POSITIONS_KEY]


@pytest.fixture
def system(request: pytest.FixtureRequest) -> SystemUnderTest:
    """The system under test, told when each scenario starts and ends."""
    system = request.config.stash[SYSTEM_KEY]
    system.start_scenario(request.node.nodeid)
    yield system
    from mfa_conformance.steps.starting_state import FAILED  # registered as a plugin by then

    failed = request.node.stash.get(FAILED, False)
    system.finish_scenario(failed)


def _in_vendor_words(item: pytest.Item, report: pytest.TestReport, excinfo: pytest.ExceptionInfo) -> None:
    """A failure's reason with short class names; no verdict where the screen did not show the outcome
    (a profile that does not say where to look) or where the harness itself broke."""
    where = (str(item.path), (item.location[1] or 0) + 1)
    fault = harness_fault(excinfo)
    if excinfo.errisinstance(CannotTell):
        report.outcome, report.longrepr = "skipped", (*where, f"{CANNOT_TELL}: {excinfo.value}")
    elif excinfo.errisinstance(ServerError):
        report.outcome, report.longrepr = "skipped", (*where, f"{CANNOT_TELL}: {excinfo.value}, which shows nothing "
                                                              f"of what the requirement asks (the product's log says why)")
    elif fault is not None:
        report.outcome, report.longrepr = "skipped", (*where, f"{CANNOT_TELL}: the harness broke ({short_reason(excinfo)}, "
                                                              f"in {fault}), which is no sight of the product: a driver "
                                                              f"answering outside its interface, or a harness fault to report")
    elif getattr(report.longrepr, "reprcrash", None) is not None:
        report.longrepr.reprcrash.message = short_reason(excinfo)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    if report.when == "call" and report.failed:
        from mfa_conformance.steps.starting_state import COULD_NOT_START, FAILED  # registered as a plugin by then

        item.stash[FAILED] = True  # a verdict or none, what the scenario left its accounts in is not known
        if call.excinfo is not None:
            _in_vendor_words(item, report, call.excinfo)
        why = item.stash.get(COULD_NOT_START, None)
        if why is not None:  # no verdict on its requirements: the scenario never reached its start
            report.outcome = "skipped"
            report.longrepr = (str(item.path), (item.location[1] or 0) + 1, f"could not start: {why}")
    if is_scenario(item) and (report.when == "call" or report.outcome != "passed"):
        from mfa_conformance.steps.cast import UNCHECKED  # registered as a plugin by then

        # user_properties travel from xdist workers, so every report is built from this record; with
        # it, the details the scenario left unchecked, as its system's screens do not show them.
        record = scenario_record(item)
        record.unchecked = list(item.stash.get(UNCHECKED, []))
        report.user_properties.append((SCENARIO_PROPERTY, record.to_data()))
    return report
