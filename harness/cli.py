"""`mfa-conformance`: run the acceptance suite, serve the simulator, render
reports, explore. Each subcommand is a thin layer over its module."""

from __future__ import annotations

import argparse
import importlib
import re
import shlex
import sys
from pathlib import Path

from pluggy import HookimplMarker

from . import steps
from mfa_conformance.requirements.catalogue import FEATURES_DIR

__all__ = ["main", "run", "exit_status", "quiet_defaults", "EXIT_STATUS", "STEPS_DIR", "SUITE_INI"]

PACKAGE = Path(__file__).resolve().parent
STEPS_DIR = Path(steps.__file__).resolve().parent
SUITE_INI = PACKAGE / "suite.ini"

pytest_hookimpl = HookimplMarker("pytest")  # pytest itself is imported only when a run starts

# Subcommands implemented elsewhere: name -> (module, help). Each module has main(argv) -> int.
DELEGATED = {
    "serve": ("mfa_conformance.webapp.cli", "serve the reference simulator as a web app"),
    "report": ("mfa_conformance.report.cli", "render report.html again from machine-readable results"),
    "explore": ("mfa_conformance.explore.cli", "model-based exploration with random sequences of documented actions"),
    "survey": ("mfa_conformance.survey.cli", "probe a system: which alternative of each declarable position it takes"),
    "package": ("mfa_conformance.evidence.package", "write one signed evidence zip of a run, for an auditor"),
    "verify": ("mfa_conformance.evidence.verify", "check an evidence package's signature and every hash"),
    "compare": ("mfa_conformance.evidence.compare", "what changed between two runs (report folders or packages)"),
    "export": ("mfa_conformance.report.export", "a run as OSCAL assessment results (--oscal), for compliance tools"),
    "table": ("mfa_conformance.evidence.table", "verify packages and compare their products in one page"),
}


EXIT_STATUS = """\
exit status:
  0  every selected scenario passed (a skipped one says why it could not run)
  1  a scenario failed, an --expected-failures entry expired or now passes,
     or the run broke off (interrupted, or an internal error)
  2  wrong usage: an unknown option, an option without its value, or a --repeat
     that is not a whole number from 1 to 100
  4  bad input: a profile, feature file, --sut module or factory, --expected-failures
     or --positions file (or a declared position unknown or out of its range) or
     --report-dir that cannot be used, or a selection (-k, -m, --scenario,
     --features) that is malformed or matches no scenario; one line names the input
"""

EXIT = {"passed": 0, "failed": 1, "usage": 2, "bad input": 4}


class _RunWatch:
    """Tells pytest's usage errors apart: raised before pytest_configure they are the
    command line's (wrong usage); after it, an input the plugins could not use."""

    def __init__(self) -> None:
        self.configured = False
        self.collection_failed = False

    @pytest_hookimpl(tryfirst=True)
    def pytest_configure(self, config: object) -> None:
        self.configured = True

    def pytest_collectreport(self, report: object) -> None:
        self.collection_failed = self.collection_failed or bool(getattr(report, "failed", False))


def exit_status(code: int, watch: _RunWatch) -> int:
    """pytest's exit code as one of the four documented ones (EXIT_STATUS)."""
    import pytest

    if code == pytest.ExitCode.OK:
        return EXIT["passed"]
    if code == pytest.ExitCode.USAGE_ERROR:
        return EXIT["bad input"] if watch.configured else EXIT["usage"]
    if code == pytest.ExitCode.NO_TESTS_COLLECTED:
        return EXIT["bad input"]
    if code == pytest.ExitCode.INTERRUPTED and watch.collection_failed:
        return EXIT["bad input"]
    return EXIT["failed"]  # TESTS_FAILED, INTERRUPTED, INTERNAL_ERROR


def quiet_defaults(pytest_args: list[str]) -> list[str]:
    """pytest's per-test output off (the console plugin prints scenarios) unless the user asks for it."""
    if any(re.fullmatch(r"-v+|--verbose", arg) for arg in pytest_args):
        return []
    defaults = ["-q"]
    if not any(arg.startswith("--tb") for arg in pytest_args):
        defaults.append("--tb=no")
    if not any(arg.startswith("-r") or arg.startswith("--report-chars") for arg in pytest_args):
        defaults.append("-rN")  # no "short test summary info": each failure is summed up once already
    return defaults


