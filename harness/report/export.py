"""`mfa-conformance export --oscal REPORT_DIR|PACKAGE [--output FILE]`: a run in a format others read.

`--oscal` writes the run as OSCAL assessment results (report.oscal), for compliance
teams' tools: from a report folder, or from an evidence package, which is verified
first (against the key inside it, as `verify` does without --public-key) and refused
when it does not verify. Its evidence is referenced, with SHA-256, where it is: the
folder's files by their path from the document, the package's members by name.

Exit status: 0 written; 2 wrong usage, or an input that cannot be used (no such
folder or file, no readable results.json, a package that does not verify, an
output that cannot be written, compliance-trestle not installed): one line.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path

from ..evidence.cli import EvidenceError
from ..evidence.verify import open_package
from .model import ResultsError, load_results
from .oscal import EvidenceFile, OscalUnavailable, Source, assessment_results
from .writer import REPORT_FILES

__all__ = ["main", "read_source", "ExportError"]

USAGE = 2
REPORTS = "reports/"
_MEDIA = {".html": "text/html", ".json": "application/json", ".xml": "application/xml", ".png": "image/png",
          ".zip": "application/zip", ".toml": "application/toml", ".pem": "application/x-pem-file",
          ".sig": "application/octet-stream", ".jsonl": "application/jsonl"}
_WHAT = {
    "report.html": "The run's report for people: verdicts, the annotated how-to, the traceability matrix, every "
                   "scenario with its steps, a browser run's screenshots inline.",
    "results.json": "Every result of the run, machine-readable (mfa-conformance-results/1).",
    "requirements.json": "One entry per requirement with its outcome and scenarios.",
    "cucumber.json": "The run in Cucumber JSON.",
    "junit.xml": "The run in JUnit XML.",
}


class ExportError(Exception):
    """An input or output that cannot be used; one line for the user."""


def _file(name: str, href: str, data: bytes, description: str | None = None) -> EvidenceFile:
    return EvidenceFile(name=name, href=href, sha256=hashlib.sha256(data).hexdigest(),
                        media=_MEDIA.get(Path(name).suffix.lower(), "application/octet-stream"),
                        description=description or _WHAT.get(name, f"{name}, as the run wrote it."))


def _from_folder(folder: Path, output: Path) -> Source:
    try:
        results = load_results(folder)
    except ResultsError as error:
        raise ExportError(str(error)) from None
    root, files = folder.resolve(), {}
    names = [n for n in REPORT_FILES if (folder / n).is_file()]
    names += sorted({p for s in results.scenarios for p in s.evidence.values()})
    for name in names:
        path = (root / name).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            continue
        href = Path(os.path.relpath(path, output.resolve().parent)).as_posix()
        what = ("A browser run's screenshot." if name.endswith(".png") else
                "A browser run's Playwright trace: it holds what was typed, passwords included." if name.endswith(".zip")
                else None)
        files[name] = _file(name, href, path.read_bytes(), what)
    return Source(results, f"the report folder {folder}", files)


def _from_package(path: Path, output: Path) -> Source:
    try:
        package = open_package(path)
    except EvidenceError as error:
        raise ExportError(f"{path}: does not verify, or cannot be read: {error}") from None
    files = {}
    for member, data in sorted(package.members.items()):
        name = member.removeprefix(REPORTS) if member.startswith(REPORTS) else member
        files[name] = _file(name, member, data,
                            f"{_WHAT.get(name, name + '.')} Member {member} of the evidence package {path.name}.")
    href = Path(os.path.relpath(path.resolve(), output.resolve().parent)).as_posix()
    whole = _file(path.name, href, path.read_bytes(),
                  f"The signed evidence package, verified when exported: Ed25519 key {package.fingerprint} (the key "
                  f"inside it; compare with the one the vendor published). Its members are named by their path in it.")
    return Source(package.results, f"the evidence package {path.name} (verified, key {package.fingerprint})", files,
                  package=whole, left_out="A browser run's screenshots and traces are not in an evidence package (the "
                  "traces hold what was typed); the screenshots are inline in report.html.")


def read_source(given: Path, output: Path) -> Source:
    if given.is_dir():
        return _from_folder(given, output)
    if given.is_file():
        return _from_package(given, output)
    raise ExportError(f"{given}: no such report folder or package")


def _default_output(given: Path) -> Path:
    if given.is_dir():
        return given / "assessment-results.json"
    return given.with_name(f"{given.stem}-assessment-results.json")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="mfa-conformance export",
        description="Write a run in a format other tools read: --oscal, OSCAL assessment results (one finding per "
                    "requirement, one observation per scenario, the evidence by SHA-256).")
    parser.add_argument("--oscal", type=Path, required=True, metavar="REPORT_DIR|PACKAGE",
                        help="the report folder of a run, or an evidence package (verified first)")
    parser.add_argument("-o", "--output", type=Path, metavar="FILE",
                        help="the file to write (default: REPORT_DIR/assessment-results.json, or "
                             "PACKAGE-assessment-results.json beside the package)")
    args = parser.parse_args(argv)
    output = args.output or _default_output(args.oscal)
    try:
        source = read_source(args.oscal, output)
        document = assessment_results(source)
        data = document.oscal_serialize_json_bytes(pretty=True) + b"\n"
    except (ExportError, OscalUnavailable) as error:
        print(f"{parser.prog}: {error}", file=sys.stderr)
        return USAGE
    try:
        output.write_bytes(data)
    except OSError as error:
        print(f"{parser.prog}: --output {output}: cannot write it ({error.strerror or error})", file=sys.stderr)
        return USAGE
    result = document.results[0]
    print(f"oscal: {output} (assessment results: {len(result.findings or [])} findings, "
          f"{len(result.observations or [])} observations; from {source.description})")
    return 0
