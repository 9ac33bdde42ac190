"""Each alternative reading the simulator can take (simulator.options), against the reference's.

Every declarable position (features/positions.toml) needs a working reference,
so the suite's scenarios of that alternative can be shown to pass on a correct
system; these tests pin down what each option changes, and that the default is
the catalogue's reading.
"""

from __future__ import annotations

import pytest

from mfa_conformance.simulator import Options, Stage, errors

from .world import PASSWORD, build_world


def test_the_default_options_are_the_catalogues_readings() -> None:
    assert Options() == Options(wrong_code_limit=5, lock_shown_next=False, lockout_wait=0.0, drift_steps=1, search_ignores_case=False,
                                self_reset=False, reset_ends_sessions=True, enforcement_ends_sessions=False,
                                safelist_normalises=False, safelist_spares_code=False,
                                safelist_exempts_holders=False, several_devices=False,
                                safelist_like_wrong_password=False, password_reset=False,
                                password_reset_signs_out=False)


def test_a_lock_shown_at_the_next_attempt_answers_the_locking_code_as_wrong() -> None:
    world = build_world(options=Options(wrong_code_limit=3, lock_shown_next=True))
    phone = world.enrolled("erin")
    token, _ = world.sign_in("erin")
    for _ in range(3):
        with pytest.raises(errors.CodeRejected):
            world.sim.submit_code(token, world.wrong_code(phone))
    with pytest.raises(errors.MfaLocked):
        world.sim.submit_code(token, phone.code())
    with pytest.raises(errors.MfaLocked):
        world.sign_in("erin")


@pytest.mark.parametrize("limit", [1, 3, 10])
def test_code_entry_locks_at_the_configured_wrong_code(limit: int) -> None:
    world = build_world(options=Options(wrong_code_limit=limit))
    phone = world.enrolled("erin")
    token, _ = world.sign_in("erin")
    for _ in range(limit - 1):
        with pytest.raises(errors.CodeRejected):
            world.sim.submit_code(token, world.wrong_code(phone))
    with pytest.raises(errors.MfaLocked):
        world.sim.submit_code(token, world.wrong_code(phone))
    with pytest.raises(errors.MfaLocked):
        world.sign_in("erin")


def test_with_a_wait_code_entry_unlocks_by_itself_and_the_count_starts_again() -> None:
    world = build_world(options=Options(lockout_wait=15 * 60))
    phone = world.enrolled("erin")

    def lock() -> None:
        token, _ = world.sign_in("erin")
        for _ in range(4):
            with pytest.raises(errors.CodeRejected):
                world.sim.submit_code(token, world.wrong_code(phone))
        with pytest.raises(errors.MfaLocked):
            world.sim.submit_code(token, world.wrong_code(phone))

    lock()
    world.clock.advance(15 * 60 - 1)
    with pytest.raises(errors.MfaLocked):
        world.sign_in("erin")
    world.clock.advance(1)
    lock()  # five more wrong codes, not one, lock it again
    world.clock.advance(15 * 60)
    world.sign_in_fully("erin", phone)


def test_without_a_wait_only_a_reset_unlocks() -> None:
    world = build_world()
    phone = world.enrolled("erin")
    token, _ = world.sign_in("erin")
    for _ in range(5):
        with pytest.raises((errors.CodeRejected, errors.MfaLocked)):
            world.sim.submit_code(token, world.wrong_code(phone))
    world.clock.advance(30 * 24 * 3600)
    with pytest.raises(errors.MfaLocked):
        world.sign_in("erin")


@pytest.mark.parametrize(("drift", "offset", "accepted"), [
    (0, -1, False), (0, 0, True), (0, 1, False), (1, -1, True), (1, 1, True), (1, 2, False)])
def test_the_drift_window_is_configured(drift: int, offset: int, accepted: bool) -> None:
    world = build_world(options=Options(drift_steps=drift))
    phone = world.enrolled("erin")
    world.clock.advance(300)
    token, _ = world.sign_in("erin")
    if accepted:
        assert world.sim.submit_code(token, phone.code(offset)) is Stage.SIGNED_IN
    else:
        with pytest.raises(errors.CodeRejected):
            world.sim.submit_code(token, phone.code(offset))


