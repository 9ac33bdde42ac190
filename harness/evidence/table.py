"""`mfa-conformance table PACKAGE... [-o FILE]`: how products compare on the how-to, requirement by requirement.

What web-platform-tests' wpt.fyi and Gateway API's implementation tables do for
their fields: one page, rows the requirements of the catalogue
(features/requirements.toml, grouped by kind and then by capability, the feature
file most of a family's scenarios live in), columns the products, each cell the
requirement's outcome in that product's run and, where the requirement depends
on a declarable position, the alternative the product declared. Only evidence
packages are read, and each is verified first (signature, every hash, every
byte, its attestation), so a column is only as good as a package that holds up:
one that does not is refused, naming it, before anything is written.

A column names the product as its run named it (the driver's description, the
version in it when it states one), the run's date and the fingerprint of the key
that signed the package, to compare with the one its vendor publishes. A cell
tells a failure from a scenario that could not start (its preparation failed:
the requirement stays unchecked, never failed), from one whose outcome the
harness could not tell from the screen, and from one skipped for a capability
the product lacks; a requirement checked by some scenarios with others skipped
is passed, partly. The same table goes to JSON beside the page.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from mfa_conformance.requirements.catalogue import CATALOGUE_PATH, FEATURES_DIR, KINDS, Requirement, load_catalogue
from mfa_conformance.requirements.positions import REFERENCE
from ..report.model import RequirementSummary, Results, ScenarioResult
from .cli import EvidenceError, Rejected, run_command
from .verify import Verified, open_package

__all__ = ["FORMAT", "OUTCOMES", "Product", "Cell", "Row", "said", "product", "cell", "capabilities", "build_table",
           "render_html", "main"]

FORMAT = "mfa-conformance-table/1"
SAID_SKIPS = ("could not start", "cannot tell")
"""Skip reasons that begin with these words are told apart from a skip for a capability the product lacks."""
OUTCOMES = ("failed", "expected failure", "could not start", "cannot tell", "skipped", "passed", "not applicable",
            "not run")
MARKS = {"passed": "✔", "failed": "✘", "expected failure": "⚑", "could not start": "⊘", "cannot tell": "?",
         "skipped": "–", "not applicable": "○", "not run": "·"}
MEANING = {
    "passed": "every scenario of it that applies passed (partly: some others were skipped)",
    "failed": "a scenario of it failed",
    "expected failure": "a scenario of it failed, as the vendor's expected-failures file says it would",
    "could not start": "its preparation or a Given step failed: unchecked, not failed",
    "cannot tell": "the screen showed neither the effect nor a refusal where the profile looks: unchecked",
    "skipped": "skipped, for a capability the product lacks or a starting state it cannot reach",
    "not applicable": "it checks an alternative the product does not take (a declared position)",
    "not run": "no scenario of it was selected in this run",
}
KIND_TITLES = {
    "documented": "Documented: the how-to says so",
    "inferred": "Inferred: the how-to implies it without saying it",
    "interpreted": "Interpreted: the how-to is ambiguous; the declared position is the reading checked",
    "security": "Security: an attack MFA exists to stop (a verdict of its own, apart from the how-to's)",
}
ELSEWHERE = "not in this installation's catalogue"
TEMPLATES = Path(str(resources.files("mfa_conformance.report") / "templates"))
_VERSION = re.compile(r"(?<![\w.])v?(\d+(?:\.\d+)+)(?![\w.])")


@dataclass
class Product:
    """One column: a verified package's run."""

    package: str
    name: str
    where: str
    """Its base URL, its module, or the --sut value."""
    version: str | None
    """The version its description states, if it states one."""
    started: str
    signer: str
    """sha256: and the hex SHA-256 of the signing key (verify's fingerprint)."""
    verdict: str
    security_verdict: str
    attestation: str | None
    """The attestation's result (PASSED, WARNED, FAILED), or None in a package made before attestations."""
    harness_version: str
    catalogue_differs: bool
    """The run's catalogue is not this installation's (rows follow this installation's)."""


