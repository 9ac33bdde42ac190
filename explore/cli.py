"""`mfa-conformance explore`: random sequences of documented actions against a system.

Exit status: 0 when the system did what the model of the how-to predicted for
every sequence within the budget; 1 when it did not, reproduced or seen once
(the first disagreement is written as it happened, and a reproduced one shrunk
to a counterexample, as feature files in the report folder); 2 for a wrong
command line; 4 for an input that cannot be used (the --sut, a positions file
or declaration, a starting state the accounts cannot reach: as `run`); 3 when the run itself broke (the system became unreachable, the explorer could
not go on) before any disagreement.

The browser driver's options (`--base-url`, `--profile`, `--browser-ws-endpoint`,
`--browser-executable`) are those of `mfa-conformance run`. Exploration may not
import the browser driver (it reaches a system through the driver interface
only), so the options go to the system's factory as `browser_options`, by name
(`mfa_conformance.driver.opening.open_system`); each wins over its MFA_* variable, as
in `run`, and nothing is set in the environment.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shlex
import sys
from pathlib import Path
from typing import NamedTuple

from mfa_conformance.driver import Capability
from mfa_conformance.driver.errors import SystemUnreachable
from mfa_conformance.driver.loading import resolve_sut_spec
from mfa_conformance.driver.opening import UNUSABLE, USAGE, Unusable, open_system, read_positions_file

from .clean_start import BaselineUnreachable, bring_to_baseline, provisioned_cast
from .runner import DEFAULT_MAX_EXAMPLES, DEFAULT_MAX_MINUTES, DEFAULT_MAX_STEPS, Budget, Result, explore

__all__ = ["main", "DEFAULT_REPORT_DIR"]

DEFAULT_REPORT_DIR = Path("reports") / "exploration"
class BrowserOption(NamedTuple):
    option: str
    metavar: str
    variable: str
    """The MFA_* variable the browser driver reads when the option is not given."""
    setting: str
    """The setting it gives, by its name in the browser driver's `browser_options`."""
    help: str

    @property
    def dest(self) -> str:
        return self.option.lstrip("-").replace("-", "_")


BROWSER_OPTIONS = (
    BrowserOption("--base-url", "URL", "MFA_BASE_URL", "base_url", "address of the web product to check"),
    BrowserOption("--profile", "FILE", "MFA_PROFILE", "profile", "vendor profile (TOML) of labels, accounts and "
                  "capabilities (default: profiles/reference.toml, the reference web app's)"),
    BrowserOption("--browser-ws-endpoint", "WS_URL", "MFA_BROWSER_WS_ENDPOINT", "ws_endpoint",
                  "connect to a running Playwright browser server instead of launching Chromium"),
    BrowserOption("--browser-executable", "PATH", "MFA_CHROMIUM", "chromium", "Chromium to launch (default: "
                  "/usr/bin/chromium-headless-shell if installed, else /usr/bin/chromium)"),
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one readable line, no usage dump
        print(f"mfa-conformance explore: {message}", file=sys.stderr)
        raise SystemExit(USAGE)


def _positive(kind: type):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"{text!r} must be above zero")
        return value

    return parse


def _seed(text: str) -> int:
    try:
        return int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="mfa-conformance explore",
        description="Drive a system under test with random sequences of the how-to's documented actions and "
        "compare every outcome with an executable model of the how-to.",
    )
    parser.add_argument("--sut", help="'simulator' (default), 'browser', or 'package.module:factory'; env MFA_SUT")
    parser.add_argument("--max-examples", type=_positive(int), default=DEFAULT_MAX_EXAMPLES, metavar="N",
                        help=f"random sequences to try (default {DEFAULT_MAX_EXAMPLES})")
    parser.add_argument("--max-minutes", type=_positive(float), default=DEFAULT_MAX_MINUTES, metavar="M",
                        help=f"stop starting new sequences after this many minutes (default {DEFAULT_MAX_MINUTES:g})")
    parser.add_argument("--max-steps", type=_positive(int), default=DEFAULT_MAX_STEPS, metavar="K",
                        help=f"actions per sequence at most (default {DEFAULT_MAX_STEPS})")
    parser.add_argument("--seed", type=_seed, default=None, metavar="S",
                        help="reproduce a run: the same seed tries the same sequences "
                        "(default: a random seed, printed)")
    parser.add_argument("--report-dir", type=Path, default=DEFAULT_REPORT_DIR, metavar="DIR",
                        help=f"where a counterexample is written (default {DEFAULT_REPORT_DIR})")
    parser.add_argument("--positions", default=None, metavar="FILE",
                        help="TOML file whose [positions] table declares the alternatives the system takes; the "
                        "model predicts with them (and the reference simulator takes them); env MFA_POSITIONS")
    browser = parser.add_argument_group("browser driver (--sut browser)", "as for mfa-conformance run; each option "
                                        "also comes from its MFA_* environment variable, the option winning")
    add_browser_options(browser)
    return parser


def add_browser_options(group) -> None:
    for entry in BROWSER_OPTIONS:
        group.add_argument(entry.option, default=None, metavar=entry.metavar, help=f"{entry.help}; env {entry.variable}")


def browser_options(args: argparse.Namespace) -> dict[str, str | None]:
    """The browser options of the command line, by the name of the setting each gives (None: not given)."""
    return {entry.setting: getattr(args, entry.dest) for entry in BROWSER_OPTIONS}