def test_with_no_drift_the_setup_code_must_be_current() -> None:
    world = build_world(options=Options(drift_steps=0))
    token, _ = world.sign_in("erin")
    screen = world.sim.begin_enrollment(token)
    from mfa_conformance.simulator import totp

    with pytest.raises(errors.CodeRejected):
        world.sim.save_device(token, totp.code_at(screen.manual_key, world.clock.step - 1), "phone")
    world.sim.save_device(token, totp.code_at(screen.manual_key, world.clock.step), "phone")


def test_the_search_may_ignore_letter_case_but_never_finds_part_of_a_name() -> None:
    for ignores in (False, True):
        world = build_world(options=Options(search_ignores_case=ignores))
        token = world.sign_in_fully("dana")
        assert (world.sim.find_user(token, "ERIN") is not None) is ignores
        assert world.sim.find_user(token, "eri") is None
        assert world.sim.find_user(token, "LUCY") is None  # another practice's user, in any case


def test_a_holder_may_reset_herself_when_the_options_allow_it() -> None:
    world = build_world(options=Options(self_reset=True))
    phone = world.enrolled("dana")
    token = world.sign_in_fully("dana", phone)
    world.sim.reset_mfa(token, "dana")
    assert world.sign_in("dana")[1] is Stage.SIGNED_IN
    refusing = build_world()
    token = refusing.sign_in_fully("dana", refusing.enrolled("dana"))
    with pytest.raises(errors.SelfResetRefused):
        refusing.sim.reset_mfa(token, "dana")


@pytest.mark.parametrize("ends", [True, False])
def test_a_reset_ends_the_users_sessions_or_keeps_them(ends: bool) -> None:
    world = build_world(options=Options(reset_ends_sessions=ends))
    session = world.sign_in_fully("erin", world.enrolled("erin"))
    halfway, _ = world.sign_in("erin")  # waiting for a code: no device is left to give one after the reset
    world.sim.reset_mfa(world.sign_in_fully("dana"), "erin")
    with pytest.raises(errors.SessionEnded):
        world.sim.stage(halfway)
    if ends:
        with pytest.raises(errors.SessionEnded):
            world.sim.enter_application(session)
    else:
        world.sim.enter_application(session)
    assert world.sim.find_user(world.sign_in_fully("dana"), "erin").enrolled is False


@pytest.mark.parametrize("ends", [True, False])
def test_enforcing_ends_the_other_users_sessions_or_keeps_them(ends: bool) -> None:
    world = build_world(options=Options(enforcement_ends_sessions=ends))
    erin, other_practice = world.sign_in_fully("erin"), world.sign_in_fully("lucy")
    dana = world.sign_in_fully("dana")
    world.sim.set_enforcement(dana, True)
    world.sim.enter_application(dana)
    world.sim.enter_application(other_practice)
    if ends:
        with pytest.raises(errors.SessionEnded):
            world.sim.enter_application(erin)
    else:
        world.sim.enter_application(erin)
    world.sim.set_enforcement(dana, True)  # already on: nobody else is signed out again
    assert world.sign_in("erin")[1] is Stage.SETUP_REQUIRED


def test_a_range_with_host_bits_is_refused_or_saved_as_its_network() -> None:
    world = build_world()
    with pytest.raises(errors.InvalidSafelistEntry, match="10.0.0.1/24"):
        world.sim.set_safelist(world.sign_in_fully("dana"), ["10.0.0.1/24"])
    world = build_world(options=Options(safelist_normalises=True))
    token = world.sign_in_fully("dana")
    world.sim.set_safelist(token, ["198.51.100.0/24", "10.0.0.1/24"])
    assert world.sim.safelist(token) == ("198.51.100.0/24", "10.0.0.0/24")
    with pytest.raises(errors.InvalidSafelistEntry, match="office network"):
        world.sim.set_safelist(token, ["office network"])


def test_a_safelisted_address_may_spare_the_code_but_only_on_a_safelist() -> None:
    world = build_world(options=Options(safelist_spares_code=True))
    world.enrolled("erin")
    assert world.sign_in("erin", address="203.0.113.25")[1] is Stage.CODE_REQUIRED  # no safelist yet
    world.sim.set_safelist(world.sign_in_fully("dana"), ["203.0.113.0/24"])
    assert world.sign_in("erin", address="203.0.113.25")[1] is Stage.SIGNED_IN
    with pytest.raises(errors.AddressNotAllowed):
        world.sign_in("erin", address="198.51.100.7")


