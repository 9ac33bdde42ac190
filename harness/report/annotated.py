"""The how-to, annotated: the vendor's own text in its own order, each sentence
marked with the requirements it became and their outcome in this run.

An auditor reads the how-to, not our catalogue; this view lets them check,
sentence by sentence, that nothing the vendor wrote went unchecked. The marks
come from the catalogue the results carry (the one the run used), matched to
the how-to shipped with this installation; when the run recorded another
how-to's SHA-256, or a quote matches no sentence, the view says so instead of
guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from mfa_conformance.requirements.catalogue import HOWTO_KINDS, SECURITY
from mfa_conformance.requirements.howto import HowtoError, Listing, Sentence, account, load_listing, read_howto
from .model import OUTCOMES, RequirementSummary, Results

__all__ = ["AnnotatedSentence", "AnnotatedBlock", "AnnotatedHowto", "annotate", "howto_markup", "OUTCOME_WORDS"]

OUTCOME_WORDS = {"not run": "not checked"}
"""The view says "not checked" where the matrix says "not run": a sentence is not run, it is checked or not."""

_BOLD = re.compile(r"\*\*(.+?)\*\*")


def howto_markup(text: str) -> Markup:
    """A sentence as HTML: escaped first, then the how-to's bold markers as <strong>."""
    return Markup(_BOLD.sub(r"<strong>\1</strong>", str(escape(text))))


@dataclass
class AnnotatedSentence:
    sentence: Sentence
    by_kind: dict[str, list[RequirementSummary]]
    """Kind -> the requirements of that kind quoting the sentence (every kind present, maybe empty)."""
    not_prescribing: str | None
    outcome: str
    """The worst outcome of its requirements; "" when it became none."""

    @property
    def requirements(self) -> list[RequirementSummary]:
        return [r for kind in HOWTO_KINDS for r in self.by_kind[kind]]


@dataclass
class AnnotatedBlock:
    kind: str
    step: int | None
    sentences: list[AnnotatedSentence] = field(default_factory=list)


@dataclass
class AnnotatedHowto:
    sha256: str
    recorded: str | None
    """The how-to SHA-256 the run recorded, when it did."""
    blocks: list[AnnotatedBlock]
    elsewhere: list[RequirementSummary]
    """The how-to's requirements quoting no sentence: they rest on a standard (their basis).
    The security checks are not the how-to's, and are left out."""
    unmatched: dict[str, list[str]]
    """Requirement ID -> quotes that are no sentence of this how-to."""
    anchors: dict[str, str] = field(default_factory=dict)
    """Sentence text -> its anchor in the view, so the matrix can link each quote to it."""

    @property
    def differs_from_run(self) -> bool:
        return bool(self.recorded) and self.recorded != self.sha256

    @property
    def sentence_count(self) -> int:
        return sum(len(b.sentences) for b in self.blocks)


def _worst(outcomes: list[str]) -> str:
    return min(outcomes, key=OUTCOMES.index) if outcomes else ""


def annotate(results: Results, summaries: list[RequirementSummary]) -> AnnotatedHowto | None:
    """None when this installation has no how-to to show."""
    try:
        text = read_howto()
    except HowtoError:
        return None
    try:
        listing = load_listing()
    except HowtoError:
        listing = Listing(sha256="", not_prescribing={})
    by_id = {s.requirement.id: s for s in summaries}
    accounting = account(text, {r.id: r for r in results.catalogue}, listing)
    blocks: list[AnnotatedBlock] = []
    for entry in accounting.sentences:
        sentence = entry.sentence
        if not blocks or blocks[-1].sentences[-1].sentence.block != sentence.block:
            blocks.append(AnnotatedBlock(sentence.kind, sentence.step))
        marks = [by_id[rid] for rid in entry.requirements if rid in by_id]
        blocks[-1].sentences.append(AnnotatedSentence(
            sentence=sentence,
            by_kind={kind: [m for m in marks if m.requirement.kind == kind] for kind in HOWTO_KINDS},
            not_prescribing=entry.not_prescribing,
            outcome=_worst([m.outcome for m in marks]),
        ))
    quoted = {rid for entry in accounting.sentences for rid in entry.requirements}
    return AnnotatedHowto(
        sha256=accounting.sha256, recorded=results.run.sources.get("how-to"), blocks=blocks,
        elsewhere=[s for s in summaries if s.requirement.id not in quoted and s.requirement.id not in
                   accounting.unmatched_quotes and s.requirement.kind != SECURITY],
        unmatched=accounting.unmatched_quotes,
        anchors={entry.sentence.text: entry.sentence.anchor for entry in reversed(accounting.sentences)},
    )
