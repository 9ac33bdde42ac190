"""allure-results: a run as Allure reads it, written from the results model like every other report.

One `<uuid>-result.json` per scenario, in Allure's documented results format (what
Allure 2's report generator and allure-python's own model read): its name, status
and statusDetails, each step with its outcome and timing, the requirement IDs,
kinds and declared positions as labels, links and parameters, a browser run's
screenshot (and, for a failure, its trace) as attachments, and the reason of every
skip: could not start, cannot tell, not applicable (a position the system does not
take), a capability the system lacks. Beside them, `categories.json` (Allure's
categories, one per kind of outcome the harness tells apart) and
`environment.properties` (the system, the verdicts and the positions).

Written from `Results`, not by allure-pytest-bdd: that plugin sees only the
scenarios pytest-bdd runs (a scenario skipped before its first step, could not
start or not applicable, is missing), knows nothing of requirements, positions or
evidence, and writes each step's fixture values (personas' objects, the product's
answers) as parameters. Here, as in every report, nothing leaves the results model
but the browser evidence the run already kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import uuid
from datetime import datetime
from pathlib import Path

from .model import Results, ScenarioResult
from .security import is_security, security_ids

__all__ = ["ALLURE_STATUS", "CATEGORIES", "allure_results", "write_allure", "clean_allure_dir"]

ALLURE_STATUS = {
    "passed": "passed",
    "failed": "failed",
    "expected failure": "failed",  # a known bug is still a failure: statusDetails.known says it is known
    "skipped": "skipped",
    "not applicable": "skipped",
}
"""The harness's scenario outcomes in Allure's statuses (passed, failed, broken, skipped, unknown)."""

CATEGORIES = [
    {"name": "Expected failures (known bugs, still failures)", "matchedStatuses": ["failed"],
     "messageRegex": "(?s)expected failure: .*"},
    {"name": "Product failures", "matchedStatuses": ["failed"], "messageRegex": "(?s)(?!expected failure: ).*"},
    {"name": "Could not start (requirements unchecked)", "matchedStatuses": ["skipped"],
     "messageRegex": "(?s)could not start: .*"},
    {"name": "Cannot tell (the screen showed neither outcome)", "matchedStatuses": ["skipped"],
     "messageRegex": "(?s)cannot tell: .*"},
    {"name": "Not applicable (a position the system does not take)", "matchedStatuses": ["skipped"],
     "messageRegex": "(?s)not applicable: .*"},
    {"name": "Skipped (a capability the system lacks)", "matchedStatuses": ["skipped"],
     "messageRegex": "(?s)(?!could not start: |cannot tell: |not applicable: ).*"},
]
"""Allure's categories (categories.json): Allure matches each result's status and its message."""

_NAMESPACE = uuid.UUID("8a4d0f8e-2f43-5c43-9a3e-6d1f0c6b7a11")
_MEDIA = {".png": ("image/png", "png"), ".jpg": ("image/jpeg", "jpg"), ".jpeg": ("image/jpeg", "jpg"),
          ".zip": ("application/zip", "zip"), ".webm": ("video/webm", "webm")}
_RESULT_FILE = re.compile(r"^[0-9a-f-]{36}-(result\.json|container\.json|attachment\.[A-Za-z0-9]+)$")


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "\n".join(parts)))


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def _millis(iso: str) -> int:
    return int(datetime.fromisoformat(iso).timestamp() * 1000)


class _Writer:
    """Builds the files of one run's results; attachments are read from the report folder."""

    def __init__(self, results: Results, source: Path | None, target: Path) -> None:
        self.results = results
        self.source = source = source.resolve() if source is not None else None
        self.files: dict[str, bytes] = {}
        self.security = security_ids(results.catalogue)
        self.flaky = {f.id: f for f in results.flaky}
        self.catalogue = {r.id: r for r in results.catalogue}
        self.report = None
        if source is not None and (source / "report.html").is_file():
            self.report = Path(os.path.relpath(source / "report.html", target)).as_posix()
        self.run_start = _millis(results.run.started)

    def attach(self, owner: str, name: str, data: bytes, media: str, ext: str) -> dict[str, str]:
        source = f"{_uuid(owner, name)}-attachment.{ext}"
        self.files[source] = data
        return {"name": name, "source": source, "type": media}

    def evidence(self, scenario: ScenarioResult, owner: str) -> list[dict[str, str]]:
        """The screenshot of a failure, a skip it could not tell or start; the trace of a failure only."""
        wanted = ["screenshot"] + (["trace"] if scenario.status in ("failed", "expected failure") else [])
        attachments = []
        for kind in wanted:
            relative = scenario.evidence.get(kind)
            if not relative or self.source is None:
                continue
            path = self.source / relative
            media, ext = _MEDIA.get(path.suffix.lower(), ("application/octet-stream", "bin"))
            try:
                data = path.read_bytes()
            except OSError:
                continue  # re-rendered away from the run's folder: the report says where it was
            name = "screenshot" if kind == "screenshot" else "Playwright trace (playwright show-trace)"
            attachments.append(self.attach(owner, name, data, media, ext))
        return attachments

    def message(self, scenario: ScenarioResult) -> str:
        if scenario.status == "expected failure" and scenario.expectation is not None:
            entry = self.results.expected_failures[scenario.expectation.entry]
            return f"expected failure: {entry.reason} (until {entry.until}): {scenario.message}"
        if scenario.status == "not applicable":
            return f"not applicable: {scenario.message}"
        return scenario.message

    def steps(self, scenario: ScenarioResult, start: int, owner: str, message: str,
              evidence: list[dict[str, str]]) -> tuple[list[dict], bool]:
        steps, clock, placed = [], start, False
        for index, step in enumerate(scenario.steps):
            took = int(round((step.duration or 0.0) * 1000))
            entry: dict[str, object] = {
                "name": f"{step.keyword} {step.text}", "status": step.status, "stage": "finished",
                "start": clock, "stop": clock + took, "steps": [], "parameters": [], "attachments": [],
            }
            clock += took
            if step.datatable:
                table = "\n".join("| " + " | ".join(row) + " |" for row in step.datatable) + "\n"
                entry["attachments"].append(self.attach(f"{owner}/{index}", "data table", table.encode(),  # type: ignore[union-attr]
                                                        "text/plain", "txt"))
            if step.docstring is not None:
                entry["attachments"].append(self.attach(f"{owner}/{index}/doc", "doc string",  # type: ignore[union-attr]
                                                        step.docstring.encode(), "text/plain", "txt"))
            if index == scenario.failing_step:
                entry["statusDetails"] = {"message": message, **({"trace": scenario.where} if scenario.where else {})}
                entry["attachments"] += evidence  # type: ignore[operator]
                placed = True
            steps.append(entry)
        return steps, placed

    def labels(self, scenario: ScenarioResult) -> list[dict[str, str]]:
        security = is_security(scenario.tags, self.security)
        epic = "Security checks" if security else "The how-to"
        labels = [("framework", "mfa-conformance"), ("epic", epic), ("parentSuite", epic),
                  ("feature", scenario.feature), ("suite", scenario.feature)]
        if scenario.rule:
            labels += [("story", scenario.rule), ("subSuite", scenario.rule)]
        labels += [("tag", tag) for tag in scenario.tags]
        for rid in scenario.requirements:
            labels.append(("requirement", rid))
            if rid in self.catalogue:
                labels.append(("kind", self.catalogue[rid].kind))
        labels += [("position", f"{name} = {value}") for name, value in scenario.positions.items()]
        said = scenario.status
        for prefix in ("could not start", "cannot tell"):
            if scenario.status == "skipped" and scenario.message.startswith(prefix):
                said = prefix
        labels.append(("outcome", said))
        seen: set[tuple[str, str]] = set()
        return [{"name": n, "value": v} for n, v in labels if not ((n, v) in seen or seen.add((n, v)))]

    def links(self, scenario: ScenarioResult) -> list[dict[str, str]]:
        if self.report is None:
            return []
        links = [{"type": "requirement", "name": rid, "url": f"{self.report}#req-{rid}"}
                 for rid in scenario.requirements]
        return links + [{"type": "report", "name": "the scenario in report.html",
                         "url": f"{self.report}#{scenario.anchor}"}]

    def description(self, scenario: ScenarioResult) -> str:
        lines = []
        for rid in scenario.requirements:
            requirement = self.catalogue.get(rid)
            if requirement is not None:
                lines.append(f"- **{rid}** ({requirement.kind}): {requirement.statement}")
                if requirement.kind == "interpreted" and requirement.position:
                    lines.append(f"  - the reference's reading: {requirement.position}")
        if scenario.positions and scenario.status != "not applicable":
            lines.append("")
            lines.append("Checked under " + ", ".join(f"`{n} = {v}`" for n, v in scenario.positions.items()) + ".")
        if scenario.unchecked:
            lines.append("")
            lines += [f"Unchecked: {detail}" for detail in scenario.unchecked]
        return "\n".join(lines)

    def result(self, scenario: ScenarioResult) -> dict[str, object]:
        owner = _uuid(self.results.run.started, scenario.id)
        start = _millis(scenario.started) if scenario.started else self.run_start
        message = self.message(scenario)
        evidence = self.evidence(scenario, owner)
        steps, placed = self.steps(scenario, start, owner, message, evidence)
        details: dict[str, object] = {}
        if message or scenario.status != "passed":
            details = {"message": message}
            trace = "\n".join(filter(None, [
                f"failed at: {scenario.steps[scenario.failing_step].keyword} "
                f"{scenario.steps[scenario.failing_step].text}" if scenario.failing_step is not None else "",
                scenario.where or ""]))
            if trace:
                details["trace"] = trace
        if scenario.status == "expected failure":
            details["known"] = True
        flaky = self.flaky.get(scenario.id)
        if flaky is not None:
            details["flaky"] = True
            details["message"] = f"flaky ({flaky.outcomes}): {details.get('message', '')}".rstrip(": ")
        parameters = [{"name": name, "value": str(value)} for name, value in scenario.positions.items()]
        full_name = f"{scenario.feature_file}::{scenario.name}" + (
            f" (example {scenario.example})" if scenario.example is not None else "")
        return {
            "uuid": owner,
            "historyId": _md5(scenario.id + "".join(f"|{p['name']}={p['value']}" for p in parameters)),
            "testCaseId": _md5(full_name),
            "fullName": full_name,
            "name": scenario.name,
            "titlePath": [scenario.feature_file, scenario.feature] + ([scenario.rule] if scenario.rule else []),
            "status": ALLURE_STATUS.get(scenario.status, "unknown"),
            "statusDetails": details,
            "stage": "finished",
            "description": self.description(scenario),
            "start": start,
            "stop": start + int(round(scenario.duration * 1000)),
            "steps": steps,
            "attachments": [] if placed else evidence,
            "parameters": parameters,
            "labels": self.labels(scenario),
            "links": self.links(scenario),
        }

    def environment(self) -> bytes:
        run = self.results.run
        pairs = [("sut", run.sut), *((f"system.{k}", v) for k, v in run.system.items()),
                 ("harness", f"mfa-conformance {run.tool_version}"), ("started", run.started),
                 ("verdict", self.results.verdict), ("security_verdict", self.results.security_verdict)]
        pairs += [(f"position.{name}", str(value)) for name, value in (self.results.positions or {}).items()]
        lines = []
        for key, value in pairs:
            key = re.sub(r"[^A-Za-z0-9._-]+", "_", key)
            value = str(value).replace("\\", "\\\\").replace("\n", "\\n")
            lines.append(f"{key}={value}")
        return ("\n".join(lines) + "\n").encode("utf-8")

    def build(self) -> dict[str, bytes]:
        for scenario in self.results.scenarios:
            result = self.result(scenario)
            self.files[f"{result['uuid']}-result.json"] = (
                json.dumps(result, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
        self.files["categories.json"] = (json.dumps(CATEGORIES, indent=1) + "\n").encode("utf-8")
        self.files["environment.properties"] = self.environment()
        return self.files


def allure_results(results: Results, source: Path | None, target: Path) -> dict[str, bytes]:
    """Every file of the run's allure-results, by name. `source`: the report folder (browser evidence,
    report.html for the links), or None; `target`: the results folder, for the links' relative paths."""
    return _Writer(results, source, target.resolve()).build()


def clean_allure_dir(target: Path) -> None:
    """Remove the results an earlier run left (Allure reads every result in the folder)."""
    if target.is_dir():
        for path in target.iterdir():
            if path.is_file() and (_RESULT_FILE.match(path.name) or path.name in ("categories.json",
                                                                                   "environment.properties")):
                path.unlink()


def write_allure(results: Results, source: Path | None, target: Path, clean: bool = False) -> int:
    """Write the allure-results into `target`; returns how many scenario results were written."""
    target.mkdir(parents=True, exist_ok=True)
    if clean:
        clean_allure_dir(target)
    files = allure_results(results, source, target)
    for name, data in files.items():
        (target / name).write_bytes(data)
    return sum(name.endswith("-result.json") for name in files)
