"""Unit tests of the reference simulator, on a clock the test moves by hand.

Each documented action is checked for what it does, and each named refusal for
being raised and for changing nothing (the one exception, by design: a wrong
sign-in code counts towards the lockout).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mfa_conformance.people.authenticator import AuthenticatorApp, KeyUri, QrCodeReader
from mfa_conformance.simulator import ISSUER, SUGGESTED_APPS, Simulator, Stage, errors, totp
from mfa_conformance.simulator.base import WRONG_CODE_LIMIT
from mfa_conformance.simulator.safelist import allows, parse_safelist

from .world import PASSWORD, Clock, World, build_world, changes, snapshot


@pytest.fixture
def world() -> World:
    return build_world()


# ── Sign-in stages ───────────────────────────────────────────────────────────


class TestSigningIn:
    def test_a_user_without_mfa_is_signed_in_by_the_password(self, world: World) -> None:
        token, stage = world.sign_in("erin")
        assert stage is Stage.SIGNED_IN
        world.sim.enter_application(token)

    def test_an_enrolled_user_is_asked_for_a_code(self, world: World) -> None:
        phone = world.enrolled("erin")
        token, stage = world.sign_in("erin")
        assert stage is Stage.CODE_REQUIRED
        with pytest.raises(errors.CodeRequired):
            world.sim.enter_application(token)
        world.fresh_step()
        assert world.sim.submit_code(token, phone.code()) is Stage.SIGNED_IN
        world.sim.enter_application(token)

    def test_the_code_is_asked_at_every_sign_in(self, world: World) -> None:
        phone = world.enrolled("erin")
        world.sim.sign_out(world.sign_in_fully("erin", phone))
        assert world.sign_in("erin")[1] is Stage.CODE_REQUIRED

    def test_under_enforcement_a_user_without_a_device_must_set_one_up(self, world: World) -> None:
        world.sim.set_enforcement(world.sign_in_fully("dana"), True)
        token, stage = world.sign_in("erin")
        assert stage is Stage.SETUP_REQUIRED
        for refused_action in (world.sim.enter_application, world.sim.mfa_status):
            with pytest.raises(errors.SetupRequired):
                refused_action(token)
        world.enroll(token)
        assert world.sim.stage(token) is Stage.SIGNED_IN
        world.sim.enter_application(token)

    def test_enforcement_without_mfa_available_asks_nothing(self) -> None:
        # Unreachable through set_enforcement (refused); a restored state may hold it.
        world = build_world()
        world.sim.state.practices["Hillside"].enforced = True
        assert world.sign_in("gail")[1] is Stage.SIGNED_IN

    def test_a_code_for_a_signed_in_session_changes_nothing(self, world: World) -> None:
        token = world.sign_in_fully("erin")
        before = snapshot(world.sim.state)
        assert world.sim.submit_code(token, "000000") is Stage.SIGNED_IN
        assert changes(before, world.sim.state) == []

    def test_unknown_user_and_wrong_password_are_told_apart_by_nothing(self, world: World) -> None:
        with pytest.raises(errors.WrongCredentials) as unknown:
            world.sim.sign_in("nobody", PASSWORD)
        with pytest.raises(errors.WrongCredentials) as wrong:
            world.sim.sign_in("erin", PASSWORD + "!")
        assert str(unknown.value) == str(wrong.value)

    def test_the_username_is_exact(self, world: World) -> None:
        with pytest.raises(errors.WrongCredentials):
            world.sim.sign_in("Erin", PASSWORD)

    def test_sign_out_ends_the_session(self, world: World) -> None:
        token = world.sign_in_fully("erin")
        world.sim.sign_out(token)
        for action in (world.sim.stage, world.sim.enter_application, world.sim.sign_out):
            with pytest.raises(errors.SessionEnded):
                action(token)

    def test_sessions_are_independent(self, world: World) -> None:
        first = world.sign_in_fully("erin")
        second = world.sign_in_fully("erin")
        assert first != second
        world.sim.sign_out(first)
        world.sim.enter_application(second)

    @pytest.mark.parametrize(("offset", "accepted"), [(-3, False), (-2, False), (-1, True), (0, True), (1, True),
                                                      (2, False), (3, False)])
    def test_the_sign_in_code_has_one_step_of_drift(self, world: World, offset: int, accepted: bool) -> None:
        phone = world.enrolled("erin")
        world.clock.advance(10 * totp.PERIOD)
        token, _ = world.sign_in("erin")
        code = phone.code(offset)
        if accepted:
            assert world.sim.submit_code(token, code) is Stage.SIGNED_IN
        elif code not in phone.window_codes():  # one chance in 300,000 that a far step shares a near step's code
            with pytest.raises(errors.CodeRejected):
                world.sim.submit_code(token, code)

    def test_a_colleagues_code_does_not_sign_in(self, world: World) -> None:
        erin = world.enrolled("erin")
        frank = world.enrolled("frank")
        world.fresh_step()
        token, _ = world.sign_in("erin")
        if frank.code() not in erin.window_codes():  # one chance in 300,000 of a shared code
            with pytest.raises(errors.CodeRejected):
                world.sim.submit_code(token, frank.code())

    def test_a_used_enrollment_code_does_not_also_sign_in(self, world: World) -> None:
        token, _ = world.sign_in("erin")
        screen = world.sim.begin_enrollment(token)
        code = totp.code_at(screen.manual_key, world.clock.step)
        world.sim.save_device(token, code, "phone")
        world.sim.sign_out(token)
        token, _ = world.sign_in("erin")
        with pytest.raises(errors.CodeRejected):
            world.sim.submit_code(token, code)


# ── Self-enrollment ──────────────────────────────────────────────────────────


class TestEnrollment:
    def test_the_screen_suggests_apps_and_shows_a_key_uri_qr_code(self, world: World) -> None:
        token, _ = world.sign_in("erin")
        screen = world.sim.begin_enrollment(token)
        assert screen.suggested_apps == SUGGESTED_APPS and len(SUGGESTED_APPS) >= 2
        key = KeyUri.parse(QrCodeReader.read(screen.qr_png))
        summary = (key.issuer, key.account, key.algorithm, key.digits, key.period, key.secret_bits)
        assert summary == (f"{ISSUER} Riverside", "erin", "SHA1", 6, 30, 160)
        qr_holds_the_manual_key = key._secret == screen.manual_key
        assert qr_holds_the_manual_key

    def test_the_screen_never_shows_its_key_in_a_repr(self, world: World) -> None:
        screen = world.sim.begin_enrollment(world.sign_in("erin")[0])
        key_in_repr = screen.manual_key in repr(screen)
        assert not key_in_repr

    def test_a_phone_that_scanned_the_qr_code_enrolls(self, world: World) -> None:
        token, _ = world.sign_in("erin")
        app = AuthenticatorApp(now=world.clock, wait_until=lambda when: setattr(world.clock, "now", when))
        app.scan(world.sim.begin_enrollment(token).qr_png)
        world.sim.save_device(token, app.current_code(), "Erin's phone")
        view = world.sim.mfa_status(token)
        assert (view.enrolled, view.device_name) == (True, "Erin's phone")

    def test_each_screen_issues_a_new_key_and_only_the_last_counts(self, world: World) -> None:
        token, _ = world.sign_in("erin")
        first = world.sim.begin_enrollment(token)
        second = world.sim.begin_enrollment(token)
        same_key = first.manual_key == second.manual_key
        assert not same_key
        stale = totp.code_at(first.manual_key, world.clock.step)
        current_window = {totp.code_at(second.manual_key, world.clock.step + d) for d in (-1, 0, 1)}
        if stale not in current_window:  # one chance in 300,000 that two keys share a code now
            with pytest.raises(errors.CodeRejected):
                world.sim.save_device(token, stale, "phone")
        world.sim.save_device(token, totp.code_at(second.manual_key, world.clock.step), "phone")
        assert world.sim.mfa_status(token).enrolled

    def test_a_wrong_code_keeps_the_screen_open_for_the_right_one(self, world: World) -> None:
        token, _ = world.sign_in("erin")
        screen = world.sim.begin_enrollment(token)
        phone_code = totp.code_at(screen.manual_key, world.clock.step)
        wrong = f"{(int(phone_code) + 1) % 1_000_000:06d}"
        with pytest.raises(errors.CodeRejected):
            world.sim.save_device(token, wrong, "phone")
        world.sim.save_device(token, phone_code, "phone")
        assert world.sim.mfa_status(token).enrolled

    @pytest.mark.parametrize(("offset", "accepted"), [(-2, False), (-1, True), (0, True), (1, True), (2, False)])
    def test_the_setup_code_has_one_step_of_drift(self, world: World, offset: int, accepted: bool) -> None:
        token, _ = world.sign_in("erin")
        screen = world.sim.begin_enrollment(token)
        code = totp.code_at(screen.manual_key, world.clock.step + offset)
        window = {totp.code_at(screen.manual_key, world.clock.step + d) for d in (-1, 0, 1)}
        if accepted:
            world.sim.save_device(token, code, "phone")
        elif code not in window:  # one chance in 300,000 that a far step shares a near step's code
            with pytest.raises(errors.CodeRejected):
                world.sim.save_device(token, code, "phone")
        assert world.sim.mfa_status(token).enrolled is accepted

    def test_the_device_name_is_trimmed(self, world: World) -> None:
        token, _ = world.sign_in("erin")
        world.enroll(token, "  Erin's phone \t")
        assert world.sim.mfa_status(token).device_name == "Erin's phone"

    def test_the_user_is_enrolled_as_the_holder_sees_it(self, world: World) -> None:
        world.enrolled("erin", "Erin's phone")
        view = world.sim.find_user(world.sign_in_fully("dana"), "erin")
        assert view is not None and (view.enrolled, view.device_name, view.locked) == (True, "Erin's phone", False)

    def test_an_account_holder_may_self_enroll(self, world: World) -> None:
        world.enrolled("dana")
        assert world.sign_in("dana")[1] is Stage.CODE_REQUIRED

    def test_a_second_session_cannot_save_a_second_device(self, world: World) -> None:
        first, _ = world.sign_in("erin")
        second, _ = world.sign_in("erin")
        other = world.sim.begin_enrollment(second)
        world.enroll(first)
        with pytest.raises(errors.AlreadyEnrolled):
            world.sim.save_device(second, totp.code_at(other.manual_key, world.clock.step), "tablet")


# ── Enforcement ──────────────────────────────────────────────────────────────


class TestEnforcement:
    def test_the_holder_switches_it_on_and_off(self, world: World) -> None:
        token = world.sign_in_fully("dana")
        assert world.sim.enforcement(token) is False
        world.sim.set_enforcement(token, True)
        assert world.sim.enforcement(token) is True
        world.sim.set_enforcement(token, False)
        assert world.sim.enforcement(token) is False

    def test_it_is_per_practice(self, world: World) -> None:
        world.sim.set_enforcement(world.sign_in_fully("dana"), True)
        assert world.sign_in("lucy")[1] is Stage.SIGNED_IN
        assert world.sim.enforcement(world.sign_in_fully("lars")) is False

    def test_switching_off_in_a_practice_without_mfa_is_harmless(self, world: World) -> None:
        token = world.sign_in_fully("olga")
        world.sim.set_enforcement(token, False)
        assert world.sim.enforcement(token) is False

    def test_it_applies_to_the_account_holder_too(self, world: World) -> None:
        world.sim.set_enforcement(world.sign_in_fully("dana"), True)
        assert world.sign_in("dana")[1] is Stage.SETUP_REQUIRED

    def test_open_sessions_go_on_until_the_next_sign_in(self, world: World) -> None:
        erin = world.sign_in_fully("erin")
        world.sim.set_enforcement(world.sign_in_fully("dana"), True)
        world.sim.enter_application(erin)
        assert world.sim.stage(erin) is Stage.SIGNED_IN
        assert world.sign_in("erin")[1] is Stage.SETUP_REQUIRED

    def test_switching_off_un_enrolls_nobody(self, world: World) -> None:
        world.enrolled("erin", "Erin's phone")
        dana = world.sign_in_fully("dana")
        world.sim.set_enforcement(dana, True)
        world.sim.set_enforcement(dana, False)
        view = world.sim.find_user(dana, "erin")
        assert view is not None and (view.enrolled, view.device_name) == (True, "Erin's phone")
        assert world.sign_in("erin")[1] is Stage.CODE_REQUIRED
        assert world.sign_in("frank")[1] is Stage.SIGNED_IN


# ── IP safelist ──────────────────────────────────────────────────────────────


class TestSafelistParsing:
    @pytest.mark.parametrize(
        ("entry", "canonical"),
        [
            ("198.51.100.7", "198.51.100.7/32"),
            ("203.0.113.0/24", "203.0.113.0/24"),
            ("  203.0.113.0/24 ", "203.0.113.0/24"),
            ("2001:db8::1", "2001:db8::1/128"),
            ("2001:DB8::/32", "2001:db8::/32"),
            ("0.0.0.0/0", "0.0.0.0/0"),
        ],
    )
    def test_addresses_and_ranges_are_saved_in_canonical_form(self, entry: str, canonical: str) -> None:
        assert parse_safelist([entry]) == (canonical,)

    @pytest.mark.parametrize("entry", ["10.0.0.1/24", "2001:db8::1/32", "203.0.113.7/31"])
    def test_a_range_with_host_bits_set_is_refused_with_the_likely_meaning(self, entry: str) -> None:
        with pytest.raises(errors.InvalidSafelistEntry) as refusal:
            parse_safelist(["203.0.113.0/24", entry])
        message = str(refusal.value)
        assert entry in message and "host bits" in message and "\n" not in message

    @pytest.mark.parametrize(
        "entry", ["office network", "203.0.113.300", "192.168.0.0/33", "203.0.113", "::g", "10.0.0.0/-1", "", "  "]
    )
    def test_anything_else_is_refused_naming_the_entry(self, entry: str) -> None:
        with pytest.raises(errors.InvalidSafelistEntry) as refusal:
            parse_safelist(["203.0.113.0/24", entry])
        message = str(refusal.value)
        assert (entry.strip() in message) and "\n" not in message

    @pytest.mark.parametrize(
        ("address", "allowed"),
        [("203.0.113.25", True), ("198.51.100.7", True), ("198.51.100.8", False), ("2001:db8::5", True),
         ("2001:db9::5", False), ("::ffff:203.0.113.25", False), ("not an address", False), ("", False)],
    )
    def test_which_addresses_a_safelist_allows(self, address: str, allowed: bool) -> None:
        safelist = parse_safelist(["203.0.113.0/24", "198.51.100.7", "2001:db8::/32"])
        assert allows(safelist, address) is allowed

    def test_an_empty_safelist_allows_any_address(self) -> None:
        assert allows((), "198.51.100.7") and allows((), "2001:db8::1")


class TestSafelistSettings:
    def test_the_holder_saves_and_reads_it(self, world: World) -> None:
        token = world.sign_in_fully("dana")
        world.sim.set_safelist(token, ["203.0.113.0/24", "2001:db8::1"])
        assert world.sim.safelist(token) == ("203.0.113.0/24", "2001:db8::1/128")
        world.sim.set_safelist(token, [])
        assert world.sim.safelist(token) == ()

    def test_an_invalid_entry_saves_nothing(self, world: World) -> None:
        token = world.sign_in_fully("dana")
        world.sim.set_safelist(token, ["203.0.113.0/24"])
        before = snapshot(world.sim.state)
        with pytest.raises(errors.InvalidSafelistEntry):
            world.sim.set_safelist(token, ["198.51.100.0/24", "10.0.0.1/24"])
        assert changes(before, world.sim.state) == []
        assert world.sim.safelist(token) == ("203.0.113.0/24",)

    def test_sign_in_from_outside_is_refused_for_everyone_after_the_password(self, world: World) -> None:
        world.sim.set_safelist(world.sign_in_fully("dana"), ["203.0.113.0/24"])
        for username in ("erin", "dana"):
            with pytest.raises(errors.AddressNotAllowed):
                world.sign_in(username, address="198.51.100.7")
        with pytest.raises(errors.WrongCredentials):
            world.sim.sign_in("erin", "wrong", address="198.51.100.7")
        assert world.sign_in("erin", address="203.0.113.25")[1] is Stage.SIGNED_IN

    def test_a_user_with_mfa_is_refused_from_outside_before_any_code(self, world: World) -> None:
        world.enrolled("erin")
        world.sim.set_safelist(world.sign_in_fully("dana"), ["203.0.113.0/24"])
        with pytest.raises(errors.AddressNotAllowed):
            world.sign_in("erin", address="198.51.100.7")

    def test_it_applies_to_its_own_practice_only(self, world: World) -> None:
        world.sim.set_safelist(world.sign_in_fully("dana"), ["203.0.113.0/24"])
        assert world.sign_in("lucy", address="198.51.100.7")[1] is Stage.SIGNED_IN

    def test_a_safelisted_address_still_needs_the_code(self, world: World) -> None:
        world.enrolled("erin")
        world.sim.set_safelist(world.sign_in_fully("dana"), ["203.0.113.0/24"])
        assert world.sign_in("erin", address="203.0.113.25")[1] is Stage.CODE_REQUIRED

    def test_open_sessions_are_not_ended_by_a_new_safelist(self, world: World) -> None:
        erin = world.sign_in_fully("erin")
        world.sim.set_safelist(world.sign_in_fully("dana"), ["203.0.113.0/24"])
        world.sim.enter_application(erin)


# ── User Settings ────────────────────────────────────────────────────────────


class TestUserSettings:
    def test_statuses_list_every_user_of_the_practice_only(self, world: World) -> None:
        world.enrolled("erin", "Erin's phone")
        views = world.sim.user_statuses(world.sign_in_fully("dana"))
        rows = [(v.username, v.account_holder, v.enrolled, v.device_name, v.locked) for v in views]
        assert rows == [
            ("dana", True, False, None, False),
            ("erin", False, True, "Erin's phone", False),
            ("frank", False, False, None, False),
        ]

    def test_statuses_show_a_locked_user(self, world: World) -> None:
        phone = world.enrolled("erin")
        lock_out(world, "erin", phone)
        views = {v.username: v for v in world.sim.user_statuses(world.sign_in_fully("dana"))}
        assert views["erin"].locked and not views["frank"].locked

    def test_search_finds_the_exact_username(self) -> None:
        world = build_world()
        world.sim.create_user("Riverside", "Erin.Smith", PASSWORD)
        view = world.sim.find_user(world.sign_in_fully("dana"), "Erin.Smith")
        assert view is not None and view.username == "Erin.Smith"

    @pytest.mark.parametrize(
        "query", ["Erin.Smit", "rin.Smith", "Erin.Smithe", "erin.smith", "ERIN.SMITH", "Erin", " Erin.Smith",
                  "Erin.Smith ", "Erin.Smith*", "Erin.*", "", "lucy", "olga", "nobody"]
    )
    def test_search_finds_nobody_for_anything_but_the_exact_username(self, query: str) -> None:
        world = build_world()
        world.sim.create_user("Riverside", "Erin.Smith", PASSWORD)
        assert world.sim.find_user(world.sign_in_fully("dana"), query) is None

    def test_reset_removes_the_device_ends_sessions_and_clears_the_lock(self, world: World) -> None:
        phone = world.enrolled("erin")
        erin = world.sign_in_fully("erin", phone)
        world.sim.state.users["erin"].wrong_codes = 3
        world.sim.reset_mfa(world.sign_in_fully("dana"), "erin")
        user = world.sim.state.users["erin"]
        assert (user.device, user.wrong_codes) == (None, 0)
        with pytest.raises(errors.SessionEnded):
            world.sim.enter_application(erin)
        assert world.sign_in("erin")[1] is Stage.SIGNED_IN

    def test_after_a_reset_under_enforcement_the_user_sets_up_a_new_device(self, world: World) -> None:
        old = world.enrolled("erin")
        dana = world.sign_in_fully("dana")
        world.sim.set_enforcement(dana, True)
        world.sim.reset_mfa(dana, "erin")
        token, stage = world.sign_in("erin")
        assert stage is Stage.SETUP_REQUIRED
        new = world.enroll(token, "new phone")
        world.sim.sign_out(token)
        token, _ = world.sign_in("erin")
        world.fresh_step()
        old_code = old.code()
        if old_code not in new.window_codes():  # one chance in 300,000 of a shared code
            with pytest.raises(errors.CodeRejected):
                world.sim.submit_code(token, old_code)
        assert world.sim.submit_code(token, new.code()) is Stage.SIGNED_IN

    def test_resetting_a_user_without_mfa_is_harmless(self, world: World) -> None:
        world.sim.reset_mfa(world.sign_in_fully("dana"), "frank")
        assert world.sign_in("frank")[1] is Stage.SIGNED_IN

    def test_a_user_of_another_practice_is_as_unknown_as_nobody(self, world: World) -> None:
        dana = world.sign_in_fully("dana")
        with pytest.raises(errors.UnknownUser) as other:
            world.sim.reset_mfa(dana, "lucy")
        with pytest.raises(errors.UnknownUser) as nobody:
            world.sim.reset_mfa(dana, "nobody")
        assert str(other.value) == str(nobody.value)
        assert world.sim.find_user(dana, "lucy") is None

    def test_a_holder_may_reset_another_holder_of_the_practice(self, world: World) -> None:
        world.sim.create_user("Riverside", "dora", PASSWORD, account_holder=True)
        world.enrolled("dora")
        world.sim.reset_mfa(world.sign_in_fully("dana"), "dora")
        assert world.sim.state.users["dora"].device is None


class TestSupport:
    def test_support_resets_an_account_holder(self, world: World) -> None:
        phone = world.enrolled("dana")
        dana = world.sign_in_fully("dana", phone)
        world.sim.support_reset_mfa("dana")
        assert world.sim.state.users["dana"].device is None
        with pytest.raises(errors.SessionEnded):
            world.sim.enter_application(dana)
        assert world.sign_in("dana")[1] is Stage.SIGNED_IN

    def test_support_resets_users_of_any_practice(self, world: World) -> None:
        world.enrolled("lucy")
        world.sim.support_reset_mfa("lucy")
        assert world.sim.support_find_user("lucy").enrolled is False

    def test_support_finds_any_user_by_exact_username(self, world: World) -> None:
        world.enrolled("erin")
        view = world.sim.support_find_user("erin")
        assert view is not None and view.enrolled
        assert world.sim.support_find_user("Erin") is None
        assert world.sim.support_find_user("eri") is None


# ── Lockout ──────────────────────────────────────────────────────────────────


def lock_out(world: World, username: str, phone) -> None:
    token, stage = world.sign_in(username)
    assert stage is Stage.CODE_REQUIRED
    wrong = world.wrong_code(phone)
    for _ in range(world.sim.wrong_code_limit - 1):
        with pytest.raises(errors.CodeRejected):
            world.sim.submit_code(token, wrong)
    with pytest.raises(errors.MfaLocked):
        world.sim.submit_code(token, wrong)


class TestLockout:
    def test_the_limit_is_stated_and_within_nist(self) -> None:
        assert 1 <= WRONG_CODE_LIMIT <= 100
        assert Simulator().wrong_code_limit == WRONG_CODE_LIMIT == 5

    def test_the_limit_th_wrong_code_locks_and_ends_the_session(self, world: World) -> None:
        phone = world.enrolled("erin")
        token, _ = world.sign_in("erin")
        wrong = world.wrong_code(phone)
        for _ in range(WRONG_CODE_LIMIT - 1):
            with pytest.raises(errors.CodeRejected):
                world.sim.submit_code(token, wrong)
        with pytest.raises(errors.MfaLocked):
            world.sim.submit_code(token, wrong)
        with pytest.raises(errors.SessionEnded):
            world.sim.stage(token)

    def test_a_locked_user_cannot_sign_in_even_with_the_password(self, world: World) -> None:
        phone = world.enrolled("erin")
        lock_out(world, "erin", phone)
        with pytest.raises(errors.MfaLocked):
            world.sign_in("erin")
        with pytest.raises(errors.WrongCredentials):
            world.sim.sign_in("erin", "wrong")

    def test_wrong_codes_count_across_sessions(self, world: World) -> None:
        phone = world.enrolled("erin")
        wrong = world.wrong_code(phone)
        first, _ = world.sign_in("erin")
        for _ in range(WRONG_CODE_LIMIT - 1):
            with pytest.raises(errors.CodeRejected):
                world.sim.submit_code(first, wrong)
        second, _ = world.sign_in("erin")
        with pytest.raises(errors.MfaLocked):
            world.sim.submit_code(second, wrong)

    def test_a_replayed_code_counts_as_wrong(self, world: World) -> None:
        phone = world.enrolled("erin")
        token, _ = world.sign_in("erin")
        world.fresh_step()
        world.sim.submit_code(token, phone.code())
        token, _ = world.sign_in("erin")
        with pytest.raises(errors.CodeRejected):
            world.sim.submit_code(token, phone.code())
        assert world.sim.state.users["erin"].wrong_codes == 1

    def test_a_right_code_resets_the_count(self, world: World) -> None:
        phone = world.enrolled("erin")
        wrong = world.wrong_code(phone)
        for _ in range(3):
            token, _ = world.sign_in("erin")
            for _ in range(WRONG_CODE_LIMIT - 1):
                with pytest.raises(errors.CodeRejected):
                    world.sim.submit_code(token, wrong)
            world.fresh_step()
            assert world.sim.submit_code(token, phone.code()) is Stage.SIGNED_IN
            world.sim.sign_out(token)

    def test_the_limit_is_injectable(self) -> None:
        world = build_world(wrong_code_limit=2)
        phone = world.enrolled("erin")
        lock_out(world, "erin", phone)
        assert world.sim.state.users["erin"].wrong_codes == 2

    @pytest.mark.parametrize("wait", [60, 3600, 86400 * 30])
    def test_time_does_not_unlock(self, world: World, wait: int) -> None:
        phone = world.enrolled("erin")
        lock_out(world, "erin", phone)
        world.clock.advance(wait)
        with pytest.raises(errors.MfaLocked):
            world.sign_in("erin")

    def test_enforcement_switches_do_not_unlock(self, world: World) -> None:
        phone = world.enrolled("erin")
        lock_out(world, "erin", phone)
        dana = world.sign_in_fully("dana")
        world.sim.set_enforcement(dana, True)
        world.sim.set_enforcement(dana, False)
        with pytest.raises(errors.MfaLocked):
            world.sign_in("erin")

    def test_the_holders_reset_unlocks(self, world: World) -> None:
        phone = world.enrolled("erin")
        lock_out(world, "erin", phone)
        world.sim.reset_mfa(world.sign_in_fully("dana"), "erin")
        assert world.sign_in("erin")[1] is Stage.SIGNED_IN

    def test_a_locked_holder_is_unlocked_by_support(self, world: World) -> None:
        phone = world.enrolled("dana")
        lock_out(world, "dana", phone)
        with pytest.raises(errors.MfaLocked):
            world.sign_in("dana")
        world.sim.support_reset_mfa("dana")
        assert world.sign_in("dana")[1] is Stage.SIGNED_IN


# ── Every named refusal, and that it changes nothing ─────────────────────────

Trigger = Callable[[World], Callable[[], object]]


def _signed_in(username: str) -> Callable[[World], str]:
    return lambda w: w.sign_in_fully(username)


def _code_waiting(w: World) -> str:
    w.enrolled("erin")
    return w.sign_in("erin")[0]


def _setup_waiting(w: World) -> str:
    w.sim.set_enforcement(w.sign_in_fully("dana"), True)
    return w.sign_in("erin")[0]


def _enrolled_and_signed_in(w: World) -> str:
    phone = w.enrolled("erin")
    return w.sign_in_fully("erin", phone)


def _screen_open(w: World) -> tuple[str, str]:
    token = w.sign_in("erin")[0]
    return token, totp.code_at(w.sim.begin_enrollment(token).manual_key, w.clock.step)


def _locked(w: World) -> None:
    lock_out(w, "erin", w.enrolled("erin"))


def _one_wrong_code_from_the_lock(w: World) -> Callable[[], object]:
    phone = w.enrolled("erin")
    token, _ = w.sign_in("erin")
    wrong = w.wrong_code(phone)
    for _ in range(w.sim.wrong_code_limit - 1):
        with pytest.raises(errors.CodeRejected):
            w.sim.submit_code(token, wrong)
    return lambda: w.sim.submit_code(token, wrong)


def _ended(w: World) -> str:
    token = w.sign_in_fully("erin")
    w.sim.sign_out(token)
    return token


def _wrong_sign_in_code(w: World) -> Callable[[], object]:
    phone = w.enrolled("erin")
    token, _ = w.sign_in("erin")
    return lambda: w.sim.submit_code(token, w.wrong_code(phone))


def _second_enrollment(w: World) -> Callable[[], object]:
    first, second = w.sign_in("erin")[0], w.sign_in("erin")[0]
    screen = w.sim.begin_enrollment(second)
    w.enroll(first)
    return lambda: w.sim.save_device(second, totp.code_at(screen.manual_key, w.clock.step), "tablet")


def _with(prepare: Callable[[World], object], act: Callable[[World, object], object]) -> Trigger:
    def trigger(w: World) -> Callable[[], object]:
        prepared = prepare(w)
        return lambda: act(w, prepared)

    return trigger


def _nothing(w: World) -> None:
    return None


# (refusal name, how to provoke it, the state paths it may change)
REFUSALS: list[tuple[str, str, Trigger, list[str]]] = [
    ("WrongCredentials", "unknown user", _with(_nothing, lambda w, _: w.sim.sign_in("nobody", PASSWORD)),
     ["password_guesses[+1]"]),
    ("WrongCredentials", "wrong password", _with(_nothing, lambda w, _: w.sim.sign_in("erin", "x")),
     ["password_guesses[+1]"]),
    ("AddressNotAllowed", "outside the safelist",
     _with(lambda w: w.sim.set_safelist(w.sign_in_fully("dana"), ["203.0.113.0/24"]),
           lambda w, _: w.sign_in("erin", address="198.51.100.7")), []),
    ("MfaLocked", "signing in while locked", _with(_locked, lambda w, _: w.sign_in("erin")), []),
    ("MfaLocked", "the wrong code that reaches the limit", _one_wrong_code_from_the_lock,
     ["users.erin.wrong_codes", "sessions[-1]"]),
    ("CodeRejected", "a wrong code at sign-in", _wrong_sign_in_code, ["users.erin.wrong_codes"]),
    ("CodeRejected", "a wrong code at setup",
     _with(_screen_open, lambda w, p: w.sim.save_device(p[0], f"{(int(p[1]) + 1) % 10**6:06d}", "phone")), []),
    ("CodeRequired", "the product before the code", _with(_code_waiting, lambda w, t: w.sim.enter_application(t)), []),
    ("CodeRequired", "own status before the code", _with(_code_waiting, lambda w, t: w.sim.mfa_status(t)), []),
    ("SetupRequired", "the product before setup", _with(_setup_waiting, lambda w, t: w.sim.enter_application(t)), []),
    ("SetupRequired", "User Settings before setup",
     _with(_setup_waiting, lambda w, t: w.sim.user_statuses(t)), []),
    ("SessionEnded", "a signed-out session", _with(_ended, lambda w, t: w.sim.enter_application(t)), []),
    ("SessionEnded", "signing out twice", _with(_ended, lambda w, t: w.sim.sign_out(t)), []),
    ("SessionEnded", "an unknown token", _with(_nothing, lambda w, _: w.sim.submit_code("forged", "123456")), []),
    ("MfaNotAvailable", "setup without MFA",
     _with(_signed_in("gail"), lambda w, t: w.sim.begin_enrollment(t)), []),
    ("MfaNotAvailable", "enforcing without MFA",
     _with(_signed_in("olga"), lambda w, t: w.sim.set_enforcement(t, True)), []),
    ("AlreadyEnrolled", "a second setup screen",
     _with(_enrolled_and_signed_in, lambda w, t: w.sim.begin_enrollment(t)), []),
    ("AlreadyEnrolled", "saving after another session enrolled", _second_enrollment, []),
    ("NoEnrollmentInProgress", "saving without a screen",
     _with(_signed_in("erin"), lambda w, t: w.sim.save_device(t, "123456", "phone")), []),
    ("DeviceNameRequired", "an empty name", _with(_screen_open, lambda w, p: w.sim.save_device(p[0], p[1], "")), []),
    ("DeviceNameRequired", "a blank name",
     _with(_screen_open, lambda w, p: w.sim.save_device(p[0], p[1], " \t ")), []),
    ("NotAccountHolder", "enforcing as a user", _with(_signed_in("erin"), lambda w, t: w.sim.set_enforcement(t, True)),
     []),
    ("NotAccountHolder", "reading enforcement as a user", _with(_signed_in("erin"), lambda w, t: w.sim.enforcement(t)),
     []),
    ("NotAccountHolder", "the safelist as a user", _with(_signed_in("erin"), lambda w, t: w.sim.set_safelist(t, [])),
     []),
    ("NotAccountHolder", "User Settings as a user", _with(_signed_in("erin"), lambda w, t: w.sim.user_statuses(t)),
     []),
    ("NotAccountHolder", "a search as a user", _with(_signed_in("erin"), lambda w, t: w.sim.find_user(t, "frank")), []),
    ("NotAccountHolder", "a reset as a user", _with(_signed_in("erin"), lambda w, t: w.sim.reset_mfa(t, "frank")), []),
    ("UnknownUser", "resetting nobody", _with(_signed_in("dana"), lambda w, t: w.sim.reset_mfa(t, "nobody")), []),
    ("UnknownUser", "resetting another practice's user",
     _with(lambda w: (w.enrolled("lucy"), w.sign_in_fully("dana"))[1], lambda w, t: w.sim.reset_mfa(t, "lucy")), []),
    ("UnknownUser", "support resetting nobody", _with(_nothing, lambda w, _: w.sim.support_reset_mfa("nobody")), []),
    ("UnknownUser", "a user in no practice",
     _with(_nothing, lambda w, _: w.sim.create_user("Nowhere", "zoe", PASSWORD)), []),
    ("SelfResetRefused", "a holder resetting herself",
     _with(lambda w: w.sign_in_fully("dana", w.enrolled("dana")), lambda w, t: w.sim.reset_mfa(t, "dana")), []),
    ("InvalidSafelistEntry", "a mistyped range",
     _with(_signed_in("dana"), lambda w, t: w.sim.set_safelist(t, ["203.0.113.0/24", "10.0.0.1/24"])), []),
    ("DuplicateName", "a second practice of the name",
     _with(_nothing, lambda w, _: w.sim.create_practice("Riverside")), []),
    ("DuplicateName", "a taken username",
     _with(_nothing, lambda w, _: w.sim.create_user("Lakeside", "erin", PASSWORD)), []),
]


def test_every_named_refusal_is_provoked_here() -> None:
    named = set(errors.__all__) - {"MfaError"}
    assert {name for name, *_ in REFUSALS} == named


@pytest.mark.parametrize(
    ("name", "trigger", "allowed"),
    [pytest.param(name, trigger, allowed, id=f"{name}: {how}") for name, how, trigger, allowed in REFUSALS],
)
def test_each_refusal_is_named_worded_and_changes_nothing(name: str, trigger: Trigger, allowed: list[str]) -> None:
    world = build_world()
    act = trigger(world)
    before = snapshot(world.sim.state)
    with pytest.raises(errors.MfaError) as refusal:
        act()
    assert type(refusal.value).__name__ == name
    message = str(refusal.value)
    assert message.strip() and "\n" not in message and "Traceback" not in message
    assert sorted(changes(before, world.sim.state)) == sorted(allowed)


def test_the_state_comparison_sees_a_change() -> None:
    world = build_world()
    before = snapshot(world.sim.state)
    world.enrolled("erin")
    assert changes(before, world.sim.state) == ["users.erin.device"]


def test_a_clock_object_or_a_lambda_is_a_clock() -> None:
    t = 59.0
    sim = Simulator(clock=lambda: t)
    assert sim.clock() == 59.0
    assert Simulator(clock=Clock(1.0)).clock() == 1.0
