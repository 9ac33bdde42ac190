"""The repetitions of each scenario (`run --repeat N`) settled into one outcome,
and the scenarios that were not stable.

Every output lists a scenario once, as a run without --repeat does. A stable
scenario keeps its outcome. A **flaky** one, whose outcome changed between
repetitions, counts with its worst: failed if it failed in any repetition,
otherwise skipped (it could not start, say) — never passed, so a run with a flaky
scenario is never conformant. Each flaky scenario is listed apart, with what
every repetition did, so a vendor sees which outcome was not stable and why.

The console and the report writer settle the same way, each from what it
collected, so the lines printed and the files written agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

from ..outcome import ScenarioOutcome, ScenarioRecord
from ..repetition import scenario_id
from .collect import Collected, redact
from .model import ID_TAG, FlakyScenario, Repetition
from .verdict import NOT_APPLICABLE

__all__ = ["WORST_FIRST", "settle", "from_collected", "from_console", "repetition_label", "flaky_lines"]

T = TypeVar("T")

WORST_FIRST = ("failed", "expected failure", "skipped", "not applicable", "passed")
"""Which repetition's outcome a scenario takes: for stability, a pass is the weakest evidence."""


def _rank(repetition: Repetition) -> int:
    return WORST_FIRST.index(repetition.outcome) if repetition.outcome in WORST_FIRST else 0


def settle(entries: Mapping[str, T], read: Callable[[str, T], tuple[ScenarioRecord | None, Repetition]]
           ) -> tuple[dict[str, T], list[FlakyScenario]]:
    """One entry per scenario, under the id it has without --repeat (the worst repetition's),
    and the flaky scenarios. `entries`: node id -> what was collected of that test;
    `read` gives its scenario record and what the repetition did."""
    groups: dict[str, list[tuple[Repetition, T, ScenarioRecord]]] = {}
    settled: dict[str, T] = {}
    for nodeid, entry in entries.items():
        record, repetition = read(nodeid, entry)
        if record is None or not record.repetition:
            settled[nodeid] = entry  # a run without --repeat: nothing to settle
            continue
        base = scenario_id(nodeid)
        settled.setdefault(base, entry)  # keeps the scenarios in the order they were first seen
        groups.setdefault(base, []).append((repetition, entry, record))
    flaky = []
    for base, runs in groups.items():
        runs.sort(key=lambda run: run[0].number)
        worst, settled[base], record = min(runs, key=lambda run: _rank(run[0]))
        if len({repetition.said for repetition, _, _ in runs}) > 1:
            flaky.append((record, FlakyScenario(
                id=base, feature=record.feature, name=record.title,
                requirements=[tag for tag in record.tags if ID_TAG.match(tag)], outcome=worst.outcome,
                repetitions=[repetition for repetition, _, _ in runs])))
    flaky.sort(key=lambda pair: (pair[0].feature_file, pair[0].line, pair[0].example or 0, pair[1].id))
    return settled, [scenario for _, scenario in flaky]


def _number(record: ScenarioRecord | None) -> int:
    repetition = record.repetition if record is not None else None
    return int(repetition["number"]) if repetition else 1


def from_collected(nodeid: str, seen: Collected) -> tuple[ScenarioRecord | None, Repetition]:
    """`settle`'s reader for the report writer's ScenarioCollector."""
    record = seen.record
    outcome = ("expected failure" if seen.xfail and seen.did == "failed"
               else NOT_APPLICABLE if seen.did == "skipped" and record is not None and record.position_skip
               else seen.did)
    return record, Repetition(number=_number(record), outcome=outcome, message=seen.message, where=seen.where,
                                   evidence=dict(seen.evidence), id=nodeid)


def from_console(nodeid: str, outcome: ScenarioOutcome) -> tuple[ScenarioRecord, Repetition]:
    """`settle`'s reader for the console's outcomes."""
    return outcome.record, Repetition(number=_number(outcome.record), outcome=outcome.outcome, message=outcome.message,
                                      evidence=dict(outcome.evidence or {}), id=nodeid)


def repetition_label(record: ScenarioRecord) -> str:
    """" (repeat 2 of 3)" after a repetition's name as it finishes; nothing without --repeat."""
    repetition = record.repetition
    return f" (repeat {repetition['number']} of {repetition['of']})" if repetition else ""


def _first_line(message: str) -> str:
    return redact(next((line.strip() for line in message.splitlines() if line.strip()), ""))


def flaky_lines(flaky: Iterable[FlakyScenario], reproduce: Callable[[str], str]) -> list[str]:
    """The console's section on the flaky scenarios: each with its outcome per repetition, the first
    line of each different message (a failure, or why it could not start), and how to run it again."""
    flaky = list(flaky)
    if not flaky:
        return []
    lines = [f"{len(flaky)} scenario{'s' if len(flaky) != 1 else ''} flaky: the outcome changed between "
             f"repetitions (each counted in the verdict with its worst outcome):"]
    for scenario in flaky:
        tags = "".join(f" @{requirement}" for requirement in scenario.requirements)
        lines += ["", f"≈ {scenario.feature}: {scenario.name}{' ' + tags if tags else ''}",
                  f"    {'outcomes:':<13}{scenario.outcomes}"]
        said: dict[str, list[int]] = {}
        for repetition in scenario.repetitions:
            if repetition.outcome != "passed" and (line := _first_line(repetition.message)):
                said.setdefault(f"{repetition.said}: {line}" if repetition.said != "could not start" else line,
                                []).append(repetition.number)
        for line, numbers in said.items():
            label = f"repeat {', '.join(map(str, numbers))}:"
            lines.append(f"    {label:<13}{line}")
        lines.append(f"    {'reproduce:':<13}{reproduce(scenario.name)}")
    return lines
