"""A shrunk failing sequence, written as a feature file the suite runs as it is.

The scenario uses only step phrases of `steps/` (the explorer recorded every
action in them), is tagged with the requirement IDs the failed prediction rests
on, their kinds and the capabilities it needs, so that

    mfa-conformance run --features <file> --sut <the same system>

replays it and fails at the same check, and passes against a system that
follows the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from mfa_conformance.requirements.catalogue import load_catalogue

from .actors import CAST
from .machine import START_OF_DAY
from .trace import Discrepancy, Line, Trace

__all__ = ["Counterexample", "counterexample_from", "sequence_from", "render_feature", "write_feature", "FEATURE_NAME"]

FEATURE_NAME = "counterexample.feature"


@dataclass(frozen=True)
class Counterexample:
    """The shrunk sequence: its step lines (the failing check last) and what it rests on."""

    lines: tuple[Line, ...]
    steps: int
    """Rules of the exploration it took (the setup of the cast not counted)."""
    message: str
    rests_on: frozenset[str]
    capabilities: frozenset[str]

    @property
    def when_steps(self) -> int:
        """Gherkin `When` steps it takes (a self-enrollment is one action but two steps: scan, save)."""
        return sum(1 for line in self.lines if line.keyword == "When")


def counterexample_from(trace: Trace, failure: Discrepancy) -> Counterexample:
    during = failure.during
    lines: list[Line] = []
    capabilities = set(trace.capabilities)
    for step in trace.steps:
        capabilities |= step.capabilities
        if step is during:
            lines += [line for act in step.acts for line in act.lines]
        else:
            lines += step.lines
    lines += failure.failing
    return Counterexample(lines=tuple(lines), steps=len(trace.steps), message=failure.message,
                          rests_on=failure.rests_on, capabilities=frozenset(capabilities))


def sequence_from(trace: Trace) -> Counterexample:
    """A whole sequence that passed, as a scenario (to check that the suite replays what the explorer did)."""
    lines: list[Line] = []
    capabilities = set(trace.capabilities)
    rests_on: set[str] = set()
    for step in trace.steps:
        capabilities |= step.capabilities
        lines += step.lines
        rests_on |= {rid for act in step.acts for rid in act.rests_on}
    return Counterexample(lines=tuple(lines), steps=len(trace.steps), message="every prediction held",
                          rests_on=frozenset(rests_on), capabilities=frozenset(capabilities))


def _mentioned(lines: tuple[Line, ...]) -> list[str]:
    text = "\n".join(line.text + "\n" + "\n".join(" ".join(row) for row in line.table) for line in lines)
    return [name for name, _, _ in CAST if re.search(rf"\b{name}\b", text)]


def _tags(example: Counterexample) -> list[str]:
    catalogue = load_catalogue()
    ids = sorted(rid for rid in example.rests_on if rid in catalogue)
    kinds = sorted({catalogue[rid].kind for rid in ids})
    return [*ids, *kinds, *sorted(example.capabilities)]


def _step_lines(lines: tuple[Line, ...]) -> list[str]:
    out: list[str] = []
    previous = None
    for line in lines:
        if line.note:
            out.append(f"    # {line.note}")
        keyword = "And" if line.keyword == previous else line.keyword
        previous = line.keyword
        out.append(f"    {keyword} {line.text}")
        widths = [max(len(row[i]) for row in line.table) for i in range(len(line.table[0]))] if line.table else []
        for row in line.table:
            out.append("      | " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths)) + " |")
    return out


def _title(example: Counterexample) -> str:
    """The check that fails, and how far into the sequence."""
    last = example.lines[-1].text if example.lines else "the system answers"
    return f"{last[0].upper()}{last[1:]}, after {example.steps} documented actions"


COUNTEREXAMPLE_ABOUT = ("A sequence of documented actions, found at random and shrunk, after which the",
                        "system under test did not do what the model of the how-to predicted:")


def render_feature(example: Counterexample, *, sut: str, seed: int, title: str | None = None, options: str = "",
                   name: str = "Exploration counterexample", about: tuple[str, ...] = COUNTEREXAMPLE_ABOUT,
                   comments: tuple[str, ...] = ()) -> str:
    """The counterexample as a feature file; `options` (e.g. --positions FILE) go in its commands,
    `about` and the message in its description, `comments` above it."""
    people = _mentioned(example.lines)
    if "Dana" not in people:
        people.insert(0, "Dana")
    texts = ["it is {:02d}:{:02d}:{:02d} UTC".format(*START_OF_DAY)] if "needs-clock" in example.capabilities else []
    practices = dict.fromkeys(practice for name, practice, _ in CAST if name in people)
    texts += [f"{practice} is a practice where MFA is available" for practice in practices]
    texts += [f"{name} is {'the account holder' if holder else 'a user'} of {practice}"
              for name, practice, holder in CAST if name in people]
    background = [f"{'Given' if i == 0 else 'And'} {text}" for i, text in enumerate(texts)]
    message = " ".join(example.message.split())
    out = [
        f"# Found by: mfa-conformance explore --sut {sut} --seed {seed}{options}",
        f"# Replay:   mfa-conformance run --features <this file> --sut {sut}{options}",
        *(f"# {comment}" for comment in comments),
        f"Feature: {name}",
        *(f"  {line}" for line in about),
        f"  {message}",
        "",
        "  Background:",
        *(f"    {line}" for line in background),
        "",
        "  " + " ".join(f"@{tag}" for tag in _tags(example)),
        f"  Scenario: {title or _title(example)}",
        *_step_lines(example.lines),
        "",
    ]
    return "\n".join(out)


def write_feature(example: Counterexample, report_dir: Path, *, sut: str, seed: int, options: str = "") -> Path:
    report_dir.mkdir(parents=True, exist_ok=True)
    path = report_dir / FEATURE_NAME
    path.write_text(render_feature(example, sut=sut, seed=seed, options=options), encoding="utf-8")
    return path
