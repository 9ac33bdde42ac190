"""Before a scenario's first action on a system without seeding, bring its
accounts and practices to where its Given steps start (see baseline.py); after
it, remember what it left.

Order matters: practices first (clearing enforcement may need the holder to
sign in, and under enforcement that means setting up MFA), then account holders
(only vendor support resets them), then users (their holder resets them).
"""

from __future__ import annotations

import pytest

from mfa_conformance.driver import Capability, Feature, Stage, SystemUnderTest
from mfa_conformance.driver import errors as refused
from mfa_conformance.people.authenticator import AuthenticatorApp
from mfa_conformance.people.introductions import is_introduction

from .baseline import (
    WAITED_FOR_PROPERTY, WAITED_PROPERTY, WAITS_PROPERTY, Ledger, Standing, Unreachable, probe, skip_unreachable,
    support_reset, touches_practice, wanted_enrolled,
)
from .cast import Cast, Persona

__all__ = ["settle", "record", "ledger", "took", "ActionMisbehaved", "WAITED_PROPERTY", "COULD_NOT_START", "LEDGER", "FAILED"]


"""The worker and each wait's start and length, for the benchmark and the overlap test."""
COULD_NOT_START = pytest.StashKey[str]()
"""Why a scenario could not reach its starting state: its preparation, or a Given step, failed.
Such a scenario is no failure of its requirements (the plugin reports it skipped, saying so);
what the product lacks (FeatureAbsent) is the exception: a requirement needing it fails."""
FAILED = pytest.StashKey[bool]()
"""Set by the harness's plugin on a scenario's item when its call failed, for what ends the scenario."""
LEDGER = pytest.StashKey[Ledger]()
"""The worker's ledger, on the item of each scenario that used it (for its report's waits)."""


@pytest.fixture(scope="session")
def ledger(pytestconfig: pytest.Config) -> Ledger:
    """What the harness knows of each account, for the whole run of this worker."""
    made = Ledger()
    reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")
    capture = pytestconfig.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None and not hasattr(pytestconfig, "workerinput"):
        def announce(text: str) -> None:
            with capture.global_and_fixture_disabled():
                reporter.write_line(f"      … {text}", cyan=True)

        made.announce = announce
    return made


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """Tell the console and the reports how long the scenario waited on the real clock."""
    report = yield
    ledger = item.stash.get(LEDGER, None)
    if report.when == "call" and ledger is not None and ledger.waited >= 1:
        report.user_properties.append((WAITED_PROPERTY, round(ledger.waited)))
        report.user_properties.append((WAITED_FOR_PROPERTY, "; ".join(ledger.waited_for)))
        report.user_properties.append((WAITS_PROPERTY, {"worker": getattr(item.config, "workerinput", {}).get("workerid", "gw0"),
                                                        "waits": [list(w) for w in ledger.waits]}))
    return report


def pytest_bdd_before_step(request: pytest.FixtureRequest, feature, scenario, step, step_func) -> None:
    """Settle the cast just before the first step that is not an introduction."""
    if "cast" not in request.fixturenames or (is_introduction(step.name) and step.type == "given"):
        return
    cast: Cast = request.getfixturevalue("cast")
    cast.steps_run.append(step.name)
    if cast.settled or not cast.unsettled():
        return
    givens = [s.name for s in scenario.steps if s.type == "given"]
    try:
        settle(cast, wanted_enrolled(givens))
    except Unreachable as error:
        cast.aborted = True
        skip_unreachable(error)
    except (AssertionError, refused.Refused, refused.ServerError, LookupError) as error:
        if not _a_finding_here(error, scenario):
            request.node.stash[COULD_NOT_START] = f"preparing the accounts for it: {_said(error)}"
        raise


def pytest_bdd_step_error(request: pytest.FixtureRequest, feature, scenario, step, step_func, step_func_args,
                          exception: Exception) -> None:
    """A Given step that fails leaves the scenario short of its starting state."""
    if step.type == "given" and not _a_finding_here(exception, scenario) and COULD_NOT_START not in request.node.stash:
        request.node.stash[COULD_NOT_START] = f"{step.keyword} {step.name}: {_said(exception)}"