@dataclass
class Cell:
    outcome: str
    """One of OUTCOMES."""
    partly: bool = False
    """Passed, with other scenarios of it skipped."""
    scenarios: dict[str, int] = field(default_factory=dict)
    """How many of its scenarios ended each way, the skips told apart as the outcome is."""
    positions: list[dict[str, object]] = field(default_factory=list)
    """Each position it depends on: name, the value the run took, who declared it."""
    reason: str | None = None
    """The first line of the first failure or skip reason that made the outcome."""


@dataclass
class Row:
    id: str
    kind: str
    capability: str
    summary: str
    cells: list[Cell]


def said(scenario: ScenarioResult) -> str:
    """A scenario's outcome as the table tells it: a skip that could not start, or could not tell, says so."""
    if scenario.status == "skipped":
        return next((words for words in SAID_SKIPS if scenario.message.startswith(words)), "skipped")
    return scenario.status


def _first_line(text: str) -> str | None:
    return text.strip().splitlines()[0] if text.strip() else None


def cell(summary: RequirementSummary, results: Results) -> Cell:
    if not summary.scenarios:
        outcome, scenarios, partly, reason = "not run", [], False, None
    else:
        scenarios = sorted(summary.scenarios, key=lambda s: s.sort_key)
        outcomes = [said(s) for s in scenarios if s.status != "not applicable"]
        worst = min(outcomes, key=OUTCOMES.index) if outcomes else "not applicable"
        if worst in SAID_SKIPS + ("skipped",) and "passed" in outcomes:
            outcome, partly = "passed", True
        else:
            outcome, partly = worst, False
        wanted = (*SAID_SKIPS, "skipped") if partly else (worst,) if worst != "passed" else ()
        reason = next((_first_line(s.message) for s in scenarios if said(s) in wanted and s.message.strip()), None)
    positions = []
    for name in (summary.requirement.positions if outcome != "not run" else ()):
        source = results.position_sources.get(name, "")
        positions.append({"name": name, "value": (results.positions or {}).get(name),
                          "declared by": source or "not recorded", "declared": source not in ("", REFERENCE)})
    counts = Counter(said(s) for s in scenarios)
    return Cell(outcome=outcome, partly=partly, scenarios={o: counts[o] for o in OUTCOMES if counts[o]},
                positions=positions, reason=reason)


def product(package: Verified) -> Product:
    run = package.results.run
    driver = run.system.get("driver") or run.sut
    inner = re.fullmatch(r"browser driver \((.*)\)", driver)
    name = inner.group(1) if inner else driver
    found = _VERSION.search(name)
    recorded = package.evidence.get("sources", {}).get("catalogue")
    attestation = package.attestation["predicate"]["result"] if package.attestation else None
    return Product(package=str(package.path), name=name,
                   where=run.system.get("base URL") or run.system.get("module") or f"--sut {run.sut}",
                   version=found.group(1) if found else None, started=run.started, signer=package.fingerprint,
                   verdict=package.results.verdict, security_verdict=package.results.security_verdict,
                   attestation=attestation, harness_version=run.tool_version,
                   catalogue_differs=recorded is not None and recorded != _installed_catalogue())


def _installed_catalogue() -> str:
    return hashlib.sha256(CATALOGUE_PATH.read_bytes()).hexdigest()


def capabilities(ids: list[str]) -> dict[str, str]:
    """Each requirement's capability: the feature (one capability per feature file) that holds most of the
    scenarios of its family (the ID's prefix: ENR, SGN, ...), so a family stays together."""
    from pytest_bdd.exceptions import GherkinParseError
    from mfa_conformance.steps.pytest_bdd_private import get_features

    try:
        features = get_features([str(FEATURES_DIR)])
    except (OSError, UnicodeDecodeError, GherkinParseError, KeyError):
        features = []
    by_family: dict[str, Counter[str]] = {}
    for feature in features:
        for template in feature.scenarios.values():
            for tag in template.tags | feature.tags:
                if re.fullmatch(r"[A-Z]{3}-\d{2}", tag):
                    by_family.setdefault(tag[:3], Counter())[feature.name] += 1
    return {rid: by_family[rid[:3]].most_common(1)[0][0] if rid[:3] in by_family else rid[:3] for rid in ids}


