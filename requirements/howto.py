"""The vendor's how-to as numbered sentences, and the account of every one.

An auditor asks of each sentence of the how-to: which requirement did it
become, or why none? This module answers from data alone. The how-to ships
inside the package (features/mfa-setup-howto.txt); each catalogue entry quotes
the sentences it comes from; features/howto-sentences.toml lists the sentences
that prescribe no behaviour (a title, a date stamp) with the reason, and records
the SHA-256 of the how-to the catalogue was last reviewed against, so a changed
how-to fails the project's tests until someone has read it again.

How the text is split (deterministic, so a quote either is a sentence or is not):

1. Each line that is not blank is one block (the how-to writes a paragraph, a
   step or a heading on one line); blank lines, also ones holding only spaces,
   separate blocks.
2. A block starting with "N. " is step N; the marker belongs to no sentence.
3. A block that does not end in ".", "!" or "?" (closing "**", ")" or quotes
   after it allowed) is one unit: the first block is the title, one starting
   "Last Modified" or "Last Updated" is the page's date stamp, any other is a
   heading naming the section after it ("Introduction" before the first).
4. Any other block splits after ".", "!" or "?" (with any closing "**", ")" or
   quote right after it) where whitespace and then a capital letter, a digit, an
   opening "(", a quote or "**" follow; ":" never ends a sentence ("Note: If ...").
5. Runs of whitespace become one space. Everything else, bold markers `**`
   included, is kept verbatim: a quote is compared with a sentence as is.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .catalogue import CATALOGUE_PATH, FEATURES_DIR, Requirement

__all__ = ["HOWTO_PATH", "SENTENCES_PATH", "Sentence", "SentenceAccount", "Accounting", "Listing",
           "HowtoError", "split_sentences", "load_listing", "account", "sha256_of", "read_howto", "source_hashes"]

HOWTO_PATH = FEATURES_DIR / "mfa-setup-howto.txt"
SENTENCES_PATH = FEATURES_DIR / "howto-sentences.toml"

_STEP = re.compile(r"^(\d+)\.\s+")
_STAMP = re.compile(r"^Last (Modified|Updated)\b")
_CLOSERS = r"(?:\*\*|[\"')\]’”])*"
_ENDS = re.compile(r"[.!?]" + _CLOSERS + r"$")
_BREAK = re.compile(r"[.!?]" + _CLOSERS + r"(?=\s+(?:[A-Z0-9(\"'“‘]|\*\*))")


class HowtoError(Exception):
    """The how-to or its sentence listing cannot be read; one line naming the file."""


@dataclass(frozen=True)
class Sentence:
    number: int
    """1-based, in the how-to's order."""
    text: str
    block: int
    """The block (line) it belongs to: sentences of one block render as one paragraph."""
    kind: str
    """"title", "stamp", "heading", "step" or "paragraph"."""
    section: str
    """The heading above it ("Introduction" before the first heading)."""
    step: int | None
    line: int

    @property
    def anchor(self) -> str:
        return f"howto-{self.number}"

    @property
    def place(self) -> str:
        return f"{self.section}, step {self.step}" if self.step is not None else self.section


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def source_hashes(feature_files: Mapping[str, Path]) -> dict[str, str]:
    """SHA-256 of what a run checks against: the how-to, the catalogue, the sentence listing and
    each feature file (name as the results give it -> path). A file that cannot be read is left out."""
    files = {"how-to": HOWTO_PATH, "catalogue": CATALOGUE_PATH, "how-to sentences": SENTENCES_PATH, **feature_files}
    hashes = {}
    for name, path in files.items():
        try:
            hashes[name] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        except OSError:
            continue
    return hashes


def read_howto(path: Path = HOWTO_PATH) -> str:
    """The text exactly as its bytes are (no newline translation), so its SHA-256 is the file's."""
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise HowtoError(f"{path}: cannot read the how-to ({getattr(error, 'strerror', None) or error})") from None


