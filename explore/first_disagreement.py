"""The first disagreement between the system and the model, recorded as it happened.

Recorded the moment a check fails, while the system still shows it, before anything
replays or shrinks it: the sequence so far in the suite's own steps, when each act
came (seconds since the sequence began, and which 30-second time step since the
start), what the model predicted and what the system did, and a screenshot when the
driver offers one. A system that does not do the same twice (the real clock, shared
staging data) may not repeat it when replayed; it is a finding all the same, reported
as seen once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from mfa_conformance.driver import Capability, SystemUnderTest

from .gherkin import Counterexample, counterexample_from, render_feature
from .model_state import PERIOD, time_step
from .recording import Recording
from .trace import Discrepancy, Line, Trace

__all__ = ["FirstDisagreement", "Moment", "Witness", "recorded_as_seen", "sides", "FEATURE_NAME", "EVIDENCE_FOLDER"]

FEATURE_NAME = "first-disagreement.feature"
EVIDENCE_FOLDER = "first-disagreement"
SHOWN_LINES = 16
"""Lines of the sequence the console shows; the feature file holds them all."""

_PREDICTED_THEN_SEEN = re.compile(r"the model predicted (?P<predicted>.+?), the system (?P<observed>.+)\Z", re.S)
_SEEN_THEN_PREDICTED = re.compile(r"\A(?P<observed>.+), the model predicted (?P<predicted>.+)\Z", re.S)


def sides(failure: Discrepancy) -> tuple[str, str]:
    """(what the model predicted, what the system did), read back from the check's own wording:
    "…: the model predicted P, the system S" or "S, the model predicted P". A check worded
    otherwise gives its failing step as the prediction and the whole message as what happened."""
    message = " ".join(failure.message.split())
    if found := _PREDICTED_THEN_SEEN.search(message):
        return found["predicted"], found["observed"]
    if found := _SEEN_THEN_PREDICTED.search(message):
        return found["predicted"], found["observed"]
    expected = "; ".join(f"{line.keyword} {line.text}" for line in failure.failing)
    return expected or "what the how-to describes", message


@dataclass(frozen=True)
class Moment:
    """When an act came: seconds since its sequence began, and where that falls among time steps."""

    at: float
    time_step: int
    """Time steps since the one the sequence began in."""
    into_step: float
    """Seconds into that time step."""

    @classmethod
    def of(cls, started: float, at: float) -> Moment:
        when = started + at
        return cls(at=at, time_step=time_step(when) - time_step(started), into_step=when % PERIOD)

    def __str__(self) -> str:
        return f"{self.at:.1f} s in: time step {self.time_step} of the sequence, {self.into_step:.1f} s into it"


@dataclass
class FirstDisagreement:
    """The sequence as it happened, up to the check that failed, and what became of it."""

    sequence: Counterexample
    """Its lines carry, as notes, when each act came."""
    timeline: tuple[tuple[Moment, tuple[Line, ...]], ...]
    predicted: str
    observed: str
    seen_after: tuple[int, float]
    """(sequences explored, seconds) when it was seen."""
    evidence: dict[str, Path] = field(default_factory=dict)
    evidence_note: str | None = None
    """Why there is no screenshot, when there is none."""
    feature: Path | None = None
    reproduced: bool | None = None
    """None until replayed."""
    replay: str | None = None
    """What the replay showed, in a sentence."""

    def summary(self) -> dict[str, object]:
        """Its part of exploration.json."""
        return {
            "seen_after": {"examples": self.seen_after[0], "seconds": round(self.seen_after[1], 3)},
            "message": self.sequence.message, "predicted": self.predicted, "observed": self.observed,
            "rests_on": sorted(self.sequence.rests_on), "actions": self.sequence.steps,
            "sequence": [{"at": round(moment.at, 3), "time_step": moment.time_step,
                          "into_step": round(moment.into_step, 3),
                          "steps": [_written(line) for line in lines]}
                         for moment, lines in self.timeline],
            "reproduced": self.reproduced, "replay": self.replay,
            "feature": str(self.feature) if self.feature else None,
            "evidence": {kind: str(path) for kind, path in self.evidence.items()} or None,
            "evidence_note": self.evidence_note,
        }

    def console_lines(self) -> list[str]:
        """What the console says of it: both outcomes, the sequence (its end, if long), where it is recorded."""
        examples, seconds = self.seen_after
        lines = [f"  {' '.join(self.sequence.message.split())}",
                 f"  the model predicted: {self.predicted}",
                 f"  the system did:      {self.observed}",
                 f"  the sequence as it happened (sequence {examples}, {seconds:.1f} s into the exploration), "
                 f"{self.sequence.steps} actions:"]
        shown = self.sequence.lines[-SHOWN_LINES:]
        if len(shown) < len(self.sequence.lines):
            lines.append(f"    … {len(self.sequence.lines) - len(shown)} earlier lines in the recording")
        for line in shown:
            lines.append(f"    {line.keyword} {line.text}")
            lines += ["      | " + " | ".join(row) + " |" for row in line.table]
        if self.replay:
            lines.append(f"  {self.replay}")
        if self.feature is not None:
            lines.append(f"  recorded: {self.feature}")
        lines += [f"  {kind}: {path}" for kind, path in self.evidence.items()]
        if self.evidence_note:
            lines.append(f"  {self.evidence_note}")
        return lines


def _written(line: Line) -> str:
    return "\n".join([f"{line.keyword} {line.text}", *("| " + " | ".join(row) + " |" for row in line.table)])


def recorded_as_seen(trace: Trace, failure: Discrepancy, seen_after: tuple[int, float]) -> FirstDisagreement:
    """The sequence of `trace` up to `failure`, each act's lines noted with when it came."""
    groups: list[tuple[float, list[Line]]] = []
    for step in trace.steps:
        if step is failure.during:
            groups += [(act.at, act.lines) for act in step.acts]
        else:
            groups.append((step.acts[0].at if step.acts else step.call.at, step.lines))
    if groups:  # the failing check, with the act it checks
        groups[-1] = (groups[-1][0], [*groups[-1][1], *failure.failing])
    elif failure.failing:
        groups.append((0.0, list(failure.failing)))
    timeline = tuple((Moment.of(trace.started, at), tuple(lines)) for at, lines in groups if lines)
    noted: list[Line] = []
    said = None
    for moment, lines in timeline:  # a note where the time moved on by a second or more
        shown = str(moment) if said is None or moment.at - said >= 1.0 else ""
        said = moment.at if shown else said
        noted += [replace(line, note=shown if i == 0 else "") for i, line in enumerate(lines)]
    sequence = replace(counterexample_from(trace, failure), lines=tuple(noted))
    predicted, observed = sides(failure)
    return FirstDisagreement(sequence=sequence, timeline=timeline, predicted=predicted, observed=observed,
                             seen_after=seen_after)