def build_table(packages: list[Verified]) -> dict:
    """The table as plain data: what the page shows and the JSON holds."""
    installed = load_catalogue()
    extra: dict[str, Requirement] = {}
    for package in packages:
        for requirement in package.results.catalogue:
            if requirement.id not in installed and requirement.id not in extra:
                extra[requirement.id] = requirement
    capability = capabilities(list(installed))
    summaries = [{s.requirement.id: s for s in package.results.requirements()} for package in packages]
    rows = []
    for requirement, where in [*((r, capability[r.id]) for r in installed.values()),
                               *((r, ELSEWHERE) for r in extra.values())]:
        cells = [cell(by_id[requirement.id], package.results) if requirement.id in by_id else
                 Cell("not run", reason="not in the catalogue this run checked against") for by_id, package in
                 zip(summaries, packages)]
        rows.append(Row(id=requirement.id, kind=requirement.kind, capability=where, summary=requirement.summary,
                        cells=cells))
    order = {name: index for index, name in enumerate(dict.fromkeys(row.capability for row in rows))}
    rows.sort(key=lambda row: (KINDS.index(row.kind) if row.kind in KINDS else len(KINDS), row.capability == ELSEWHERE,
                               order[row.capability]))
    return {"format": FORMAT, "catalogue": {"file": f"features/{CATALOGUE_PATH.name}", "sha256": _installed_catalogue()},
            "outcomes": MEANING, "products": [asdict(product(p)) for p in packages],
            "rows": [asdict(row) for row in rows]}


def _groups(rows: list[dict]) -> list[dict]:
    """Rows by kind, then by capability, in table order."""
    groups: list[dict] = []
    for row in rows:
        if not groups or groups[-1]["kind"] != row["kind"]:
            groups.append({"kind": row["kind"], "title": KIND_TITLES.get(row["kind"], row["kind"]), "capabilities": []})
        capabilities = groups[-1]["capabilities"]
        if not capabilities or capabilities[-1]["name"] != row["capability"]:
            capabilities.append({"name": row["capability"], "rows": []})
        capabilities[-1]["rows"].append(row)
    return groups


def render_html(table: dict) -> str:
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)
    environment.filters["slug"] = lambda text: re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")
    return environment.get_template("table.html.j2").render(
        table=table, products=table["products"], groups=_groups(table["rows"]), marks=MARKS, meaning=MEANING,
        outcomes=OUTCOMES, kind_titles=KIND_TITLES)


def _write(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise EvidenceError(f"{path}: cannot write it ({error.strerror or error})") from None


def _table(args: argparse.Namespace) -> int:
    packages = []
    for path in args.packages:
        try:
            packages.append(open_package(path))
        except Rejected as error:
            raise Rejected(f"{path} does not verify: {error}; nothing written") from None
    table = build_table(packages)
    output: Path = args.output
    data: Path = args.json or output.with_suffix(".json")
    page = render_html(table)
    _write(data, json.dumps(table, indent=1, ensure_ascii=False) + "\n")
    _write(output, page)
    print(f"table: {output} ({len(packages)} products, {len(table['rows'])} requirements); the same as JSON in {data}")
    for number, column in enumerate(table["products"], 1):
        print(f"  {number}. {column['name']} ({column['where']}), run of {column['started']}: "
              f"{column['verdict']}, security checks {column['security_verdict']}; signed by {column['signer']}")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="mfa-conformance table",
                                     description="Verify evidence packages and write one page comparing their "
                                                 "products requirement by requirement (and the same as JSON).")
    parser.add_argument("packages", type=Path, nargs="+", metavar="PACKAGE",
                        help="zips written by mfa-conformance package; each column in the order given")
    parser.add_argument("-o", "--output", type=Path, default=Path("conformance-table.html"), metavar="FILE",
                        help="the page to write (default: conformance-table.html)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="the JSON to write (default: FILE with .json)")
    return run_command(parser, argv, _table)
