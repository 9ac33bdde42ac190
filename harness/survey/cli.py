"""`mfa-conformance survey --sut ...`: probe a system and print the alternative it takes of each position.

Exit status: 0 when every position probed shows one of its allowed
alternatives (and, for each declared one, the declared alternative); 1 when
one shows none, or contradicts its declaration; 2 for a wrong command line; 4
for an input that cannot be used (a --sut that cannot be loaded, a positions
file or declaration: the codes `run` gives, from mfa_conformance.driver.opening); 3
when the system stopped answering. The findings are written as a positions file
(`--output`, default reports/positions.toml) ready for `mfa-conformance run
--positions`. With `--positions FILE` (or positions the driver declares) the
survey checks the declaration against behaviour; the reference simulator
takes the file's positions first, so its survey finds exactly those.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from mfa_conformance.driver.errors import SystemUnreachable
from mfa_conformance.driver.loading import resolve_sut_spec
from mfa_conformance.explore.cli import add_browser_options, browser_options
from mfa_conformance.driver.opening import UNUSABLE, USAGE, Unusable, open_system, read_positions_file
from mfa_conformance.requirements.positions import REFERENCE, PositionsError, load_positions

from .runner import Finding, positions_file, survey

__all__ = ["main", "DEFAULT_OUTPUT"]

DEFAULT_OUTPUT = Path("reports") / "positions.toml"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one readable line, no usage dump
        print(f"mfa-conformance survey: {message}", file=sys.stderr)
        raise SystemExit(USAGE)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="mfa-conformance survey",
                     description="Probe a system, on fresh practices and users for each position, and print which "
                     "alternative it takes of each position the how-to leaves open (features/positions.toml).")
    parser.add_argument("--sut", help="'simulator' (default), 'browser', or 'package.module:factory'; env MFA_SUT")
    parser.add_argument("--positions", metavar="FILE", default=None,
                        help="positions the system declares: each is checked against what the probe finds (the "
                        "reference simulator takes them first); env MFA_POSITIONS")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, metavar="FILE",
                        help=f"where the positions found are written, for --positions (default {DEFAULT_OUTPUT})")
    browser = parser.add_argument_group("browser driver (--sut browser)", "as for mfa-conformance run")
    add_browser_options(browser)
    return parser


def _line(finding: Finding, width: int) -> str:
    position = load_positions()[finding.position]
    if not finding.probed:
        return f"  – {finding.position:<{width}}  {finding.evidence}"
    if finding.value is None:
        return f"  ✘ {finding.position:<{width}}  {finding.evidence}"
    mark = "✘" if finding.contradicts else "✔"
    value = str(finding.value)
    against = (f"declared {finding.declared}" if finding.declared is not None else
               "the reference's" if finding.value == position.default else f"the reference: {position.default}")
    line = f"  {mark} {finding.position:<{width}} = {value:<16} ({against}) {finding.evidence}"
    return line + ("; it is not what was declared" if finding.contradicts else "")


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    return _survey(args)


def _survey(args: argparse.Namespace) -> int:
    spec = resolve_sut_spec(args.sut)
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        system, declaration = open_system(spec, read_positions_file(args.positions, Path.cwd()),
                                          browser_options=browser_options(args))
    except Unusable as error:
        print(f"mfa-conformance survey: {error}", file=sys.stderr)
        return UNUSABLE
    try:
        print(f"surveying {system.name} ({spec}): one probe per position, each on fresh practices and users")
        declared = {name: value for name, value in declaration.items() if declaration.sources[name] != REFERENCE}
        findings = survey(system, declared)
    except PositionsError as error:
        print(f"mfa-conformance survey: {error}", file=sys.stderr)
        return UNUSABLE
    except SystemUnreachable as error:
        print(f"mfa-conformance survey: the system under test did not answer: {error}", file=sys.stderr)
        return 3
    finally:
        system.close()
    width = max(len(f.position) for f in findings)
    for finding in findings:
        print(_line(finding, width))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(positions_file(findings, system.name), encoding="utf-8")
    failed = [f.position for f in findings if f.failed]
    differs = [f"{f.position} = {f.value}" for f in findings
               if f.value is not None and f.value != load_positions()[f.position].default]
    print(f"positions found: {', '.join(differs) if differs else 'the reference default for each one probed'}")
    print(f"written to {args.output}; pass it with: mfa-conformance run --sut {spec} --positions {args.output}")
    if failed:
        print(f"✘ {len(failed)} position{'s' if len(failed) != 1 else ''} failed: {', '.join(failed)}")
        return 1
    return 0
