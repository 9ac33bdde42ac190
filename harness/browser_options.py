"""The harness's pytest plugin for the browser driver: its options, the checks before any
scenario runs, and the evidence of a failing scenario (or one whose outcome could not be told).

Options: `--base-url`, `--profile`, `--browser-ws-endpoint`, `--browser-executable`,
`--browser-trace` (each also from an MFA_* environment variable). With `--sut browser` the
profile, the base URL, the personas and the sign-in screen are checked once,
before any scenario runs (on the xdist controller when there are workers), and
a problem is one `pytest.UsageError` line. A failing scenario leaves
`<report dir>/evidence/<scenario>/screenshot.png` and `trace.zip`, attached
to its report as ("mfa_evidence", {...}) with paths relative to the report dir.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path

import pytest

from .driver.loading import resolve_sut_spec
from .outcome import EVIDENCE_PROPERTY
from .people.introductions import PERSON_LINE
from .plugin import CANNOT_TELL, FACTORY_KEY, OPENED_KEY, SYSTEM_KEY, declare_positions
from .driver import Capability
from .driver.browser.profile import DEFAULT_PROFILE
from .driver.browser.settings import BrowserSettings, SetupError, missing_personas, prepare

__all__ = ["EVIDENCE_PROPERTY", "evidence_folder", "is_browser_run", "BROWSER_SPECS", "features_personas"]

BROWSER_SPECS = {"browser", "mfa_conformance.driver.browser:browser_system"}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mfa-browser", "MFA conformance: browser driver (--sut browser)")
    group.addoption("--base-url", default=None, metavar="URL",
                    help="address of the web product to check; env MFA_BASE_URL")
    group.addoption("--profile", default=None, metavar="FILE",
                    help=f"vendor profile (TOML) of labels, accounts and capabilities (default: "
                         f"profiles/{DEFAULT_PROFILE.name}); env MFA_PROFILE")
    group.addoption("--browser-ws-endpoint", default=None, metavar="WS_URL",
                    help="connect to a running Playwright browser server instead of launching Chromium; "
                         "env MFA_BROWSER_WS_ENDPOINT")
    group.addoption("--browser-executable", default=None, metavar="PATH",
                    help="Chromium to launch (default: /usr/bin/chromium-headless-shell if installed, else "
                         "/usr/bin/chromium); env MFA_CHROMIUM")
    group.addoption("--browser-trace", choices=("on", "off"), default=None,
                    help="record a Playwright trace of every scenario, kept when it fails (default: on)")


def is_browser_run(config: pytest.Config) -> bool:
    return resolve_sut_spec(config.getoption("sut", None)) in BROWSER_SPECS


def _settings(config: pytest.Config) -> BrowserSettings:
    base = BrowserSettings.from_environment()
    profile = config.getoption("profile")
    report_dir = config.getoption("report_dir", None) or "reports"
    trace = config.getoption("browser_trace")
    return BrowserSettings(
        base_url=config.getoption("base_url") or base.base_url,
        profile=Path(config.invocation_params.dir, profile).resolve() if profile else base.profile,
        ws_endpoint=config.getoption("browser_ws_endpoint") or base.ws_endpoint,
        chromium=Path(config.getoption("browser_executable")) if config.getoption("browser_executable") else base.chromium,
        trace=base.trace if trace is None else trace != "off",
        chromium_args=base.chromium_args,
        cast=_worker_number(config),
        workers=max(1, _workers(config)),
        evidence_dir=Path(config.invocation_params.dir, report_dir).resolve(),
    )


def _worker_number(config: pytest.Config) -> int:
    """An xdist worker's number (gw3 -> 3): each worker plays with its own cast of the pool."""
    worker = getattr(config, "workerinput", {}).get("workerid", "gw0")
    return int(worker[2:]) if worker[2:].isdigit() else 0


