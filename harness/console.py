"""What a person running the suite reads: each scenario as Gherkin as soon as it
finishes, with progress, and at the end each failure once, with what was checked,
what happened instead, and the command that reproduces just that failure.

pytest's own per-test output (progress dots, tracebacks through its fixture
machinery, the short summary) tells a reader of the how-to nothing; this plugin
replaces it for scenarios: their dots are not printed, and `mfa-conformance run`
turns tracebacks off unless `--tb` or `-v` asks for them. With `-v` pytest prints
its own per-test lines and the whole run is listed as Gherkin at the end instead.
Everything is built from the reports alone (each carries its scenario's record in
`user_properties`), so it prints the same on the pytest-xdist controller, as
each report arrives. The closing count lines (`scenarios: ...` and pytest's
own) stay: CI reads them.
"""

from __future__ import annotations

import os
import shlex
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from mfa_conformance.driver.loading import DEFAULT_SUT, resolve_sut_spec
from mfa_conformance.requirements.catalogue import Requirement, load_catalogue

from .outcome import SCENARIO_PROPERTY, ScenarioOutcome, collect_outcome
from .report.collect import redact
from .report.lacks import lacked, lacking
from .report.security import howto_verdict, is_security, security_ids
from .report.stability import flaky_lines, from_console, repetition_label, settle
from .report.unchecked import console_lines as unchecked_lines
from .report.verdict import NOT_APPLICABLE

__all__ = ["Progress", "reproduce_command", "GherkinConsole"]

MARKS = {"passed": "✔", "failed": "✘", "skipped": "–", "expected failure": "⚑", NOT_APPLICABLE: "○"}
COLOURS = {"passed": {"green": True}, "failed": {"red": True}}
REPRODUCE_OPTIONS = (("--base-url", "base_url", "MFA_BASE_URL"), ("--profile", "profile", "MFA_PROFILE"),
                     ("--positions", "positions", "MFA_POSITIONS"),
                     ("--browser-executable", "browser_executable", "MFA_CHROMIUM"),
                     ("--browser-ws-endpoint", "browser_ws_endpoint", "MFA_BROWSER_WS_ENDPOINT"))
"""Options of the run that a reproducing command needs too (with --sut and --features)."""


def _first_line(message: str) -> str:
    """The message's first line, with any Key URI or secret redacted, as in the reports."""
    return redact(next((line.strip() for line in message.splitlines() if line.strip()), ""))


def _tags(outcome: ScenarioOutcome) -> str:
    """The requirement IDs, and the alternative of each declared position the scenario checked."""
    record = outcome.record
    tags = " ".join(f"@{t}" for t in record.tags if t[:3].isupper())
    if record.positions and outcome.outcome != NOT_APPLICABLE:
        tags += " [" + ", ".join(f"{name} = {value}" for name, value in sorted(record.positions.items())) + "]"
    return f"  {tags}" if tags else ""


def _requirement(requirement: Requirement) -> str:
    position = f" {requirement.position}" if requirement.kind == "interpreted" and requirement.position else ""
    return f"{requirement.id} ({requirement.kind}): {requirement.statement}{position}"


def duration(seconds: float) -> str:
    """12s, 4m05s, 1h02m: short enough for a progress prefix."""
    whole = max(0, int(round(seconds)))
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    return f"{whole // 3600}h{whole % 3600 // 60:02d}m"


