"""Every sentence of the vendor's how-to is accounted for, and every quote is really in it.

Fails when a catalogue entry quotes text that is no sentence of the how-to, when
a sentence is neither quoted nor listed as prescribing nothing, when the copy
shipped in the package differs from the vendor's (../shared/spec), or when the
how-to changed since the catalogue was last reviewed (its SHA-256 differs from
the one recorded in features/howto-sentences.toml).
"""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest

from mfa_conformance.requirements.catalogue import CatalogueError, load_catalogue
from mfa_conformance.requirements.howto import (
    HOWTO_PATH,
    SENTENCES_PATH,
    HowtoError,
    Listing,
    account,
    load_listing,
    read_howto,
    sha256_of,
    split_sentences,
)

REPO = Path(__file__).resolve().parent.parent
VENDOR_COPY = REPO.parent / "shared" / "spec" / "mfa-setup-howto.txt"
CATALOGUE = load_catalogue()
HOWTO = read_howto()
LISTING = load_listing()
ADDED = "Codes expire after ten minutes."


def test_the_catalogue_accounts_for_every_sentence_of_the_howto() -> None:
    accounting = account(HOWTO, CATALOGUE, LISTING)
    assert accounting.problems == []
    assert len(accounting.sentences) == 37
    assert all(entry.requirements or entry.not_prescribing for entry in accounting.sentences)


def test_every_documented_entry_quotes_the_howto_and_every_other_rests_on_something() -> None:
    for requirement in CATALOGUE.values():
        if requirement.kind == "documented":
            assert requirement.quotes, requirement.id
        assert requirement.quotes or requirement.basis, requirement.id
    assert CATALOGUE["SGN-05"].basis.startswith("RFC 6238 section 5.2")


@pytest.mark.skipif(not VENDOR_COPY.is_file(), reason=f"the vendor's how-to is not beside the repository "
                    f"({VENDOR_COPY} is absent, as in an installed copy of the harness): nothing to compare with")
def test_the_shipped_copy_is_the_vendors_howto() -> None:
    assert HOWTO_PATH.read_bytes() == VENDOR_COPY.read_bytes()


def test_the_shipped_copy_is_package_data() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    data = config["package-data"]["mfa_conformance.features"]
    assert HOWTO_PATH.name in data and SENTENCES_PATH.name in data
    assert sha256_of(HOWTO) == LISTING.sha256


def with_sentence_added(text: str) -> str:
    anchor = "Click **Save** when finished."
    assert anchor in text
    return text.replace(anchor, f"{anchor} {ADDED}")


def test_one_sentence_added_to_the_howto_fails_the_account() -> None:
    changed = with_sentence_added(HOWTO)
    problems = account(changed, CATALOGUE, LISTING).problems
    [unaccounted] = [p for p in problems if "neither quoted" in p]
    assert unaccounted == (f"sentence 14 (General User Setup, step 3) is neither quoted by a requirement nor "
                           f"listed as prescribing nothing: {ADDED!r}")
    [changed_text] = [p for p in problems if "SHA-256" in p]
    assert sha256_of(changed) in changed_text and LISTING.sha256 in changed_text


def test_a_changed_howto_fails_until_the_catalogue_is_reviewed() -> None:
    changed = HOWTO.replace("full and exact username", "full username")
    problems = account(changed, CATALOGUE, LISTING).problems
    assert any("MGT-04 quotes" in p and "closest sentence: \"You must use the user's full username" in p
               for p in problems)
    assert any(p.startswith("the how-to's SHA-256 is") for p in problems)
    # Reviewed: the new sentence is accounted for and the new SHA-256 recorded.
    added = with_sentence_added(HOWTO)
    reviewed = Listing(sha256=sha256_of(added), not_prescribing={**LISTING.not_prescribing, ADDED: "for the test"})
    assert account(added, CATALOGUE, reviewed).problems == []


