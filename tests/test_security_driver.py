"""The in-process driver's powers for the security checks: codes sent at once,
a copy of a session, the session's identifier renewed with each step of
signing in, and every screen the simulator answered. The pre-provisioned
system offers the same."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from mfa_conformance.people.authenticator import AuthenticatorApp
from mfa_conformance.driver import Capability, Page, Stage, errors
from mfa_conformance.driver.inprocess import InProcessSystem
from mfa_conformance.driver.provisioned import ProvisionedSystem

PASSWORD = "a password of the test's own"
SECURITY_CAPABILITIES = {Capability.CONCURRENT_SESSIONS, Capability.SESSION_COPY, Capability.SESSION_IDENTIFIER,
                         Capability.PAGES_VISITED}


@pytest.fixture
def system() -> InProcessSystem:
    system = InProcessSystem()
    system.start_scenario("test")
    system.set_time(datetime(2024, 5, 30, 9, 0, 5, tzinfo=timezone.utc))
    system.create_practice("Riverside")
    system.create_user("Riverside", "erin", PASSWORD)
    yield system
    system.finish_scenario(False)


def _phone(system: InProcessSystem) -> AuthenticatorApp:
    return AuthenticatorApp(now=system.now, wait_until=lambda when: system.advance(when - system.now()), latency=0.05)


def _enrolled(system: InProcessSystem) -> AuthenticatorApp:
    phone = _phone(system)
    session = system.sign_in("erin", PASSWORD)
    phone.scan(session.open_mfa_configuration().qr_png)
    session.save_device(phone.current_code(), "phone")
    session.sign_out()
    return phone


def test_both_in_process_systems_offer_every_security_capability() -> None:
    assert SECURITY_CAPABILITIES <= InProcessSystem().capabilities
    assert SECURITY_CAPABILITIES <= ProvisionedSystem().capabilities


def test_the_identifier_changes_when_the_code_is_accepted_and_a_copy_from_before_ends(system) -> None:
    phone = _enrolled(system)
    session = system.sign_in("erin", PASSWORD)
    before, copy = session.identifier(), session.copy()
    assert copy.identifier() == before
    assert session.submit_code(phone.current_code()) is Stage.SIGNED_IN
    assert session.identifier() != before
    session.enter_application()
    with pytest.raises(errors.SessionEnded):
        copy.enter_application()


def test_a_copy_is_the_same_session_until_it_ends(system) -> None:
    session = system.sign_in("erin", PASSWORD)
    copy = session.copy()
    copy.enter_application()
    session.sign_out()
    with pytest.raises(errors.SessionEnded):
        copy.enter_application()


def test_codes_at_once_give_one_answer_each_in_order(system) -> None:
    phone = _enrolled(system)
    sessions = [system.sign_in("erin", PASSWORD) for _ in range(4)]
    code = phone.current_code()
    answers = system.submit_codes_at_once([(s, code) for s in sessions])
    assert len(answers) == 4 and answers.count(Stage.SIGNED_IN) == 1
    assert sum(isinstance(a, errors.CodeRejected) for a in answers) == 3
    [winner] = [s for s, a in zip(sessions, answers) if a is Stage.SIGNED_IN]
    winner.enter_application()


def test_every_answer_of_the_simulator_is_a_page_and_the_key_is_on_the_enrollment_screen(system) -> None:
    session = system.sign_in("erin", PASSWORD)
    phone = _phone(system)
    phone.scan(session.open_mfa_configuration().qr_png)
    key = phone.key()
    pages = system.pages_visited()
    assert [p.address for p in pages] == ["simulator.sign_in", "simulator.begin_enrollment"]
    assert key.appears_in(pages[-1].content), "the key for manual entry is part of the enrollment screen"
    assert not key.appears_in(repr(pages[-1]))
    with pytest.raises(errors.DeviceNameRequired):
        session.save_device(phone.current_code(), "")
    assert system.pages_visited()[-1] == Page("simulator.save_device", str(errors.DeviceNameRequired()) and
                                              "Name your device.")
    system.start_scenario("next")
    assert system.pages_visited() == []


@pytest.mark.parametrize("spelled", [
    "{k}", "{lower}", "key: {grouped}", "<b>{half1}</b><i>{half2}</i>", "?secret={k}%3D%3D", "{entity}",
    "otpauth%3A%2F%2Ftotp%2Fx%3Fsecret%3D{k}",
])
def test_the_key_is_found_however_a_page_spells_it(system, spelled: str) -> None:
    phone = _phone(system)
    session = system.sign_in("erin", PASSWORD)
    phone.scan(session.open_mfa_configuration().qr_png)
    key = phone.key()
    [screen] = [p for p in system.pages_visited() if p.address == "simulator.begin_enrollment"]
    secret = next(word for word in screen.content.split() if len(word) == 32 and key.appears_in(word))
    def spell(k: str) -> str:
        return spelled.format(k=k, lower=k.lower(), grouped=" ".join(k[i:i + 4] for i in range(0, 32, 4)),
                              half1=k[:16], half2=k[16:], entity="".join(f"&#{ord(c)};" for c in k))

    assert key.appears_in(spell(secret))
    other = secret[:5] + ("A" if secret[5] != "A" else "B") + secret[6:]
    assert not key.appears_in(spell(other))


@pytest.mark.parametrize("make", [InProcessSystem, ProvisionedSystem], ids=["in-process", "provisioned"])
def test_vendor_support_is_shown_the_user_it_finds_before_the_reset(make) -> None:
    """As on the web console: a search, then the reset; the search's answer is a page (SEC-13 reads it)."""
    system = make()
    system.start_scenario("test")
    try:
        username = "erin"
        if Capability.SEEDING in system.capabilities:
            system.create_practice("Riverside")
            system.create_user("Riverside", username, PASSWORD)
        else:
            account = system.persona("Erin", practice=system.profile_practice("Riverside Clinic", mfa_available=True))
            assert account is not None
            username = account.username
        system.support_reset_mfa(username)
        assert [p.address for p in system.pages_visited()][-2:] == ["simulator.support_find_user",
                                                                   "simulator.support_reset_mfa"]
        assert username in system.pages_visited()[-2].content
        with pytest.raises(errors.UnknownUser):
            system.support_reset_mfa("nobody-at-all")
    finally:
        system.finish_scenario(False)
