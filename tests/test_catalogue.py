"""The catalogue and the feature files agree, and the features stay declarative.

A catalogue entry without a scenario, a scenario naming an unknown ID, a kind
tag that does not match the IDs' kinds, or a scenario that uses a capability
without declaring it all fail here, before any system is checked.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pytest_bdd.feature import get_features

from mfa_conformance.requirements.catalogue import (
    CAPABILITY_TAGS, FEATURES_DIR, HOWTO_KINDS, KINDS, SECURITY, CatalogueError, load_catalogue,
)
from mfa_conformance.requirements.positions import TAG_PREFIX, load_positions, position_tags

ID_TAG = re.compile(r"^[A-Z]{3}-\d{2}$")
CATALOGUE = load_catalogue()
FEATURES = get_features([str(FEATURES_DIR)])
SCENARIOS = [
    (feature, scenario, scenario.tags | feature.tags | (scenario.rule.tags if scenario.rule else set()))
    for feature in FEATURES
    for scenario in feature.scenarios.values()
]
IDS = [(f"{Path(f.filename).name}: {s.name}", tags) for f, s, tags in SCENARIOS]


def test_there_is_one_feature_file_per_capability() -> None:
    names = sorted(Path(f.filename).stem for f in FEATURES)
    assert names == sorted([
        "self_enrollment", "signing_in", "enforcing_mfa", "disabling_enforcement",
        "user_management", "lockout_and_recovery", "ip_safelist", "security",
    ])


def test_every_catalogue_entry_has_a_scenario() -> None:
    tagged = {tag for _, tags in IDS for tag in tags}
    assert sorted(set(CATALOGUE) - tagged) == []


@pytest.mark.parametrize(("scenario", "tags"), IDS, ids=[name for name, _ in IDS])
def test_scenario_tags_name_known_requirements_and_their_kinds(scenario: str, tags: set[str]) -> None:
    ids = {t for t in tags if ID_TAG.match(t)}
    assert ids, "the scenario is tagged with no requirement ID"
    assert sorted(ids - set(CATALOGUE)) == [], "unknown requirement IDs"
    assert {t for t in tags if t in KINDS} == {CATALOGUE[i].kind for i in ids}, "kind tags do not match the IDs' kinds"
    positional = {t for t in tags if t.startswith(TAG_PREFIX)}
    unknown = tags - ids - set(KINDS) - set(CAPABILITY_TAGS) - positional
    assert not unknown, f"tags that mean nothing to the harness: {sorted(unknown)}"
    named = {tag.name for tag in position_tags(positional)}  # raises for an unknown position or value
    positions = load_positions()
    assert all(ids & set(positions[name].requirements) for name in named), \
        "a position tag on a scenario of none of the requirements the position belongs to"


NOTHING_TO_CHECK = {
    ("password_reset", "none"): "the product has no password reset: SEC-15 is not applicable, and no screen is left "
                                "to check",
}
"""Alternatives that declare the product lacks what a check needs: their scenarios are the other alternative's,
not applicable under this one."""


def test_every_alternative_of_every_closed_position_has_a_scenario_of_its_own() -> None:
    """So a product taking any alternative is checked on it, not only spared ours: by a scenario of that
    alternative, or one checked with whatever is declared (`@position:NAME`)."""
    positions = load_positions()
    tagged = {(tag.name, tag.value) for _, tags in IDS for tag in position_tags(tags) if tag.op == "="}
    tagged |= {(tag.name, value) for _, tags in IDS for tag in position_tags(tags) if tag.op is None
               for value in positions[tag.name].alternatives}
    wanted = {(p.name, value) for p in positions.values() for value in p.alternatives}
    assert sorted(wanted - tagged - set(NOTHING_TO_CHECK)) == []
    assert set(NOTHING_TO_CHECK) <= wanted and not set(NOTHING_TO_CHECK) & tagged


POSITION_STEPS = {
    # a step that reads a declared position, and the position tag its scenario must carry
    "lockout_after": re.compile(r"as many wrong codes in a row as lock|one wrong code fewer"),
    "lockout_wait_minutes": re.compile(r"the lockout's waiting time"),
    "drift_steps": re.compile(r"the drift allows"),
    "safelist_refusal": re.compile(r"refused because of (?:her|his|their) address"),
}


@pytest.mark.parametrize(("feature", "scenario", "tags"), SCENARIOS, ids=[name for name, _ in IDS])
def test_scenarios_declare_the_positions_their_steps_read(feature, scenario, tags) -> None:
    contexts = [context for examples in scenario.examples for context in examples.as_contexts()] or [{}]
    texts = [step.name for context in contexts for step in scenario.render(context).steps]
    named = {tag.name for tag in position_tags(tags)}
    for name, pattern in POSITION_STEPS.items():
        if any(pattern.search(text) for text in texts):
            assert name in named, f"reads the declared {name} but is not tagged @position:{name}"


REAL_WAIT_LIMIT = 150
"""Seconds of passing time a scenario may wait on the real clock (steps/common.py); beyond it, @needs-clock."""
PASSING = re.compile(r"^(\d+) (seconds|minutes|hours) pass")
ALWAYS_THE_CLOCK = re.compile(r"^(it is \d|the lockout's waiting time|one more minute passes)")


def _needs_the_clock(text: str) -> bool:
    passing = PASSING.match(text)
    if passing:
        return int(passing.group(1)) * {"seconds": 1, "minutes": 60, "hours": 3600}[passing.group(2)] > REAL_WAIT_LIMIT
    return bool(ALWAYS_THE_CLOCK.match(text))


class _ClockSteps:
    """Setting the time of day, or more time passing than the real clock may be waited on."""

    @staticmethod
    def search(text: str) -> bool:
        return _needs_the_clock(text)


CAPABILITY_STEPS = {
    "needs-clock": _ClockSteps,
    "needs-support-console": re.compile(r"^vendor support "),
    "needs-client-address": re.compile(r" from \d|from <address>"),
    "needs-concurrent-sessions": re.compile(r" at once$"),
    "needs-session-copy": re.compile(r"\bcop(?:y|ies)\b"),
    "needs-session-identifier": re.compile(r"session identifier"),
    "needs-pages-visited": re.compile(r"^no (?:page|address)\b"),
    "needs-password-reset": re.compile(r"resets (?:her|his|their) forgotten password"),
}


def test_the_real_clock_limit_is_the_steps_own() -> None:
    from mfa_conformance.steps.common import REAL_WAIT_LIMIT as steps_limit

    assert steps_limit == REAL_WAIT_LIMIT


@pytest.mark.parametrize(("feature", "scenario", "tags"), SCENARIOS, ids=[name for name, _ in IDS])
def test_scenarios_declare_the_capabilities_their_steps_use(feature, scenario, tags) -> None:
    texts = [step.name for step in scenario.steps]
    for tag, pattern in CAPABILITY_STEPS.items():
        uses = any(pattern.search(text) for text in texts)
        assert uses == (tag in tags), f"uses the capability behind @{tag}: {uses}; tagged: {tag in tags}"


HOW_WORDS = re.compile(r"\b(click|clicks|button|press|presses|type|types|field|selector|url|page loads)\b|https?://|#\w|\b\d{6}\b",
                       re.IGNORECASE)


@pytest.mark.parametrize("path", sorted(FEATURES_DIR.glob("*.feature")), ids=lambda p: p.name)
def test_features_say_what_happens_not_how(path: Path) -> None:
    offending = [
        f"line {n}: {line.strip()}"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if not line.strip().startswith("@") and HOW_WORDS.search(line)
    ]
    assert offending == []


def test_background_holds_only_givens() -> None:
    for feature in FEATURES:
        if feature.background:
            assert {step.type for step in feature.background.steps} == {"given"}, feature.name


def test_inferred_and_interpreted_entries_give_their_reasons() -> None:
    for requirement in CATALOGUE.values():
        assert requirement.source
        if requirement.kind != "documented":
            assert requirement.reason, requirement.id
        if requirement.kind == "interpreted":
            assert requirement.position, requirement.id


def test_security_checks_are_their_own_kind_resting_on_a_standard_not_the_howto() -> None:
    security = {rid: r for rid, r in CATALOGUE.items() if r.kind == SECURITY}
    assert sorted(security) == [f"SEC-{n:02d}" for n in range(1, 16)]
    for rid, requirement in security.items():
        assert not requirement.quotes and requirement.basis and requirement.reason, rid
        assert any(standard in requirement.basis for standard in ("RFC 6238", "NIST SP 800-63B", "OWASP ASVS 5.0")), rid
    security_file = [tags for f, _, tags in SCENARIOS if Path(f.filename).name == "security.feature"]
    assert security_file and all(SECURITY in tags for tags in security_file)
    assert all(SECURITY not in tags for f, _, tags in SCENARIOS if Path(f.filename).name != "security.feature")
    assert KINDS == (*HOWTO_KINDS, SECURITY)


def test_a_security_entry_must_name_its_basis_and_quote_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "requirements.toml"
    entry = '[SEC-01]\nkind = "security"\nsource = "x"\nstatement = "y"\nreason = "r"\n'
    bad.write_text(entry, encoding="utf-8")
    with pytest.raises(CatalogueError, match="SEC-01 is a security check but names no basis"):
        load_catalogue.__wrapped__(bad)
    bad.write_text(entry + 'basis = "RFC 6238 section 5.2"\nquotes = ["A sentence."]\n', encoding="utf-8")
    with pytest.raises(CatalogueError, match="SEC-01 is a security check: it quotes no sentence"):
        load_catalogue.__wrapped__(bad)
    bad.write_text(entry + 'basis = "RFC 6238 section 5.2"\n', encoding="utf-8")
    assert load_catalogue.__wrapped__(bad)["SEC-01"].kind == SECURITY


def test_a_malformed_catalogue_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "requirements.toml"
    bad.write_text('[ENR-01]\nkind = "guessed"\nsource = "x"\nstatement = "y"\n', encoding="utf-8")
    with pytest.raises(CatalogueError, match="ENR-01 has kind 'guessed'"):
        load_catalogue.__wrapped__(bad)
    bad.write_text("[ENR-01\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="requirements.toml"):
        load_catalogue.__wrapped__(bad)