def _workers(config: pytest.Config) -> int:
    if hasattr(config, "workerinput"):
        return int(config.workerinput.get("workercount", 1))
    count = config.getoption("numprocesses", None)
    if count in ("auto", "logical"):
        return os.cpu_count() or 1
    return int(count or 0)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: starts the reference web app and a browser (deselect: -m 'not browser')")
    if not is_browser_run(config):
        return
    worker = hasattr(config, "workerinput")
    xdist_controller = not worker and bool(config.getoption("numprocesses", None))
    settings = replace(_settings(config), check_profile=not worker and not xdist_controller)
    try:
        prepared = prepare(settings)
    except SetupError as error:
        raise pytest.UsageError(str(error)) from None
    if not worker:
        casts, workers = len(prepared.profile.casts), _workers(config)
        if Capability.SEEDING not in prepared.capabilities and workers > casts:
            raise pytest.UsageError(
                f"profile {prepared.profile.path} names {casts} cast(s) of practices and accounts, too few for "
                f"{workers} workers: without seeding each worker needs its own ([[pool]] entries), or run -n {casts}")
        missing = missing_personas(prepared, features_personas(config))
        if missing:
            raise pytest.UsageError(
                f"profile {prepared.profile.path} names no account for {', '.join(missing)}, whom the features "
                f"use, and the system offers no seeding: add [personas.NAME] entries (or run other --features)")
    config.stash[FACTORY_KEY] = {"settings": settings}
    if worker:
        return
    from .driver.browser.system import BrowserSystem, ProfileMismatch

    try:  # the sign-in screen is checked here, once: a worker's error would not read as one line
        if xdist_controller:  # each worker's cast, and the positions the profile declares: checked here, once
            _check_every_cast(prepared, settings, BrowserSystem, config)
        else:
            config.stash[OPENED_KEY] = BrowserSystem(replace(prepared, settings=replace(settings, check_profile=True)))
    except ProfileMismatch as error:
        raise pytest.UsageError(str(error)) from None


def _check_every_cast(prepared, settings: BrowserSettings, make, config: pytest.Config) -> None:
    """On the xdist controller: the profile fits the screens, and each worker's cast
    holds only accounts the harness can work from."""
    from .preflight import check_accounts

    casts = len(prepared.profile.casts) if Capability.SEEDING not in prepared.capabilities else 1
    for cast in range(casts):
        system = make(replace(prepared, settings=replace(settings, check_profile=cast == 0, trace=False, cast=cast)))
        try:
            if cast == 0:
                declare_positions(config, system)
            problem = check_accounts(system)
        finally:
            system.close()
        if problem is not None:
            raise pytest.UsageError(f"before any scenario: {problem}")


def pytest_unconfigure(config: pytest.Config) -> None:
    opened = config.stash.get(OPENED_KEY, None)
    if opened is not None and config.stash.get(SYSTEM_KEY, None) is not opened:  # never adopted: no scenario ran
        opened.close()


def features_personas(config: pytest.Config) -> dict[str, set[str]]:
    """Every persona the feature files introduce ("Dana is the account holder of ..."), with the
    practices each is introduced in."""
    from mfa_conformance.steps.feature_files import bound_features  # pytest-bdd, imported here, is loaded after this plugin

    folder = bound_features(config)
    files = [folder] if folder.is_file() else sorted(folder.rglob("*.feature"))
    names: dict[str, set[str]] = {}
    for file in files:
        for line in file.read_text(encoding="utf-8").splitlines():
            if match := PERSON_LINE.match(line):
                names.setdefault(match["name"], set()).add(match["practice"])
    return names


def evidence_folder(config: pytest.Config, nodeid: str) -> tuple[Path, Path]:
    """(report dir, the scenario's evidence folder inside it)."""
    root = _settings(config).evidence_dir
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", nodeid).strip("_")[:150] or "scenario"
    return root, root / "evidence" / name


def _wants_evidence(report: pytest.TestReport) -> bool:
    """A failure, and an outcome the screen did not show or a start not reached: the vendor needs
    to see the screen to fix the profile or the product."""
    if report.failed:
        return True
    said = report.longrepr[2] if report.skipped and isinstance(report.longrepr, tuple) else ""
    return said.startswith((CANNOT_TELL, "could not start"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    if report.when == "call" and _wants_evidence(report) and is_browser_run(item.config):
        from .driver.browser.system import BrowserSystem

        system = item.config.stash.get(SYSTEM_KEY, None)
        if isinstance(system, BrowserSystem):
            root, folder = evidence_folder(item.config, item.nodeid)
            written = system.capture_evidence(folder)
            if written:
                report.user_properties.append(
                    (EVIDENCE_PROPERTY, {kind: path.relative_to(root).as_posix() for kind, path in written.items()}))
    return report
