"""A run as OSCAL assessment results (NIST's Open Security Controls Assessment Language).

What compliance teams' tools read: one `result` for the run, with
- one **finding** per requirement of the catalogue, its `target` the requirement
  (`objective-id`), its `status` from this run, its kind (documented, inferred,
  interpreted, security) a property, and the NIST SP 800-53 Rev. 5 controls it serves
  (the catalogue's reviewed `controls`) as properties and in `reviewed-controls`;
- one **observation** per scenario, `methods: ["TEST"]`, with `relevant-evidence`
  pointing at the report files (and a browser run's screenshot and trace) in the
  report folder or the evidence package, each a back-matter resource with its SHA-256;
- the declared positions as properties of the result, of each finding they bear on
  and of each scenario that checked one.

OSCAL's objective status has two states only, `satisfied` and `not-satisfied`, and a
reason, `pass`, `fail` or `other`. A requirement this run did not check (its scenarios
skipped, could not start, not selected) is `not-satisfied` with reason `other`, and
says why: `satisfied` would claim a determination the run did not make, and a finding
without a status would leave the tools that read `target.status.state` with nothing.
An expected failure is `not-satisfied`, `fail`: a known bug is still a failure.

Built as plain data and validated by compliance-trestle's OSCAL models
(`trestle.oscal.assessment_results`), which also write it; trestle is an optional
dependency (`pip install 'mfa-conformance[oscal]'`), imported only here.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from mfa_conformance.requirements.catalogue import Requirement
from mfa_conformance.requirements.controls import SP800_53, SP800_53_CATALOG, oscal_id
from .model import RequirementSummary, Results, ScenarioResult

__all__ = ["NS", "EvidenceFile", "Source", "status_of", "assessment_results", "OscalUnavailable"]

NS = "urn:mfa-conformance:oscal"
"""The namespace of this harness's properties (OSCAL's own names need none)."""
_UUIDS = uuid.UUID("4f1c1d8e-6b7e-5d0a-9d6e-0c2f5a1e9b37")


class OscalUnavailable(Exception):
    """compliance-trestle is not installed."""


@dataclass(frozen=True)
class EvidenceFile:
    """One file of the run's evidence, as the document reaches it."""

    name: str
    """As the run names it, relative to the report folder: report.html, evidence/x/screenshot.png."""
    href: str
    """How the document reaches it: a path relative to the document, or a member of the package."""
    sha256: str
    media: str
    description: str


@dataclass
class Source:
    """A run read from a report folder or a verified evidence package."""

    results: Results
    description: str
    """"the report folder out/4.2" or "the evidence package acme-4.2.zip (...)"."""
    files: dict[str, EvidenceFile] = field(default_factory=dict)
    """By the run's name for each (EvidenceFile.name)."""
    package: EvidenceFile | None = None
    left_out: str = ""
    """What the source does not hold that a scenario names (a package's browser traces), and why."""


def status_of(outcome: str) -> tuple[str, str, str]:
    """(state, reason, what it means) of a requirement's outcome in this run."""
    if outcome == "passed":
        return "satisfied", "pass", "every scenario of it that applies passed"
    if outcome == "failed":
        return "not-satisfied", "fail", "a scenario of it failed"
    if outcome == "expected failure":
        return "not-satisfied", "fail", ("a scenario of it failed, as the vendor's expected-failures file lists it: "
                                         "a known failure is still a failure")
    return "not-satisfied", "other", {
        "skipped": "not checked in this run: its scenarios were skipped (a capability the system lacks, a start "
                   "not reached, an outcome the screen did not show); no determination was made",
        "not applicable": "not checked in this run: its scenarios check alternatives of a declared position the "
                          "system does not take",
        "not run": "not checked in this run: no scenario of it was selected",
    }.get(outcome, f"not checked in this run ({outcome})")


def _line(text: str) -> str:
    return " ".join(str(text).split()) or "-"


def _token(text: str) -> str:
    token = "".join(c if c.isalnum() or c in "-_." else "-" for c in str(text).strip().lower()).strip("-.")
    return token if token and (token[0].isalpha() or token[0] == "_") else f"x-{token or 'value'}"