def _a_finding_here(error: BaseException, scenario) -> bool:
    """Whether the error is this scenario's finding, not a start it could not make: what the product lacks,
    or a documented action of this scenario's own requirement misbehaving."""
    return isinstance(error, refused.FeatureAbsent) or (
        isinstance(error, ActionMisbehaved) and error.requirement in {t.lstrip("@") for t in scenario.tags})


def _said(error: BaseException) -> str:
    """The error in the product's or the domain's words: a refusal's own line, else the message."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return f"{type(error).__name__}: {text}" if isinstance(error, refused.Refused) else text


def _adoptable(standing: Standing) -> bool:
    phone = standing.phone
    return bool(standing.enrolled and phone is not None and len(phone.accounts) == 1)


def settle(cast: Cast, enrolled: set[str]) -> None:
    """Bring the cast's newly introduced practices and personas to their starting
    state through documented actions (a scenario may introduce some after its
    Background has already acted)."""
    ledger = cast.ledger
    practices, people = cast.unsettled()
    cast.settle_done(practices, people)
    for persona in people:  # learn what the ledger does not know, spending no code
        _known(cast, persona)
    for real in practices:
        if real not in ledger.clean_practices:
            _clear_practice(cast, real)
    holders = [p for p in people if p.account.account_holder]
    users = [p for p in people if not p.account.account_holder]
    for persona in holders + users:
        standing = ledger.standing(persona.account.username)
        # Only the device the scenario's Given would have set up, under the name it gives, and with no wrong
        # code counted since a right one: anything else the scenario might check would be another's leftovers.
        keep = persona.name in enrolled and _adoptable(standing) and standing.device_name == persona.phone_name
        if standing.enrolled and not keep:
            _reset(cast, persona)
            _without_device(standing)
            persona.was_reset()  # else a forced setup earlier in this preparation would be recorded as kept
        if keep:
            assert standing.phone is not None
            persona.phone, persona.enrolled_with, persona.adopted = standing.phone, standing.phone, True
            persona.device_name = standing.device_name
        else:
            persona.phone = cast.new_phone()
    for persona in people:
        persona.sign_out()


def _known(cast: Cast, persona: Persona) -> Standing:
    """The account's standing, looked up by its password alone when the ledger does not know it."""
    standing = cast.ledger.standing(persona.account.username)
    if standing.enrolled is None:
        state = probe(cast.system, persona.account.username, persona.account.password)
        standing.enrolled = state != "no device"
        if state == "locked" or (state == "code required" and not _holds_key(standing.phone)):
            standing.phone = None  # enrolled with a key the harness does not hold, or locked
    return standing


def _holds_key(phone: AuthenticatorApp | None) -> bool:
    return phone is not None and len(phone.accounts) == 1


def _signed_in_holder(cast: Cast, practice: str) -> Persona:
    holder = cast.holder_of(practice, off_stage=True)
    standing = _known(cast, holder)
    if standing.enrolled and standing.phone is not None:
        holder.phone = standing.phone
    elif standing.enrolled:
        support_reset(cast.system, holder.name, holder.account.username)
        took(cast, holder, "vendor support's reset", "REC-05")
        standing.enrolled, standing.phone = False, None
    try:
        holder.ensure_signed_in()
    except refused.Refused as error:
        raise Unreachable(f"{holder.name} ({holder.account.username}) cannot sign in to prepare the scenario: "
                          f"{type(error).__name__}: {error}") from None
    if holder.enrolled_with is not None:  # she had to set up MFA under enforcement
        standing.enrolled, standing.phone, standing.device_name = True, holder.enrolled_with, holder.device_name
    return holder


def _clear_practice(cast: Cast, practice: str) -> None:
    if {Feature.ENFORCEMENT, Feature.SAFELIST} <= cast.system.lacks:
        cast.ledger.clean_practices.add(practice)  # nothing of the practice's to clear
        return
    try:
        holder = _signed_in_holder(cast, practice)
    except AssertionError:  # the scenario names no account holder of this practice: nothing to clear with
        return
    session = holder.session
    assert session is not None
    try:
        clear_settings(cast.system, session)
    except refused.MfaNotAvailable:
        pass
    holder.sign_out()
    cast.ledger.clean_practices.add(practice)


