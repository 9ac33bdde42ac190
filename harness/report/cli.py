"""`mfa-conformance report --from DIR [--to DIR] [--alluredir DIR]`: render report.html again
(and, with --alluredir, the run's allure-results).

Reads only DIR/results.json (and any browser evidence beside it), so a report
can be rebuilt on another machine, after a template change, or from a CI
artefact, without running anything.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .allure import write_allure
from .model import ResultsError, load_results
from .writer import write_html

__all__ = ["main"]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="mfa-conformance report",
                                     description="Render report.html again from the results.json of a run.")
    parser.add_argument("--from", dest="source", type=Path, required=True, metavar="DIR",
                        help="the report folder of a run (it holds results.json)")
    parser.add_argument("--to", dest="target", type=Path, metavar="DIR",
                        help="where to write report.html (default: the --from folder)")
    parser.add_argument("--alluredir", type=Path, metavar="DIR",
                        help="also write the run as allure-results into DIR (as `run --alluredir` does)")
    args = parser.parse_args(argv)
    source = args.source if args.source.is_dir() else args.source.parent
    try:
        results = load_results(args.source)
    except ResultsError as error:
        print(f"mfa-conformance report: {error}", file=sys.stderr)
        return 2
    target = args.target or source
    try:
        path = write_html(results, source, target)
    except OSError as error:
        print(f"mfa-conformance report: cannot write to {target}: {error.strerror or error}", file=sys.stderr)
        return 2
    print(f"report: {path} ({results.verdict}, {len(results.scenarios)} scenarios)")
    if args.alluredir is not None:
        try:
            written = write_allure(results, source, args.alluredir)
        except OSError as error:
            print(f"mfa-conformance report: cannot write to {args.alluredir}: {error.strerror or error}",
                  file=sys.stderr)
            return 2
        print(f"allure-results: {args.alluredir} ({written} scenarios)")
    return 0
