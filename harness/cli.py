"""`mfa-conformance`: run the acceptance suite, serve the simulator, render
reports, explore. Each subcommand is a thin layer over its module."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from . import steps
from .catalogue import FEATURES_DIR

__all__ = ["main", "STEPS_DIR", "SUITE_INI"]

PACKAGE = Path(__file__).resolve().parent
STEPS_DIR = Path(steps.__file__).resolve().parent
SUITE_INI = PACKAGE / "suite.ini"

# Subcommands implemented elsewhere: name -> (module, help). Each module has main(argv) -> int.
DELEGATED = {
    "serve": ("mfa_conformance.webapp.cli", "serve the reference simulator as a web app"),
    "report": ("mfa_conformance.report.cli", "render report.html again from machine-readable results"),
    "explore": ("mfa_conformance.explore.cli", "model-based exploration with random sequences of documented actions"),
    "package": ("mfa_conformance.evidence.package", "write one signed evidence zip of a run, for an auditor"),
    "verify": ("mfa_conformance.evidence.verify", "check an evidence package's signature and every hash"),
    "compare": ("mfa_conformance.evidence.compare", "what changed between two runs (report folders or packages)"),
}


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="mfa-conformance run",
        description="Run the acceptance suite against a system under test. "
        "Options not listed here are passed to pytest (e.g. -k, -m, -n auto).",
    )
    parser.add_argument("--sut", help="'simulator' (default), or 'package.module:factory'; env MFA_SUT")
    parser.add_argument("--features", type=Path, help="a .feature file or folder to run instead of features/")
    parser.add_argument("--report-dir", type=Path, default=Path("reports"),
                        help="where report.html and the machine-readable results go (default: reports/)")
    parser.add_argument("--expected-failures", type=Path, metavar="FILE",
                        help="TOML file of known failures: reported as expected; expired or stale entries fail the run")
    args, pytest_args = parser.parse_known_args(argv)
    import os

    import pytest

    if args.features is not None:
        if not args.features.exists():
            print(f"mfa-conformance run: --features {args.features}: no such file or folder", file=sys.stderr)
            return 4
        os.environ["MFA_FEATURES"] = str(args.features.resolve())

    # Hypothesis's pytest plugin imports all of Hypothesis at start-up; scenarios never use it.
    command = [str(STEPS_DIR), "-q", "--no-header", "-p", "no:cacheprovider", "-p", "no:hypothesispytest",
               "-p", "mfa_conformance.suite",
               "--rootdir", str(STEPS_DIR.parent), "-c", str(SUITE_INI),
               "-o", f"bdd_features_base_dir={FEATURES_DIR}", *pytest_args]
    if args.sut:
        command += ["--sut", args.sut]
    if args.expected_failures is not None:
        if not args.expected_failures.is_file():
            print(f"mfa-conformance run: --expected-failures {args.expected_failures}: no such file", file=sys.stderr)
            return 4
        command += ["--expected-failures", str(args.expected_failures.resolve())]
    command += ["--report-dir", str(args.report_dir.resolve())]
    code = pytest.main(command)
    if code == pytest.ExitCode.NO_TESTS_COLLECTED:
        print("mfa-conformance: no scenario was selected; nothing was checked", file=sys.stderr)
    return int(code)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = {"run": "run the acceptance suite against a system under test",
                **{name: text for name, (_, text) in DELEGATED.items()}}
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in commands:
        usage = "\n".join(f"  {name:<8} {text}" for name, text in commands.items())
        stream = sys.stdout if argv and argv[0] in ("-h", "--help") else sys.stderr
        if argv and argv[0] not in ("-h", "--help"):
            print(f"mfa-conformance: unknown command {argv[0]!r}", file=sys.stderr)
        print(f"usage: mfa-conformance COMMAND [options]\n\ncommands:\n{usage}", file=stream)
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