def _selection(pytest_args: list[str], scenarios: list[str] | None, features: Path | None) -> str:
    """The options that chose the scenarios, as typed: for the line saying they matched nothing."""
    chosen = [f"--features {features}"] if features else []
    for index, arg in enumerate(pytest_args):
        if arg in ("-k", "-m") and index + 1 < len(pytest_args):
            chosen.append(f"{arg} {shlex.quote(pytest_args[index + 1])}")
        elif arg[:2] in ("-k", "-m") and len(arg) > 2 and not arg.startswith("--"):
            chosen.append(f"{arg[:2]} {shlex.quote(arg[2:].removeprefix('='))}")
    chosen += [f"--scenario {shlex.quote(name)}" for name in scenarios or ()]
    return ", ".join(chosen) or "the features"


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="mfa-conformance run",
        description="Run the acceptance suite against a system under test, printing each scenario as it "
        "finishes and, at the end, each failure with the command that reproduces it. Options not listed here "
        "are passed to pytest (e.g. -k, -m, -n 2; --tb=short or -v for pytest's own tracebacks).",
        epilog=EXIT_STATUS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--sut", help="'simulator' (default), or 'package.module:factory'; env MFA_SUT")
    parser.add_argument("--features", type=Path, help="a .feature file or folder to run instead of features/")
    parser.add_argument("--scenario", action="append", metavar="NAME",
                        help="run only the scenario of this exact name, as the output prints it (repeatable)")
    parser.add_argument("--report-dir", type=Path, default=Path("reports"),
                        help="where report.html and the machine-readable results go (default: reports/)")
    parser.add_argument("--expected-failures", type=Path, metavar="FILE",
                        help="TOML file of known failures: reported as expected; expired or stale entries fail the run")
    parser.add_argument("--positions", type=Path, metavar="FILE",
                        help="TOML file whose [positions] table declares the alternatives the system takes where the "
                        "how-to leaves a choice (as `mfa-conformance survey` writes one); configures the reference "
                        "simulator too")
    parser.add_argument("--repeat", default="1", metavar="N",
                        help="run each selected scenario N times (1 to 100), each from its starting state, and report "
                        "the scenarios whose outcome changed as flaky (counted with their worst outcome)")
    parser.add_argument("--alluredir", type=Path, metavar="DIR",
                        help="also write the run as allure-results into DIR, for `allure generate DIR` "
                        "(--clean-alluredir first removes an earlier run's)")
    args, pytest_args = parser.parse_known_args(argv)
    import pytest

    from .repetition import RepeatError, repetitions

    try:
        repeat = repetitions(args.repeat)
    except RepeatError as error:
        print(f"mfa-conformance run: --repeat {shlex.quote(args.repeat)}: {error}", file=sys.stderr)
        return EXIT["usage"]

    if args.features is not None:
        if not args.features.exists():
            print(f"mfa-conformance run: --features {args.features}: no such file or folder", file=sys.stderr)
            return EXIT["bad input"]

    # Hypothesis's pytest plugin imports all of Hypothesis at start-up; scenarios never use it.
    command = [str(STEPS_DIR), *quiet_defaults(pytest_args), "--no-header", "-p", "no:cacheprovider",
               "-p", "no:hypothesispytest", "-p", "mfa_conformance.suite",
               "--rootdir", str(STEPS_DIR.parent), "-c", str(SUITE_INI),
               "-o", f"bdd_features_base_dir={FEATURES_DIR}",
               *(["--features", str(args.features.resolve())] if args.features is not None else []), *pytest_args]
    if args.sut:
        command += ["--sut", args.sut]
    for name in args.scenario or ():
        command += ["--scenario", name]
    if args.expected_failures is not None:
        if not args.expected_failures.is_file():
            print(f"mfa-conformance run: --expected-failures {args.expected_failures}: no such file", file=sys.stderr)
            return EXIT["bad input"]
        command += ["--expected-failures", str(args.expected_failures.resolve())]
    if repeat > 1:
        command += ["--repeat", str(repeat)]
    if args.positions is not None:
        if not args.positions.is_file():
            print(f"mfa-conformance run: --positions {args.positions}: no such file", file=sys.stderr)
            return EXIT["bad input"]
        command += ["--positions", str(args.positions)]
    command += ["--report-dir", str(args.report_dir.resolve())]
    if args.alluredir is not None:
        command += ["--alluredir", str(args.alluredir.resolve())]
    watch = _RunWatch()
    code = pytest.main(command, plugins=[watch])
    if code == pytest.ExitCode.NO_TESTS_COLLECTED:
        print(f"mfa-conformance run: {_selection(pytest_args, args.scenario, args.features)}: "
              f"no scenario matched; nothing was checked", file=sys.stderr)
    return exit_status(code, watch)


def _version() -> str:
    """The installed distribution's version; a source tree never installed says so."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mfa-conformance")
    except PackageNotFoundError:
        return "(not installed)"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = {"run": "run the acceptance suite against a system under test",
                **{name: text for name, (_, text) in DELEGATED.items()}}
    if argv and argv[0] == "--version":
        print(f"mfa-conformance {_version()}")
        return 0
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in commands:
        usage = "\n".join(f"  {name:<8} {text}" for name, text in commands.items())
        stream = sys.stdout if argv and argv[0] in ("-h", "--help") else sys.stderr
        if argv and argv[0] not in ("-h", "--help"):
            print(f"mfa-conformance: unknown command {argv[0]!r}", file=sys.stderr)
        print(f"usage: mfa-conformance COMMAND [options] | --version\n\ncommands:\n{usage}", file=stream)
        return 0 if stream is sys.stdout else 2
    name, rest = argv[0], argv[1:]
    if name == "run":
        return run(rest)
    module_name, _ = DELEGATED[name]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        print(f"mfa-conformance {name}: not available in this installation ({error.name} is missing)", file=sys.stderr)
        return 2
    return int(module.main(rest))


if __name__ == "__main__":
    sys.exit(main())