def split_sentences(text: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    section = "Introduction"
    for block, (line_number, line) in enumerate(
            ((n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()), 1):
        line = " ".join(line.split())
        step_match = _STEP.match(line)
        step = int(step_match.group(1)) if step_match else None
        body = line[step_match.end():] if step_match else line
        if step is None and not _ENDS.search(body):
            kind = "title" if block == 1 else "stamp" if _STAMP.match(body) else "heading"
            section = body if kind == "heading" else section
            sentences.append(Sentence(len(sentences) + 1, body, block, kind, section, None, line_number))
            continue
        start = 0
        pieces = [m.end() for m in _BREAK.finditer(body)] + [len(body)]
        for end in pieces:
            piece = body[start:end].strip()
            start = end
            if piece:
                sentences.append(Sentence(len(sentences) + 1, piece, block, "step" if step is not None else "paragraph",
                                          section, step, line_number))
    return sentences


@dataclass(frozen=True)
class Listing:
    """features/howto-sentences.toml: the reviewed how-to's SHA-256 and the sentences that prescribe nothing."""

    sha256: str
    not_prescribing: dict[str, str]
    """Sentence -> why it prescribes no behaviour."""


def load_listing(path: Path = SENTENCES_PATH) -> Listing:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise HowtoError(f"{path}: {getattr(error, 'strerror', None) or error}") from None
    unknown = set(data) - {"howto", "not_prescribing"}
    howto = data.get("howto")
    if unknown or not isinstance(howto, dict) or set(howto) - {"file", "sha256"} \
            or not isinstance(howto.get("sha256"), str):
        raise HowtoError(f"{path}: expected a [howto] table with sha256, and [[not_prescribing]] entries only")
    listed: dict[str, str] = {}
    for number, entry in enumerate(data.get("not_prescribing", []), 1):
        if not isinstance(entry, dict) or set(entry) != {"sentence", "reason"} \
                or not all(isinstance(v, str) and v.strip() for v in entry.values()):
            raise HowtoError(f"{path}: not_prescribing entry {number} needs exactly a sentence and a reason, as text")
        listed[" ".join(entry["sentence"].split())] = entry["reason"].strip()
    return Listing(sha256=howto["sha256"].strip().lower(), not_prescribing=listed)


@dataclass
class SentenceAccount:
    sentence: Sentence
    requirements: list[str] = field(default_factory=list)
    """IDs of the entries quoting it, in catalogue order."""
    not_prescribing: str | None = None
    """Why it prescribes nothing, when listed so."""


@dataclass
class Accounting:
    sha256: str
    sentences: list[SentenceAccount]
    unmatched_quotes: dict[str, list[str]]
    """Requirement ID -> its quotes that are no sentence of this how-to."""
    problems: list[str]
    """Everything that keeps the account from being complete, one line each; empty when it is."""


def _closest(text: str, sentences: list[str]) -> str:
    match = difflib.get_close_matches(text, sentences, n=1, cutoff=0.6)
    return f" (closest sentence: {match[0]!r})" if match else ""


def account(text: str, catalogue: Mapping[str, Requirement], listing: Listing) -> Accounting:
    """Which requirements each sentence of `text` became, or why none; and every gap, as a problem."""
    sentences = split_sentences(text)
    accounts = [SentenceAccount(s) for s in sentences]
    by_text: dict[str, list[SentenceAccount]] = {}
    for entry in accounts:
        by_text.setdefault(entry.sentence.text, []).append(entry)
    texts = list(by_text)
    problems: list[str] = []
    unmatched: dict[str, list[str]] = {}
    for rid, requirement in catalogue.items():
        for quote in requirement.quotes:
            found = by_text.get(" ".join(quote.split()))
            if not found:
                unmatched.setdefault(rid, []).append(quote)
                problems.append(f"{rid} quotes {quote!r}, which is not a sentence of the how-to{_closest(quote, texts)}")
                continue
            for entry in found:
                if rid not in entry.requirements:
                    entry.requirements.append(rid)
    for sentence, reason in listing.not_prescribing.items():
        found = by_text.get(sentence)
        if not found:
            problems.append(f"howto-sentences.toml lists {sentence!r} as prescribing nothing, "
                            f"but it is not a sentence of the how-to{_closest(sentence, texts)}")
        for entry in found or ():
            entry.not_prescribing = reason
    for entry in accounts:
        s = entry.sentence
        if entry.requirements and entry.not_prescribing:
            problems.append(f"sentence {s.number} ({s.place}) is quoted by {', '.join(entry.requirements)} "
                            f"and also listed as prescribing nothing: {s.text!r}")
        elif not entry.requirements and not entry.not_prescribing:
            problems.append(f"sentence {s.number} ({s.place}) is neither quoted by a requirement nor listed "
                            f"as prescribing nothing: {s.text!r}")
    digest = sha256_of(text)
    if digest != listing.sha256:
        problems.append(f"the how-to's SHA-256 is {digest}, but the catalogue was reviewed against {listing.sha256}: "
                        f"review features/requirements.toml against the new text, then record the new SHA-256 "
                        f"in features/howto-sentences.toml")
    return Accounting(sha256=digest, sentences=accounts, unmatched_quotes=unmatched, problems=problems)