def _summary(result: Result, spec: str, positions: dict[str, object]) -> dict[str, object]:
    example = result.counterexample
    return {
        "sut": spec, "system": result.system, "seed": result.budget.seed, "positions": positions,
        "budget": {"max_examples": result.budget.max_examples, "max_minutes": result.budget.max_minutes,
                   "max_steps": result.budget.max_steps},
        "examples": result.examples, "rules": result.rules, "actions": result.actions,
        "seconds": round(result.seconds, 3), "out_of_time": result.out_of_time,
        "passed": result.passed, "error": result.error,
        "found_after": None if result.found_after is None else
        {"examples": result.found_after[0], "seconds": round(result.found_after[1], 3)},
        "first_disagreement": None if result.first_disagreement is None else result.first_disagreement.summary(),
        "counterexample": None if example is None else {
            "steps": example.steps, "when_steps": example.when_steps, "message": example.message,
            "rests_on": sorted(example.rests_on),
            "feature": str(result.feature) if result.feature else None,
        },
        "debug": result.debug,
    }


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    return _explore(args)


def _explore(args: argparse.Namespace) -> int:
    spec = resolve_sut_spec(args.sut)
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())  # `--sut mypackage.module:factory` from the current folder, as python -m does
    positions_option = args.positions or os.environ.get("MFA_POSITIONS")
    try:
        system, declaration = open_system(spec, read_positions_file(args.positions, Path.cwd()),
                                          browser_options=browser_options(args))
    except Unusable as error:
        print(f"mfa-conformance explore: {error}", file=sys.stderr)
        return UNUSABLE
    if Capability.SEEDING not in system.capabilities:
        try:  # every sequence starts from the profile's accounts, brought back to the baseline
            bring_to_baseline(system, provisioned_cast(system))
        except BaselineUnreachable as error:
            print(f"mfa-conformance explore: {system.name}: {error}", file=sys.stderr)
            system.close()
            return UNUSABLE
    seed = args.seed if args.seed is not None else secrets.randbelow(2**32)
    budget = Budget(max_examples=args.max_examples, max_minutes=args.max_minutes, seed=seed, max_steps=args.max_steps)
    lacking = [str(c) for c in Capability if c is not Capability.SEEDING and c not in system.capabilities]
    print(f"exploring {system.name} ({spec}) with seed {seed}: up to {budget.max_examples} sequences of "
          f"{budget.max_steps} actions, {budget.max_minutes:g} minutes"
          + (f"; without {', '.join(lacking)}" if lacking else ""))
    replay = f" --positions {shlex.quote(positions_option)}" if positions_option else ""
    if declaration.differences():
        print("positions the model predicts with: " + ", ".join(f"{name} = {value}" for name, value
                                                                 in declaration.differences().items()))
    try:
        result = explore(system, budget, sut=spec, report_dir=args.report_dir, positions=dict(declaration),
                         options=replay, say=lambda line: print(line, flush=True))
    except SystemUnreachable as error:
        print(f"mfa-conformance explore: the system under test did not answer: {error}", file=sys.stderr)
        return 3
    args.report_dir.mkdir(parents=True, exist_ok=True)
    (args.report_dir / "exploration.json").write_text(json.dumps(_summary(result, spec, dict(declaration)), indent=2) + "\n",
                                                      encoding="utf-8")
    rate = result.actions / result.seconds if result.seconds else 0.0
    figures = f"{result.examples} sequences, {result.actions} actions in {result.seconds:.1f} s ({rate:.0f} actions/s)"
    first = result.first_disagreement
    if first is None and result.error is not None:
        print(f"✘ {figures}: {result.error}")
        return 3
    example = result.counterexample
    if first is None:
        stop = " (time limit reached)" if result.out_of_time else ""
        print(f"✔ {figures}{stop}: the system did what the model of the how-to predicted")
        return 0
    given = "".join(f" {entry.option} {shlex.quote(value)}" for entry in BROWSER_OPTIONS
                    if (value := getattr(args, entry.dest)) is not None)
    if example is None:
        print(f"✘ {figures}: the system did not do what the model predicted, seen once, not reproduced")
        for line in first.console_lines():
            print(line)
        if first.feature is not None:
            print(f"  try it again: mfa-conformance run --features {first.feature} --sut {spec}{replay}{given}")
        return 1
    found = result.found_after
    print(f"✘ {figures}: the system did not do what the model predicted"
          + (f" (first seen after {found[0]} sequences, {found[1]:.1f} s)" if found else ""))
    print(f"  first seen: {' '.join(first.sequence.message.split())}"
          + (f" (as it happened: {first.feature})" if first.feature else ""))
    print(f"  {first.replay}; shrunk: {example.message}" if first.replay else f"  {example.message}")
    print(f"  shrunk to {example.steps} actions ({example.when_steps} When steps), resting on "
          f"{', '.join(sorted(example.rests_on)) or 'no requirement'}:")
    for line in example.lines:
        print(f"    {line.keyword} {line.text}")
        for row in line.table:
            print("      | " + " | ".join(row) + " |")
    if result.feature is not None:
        print(f"  counterexample: {result.feature}")
        print(f"  replay: mfa-conformance run --features {result.feature} --sut {spec}{replay}{given}")
    return 1
