"""report.html: the run as living documentation, in one file that opens offline.

Everything is inline (CSS, the small script, the SVG chart, a browser run's
screenshots as data: URIs), so the file can be mailed to an auditor or kept
as a CI artefact and still show everything. Anchors let a reader go from a
failing requirement to its scenario's failing step in two clicks:
the failing-requirements list -> the requirement's row -> the failing step.
"""

from __future__ import annotations

import base64
import mimetypes
import os
import re
from importlib import resources
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from mfa_conformance.requirements.catalogue import HOWTO_KINDS, KINDS
from mfa_conformance.requirements.positions import PositionsError, load_positions
from .annotated import OUTCOME_WORDS, annotate, howto_markup
from .chart import capability_chart
from .model import Results, ScenarioResult
from .security import SECURITY_VERDICTS, is_security, security_ids

__all__ = ["render_html", "MACHINE_READABLE"]

MACHINE_READABLE = {
    "results.json": "every result, the input of mfa-conformance report --from",
    "requirements.json": "one summary per requirement",
    "cucumber.json": "Cucumber JSON",
    "junit.xml": "JUnit XML",
}
MARKS = {"passed": "✔", "failed": "✘", "skipped": "–", "expected failure": "⚑", "not applicable": "○", "not run": "·"}
KIND_TITLES = {
    "documented": "Documented: the how-to says so",
    "inferred": "Inferred: the how-to implies it without saying it",
    "interpreted": "Interpreted: the how-to is ambiguous; the position is the reading checked",
    "security": "Security: an attack MFA exists to stop, checked against the standard named (not the how-to's words)",
}
TEMPLATES = Path(str(resources.files(__package__) / "templates"))


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "not measured (frozen clock)"
    if seconds < 0.001:
        return "<1 ms"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"{seconds:.1f} s"
    return f"{int(seconds // 60)} min {seconds % 60:.0f} s"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class _Evidence:
    """Screenshots inlined, traces linked, both found beside the results."""

    def __init__(self, source: Path, target: Path) -> None:
        self.source, self.target = source, target

    def screenshot(self, relpath: str) -> str | None:
        path = self.source / relpath
        try:
            data = path.read_bytes()
        except OSError:
            return None
        kind = mimetypes.guess_type(path.name)[0] or "image/png"
        return f"data:{kind};base64,{base64.b64encode(data).decode()}"

    def link(self, relpath: str) -> str:
        return Path(os.path.relpath(self.source / relpath, self.target)).as_posix()


def _scenario_link(scenario: ScenarioResult) -> str:
    if scenario.failing_step is not None and scenario.status in ("failed", "expected failure"):
        return f"#{scenario.anchor}-failure"
    return f"#{scenario.anchor}"


def _positions(results: Results) -> list[dict[str, object]]:
    """The run's declared positions, each with its question and the meaning of the alternative taken."""
    if not results.positions:
        return []
    try:
        known = load_positions()
    except PositionsError:
        known = {}
    rows = []
    for name, value in results.positions.items():
        position = known.get(name)
        try:
            meaning = position.describe(value) if position else ""
        except KeyError:  # results of a harness whose positions differ from this one's
            meaning = ""
        source = results.position_sources.get(name, "")
        rows.append({"name": name, "value": value, "meaning": meaning, "source": source,
                     "declared": source not in ("", "the reference default"),
                     "question": position.question if position else "",
                     "default": position.default if position else value,
                     "requirements": position.requirements if position else ()})
    return rows


def render_html(results: Results, source: Path, target: Path) -> str:
    """`source`: the folder evidence paths are relative to; `target`: where report.html goes."""
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)
    environment.filters["duration"] = _duration
    environment.filters["slug"] = _slug
    environment.filters["label"] = lambda text: text[:1].upper() + text[1:]
    environment.filters["howto"] = howto_markup
    environment.filters["said"] = lambda outcome: OUTCOME_WORDS.get(outcome, outcome)
    requirements = results.requirements()
    features = results.by_feature()
    chart = capability_chart([(f.name, f"feature-{_slug(f.file)}",
                               {o: sum(s.status == o for s in scenarios) for o in MARKS}) for f, scenarios in features])
    system = dict(results.run.system)
    ids = security_ids(results.catalogue)
    security_scenarios = [s for s in results.scenarios if is_security(s.tags, ids)]
    template = environment.get_template("report.html.j2")
    judgement = results.judgement()
    positions = _positions(results)
    return template.render(
        results=results, run=results.run, verdict=judgement.name, verdict_summary=judgement.summary(),
        lacks=results.lacks,
        counts=results.counts, positions=positions, positions_by_name={p["name"]: p for p in positions},
        security_verdict=results.security_verdict, security_verdict_says=SECURITY_VERDICTS[results.security_verdict],
        security_counts={o: sum(s.status == o for s in security_scenarios) for o in MARKS},
        security_total=len(security_scenarios), howto_kinds=HOWTO_KINDS,
        driver=system.pop("driver", "system under test"), system=system,
        requirements=requirements, features=features, kinds=KINDS, kind_titles=KIND_TITLES,
        howto=annotate(results, requirements),
        failing_requirements=[r for r in requirements if r.outcome == "failed"],
        failures=[s for s in results.scenarios if s.status in ("failed", "expected failure")],
        skips=[s for s in results.scenarios if s.status == "skipped"],
        unchecked=[s for s in results.scenarios if s.unchecked],
        not_applicable=[s for s in results.scenarios if s.status == "not applicable"],
        called_out=[e for e in results.expected_failures if e.called_out],
        by_id={s.id: s for s in results.scenarios}, flaky_by_id={f.id: f for f in results.flaky},
        marks=MARKS, chart=chart, link=_scenario_link, evidence=_Evidence(source, target),
        machine_readable={name: text for name, text in MACHINE_READABLE.items() if (source / name).exists()},
        files_prefix=Path(os.path.relpath(source, target)).as_posix(),
        css=Markup((TEMPLATES / "report.css").read_text(encoding="utf-8")),
        js=Markup((TEMPLATES / "report.js").read_text(encoding="utf-8")),
    )
