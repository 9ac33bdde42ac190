"""The pytest plugin that writes the reports: `--report-dir DIR`, `--expected-failures FILE`.

Works the same under `mfa-conformance run` and plain `pytest steps --report-dir X`,
serial or with pytest-xdist: the controller builds the results from the
records that travel with each report, and the workers send it the system's
description at the end. Scenarios listed as expected failures are marked
xfail where they are collected (on the workers), so pytest's own counts and
exit status agree with the report; an expired or stale entry fails the run.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import replace
from importlib import metadata
from pathlib import Path

import pytest

from mfa_conformance.requirements.catalogue import load_catalogue
from mfa_conformance.requirements.howto import source_hashes
from ..plugin import POSITIONS_KEY, SYSTEM_KEY, is_scenario, scenario_record
from .collect import ScenarioCollector, build_features, build_scenarios
from .expected import (
    ExpectedFailure,
    ExpectedFailuresError,
    evaluate,
    load_expected_failures,
)
from .model import Results, RunInfo
from .stability import from_collected, settle
from .allure import write_allure

__all__ = ["report_dir", "allure_dir", "EXPECTED_KEY", "ReportWriter"]

EXPECTED_KEY = pytest.StashKey[list[ExpectedFailure]]()
SYSTEM_OUTPUT = "mfa_system"


def _allure_plugin_installed() -> bool:
    """Is allure-pytest or allure-pytest-bdd installed, to be loaded by pytest? Each adds --alluredir."""
    if os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD"):
        return False
    return any(ep.name in ("allure_pytest", "allure_pytest_bdd") for ep in metadata.entry_points(group="pytest11"))


def allure_dir(config: pytest.Config) -> Path | None:
    """The folder allure-results go to (--alluredir), or None."""
    if config.pluginmanager.hasplugin("allure_pytest") or config.pluginmanager.hasplugin("allure_pytest_bdd"):
        return None  # its own plugin writes there; two writers would give each scenario twice
    option = config.getoption("alluredir", None)
    return None if not option else Path(config.invocation_params.dir, option).resolve()


def report_dir(config: pytest.Config) -> Path | None:
    """The folder reports (and a browser driver's evidence) go to, or None."""
    option = config.getoption("report_dir", None)
    return None if not option else Path(config.invocation_params.dir, option).resolve()


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _describe(system: object) -> dict[str, str]:
    try:
        description = system.describe()  # type: ignore[attr-defined]
        return {str(k): str(v) for k, v in description.items()}
    except Exception:  # a vendor's describe() must not cost the report
        return {"driver": str(getattr(system, "name", "system under test"))}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mfa-conformance", "MFA conformance harness")
    group.addoption("--report-dir", default=None, metavar="DIR",
                    help="write report.html, results.json, requirements.json, cucumber.json and junit.xml here")
    group.addoption("--expected-failures", default=None, metavar="FILE",
                    help="TOML file of known failures (scenario or requirement, reason, until)")
    if not _allure_plugin_installed():  # else allure-pytest(-bdd) owns --alluredir, and writes there itself
        group.addoption("--alluredir", default=None, metavar="DIR",
                        help="also write the run as allure-results into DIR (one result per scenario, its steps, "
                             "requirement labels, positions, screenshots and traces), for `allure generate DIR`")
        group.addoption("--clean-alluredir", action="store_true", default=False,
                        help="remove the results an earlier run left in --alluredir first")


def pytest_configure(config: pytest.Config) -> None:
    option = config.getoption("expected_failures", None)
    failures: list[ExpectedFailure] = []
    path = None
    if option:
        path = Path(config.invocation_params.dir, option)
        try:
            failures = load_expected_failures(path, load_catalogue())
        except ExpectedFailuresError as error:
            raise pytest.UsageError(f"--expected-failures: {error}") from None
    config.stash[EXPECTED_KEY] = failures
    directory, allure = report_dir(config), allure_dir(config)
    if not hasattr(config, "workerinput"):  # the controller writes; workers only send it their reports
        _create(directory, "--report-dir")
        _create(allure, "--alluredir")
    if (directory is not None or option or allure is not None) and not hasattr(config, "workerinput"):
        writer = ReportWriter(config, directory, failures, path)
        writer.allure = allure
        config.pluginmanager.register(writer, "mfa-report-writer")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    live = [f for f in config.stash.get(EXPECTED_KEY, []) if not f.expired(_today())]
    for item in items:
        if not live or not is_scenario(item):
            continue
        record = scenario_record(item)
        for failure in live:
            if failure.matches(record.scenario, record.tags):
                item.add_marker(pytest.mark.xfail(reason=f"expected failure: {failure.reason}", strict=False))
                break
    if hasattr(config, "workeroutput") and SYSTEM_KEY in config.stash:
        config.workeroutput[SYSTEM_OUTPUT] = _describe(config.stash[SYSTEM_KEY])


def _create(folder: Path | None, option: str) -> None:
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise pytest.UsageError(f"{option} {folder}: cannot create it ({error.strerror or error})") from None


class ReportWriter:
    """Collects every scenario's reports on the controller and writes the report files at the end."""

    def __init__(self, config: pytest.Config, directory: Path | None, failures: list[ExpectedFailure],
                 failures_file: Path | None) -> None:
        self.config = config
        self.directory = directory
        self.failures = failures
        self.failures_file = failures_file
        self.collector = ScenarioCollector(config.rootpath)
        self.system: dict[str, str] | None = None
        self.started = dt.datetime.now(dt.UTC)
        self.clock = time.monotonic()
        self.results: Results | None = None
        self.written: Path | None = None
        self.failure: str | None = None
        self.allure: Path | None = None
        self.allure_written = 0

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.started = dt.datetime.now(dt.UTC)
        self.clock = time.monotonic()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.collector.add(report)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: object, error: object) -> None:
        output = getattr(node, "workeroutput", {}) or {}
        if self.system is None and output.get(SYSTEM_OUTPUT):
            self.system = dict(output[SYSTEM_OUTPUT])

    def build(self) -> Results:
        from mfa_conformance.driver.loading import resolve_sut_spec

        system = self.system
        if system is None and SYSTEM_KEY in self.config.stash:
            system = _describe(self.config.stash[SYSTEM_KEY])
        collected, flaky = settle(self.collector.scenarios, from_collected)  # one per scenario under --repeat
        scenarios = build_scenarios(collected, self.started.timestamp())
        features = build_features(collected)
        raw = {s.id: s.status for s in scenarios}
        try:
            version = metadata.version("mfa-conformance")
        except metadata.PackageNotFoundError:
            version = "unknown"
        results = Results(
            run=RunInfo(tool_version=version, started=self.started.isoformat(timespec="seconds"),
                        duration=round(time.monotonic() - self.clock, 3),
                        sut=resolve_sut_spec(self.config.getoption("sut", None)),
                        system=system or {"driver": "system under test"},
                        expected_failures_file=str(self.failures_file) if self.failures_file else None,
                        sources=source_hashes({f.file: Path(self.config.rootpath, f.file) for f in features}),
                        repeat=self.config.getoption("repeat", 1)),
            catalogue=list(load_catalogue().values()),
            features=features,
            scenarios=scenarios,
        )
        results.expected_failures = evaluate(self.failures, scenarios, _today(), raw)
        counted = {s.id: s.status for s in scenarios}
        results.flaky = [replace(f, outcome=counted.get(f.id, f.outcome)) for f in flaky]
        declaration = self.config.stash.get(POSITIONS_KEY, None)
        if declaration is not None:
            results.positions, results.position_sources = dict(declaration), dict(declaration.sources)
        return results

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if not self.collector.scenarios:
            return
        self.results = results = self.build()
        if self.directory is not None:
            try:
                from .writer import write_reports  # Jinja and the writers load only for a run that writes

                self.written = write_reports(results, self.directory)
            except OSError as error:
                self.failure = f"reports not written to {self.directory}: {error.strerror or error}"
                session.exitstatus = pytest.ExitCode.INTERNAL_ERROR
        if self.allure is not None:
            try:
                self.allure_written = write_allure(results, self.directory, self.allure,
                                                   clean=self.config.getoption("clean_alluredir", False))
            except OSError as error:
                self.failure = f"allure-results not written to {self.allure}: {error.strerror or error}"
                session.exitstatus = pytest.ExitCode.INTERNAL_ERROR
        if any(e.called_out for e in results.expected_failures) and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.failure is not None:
            terminalreporter.write_line(self.failure, red=True)
        if self.results is None:
            return
        for entry in (e for e in self.results.expected_failures if e.called_out):
            what = f"expired on {entry.until}" if entry.status == "expired" else "now passes: remove it"
            terminalreporter.write_line(f"expected-failure entry for {entry.target} {what}", red=True)
        if self.written is not None:
            terminalreporter.write_line(f"report: {self.written} (and results.json, requirements.json, "
                                        f"cucumber.json, junit.xml beside it)")
        if self.allure_written:
            terminalreporter.write_line(f"allure-results: {self.allure} ({self.allure_written} "
                                        f"scenario{'s' if self.allure_written != 1 else ''}; "
                                        f"allure generate {self.allure} to render them)")