def _capture_evidence(system: SystemUnderTest, folder: Path) -> tuple[dict[str, Path], str | None]:
    """The driver's screenshot (and trace) of where the system stands now, when it offers one.

    The driver interface names no evidence hook; the browser driver offers
    `capture_evidence(folder)`, which the suite's report uses too."""
    capture = getattr(system, "capture_evidence", None)
    if not callable(capture):
        return {}, f"no screenshot: {system.name} offers none"
    try:
        written = dict(capture(folder))
    except Exception as error:  # noqa: BLE001 - evidence is a courtesy: the finding stands without it
        return {}, f"no screenshot: taking it failed ({type(error).__name__}: {error})"
    return written, None if written else "no screenshot: the system showed no page to take"


class Witness:
    """Told of the first disagreement as it happens (`Observer`): records it, takes the
    evidence, writes it to the report folder and says so, all before any replay."""

    def __init__(self, system: SystemUnderTest, *, report_dir: Path | None, sut: str, seed: int, options: str = "",
                 say: Callable[[str], None] = lambda line: None) -> None:
        self._system = system
        self._report_dir = report_dir
        self._sut, self._seed, self._options = sut, seed, options
        self._say = say
        self.record: FirstDisagreement | None = None
        self.found: Recording | None = None
        """The machine that saw it, whose rule calls a replay repeats."""

    def __call__(self, machine: Recording, failure: Discrepancy, seen_after: tuple[int, float]) -> None:
        record = recorded_as_seen(machine.trace, failure, seen_after)
        self.record, self.found = record, machine
        if self._report_dir is not None:
            record.evidence, record.evidence_note = _capture_evidence(self._system, self._report_dir / EVIDENCE_FOLDER)
            self.write()
        examples, seconds = seen_after
        self._say(f"a disagreement, in sequence {examples}, {seconds:.1f} s into the exploration: "
                  f"{' '.join(failure.message.split())}")
        real_clock = Capability.CLOCK not in self._system.capabilities
        self._say(f"  recorded{f' in {record.feature}' if record.feature else ''}; replaying it"
                  + (" in the time steps it had (on the real clock: a wait of up to 30 s first)" if real_clock else ""))

    def write(self) -> None:
        """(Re)write the recording's feature file, with what the replay showed once it is known."""
        record = self.record
        if record is None or self._report_dir is None:
            return
        self._report_dir.mkdir(parents=True, exist_ok=True)
        path = self._report_dir / FEATURE_NAME
        examples, seconds = record.seen_after
        last = record.sequence.lines[-1].text if record.sequence.lines else "the system answers"
        comments = (f"Seen in sequence {examples}, {seconds:.1f} s into the exploration, recorded before any replay.",
                    f"The model predicted: {record.predicted}",
                    f"The system did:      {record.observed}",
                    f"Outcome: {record.replay or 'not replayed yet'}")
        about = ("A sequence of documented actions as it happened (not shrunk), at the end of which the",
                 "system under test first did not do what the model of the how-to predicted:")
        path.write_text(render_feature(record.sequence, sut=self._sut, seed=self._seed, options=self._options,
                                       name="First disagreement seen while exploring", about=about,
                                       comments=comments,
                                       title=f"{last[0].upper()}{last[1:]}, as first seen after "
                                             f"{record.sequence.steps} documented actions"),
                        encoding="utf-8")
        record.feature = path
