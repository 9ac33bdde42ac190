"""The reference simulator's defences that the security feature checks end to end
(features/security.feature): password guessing is limited, codes sent at
once from several sessions are checked one at a time, and none of the bugs
MFA products shipped (SEC-08 to SEC-15) is in it, in either alternative of
the positions SEC-14 and SEC-15 check.

The threads here start together behind a barrier; what is asserted holds
whatever order they run in, so nothing depends on timing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from mfa_conformance.simulator import Options, Simulator, Stage, errors
from mfa_conformance.simulator.guessing import PASSWORD_GUESS_LIMIT, PASSWORD_LOCKOUT_SECONDS

from .world import PASSWORD, World, build_world, changes, snapshot


@pytest.fixture
def world() -> World:
    return build_world()


def _wrong_passwords(world: World, username: str, count: int) -> None:
    for n in range(count):
        with pytest.raises(errors.WrongCredentials):
            world.sim.sign_in(username, f"not the password {n}")


class TestPasswordGuessing:
    def test_the_limit_is_ten_by_default(self) -> None:
        assert Simulator().password_guess_limit == PASSWORD_GUESS_LIMIT == 10

    def test_after_the_limit_the_right_password_is_answered_like_a_wrong_one(self, world: World) -> None:
        _wrong_passwords(world, "erin", PASSWORD_GUESS_LIMIT)
        with pytest.raises(errors.WrongCredentials) as wrong:
            world.sim.sign_in("erin", "yet another guess")
        with pytest.raises(errors.WrongCredentials) as right:
            world.sim.sign_in("erin", PASSWORD)
        assert str(right.value) == str(wrong.value)

    def test_one_wrong_password_fewer_locks_nothing_and_the_right_one_clears_the_count(self, world: World) -> None:
        _wrong_passwords(world, "erin", PASSWORD_GUESS_LIMIT - 1)
        world.sim.sign_in("erin", PASSWORD)
        _wrong_passwords(world, "erin", PASSWORD_GUESS_LIMIT - 1)
        world.sim.sign_in("erin", PASSWORD)

    def test_the_lock_ends_after_its_time(self, world: World) -> None:
        _wrong_passwords(world, "erin", PASSWORD_GUESS_LIMIT)
        world.clock.advance(PASSWORD_LOCKOUT_SECONDS - 1)
        with pytest.raises(errors.WrongCredentials):
            world.sim.sign_in("erin", PASSWORD)
        world.clock.advance(1)
        world.sim.sign_in("erin", PASSWORD)

    def test_one_username_locked_leaves_the_others_alone(self, world: World) -> None:
        _wrong_passwords(world, "erin", PASSWORD_GUESS_LIMIT)
        world.sim.sign_in("frank", PASSWORD)

    def test_an_unknown_username_is_counted_and_locked_alike(self, world: World) -> None:
        _wrong_passwords(world, "nobody", PASSWORD_GUESS_LIMIT)
        assert world.sim.state.password_guesses["nobody"].locked_until is not None

    def test_without_a_limit_nothing_is_counted(self) -> None:
        world = build_world()
        world.sim.password_guess_limit = None
        _wrong_passwords(world, "erin", 3 * PASSWORD_GUESS_LIMIT)
        world.sim.sign_in("erin", PASSWORD)
        assert world.sim.state.password_guesses == {}


def _at_once(calls: list[Callable[[], object]]) -> list[object]:
    """Each call from a thread of its own, all released together; answers or refusals, in order."""
    start = threading.Barrier(len(calls))
    answers: list[object] = [None] * len(calls)

    def run(index: int) -> None:
        start.wait()
        try:
            answers[index] = calls[index]()
        except errors.MfaError as refusal:
            answers[index] = refusal

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


class TestCodesAtOnce:
    def test_one_code_from_many_sessions_signs_in_one(self, world: World) -> None:
        phone = world.enrolled("erin")
        world.fresh_step()
        # As many as the lockout limit: each replay counts as a wrong code, so more would lock.
        tokens = [world.sign_in("erin")[0] for _ in range(world.sim.wrong_code_limit)]
        code = phone.code()
        answers = _at_once([lambda t=t: world.sim.submit_code(t, code) for t in tokens])
        assert answers.count(Stage.SIGNED_IN) == 1
        assert all(isinstance(a, errors.CodeRejected) for a in answers if a is not Stage.SIGNED_IN)

    def test_wrong_codes_at_once_are_counted_one_by_one(self, world: World) -> None:
        phone = world.enrolled("erin")
        limit = world.sim.wrong_code_limit
        tokens = [world.sign_in("erin")[0] for _ in range(3 * limit)]
        wrong = world.wrong_code(phone)
        answers = _at_once([lambda t=t: world.sim.submit_code(t, wrong) for t in tokens])
        assert sum(isinstance(a, errors.CodeRejected) for a in answers) == limit - 1
        assert all(isinstance(a, (errors.CodeRejected, errors.MfaLocked, errors.SessionEnded)) for a in answers)
        with pytest.raises(errors.MfaLocked):
            world.sim.sign_in("erin", PASSWORD)


class TestWhatProductsShipped:
    """The reference's side of SEC-08 to SEC-15: each defence a product was found without."""

    def test_opening_the_setup_again_leaves_the_device_in_place(self) -> None:
        for options in (Options(), Options(several_devices=True)):
            world = build_world(options=options)
            phone = world.enrolled("erin")
            token = world.sign_in_fully("erin", phone)
            before = snapshot(world.sim.state)
            try:
                world.sim.begin_enrollment(token)  # refused with one device per user, a new QR code with several
            except errors.AlreadyEnrolled:
                assert not options.several_devices
            assert [c for c in changes(before, world.sim.state) if c.startswith("users")] == []

    def test_the_setup_is_refused_at_the_code_prompt_whatever_the_number_of_devices(self) -> None:
        for options in (Options(), Options(several_devices=True)):
            world = build_world(options=options)
            world.enrolled("erin")
            token, stage = world.sign_in("erin")
            assert stage is Stage.CODE_REQUIRED
            before = snapshot(world.sim.state)
            with pytest.raises(errors.CodeRequired):
                world.sim.begin_enrollment(token)
            assert changes(before, world.sim.state) == []

    def test_a_reset_ends_the_sign_in_waiting_for_its_code_whether_it_ends_sessions_or_not(self) -> None:
        for options in (Options(), Options(reset_ends_sessions=False)):
            world = build_world(options=options)
            phone = world.enrolled("erin")
            waiting, _ = world.sign_in("erin")
            world.sim.reset_mfa(world.sign_in_fully("dana"), "erin")
            world.fresh_step()
            with pytest.raises(errors.SessionEnded):
                world.sim.submit_code(waiting, phone.code())

    @pytest.mark.parametrize("shown_next", [False, True], ids=["lock-shown-at-once", "lock-shown-next"])
    def test_the_sign_in_in_which_code_entry_locks_ends_once_the_lock_is_shown(self, shown_next: bool) -> None:
        world = build_world(options=Options(lock_shown_next=shown_next))
        phone = world.enrolled("erin")
        token, _ = world.sign_in("erin")
        wrong = world.wrong_code(phone)
        for _ in range(world.sim.wrong_code_limit - 1):
            with pytest.raises(errors.CodeRejected):
                world.sim.submit_code(token, wrong)
        with pytest.raises(errors.CodeRejected if shown_next else errors.MfaLocked):
            world.sim.submit_code(token, wrong)
        if shown_next:
            with pytest.raises(errors.MfaLocked):
                world.sim.submit_code(token, phone.code())
        with pytest.raises(errors.SessionEnded):
            world.sim.submit_code(token, phone.code())

    def test_wrong_codes_over_several_sign_ins_count_together(self, world: World) -> None:
        phone = world.enrolled("erin")
        wrong = world.wrong_code(phone)
        for _ in range(world.sim.wrong_code_limit - 1):
            token, _ = world.sign_in("erin")  # the password again, each time
            with pytest.raises(errors.CodeRejected):
                world.sim.submit_code(token, wrong)
        token, _ = world.sign_in("erin")
        with pytest.raises(errors.MfaLocked):
            world.sim.submit_code(token, wrong)

    def test_a_wrong_password_tells_nothing_of_a_locked_code_entry(self, world: World) -> None:
        phone = world.enrolled("erin")
        token, _ = world.sign_in("erin")
        for _ in range(world.sim.wrong_code_limit):
            with pytest.raises((errors.CodeRejected, errors.MfaLocked)):
                world.sim.submit_code(token, world.wrong_code(phone))
        answers = []
        for username in ("erin", "nobody-at-all"):
            with pytest.raises(errors.WrongCredentials) as wrong:
                world.sim.sign_in(username, "not the password")
            answers.append(str(wrong.value))
        assert answers[0] == answers[1]
        with pytest.raises(errors.MfaLocked):  # only the right password is told
            world.sim.sign_in("erin", PASSWORD)

    def test_the_support_console_and_user_settings_show_no_key(self, world: World) -> None:
        world.enrolled("erin")
        device = world.sim.state.users["erin"].device
        assert device is not None
        secret = device.secret
        shown = [world.sim.support_find_user("erin"), *world.sim.user_statuses(world.sign_in_fully("dana"))]
        assert all(secret not in repr(view) for view in shown)

    def test_outside_the_safelist_the_answer_tells_no_password_where_it_says_so(self) -> None:
        world = build_world(options=Options(safelist_like_wrong_password=True))
        world.sim.set_safelist(world.sign_in_fully("dana"), ["203.0.113.0/24"])
        said = set()
        for username, password in (("erin", PASSWORD), ("erin", "not the password"), ("nobody-at-all", PASSWORD)):
            with pytest.raises(errors.MfaError) as refusal:
                world.sim.sign_in(username, password, address="198.51.100.7")
            said.add((type(refusal.value), str(refusal.value)))
        assert said == {(errors.WrongCredentials, errors.WrongCredentials.message)}

    @pytest.mark.parametrize("signs_out", [False, True], ids=["code-prompt", "sign-in-page"])
    def test_a_password_reset_never_signs_in_past_the_code(self, signs_out: bool) -> None:
        world = build_world(options=Options(password_reset=True, password_reset_signs_out=signs_out))
        phone = world.enrolled("erin")
        answer = world.sim.reset_password("erin", "a new password")
        if signs_out:
            assert answer is None
            token, stage = world.sim.sign_in("erin", "a new password")
        else:
            assert answer is not None
            token, stage = answer
        assert stage is Stage.CODE_REQUIRED
        with pytest.raises(errors.CodeRequired):
            world.sim.enter_application(token)
        world.fresh_step()
        assert world.sim.submit_code(token, phone.code()) is Stage.SIGNED_IN