def test_the_safelist_may_exempt_account_holders_but_binds_everyone_else() -> None:
    world = build_world(options=Options(safelist_exempts_holders=True))
    world.sim.set_safelist(world.sign_in_fully("dana"), ["203.0.113.0/24"])
    assert world.sign_in("dana", address="198.51.100.7")[1] is Stage.SIGNED_IN
    with pytest.raises(errors.AddressNotAllowed):
        world.sign_in("erin", address="198.51.100.7")
    assert world.sim.sign_in("dana", PASSWORD, address="203.0.113.9")[1] is Stage.SIGNED_IN


def test_several_devices_each_sign_in_and_a_reset_removes_them_all() -> None:
    world = build_world(options=Options(several_devices=True))
    phone = world.enrolled("erin", "phone")
    token = world.sign_in_fully("erin", phone)
    tablet = world.enroll(token, "tablet")
    assert world.sim.mfa_status(token).device_name == "phone, tablet"
    world.sim.sign_out(token)
    world.fresh_step()
    for device in (tablet, phone):
        token, stage = world.sign_in("erin")
        assert stage is Stage.CODE_REQUIRED
        assert world.sim.submit_code(token, device.code()) is Stage.SIGNED_IN
    world.sim.reset_mfa(world.sign_in_fully("dana"), "erin")
    assert world.sign_in("erin")[1] is Stage.SIGNED_IN
    one = build_world()
    token = one.sign_in_fully("erin", one.enrolled("erin"))
    with pytest.raises(errors.AlreadyEnrolled):
        one.sim.begin_enrollment(token)


def test_outside_the_safelist_any_password_may_be_answered_and_counted_as_a_wrong_one() -> None:
    from mfa_conformance.simulator.guessing import PASSWORD_GUESS_LIMIT

    world = build_world(options=Options(safelist_like_wrong_password=True))
    world.sim.set_safelist(world.sign_in_fully("dana"), ["203.0.113.0/24"])
    answers = []
    for password in ("not her password", PASSWORD):
        with pytest.raises(errors.WrongCredentials) as refusal:
            world.sim.sign_in("erin", password, address="198.51.100.7")
        answers.append(str(refusal.value))
    assert answers[0] == answers[1]
    for n in range(PASSWORD_GUESS_LIMIT - 2):  # her own password counted as one of the guesses
        with pytest.raises(errors.WrongCredentials):
            world.sim.sign_in("erin", f"guess {n}", address="198.51.100.7")
    with pytest.raises(errors.WrongCredentials):  # ten in all lock the username, inside the safelist too
        world.sign_in("erin", address="203.0.113.25")
    named = build_world()
    named.sim.set_safelist(named.sign_in_fully("dana"), ["203.0.113.0/24"])
    with pytest.raises(errors.AddressNotAllowed):
        named.sign_in("erin", address="198.51.100.7")


def test_a_password_reset_is_offered_only_where_the_options_say_and_ends_at_the_code_prompt() -> None:
    with pytest.raises(NotImplementedError):
        build_world().sim.reset_password("erin", "a new password")
    world = build_world(options=Options(password_reset=True))
    phone = world.enrolled("erin")
    signed_in = world.sign_in_fully("erin", phone)
    token, stage = world.sim.reset_password("erin", "a new password")
    assert stage is Stage.CODE_REQUIRED
    with pytest.raises(errors.SessionEnded):  # a change of a factor ends her sessions
        world.sim.enter_application(signed_in)
    with pytest.raises(errors.WrongCredentials):
        world.sign_in("erin")  # the old password no longer signs in
    world.fresh_step()
    assert world.sim.submit_code(token, phone.code()) is Stage.SIGNED_IN
    signs_out = build_world(options=Options(password_reset=True, password_reset_signs_out=True))
    signs_out.enrolled("erin")
    assert signs_out.sim.reset_password("erin", "a new password") is None
    assert signs_out.sim.sign_in("erin", "a new password")[1] is Stage.CODE_REQUIRED
