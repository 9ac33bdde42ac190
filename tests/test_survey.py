"""`mfa-conformance survey` finds which alternative of each position a system takes.

Against the reference simulator configured with each non-default alternative
it must find exactly that one (and the reference's for every other position);
against a broken build it must say the system takes none of the allowed
alternatives; given a declaration, it must name every declared position the
system does not take. Probes needing a capability the system lacks are not
run, and say which.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mfa_conformance.driver import Capability
from mfa_conformance.driver.inprocess import InProcessSystem
from mfa_conformance.driver.provisioned import ProvisionedSystem
from mfa_conformance.requirements.positions import load_positions, read_declaration
from mfa_conformance.survey.runner import Finding, positions_file, survey

from .mutants import VARIANTS
from .positioned import ConfiguredSimulator

REPO = Path(__file__).resolve().parent.parent
POSITIONS = load_positions()
DEFAULTS = {name: p.default for name, p in POSITIONS.items()}
ALTERNATIVES = [(name, value) for name, p in POSITIONS.items()
                for value in (p.alternatives or sorted({p.range[0], p.range[1], 10, 30} & set(range(p.range[0],
                                                                                                  p.range[1] + 1))))
                if value != p.default]
"""Every non-default alternative of a closed set; for a range its ends and a value inside."""
ALL_OTHERS = {"lockout_after": 7, "lockout_wait_minutes": 30, "drift_steps": 0, "username_search": "case-insensitive",
              "self_reset": "allowed", "reset_sessions": "kept", "enforcement_sessions": "ended",
              "safelist_host_bits": "normalised", "safelist_spares_code": "yes",
              "safelist_account_holders": "exempt", "devices_per_user": "several",
              "safelist_refusal": "like-wrong-password", "password_reset": "offered"}
FOUND_BY_DEFAULT = {**DEFAULTS, "password_reset": None}
"""What the survey finds on the reference: every default but the password reset, which a system without
one offers no capability to probe (left out of the file, so the default)."""


def found(findings: list[Finding]) -> dict[str, object]:
    return {f.position: f.value for f in findings}


def test_the_reference_simulator_takes_every_default() -> None:
    findings = survey(InProcessSystem())
    assert found(findings) == FOUND_BY_DEFAULT
    assert not any(f.failed for f in findings)
    reset = next(f for f in findings if f.position == "password_reset")
    assert not reset.probed and "lacks the capability 'password-reset'" in reset.evidence


@pytest.mark.parametrize(("name", "value"), [a for a in ALTERNATIVES if a[1] in (1, 100, 1440) or a[0] not in
                                             ("lockout_after", "lockout_wait_minutes")] + [("lockout_after", 10)],
                         ids=lambda v: str(v))
def test_the_survey_finds_each_configured_alternative_exactly(name: str, value: object) -> None:
    findings = survey(ConfiguredSimulator({name: value}))
    assert found(findings) == {**FOUND_BY_DEFAULT, name: value}
    assert not any(f.failed for f in findings), [f.evidence for f in findings if f.failed]


@pytest.mark.parametrize("limit", [1, 5, 10])
def test_a_lock_shown_at_the_next_attempt_is_found_where_it_locked(limit: int) -> None:
    """The how-to does not say which answer announces the lock: the limit is where the right code stops working."""
    findings = survey(ConfiguredSimulator({"lockout_after": limit}, {"lock_shown_next": True}))
    assert found(findings)["lockout_after"] == limit
    assert not any(f.failed for f in findings), [f.evidence for f in findings if f.failed]


def test_the_survey_finds_every_other_position_at_once() -> None:
    assert found(survey(ConfiguredSimulator(ALL_OTHERS))) == ALL_OTHERS


def test_a_declaration_the_behaviour_contradicts_fails_by_name() -> None:
    findings = survey(ConfiguredSimulator({"lockout_after": 10}), {"lockout_after": 5, "self_reset": "refused"})
    failed = {f.position: f for f in findings if f.failed}
    assert list(failed) == ["lockout_after"]
    assert failed["lockout_after"].contradicts and failed["lockout_after"].value == 10


@pytest.mark.parametrize(("variant", "position", "evidence"), [
    ("no_lockout", "lockout_after", "100 wrong codes in a row did not lock code entry"),
    ("drift_window_three_steps", "drift_steps", "-2: accepted"),
    ("second_device_allowed", "devices_per_user", "offered a second device, then refused it"),
    ("safelist_saves_the_valid_part", "safelist_host_bits", "was saved"),
    ("statuses_omit_account_holders", None, None),
])
def test_a_broken_build_takes_none_of_the_allowed_alternatives(variant: str, position: str | None,
                                                               evidence: str | None) -> None:
    findings = {f.position: f for f in survey(VARIANTS[variant].factory())}
    if position is None:  # a fault outside every position: the survey finds nothing to say about it
        assert not any(f.failed for f in findings.values())
        return
    assert findings[position].takes_none, findings[position]
    assert evidence in findings[position].evidence


def test_a_password_reset_declared_as_none_is_found_and_fails_by_name() -> None:
    """A run cannot tell a password reset the product does not declare (SEC-15 is then not applicable):
    the survey can, and the declaration fails."""
    findings = {f.position: f for f in survey(ConfiguredSimulator({"password_reset": "offered"}),
                                              {"password_reset": "none"})}
    assert findings["password_reset"].contradicts and findings["password_reset"].value == "offered"


def test_a_safelist_answer_like_a_wrong_password_in_other_words_takes_neither_alternative() -> None:
    variant = VARIANTS["safelist_answer_worded_apart"]
    system = variant.factory()
    system.adopt_positions(variant.under)
    finding = next(f for f in survey(system) if f.position == "safelist_refusal")
    assert finding.takes_none and "her own password was answered" in finding.evidence, finding


def test_variants_that_read_the_how_to_differently_are_found_taking_that_alternative() -> None:
    assert found(survey(VARIANTS["lockout_after_ten"].factory()))["lockout_after"] == 10
    assert found(survey(VARIANTS["search_ignores_case"].factory()))["username_search"] == "case-insensitive"
    assert found(survey(VARIANTS["reset_keeps_sessions"].factory()))["reset_sessions"] == "kept"


def test_without_seeding_or_a_capability_a_probe_is_not_run_and_says_why() -> None:
    unseeded = survey(ProvisionedSystem())
    assert all(not f.probed and "lacks the capability 'seeding'" in f.evidence for f in unseeded)

    class NoAddresses(InProcessSystem):
        capabilities = frozenset(Capability) - {Capability.CLIENT_ADDRESS, Capability.PASSWORD_RESET}

    findings = {f.position: f for f in survey(NoAddresses())}
    assert {p for p, f in findings.items() if not f.probed} == {"safelist_spares_code", "safelist_account_holders",
                                                                 "safelist_refusal", "password_reset"}
    assert "lacks the capability 'client-address'" in findings["safelist_spares_code"].evidence
    text = positions_file(list(findings.values()), "no addresses")
    assert "safelist_spares_code =" not in text and "Left out: safelist_spares_code" in text


def test_the_command_writes_a_file_a_run_then_declares_and_is_conformant(tmp_path: Path) -> None:
    declared = tmp_path / "configured.toml"
    declared.write_text("[positions]\nlockout_after = 10\nself_reset = \"allowed\"\nreset_sessions = \"kept\"\n"
                        "safelist_host_bits = \"normalised\"\n", encoding="utf-8")
    output = tmp_path / "found.toml"
    done = subprocess.run([sys.executable, "-m", "mfa_conformance.cli", "survey", "--positions", str(declared),
                           "--output", str(output)], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert ("positions found: lockout_after = 10, self_reset = allowed, reset_sessions = kept, "
            "safelist_host_bits = normalised") in done.stdout
    found_defaults = {name: value for name, value in FOUND_BY_DEFAULT.items() if value is not None}
    assert read_declaration(output) == {**found_defaults, "lockout_after": 10, "self_reset": "allowed",
                                        "reset_sessions": "kept", "safelist_host_bits": "normalised"}
    run = subprocess.run([sys.executable, "-m", "mfa_conformance.cli", "run", "--positions", str(output),
                          "--report-dir", str(tmp_path / "reports")], cwd=REPO, capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stdout[-3000:]
    assert "verdict: CONFORMANT" in run.stdout


def test_a_bad_declaration_is_one_line_and_exit_4_as_under_run(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[positions]\nlockout_after = 0\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "mfa_conformance.cli", "survey", "--positions", str(bad)],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 4 and done.stderr.strip().count("\n") == 0
    assert "lockout_after = 0 is outside its range, 1 to 100" in done.stderr