class Progress:
    """Tests done of total, time elapsed, and what is left at the pace so far.

    The pace counts from the first test's start, so start-up (a browser run
    checks the system first) does not inflate the estimate."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.started = clock()
        self.first_start: float | None = None
        self.total = 0
        self.done = 0
        self.width = 0

    def test_started(self) -> None:
        if self.first_start is None:
            self.first_start = self.clock()

    def test_finished(self) -> None:
        self.done += 1

    def prefix(self) -> str:
        now = self.clock()
        done = f"{self.done:>{len(str(self.total))}}/{self.total}" if self.total else f"{self.done}"
        text = f"[{done} {duration(now - self.started)} elapsed"
        left = self.total - self.done
        if left > 0 and self.done and self.first_start is not None:
            text += f", ~{duration((now - self.first_start) / self.done * left)} left"
        self.width = max(self.width, len(text) + 1)  # the scenario names stay in one column
        return f"{text}]".ljust(self.width)


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if not parts.password:
        return url
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{parts.hostname}"
                                            + (f":{parts.port}" if parts.port else "")))


def reproduce_command(config: pytest.Config, title: str) -> str:
    """The `mfa-conformance run` command that runs only the scenario `title` against the same system."""
    words = ["mfa-conformance", "run"]
    sut = resolve_sut_spec(config.getoption("sut", None))
    if sut != DEFAULT_SUT:
        words += ["--sut", sut]
    for flag, dest, variable in REPRODUCE_OPTIONS:
        value = config.getoption(dest, None) or os.environ.get(variable)
        if value:
            words += [flag, _without_password(str(value)) if flag == "--base-url" else str(value)]
    if features := config.getoption("mfa_features", None):
        words += ["--features", str(features)]
    repeat = config.getoption("repeat", 1)  # a flaky failure may need its repetitions to show again
    return shlex.join([*words, "--scenario", title, *(["--repeat", str(repeat)] if repeat > 1 else [])])


def _shown(path: Path, config: pytest.Config) -> str:
    """A path as short as it can be: relative to where the run started, if it is under it."""
    try:
        return str(path.relative_to(config.invocation_params.dir))
    except ValueError:
        return str(path)


class GherkinConsole:
    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.live = config.get_verbosity() <= 0
        """Print each scenario as it finishes; with -v pytest prints its own lines instead."""
        self.outcomes: dict[str, ScenarioOutcome] = {}
        self.progress = Progress()
        self.feature_shown: str | None = None
        self.collection_errors: list[str] = []
        self.parallel = bool(config.getoption("numprocesses", None))

    def _write(self, line: str = "", **markup: bool) -> None:
        terminal = self.config.pluginmanager.get_plugin("terminalreporter")
        if terminal is not None:
            terminal.write_line(line, **markup)

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.progress = Progress()

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.progress.total = len(session.items)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: object, ids: list[str]) -> None:
        self.progress.total = max(self.progress.total, len(ids))  # every worker collects the same tests

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:  # a safety net: the feature files were checked before collection
            lines = [line.strip() for line in report.longreprtext.splitlines() if line.strip()]
            message = lines[-1].removeprefix("E").strip() if lines else "unknown error"
            self.collection_errors.append(f"cannot collect {report.nodeid or 'the suite'}: {message}")

    def pytest_runtest_logstart(self, nodeid: str, location: object) -> None:
        self.progress.test_started()

    @pytest.hookimpl(wrapper=True)
    def pytest_report_teststatus(self, report: pytest.TestReport, config: pytest.Config):
        status = yield
        if self.live and SCENARIO_PROPERTY in dict(getattr(report, "user_properties", ())):
            return status[0], "", ""  # counted in pytest's closing line, but no dot: the scenario line says it
        return status

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        outcome = collect_outcome(report)
        if outcome is not None:
            previous = self.outcomes.get(report.nodeid)
            if previous is None or previous.outcome == "passed":  # a teardown error outranks a passed call
                self.outcomes[report.nodeid] = outcome
        if report.when == "teardown":
            self.progress.test_finished()
            if self.live and report.nodeid in self.outcomes:
                self._print_finished(self.outcomes[report.nodeid])

    def _print_finished(self, outcome: ScenarioOutcome) -> None:
        name = outcome.record.title + repetition_label(outcome.record)
        if self.parallel:  # the workers' scenarios interleave: each line names its feature
            name = f"{outcome.record.feature}: {name}"
        elif outcome.record.feature != self.feature_shown:
            self._write()
            self._write(f"Feature: {outcome.record.feature}", bold=True)
            self.feature_shown = outcome.record.feature
        prefix = self.progress.prefix()
        state = outcome.outcome
        self._write(f"{prefix} {MARKS[state]} {name}{_tags(outcome)}", **COLOURS.get(state, {"yellow": True}))
        for line in self._details(outcome):
            self._write(f"{' ' * (len(prefix) + 3)}{line}", **COLOURS.get(state, {"yellow": True}))

    def _details(self, outcome: ScenarioOutcome, *, where: bool = True) -> list[str]:
        state = outcome.outcome
        if state == "skipped":
            return [f"skipped: {outcome.message}"]
        if state == NOT_APPLICABLE:
            return [f"not applicable: {outcome.message}"]
        lines = [outcome.expected or ""] if state == "expected failure" else []
        if outcome.waited:
            why = outcome.waited_for or "the system's clock cannot be moved"
            lines.append(f"waited {duration(outcome.waited)} on the real clock ({why})")
        if state in ("failed", "expected failure"):
            step = outcome.failing_step()
            if step:
                lines.append(f"failed at: {step.keyword} {step.text}")
            lines.append(_first_line(outcome.message))
        if state == "failed" and where and (evidence := self._evidence(outcome)):
            lines.append(evidence)
        return lines + unchecked_lines(outcome.record)

    def _evidence(self, outcome: ScenarioOutcome) -> str | None:
        """Where to look further: the scenario's evidence folder (browser runs), else the report."""
        # Imported when used: imported with this module, pytest would register the report
        # plugin as already imported (and warn that it cannot rewrite its asserts).
        from .report.run_reports import report_dir

        directory = report_dir(self.config)
        if directory is None:
            return None
        if outcome.evidence:
            files = [Path(p) for p in outcome.evidence.values()]
            return f"evidence: {_shown(directory / files[0].parent, self.config)}/ " \
                   f"({', '.join(sorted(f.name for f in files))})"
        return f"details: {_shown(directory / 'report.html', self.config)}"

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        for error in self.collection_errors:
            self._write(error, red=True)
        if not self.outcomes:
            return
        self.outcomes, flaky = settle(self.outcomes, from_console)  # one per scenario under --repeat
        # pytest has just written a blank line; one more only after its own sections (tracebacks, warnings).
        gap = self.config.option.tbstyle != "no" or bool(terminalreporter.stats.get("warnings"))
        if not self.live:
            self._listing()
            gap = True
        failures = sorted((o for o in self.outcomes.values() if o.outcome == "failed"),
                          key=lambda o: (o.record.feature, o.record.line, o.nodeid))
        lacked_things = lacking((o.record.title, o.message, o.record.tags) for o in failures)
        failures = [o for o in failures if lacked(o.message) is None]
        if lacked_things:
            if gap:
                self._write()
            self._lacks(lacked_things)
            gap = True
        if failures:
            if gap:
                self._write()
            self._failures(failures)
            gap = True
        if flaky:  # under --repeat: the scenarios whose outcome changed, each with what every repetition did
            heading, *lines = flaky_lines(flaky, lambda title: reproduce_command(self.config, title))
            self._write(("\n" if gap else "") + heading, yellow=True, bold=True)
            for line in lines:
                self._write(line, yellow=True)
            gap = True
        counts = {k: sum(o.outcome == k for o in self.outcomes.values()) for k in ("passed", "failed", "skipped")}
        expected = sum(o.outcome == "expected failure" for o in self.outcomes.values())
        other = sum(o.outcome == NOT_APPLICABLE for o in self.outcomes.values())
        if gap:
            self._write()
        if expected:
            self._write(f"expected failures: {expected} (listed in --expected-failures; not counted below)",
                        yellow=True)
        if other:
            self._write(f"not applicable: {other} scenario{'s' if other != 1 else ''} of alternatives the system "
                        f"does not take (declared positions; not counted below)")
        verdict = self._verdict()
        colour = {"conformant": {"green": True}, "incomplete": {"yellow": True}}.get(verdict.name, {"red": True})
        self._write(f"verdict: {verdict.summary()}", bold=True, **colour)
        if security := self._security():
            self._write(security, bold=True, **({"green": True} if security.startswith("security checks: PASSED")
                                                 else {"red": True} if "FAILED" in security else {"yellow": True}))
        self._write(f"scenarios: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped",
                    bold=True)

    def _security(self) -> str | None:
        """The security checks' verdict and counts, apart from the how-to's, so the lines above add up."""
        writer = self.config.pluginmanager.get_plugin("mfa-report-writer")
        results = getattr(writer, "results", None)
        if results is None:
            return None
        ids = security_ids(results.catalogue)
        checks = [s for s in results.scenarios if is_security(s.tags, ids)]
        if not checks:
            return None
        tally = {k: sum(s.status == k for s in checks) for k in ("passed", "failed", "skipped")}
        return (f"security checks: {results.security_verdict.upper()}: {tally['passed']} passed, {tally['failed']} "
                f"failed, {tally['skipped']} skipped (apart from the how-to's verdict above)")

    def _verdict(self):
        """The run's verdict, as report.html and results.json give it."""
        writer = self.config.pluginmanager.get_plugin("mfa-report-writer")
        results = getattr(writer, "results", None)
        if results is not None:
            return results.judgement()
        return howto_verdict(((o.outcome, o.record.tags) for o in self.outcomes.values()), load_catalogue().values())

    def _listing(self) -> None:
        """The whole run as Gherkin, for -v, where pytest's own lines replace the live ones."""
        by_feature: dict[str, list[ScenarioOutcome]] = defaultdict(list)
        for outcome in self.outcomes.values():
            by_feature[outcome.record.feature].append(outcome)
        for feature, outcomes in sorted(by_feature.items()):
            self._write()
            self._write(f"Feature: {feature}", bold=True)
            for o in sorted(outcomes, key=lambda o: (o.record.line, o.nodeid)):
                colour = COLOURS.get(o.outcome, {"yellow": True})
                self._write(f"  {MARKS[o.outcome]} {o.record.title}{_tags(o)}", **colour)
                for line in self._details(o, where=False):
                    self._write(f"      {line}", **colour)

    def _lacks(self, lacking: list[dict]) -> None:
        """What the how-to describes and the product lacks: one line each, apart from the failures of
        what it has (each scenario needing it failed on that alone)."""
        count = sum(len(entry["scenarios"]) for entry in lacking)
        self._write(f"the product lacks what the how-to describes ({count} scenario{'s' if count != 1 else ''} "
                    f"failed on that alone):", red=True, bold=True)
        for entry in lacking:
            found = len(entry["scenarios"])
            self._write(f"  – no {entry['lacks']}: {found} scenario{'s' if found != 1 else ''} "
                        f"({', '.join(entry['requirements'])})", red=True)

    def _failures(self, failures: list[ScenarioOutcome]) -> None:
        """Each failure once: what was checked, what happened instead, how to run just it again."""
        catalogue = load_catalogue()
        self._write(f"{len(failures)} scenario{'s' if len(failures) > 1 else ''} failed:", red=True, bold=True)
        for o in failures:
            self._write()
            self._write(f"✘ {o.record.feature}: {o.record.title}{_tags(o)}", red=True)
            lines = [("requirement", _requirement(catalogue[tag])) for tag in o.record.tags if tag in catalogue]
            if step := o.failing_step():
                lines.append(("checked", f"{step.keyword} {step.text}"))
            lines.append(("instead", _first_line(o.message)))
            if evidence := self._evidence(o):
                lines.append(tuple(evidence.split(": ", 1)))  # type: ignore[arg-type]
            lines.append(("reproduce", reproduce_command(self.config, o.record.title)))
            for label, text in lines:
                self._write(f"    {label + ':':<13}{text}")


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):
        config.pluginmanager.register(GherkinConsole(config), "mfa-gherkin-console")