def _prop(name: str, value: object, **extra: str) -> dict[str, str]:
    return {"name": name, "value": _line(value), "ns": NS, **{k.rstrip("_"): v for k, v in extra.items()}}


def _said(scenario: ScenarioResult) -> str:
    for said in ("could not start", "cannot tell"):
        if scenario.status == "skipped" and scenario.message.startswith(said):
            return said
    return scenario.status


class _Builder:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.results = source.results
        run = self.results.run
        self.seed = f"{run.started}|{run.sut}|{run.system.get('driver', '')}"
        self.sut = self.uuid("component", "system under test")
        self.harness = self.uuid("component", "harness")
        self.resources: list[dict] = []
        self.resource_of: dict[str, str] = {}
        self.observation_of: dict[str, str] = {}

    def uuid(self, *parts: str) -> str:
        return str(uuid.uuid5(_UUIDS, "|".join((self.seed, *parts))))

    def time(self, iso: str | None, seconds: float = 0.0) -> str:
        moment = dt.datetime.fromisoformat(iso or self.results.run.started) + dt.timedelta(seconds=seconds)
        return moment.astimezone(dt.UTC).isoformat()

    def resource(self, key: str, title: str, description: str, href: str | None = None, sha256: str | None = None,
                 media: str | None = None, props: list[dict] | None = None) -> str:
        ident = self.uuid("resource", key)
        entry: dict = {"uuid": ident, "title": _line(title), "description": description}
        if props:
            entry["props"] = props
        if href is not None:
            rlink: dict = {"href": href}
            if media:
                rlink["media-type"] = media
            if sha256:
                rlink["hashes"] = [{"algorithm": "SHA-256", "value": sha256}]
            entry["rlinks"] = [rlink]
        elif sha256:
            entry["props"] = [*(props or []), _prop("sha256", sha256)]
        self.resources.append(entry)
        self.resource_of[key] = ident
        return ident

    def back_matter(self) -> None:
        sources = self.results.run.sources
        self.resource("catalogue", "The requirement catalogue (features/requirements.toml)",
                      "Every behaviour the vendor's MFA how-to prescribes, and the security checks, each with a "
                      "stable ID, its kind and its grounds; the assessment plan of this run, with the feature "
                      "files. Shipped with mfa-conformance; identified here by the SHA-256 the run recorded.",
                      sha256=sources.get("catalogue"))
        self.resource("how-to", "The vendor's MFA how-to (features/mfa-setup-howto.txt)",
                      "The documentation checked: its sentences are quoted by the catalogue's entries.",
                      sha256=sources.get("how-to"))
        for name, digest in sorted(sources.items()):
            if name.endswith(".feature"):
                self.resource(name, f"Feature file {name}", "Scenarios of the run, in Gherkin.", sha256=digest)
        package = self.source.package
        if package is not None:
            self.resource("package", f"Evidence package {package.href}", package.description, href=package.href,
                          sha256=package.sha256, media=package.media)
        for name, file in sorted(self.source.files.items()):
            self.resource(name, name, file.description, href=file.href, sha256=file.sha256, media=file.media)

    def components(self) -> list[dict]:
        run = self.results.run
        system = [_prop(_token(k), v) for k, v in run.system.items() if _line(v) != "-"]
        return [
            {"uuid": self.sut, "type": "software", "title": _line(run.system.get("driver", "system under test")),
             "description": f"The system under test, as its driver describes itself; checked with --sut {run.sut}.",
             "props": [*system, _prop("sut", run.sut)],
             "status": {"state": "other", "remarks": "Its lifecycle state is not known to the harness."}},
            {"uuid": self.harness, "type": "software", "title": f"mfa-conformance {run.tool_version}",
             "description": "The conformance harness that ran the scenarios and wrote these results.",
             "status": {"state": "operational"}},
        ]

    def evidence(self, scenario: ScenarioResult) -> list[dict]:
        found = []
        if "report.html" in self.resource_of:
            ident = self.resource_of["report.html"]
            found.append({"href": f"#{ident}", "description": "The scenario in report.html: each step with its "
                          "outcome, the failure's message and place, a browser run's screenshot inline.",
                          "links": [{"href": f"#{ident}", "rel": "reference", "resource-fragment": scenario.anchor,
                                     "text": "the scenario in report.html"}]})
        if "results.json" in self.resource_of:
            found.append({"href": f"#{self.resource_of['results.json']}",
                          "description": f"Its record in results.json (scenarios, id {scenario.id})."})
        for kind, what in (("screenshot", "The browser's screenshot at that moment."),
                           ("trace", "The browser's Playwright trace (playwright show-trace): it holds what was "
                                     "typed, passwords included; a secret.")):
            name = scenario.evidence.get(kind)
            if name and name in self.resource_of:
                found.append({"href": f"#{self.resource_of[name]}", "description": what})
        return found

    def observation(self, scenario: ScenarioResult) -> dict:
        ident = self.uuid("observation", scenario.id)
        self.observation_of[scenario.id] = ident
        outcome = _said(scenario)
        props = [_prop("outcome", outcome), _prop("feature-file", scenario.feature_file),
                 *(_prop("requirement", rid) for rid in scenario.requirements),
                 *(_prop(name, value, class_="declared-position") for name, value in scenario.positions.items())]
        remarks = [scenario.message] if scenario.message else []
        remarks += [f"Unchecked: {detail}" for detail in scenario.unchecked]
        if scenario.evidence and not all(n in self.resource_of for n in scenario.evidence.values()):
            remarks.append(self.source.left_out or "Its browser evidence is not beside these results.")
        entry = {
            "uuid": ident, "title": _line(scenario.name),
            "description": f"Scenario of “{scenario.feature}” ({scenario.feature_file}, line {scenario.line}): "
                           f"{outcome}.",
            "props": props, "methods": ["TEST"],
            "origins": [{"actors": [{"type": "tool", "actor-uuid": self.harness}]}],
            "subjects": [{"subject-uuid": self.sut, "type": "component"}],
            "collected": self.time(scenario.started),
        }
        evidence = self.evidence(scenario)
        if evidence:
            entry["relevant-evidence"] = evidence
        if remarks:
            entry["remarks"] = "\n\n".join(remarks)
        return entry

    def finding(self, summary: RequirementSummary) -> dict:
        requirement: Requirement = summary.requirement
        state, reason, meaning = status_of(summary.outcome)
        positions = self.results.positions or {}
        props = [_prop("requirement-kind", requirement.kind), _prop("outcome", summary.outcome),
                 *(_prop("control", oscal_id(c), class_="sp800-53", remarks=f"{c} {SP800_53.get(c, '')}".strip())
                   for c in requirement.controls),
                 *(_prop(name, positions[name], class_="declared-position",
                         remarks=f"declared by {self.results.position_sources.get(name, 'the reference default')}")
                   for name in requirement.positions if name in positions)]
        description = requirement.statement
        if requirement.position:
            description += f"\n\nThe reference's reading: {requirement.position}"
        if requirement.reason:
            description += f"\n\nWhy: {requirement.reason}"
        grounds = [f"The how-to: “{quote}”" for quote in requirement.quotes]
        if requirement.basis:
            grounds.append(f"Basis: {requirement.basis}")
        unchecked = [d for s in summary.scenarios for d in s.unchecked]
        target = {"type": "objective-id", "target-id": requirement.id,
                  "title": _line(f"{requirement.id} ({requirement.kind})"),
                  "status": {"state": state, "reason": reason, "remarks": meaning}}
        if unchecked:
            target["remarks"] = "Left unchecked: " + "; ".join(unchecked)
        entry = {"uuid": self.uuid("finding", requirement.id), "title": _line(f"{requirement.id}: {requirement.statement}"),
                 "description": description, "props": props, "target": target,
                 "origins": [{"actors": [{"type": "tool", "actor-uuid": self.harness}]}]}
        related = [{"observation-uuid": self.observation_of[s.id]} for s in summary.scenarios if s.id in self.observation_of]
        if related:
            entry["related-observations"] = related
        if grounds:
            entry["remarks"] = "\n\n".join(grounds)
        return entry

    def reviewed_controls(self) -> dict:
        named = sorted({c for r in self.results.catalogue for c in r.controls}, key=oscal_id)
        selection: dict = {"description": "The NIST SP 800-53 Rev. 5 controls the catalogue's requirements serve, "
                                          "as its reviewed mapping names them: the run checks those requirements, "
                                          "not the whole of each control."}
        if named:
            selection["include-controls"] = [{"control-id": oscal_id(c)} for c in named]
        else:  # a run whose catalogue maps no control (results of older runs)
            selection["include-controls"] = [{"control-id": oscal_id(c)} for c in SP800_53]
            selection["remarks"] = "The run's catalogue names no control; these are the harness's reviewed table."
        return {"description": "Controls served by the requirements checked.",
                "links": [{"href": SP800_53_CATALOG, "rel": "reference", "media-type": "application/json",
                           "text": "NIST SP 800-53 Rev. 5 catalogue (OSCAL)"}],
                "control-selections": [selection]}

    def document(self, now: dt.datetime) -> dict:
        results, run = self.results, self.results.run
        judgement = results.judgement()
        self.back_matter()
        observations = [self.observation(s) for s in results.scenarios]
        findings = [self.finding(summary) for summary in results.requirements()]
        position_props = [_prop(name, value, class_="declared-position",
                                remarks=f"declared by {results.position_sources.get(name, 'the reference default')}")
                          for name, value in (results.positions or {}).items()]
        result = {
            "uuid": self.uuid("result"),
            "title": _line(f"Conformance run of {run.started}: {results.verdict}"),
            "description": f"The how-to's verdict: {judgement.summary()}. The security checks' verdict: "
                           f"{results.security_verdict}. Read from {self.source.description}.",
            "start": self.time(run.started), "end": self.time(run.started, run.duration),
            "props": [_prop("verdict", results.verdict), _prop("security-verdict", results.security_verdict),
                      _prop("harness-version", run.tool_version), _prop("sut", run.sut), *position_props],
            "local-definitions": {"components": self.components()},
            "reviewed-controls": self.reviewed_controls(),
            "findings": findings,
        }
        if observations:
            result["observations"] = observations
        return {
            "uuid": self.uuid("assessment-results"),
            "metadata": {
                "title": _line(f"MFA conformance of {run.system.get('driver', run.sut)} to the vendor's MFA how-to"),
                "last-modified": now.isoformat(), "version": run.tool_version,
                "oscal-version": _oscal_version(),
                "props": [_prop("harness", f"mfa-conformance {run.tool_version}")],
                "remarks": "One finding per requirement (its kind a property: documented, inferred and "
                           "interpreted make the how-to's verdict, security the security checks' own); "
                           "`not-satisfied` with reason `other` means not checked in this run.",
            },
            "import-ap": {"href": f"#{self.resource_of['catalogue']}",
                          "remarks": "There is no OSCAL assessment plan: the plan is the harness's requirement "
                                     "catalogue and feature files, identified in the back-matter by SHA-256."},
            "results": [result],
            "back-matter": {"resources": self.resources},
        }


def _trestle():
    try:
        from trestle.oscal import OSCAL_VERSION
        from trestle.oscal.assessment_results import AssessmentResults
    except ImportError as error:
        raise OscalUnavailable(f"the OSCAL export needs compliance-trestle ({error.name or error} is missing): "
                               f"pip install 'mfa-conformance[oscal]'") from None
    return AssessmentResults, OSCAL_VERSION


def _oscal_version() -> str:
    return _trestle()[1]


def assessment_results(source: Source, now: dt.datetime | None = None):
    """The run as trestle's `AssessmentResults`, validated by its models (pydantic raises otherwise)."""
    model, _ = _trestle()
    data = _Builder(source).document(now or dt.datetime.now(dt.UTC).replace(microsecond=0))
    return model.model_validate(data)