def test_a_quote_that_is_not_in_the_howto_is_named() -> None:
    misquoted = dataclasses.replace(CATALOGUE["ENR-04"], quotes=("Click Save when finished.",))
    problems = account(HOWTO, {**CATALOGUE, "ENR-04": misquoted}, LISTING).problems
    assert problems == ["ENR-04 quotes 'Click Save when finished.', which is not a sentence of the how-to "
                        "(closest sentence: 'Click **Save** when finished.')",
                        "sentence 13 (General User Setup, step 3) is neither quoted by a requirement nor listed "
                        "as prescribing nothing: 'Click **Save** when finished.'"]


def test_a_part_of_a_sentence_is_not_a_quote() -> None:
    partial = dataclasses.replace(CATALOGUE["MGT-03"], quotes=("Here you can select or search",))
    problems = account(HOWTO, {**CATALOGUE, "MGT-03": partial}, LISTING).problems
    assert [p.split(",")[0] for p in problems] == ["MGT-03 quotes 'Here you can select or search'",
                                                   "sentence 31 (MFA User Management"]


def test_a_sentence_both_quoted_and_listed_is_a_contradiction() -> None:
    listing = Listing(LISTING.sha256, {**LISTING.not_prescribing, "Here you can select or search for a user.": "x"})
    [problem] = account(HOWTO, CATALOGUE, listing).problems
    assert problem.startswith("sentence 31 (MFA User Management, step 2) is quoted by MGT-03 and also listed")


def test_splitting_follows_the_documented_rules() -> None:
    text = ("A Title (Here)\n\n \nLast Modified on 01/02/2024\n\nFirst one. Second one.\n"
            "Section\n1. Go and select **Security.**\n\n2. Note: a colon ends nothing.  Click the **Save** button.\n"
            "3. It is **ALL** of them! Is it? (Yes.) Then **Bold** starts one.")
    sentences = split_sentences(text)
    assert [(s.kind, s.step, s.section, s.text) for s in sentences] == [
        ("title", None, "Introduction", "A Title (Here)"),
        ("stamp", None, "Introduction", "Last Modified on 01/02/2024"),
        ("paragraph", None, "Introduction", "First one."),
        ("paragraph", None, "Introduction", "Second one."),
        ("heading", None, "Section", "Section"),
        ("step", 1, "Section", "Go and select **Security.**"),
        ("step", 2, "Section", "Note: a colon ends nothing."),
        ("step", 2, "Section", "Click the **Save** button."),
        ("step", 3, "Section", "It is **ALL** of them!"),
        ("step", 3, "Section", "Is it?"),
        ("step", 3, "Section", "(Yes.)"),
        ("step", 3, "Section", "Then **Bold** starts one."),
    ]
    assert [s.number for s in sentences] == list(range(1, 13))
    assert split_sentences(text) == sentences
    assert split_sentences(text.replace("\n", "\r\n")) == sentences


def test_the_loaders_refuse_what_they_cannot_account_for(tmp_path: Path) -> None:
    catalogue = tmp_path / "requirements.toml"
    entry = '[ENR-01]\nkind = "{kind}"\nsource = "x"\nstatement = "y"\nreason = "r"\nposition = "p"\n'
    for kind, extra, complaint in [
        ("documented", "", "ENR-01 is documented but quotes no sentence of the how-to"),
        ("inferred", "", "ENR-01 is inferred but quotes nothing and names no basis"),
        ("inferred", 'quotes = "One sentence."\n', "quotes must be a list"),
        ("interpreted", 'basis = ""\n', "basis must name a clause"),
    ]:
        catalogue.write_text(entry.format(kind=kind) + extra, encoding="utf-8")
        with pytest.raises(CatalogueError, match=complaint):
            load_catalogue.__wrapped__(catalogue)
    catalogue.write_text(entry.format(kind="inferred") + 'basis = "RFC 6238 section 5.2"\n', encoding="utf-8")
    assert load_catalogue.__wrapped__(catalogue)["ENR-01"].basis == "RFC 6238 section 5.2"
    listing = tmp_path / "howto-sentences.toml"
    listing.write_text('[howto]\nsha256 = "ab"\n[[not_prescribing]]\nsentence = "Title"\n', encoding="utf-8")
    with pytest.raises(HowtoError, match="entry 1 needs exactly a sentence and a reason"):
        load_listing(listing)
    with pytest.raises(HowtoError, match="cannot read the how-to"):
        read_howto(tmp_path / "missing.txt")