def clear_settings(system: SystemUnderTest, session) -> None:
    """Enforcement off and an empty safelist, touching neither where the product lacks it."""
    if Feature.ENFORCEMENT not in system.lacks and session.enforcement():
        session.set_enforcement(False)
    if Feature.SAFELIST not in system.lacks and session.safelist():
        session.set_safelist([])


def _reset(cast: Cast, persona: Persona) -> None:
    """Reset the account's MFA, and see that the reset took: a reset that leaves the device is the
    product breaking the reset's own requirement, said as such (not a fault of this scenario's).
    One reset a visit: resetting several users in one signed-in visit measured no faster. (It was once
    blamed for a user left enrolled on django-two-factor-auth's stock admin; the cause was the admin's
    delete answering 500, "database is locked", read then as done: now a ServerError, never a reset.)"""
    account = persona.account
    if account.account_holder:
        support_reset(cast.system, persona.name, account.username)
        who, requirement = "vendor support's reset", "REC-05"
    else:
        holder = _signed_in_holder(cast, persona.practice)
        assert holder.session is not None
        try:
            holder.session.reset_mfa(account.username)
        except refused.Refused as error:
            raise Unreachable(f"{holder.name} cannot reset {persona.name}'s MFA to prepare the scenario: "
                              f"{type(error).__name__}: {error}") from None
        holder.sign_out()
        who, requirement = f"{holder.name}'s Reset MFA", "MGT-05"
    took(cast, persona, who, requirement)


def _without_device(standing: Standing) -> None:
    standing.enrolled, standing.phone, standing.device_name = False, None, None


def took(cast: Cast, persona: Persona, who: str, requirement: str) -> None:
    """The reset left the account without a device, as its requirement says; else ActionMisbehaved."""
    if probe(cast.system, persona.account.username, persona.account.password) != "no device":
        them = {"her": "her", "his": "him"}.get(persona.possessive, "them")
        raise ActionMisbehaved(requirement, f"{who} left {persona.name} enrolled: the product still asks "
                                            f"{them} for a code ({requirement})")


class ActionMisbehaved(AssertionError):
    """A documented action used to prepare a scenario did not do what its own requirement says.
    The scenarios of that requirement fail on it; every other scenario could not start."""

    def __init__(self, requirement: str, message: str) -> None:
        super().__init__(message)
        self.requirement = requirement


def record(cast: Cast, failed: bool) -> None:
    """After a scenario: what it left each account and practice in, as far as the harness knows."""
    if Capability.SEEDING in cast.system.capabilities or cast.aborted:
        return
    ledger = cast.ledger
    if failed or touches_practice(cast.steps_run):
        for real in cast.practices.values():
            ledger.clean_practices.discard(real)
        _restore_practices(cast)
    for persona in cast.settled_people:  # one introduced and never prepared was never touched either
        standing = ledger.standing(persona.account.username)
        if failed or persona.uncertain:  # perhaps locked, or part-way: only a reset makes it known again
            standing.enrolled, standing.phone = None, None
        else:
            standing.enrolled, standing.phone = persona.enrolled_with is not None, persona.enrolled_with
        standing.device_name = persona.device_name if persona.enrolled_with is not None else None


def _restore_practices(cast: Cast) -> None:
    """Switch enforcement off and empty the safelist with a holder session still
    open: a safelist that shuts out the harness's own address must not outlive
    the scenario, and clearing enforcement later would force the holder to set up MFA."""
    for persona in cast.people:
        session = persona.session
        if not persona.account.account_holder or session is None:
            continue
        try:
            if session.stage is not Stage.SIGNED_IN:
                continue
            clear_settings(cast.system, session)
        except (refused.Refused, AssertionError):
            continue
        cast.ledger.clean_practices.add(persona.practice)
