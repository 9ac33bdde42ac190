"""Properties of the simulator that must hold for every input, checked with
Hypothesis (examples bounded by the profile in tests/conftest.py).

Keys are drawn by index from a fixed list, so a falsifying example names an
index, never a secret. Where two time steps of one key happen to share a code
(about one chance in a million per pair) the property says what is then
allowed instead of hoping it does not happen.
"""

from __future__ import annotations

import base64
import hashlib

import pytest
from hypothesis import assume, given, settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from hypothesis import strategies as st

from mfa_conformance.driver import errors as driver_errors
from mfa_conformance.driver.inprocess import InProcessSystem
from mfa_conformance.simulator import Simulator, Stage, errors, totp

from .world import PASSWORD, Clock, Phone, build_world

KEYS = [base64.b32encode(hashlib.sha1(f"key {i}".encode()).digest()).decode() for i in range(16)]
"""Fixed 160-bit keys, drawn by index."""

key_index = st.integers(min_value=0, max_value=len(KEYS) - 1)
far_offset = st.integers(min_value=2, max_value=10_000).flatmap(lambda n: st.sampled_from([n, -n]))
unix_time = st.floats(min_value=30.0 * 10_002, max_value=2.0**34, allow_nan=False, allow_infinity=False)
"""Late enough that every offset drawn here is a step after the epoch (step 0 is tested in test_totp.py)."""
near_offset = st.integers(min_value=-totp.DRIFT_STEPS, max_value=totp.DRIFT_STEPS)


def window(key: str, at: float) -> dict[int, str]:
    now = totp.time_step(at)
    return {step: totp.code_at(key, step) for step in range(now - totp.DRIFT_STEPS, now + totp.DRIFT_STEPS + 1)}


# ── A code more than one step away never verifies ────────────────────────────


@given(key=key_index, at=unix_time, offset=far_offset)
def test_a_code_more_than_one_step_away_never_verifies(key: int, at: float, offset: int) -> None:
    secret = KEYS[key]
    code = totp.code_at(secret, totp.time_step(at) + offset)
    found = totp.matching_step(secret, code, unix_time=at)
    near = window(secret, at)
    if code in near.values():  # a near step shows the same code: that step, and only that, verifies
        assert found in near and near[found] == code
    else:
        assert found is None


@given(data=st.data())
def test_a_sign_in_code_more_than_one_step_away_is_refused(data: st.DataObject) -> None:
    world = build_world(Clock(data.draw(unix_time, label="start")))
    phone = world.enrolled("erin")
    world.clock.advance(data.draw(st.integers(min_value=30, max_value=3600), label="seconds later"))
    code = phone.code(data.draw(far_offset, label="offset"))
    assume(code not in phone.window_codes())
    token, _ = world.sign_in("erin")
    with pytest.raises(errors.CodeRejected):
        world.sim.submit_code(token, code)
    assert world.sim.stage(token) is Stage.CODE_REQUIRED


# ── A code never verifies twice ──────────────────────────────────────────────


@given(key=key_index, at=unix_time, offset=near_offset, later=st.floats(min_value=0, max_value=120))
def test_a_code_never_verifies_twice(key: int, at: float, offset: int, later: float) -> None:
    secret = KEYS[key]
    code = totp.code_at(secret, totp.time_step(at) + offset)
    first = totp.matching_step(secret, code, unix_time=at)
    assert first is not None
    again = totp.matching_step(secret, code, unix_time=at + later, after_step=first)
    later_steps_with_this_code = {s for s, c in window(secret, at + later).items() if s > first and c == code}
    if later_steps_with_this_code:  # a later step shows the same digits: that is a new code
        assert again in later_steps_with_this_code
    else:
        assert again is None


@given(data=st.data())
def test_a_code_that_signed_in_never_signs_in_again(data: st.DataObject) -> None:
    world = build_world(Clock(data.draw(unix_time, label="start")))
    phone = world.enrolled("erin")
    world.fresh_step()
    # Steps after the enrollment's own (whose code was used up by the setup).
    code = phone.code(data.draw(st.integers(min_value=0, max_value=totp.DRIFT_STEPS), label="offset"))
    token, _ = world.sign_in("erin")
    assert world.sim.submit_code(token, code) is Stage.SIGNED_IN
    accepted = world.sim.state.users["erin"].device.last_step
    world.sim.sign_out(token)
    world.clock.advance(data.draw(st.floats(min_value=0, max_value=120), label="seconds later"))
    assume(all(c != code for s, c in phone.window().items() if s > accepted))
    token, _ = world.sign_in("erin")
    with pytest.raises(errors.CodeRejected):
        world.sim.submit_code(token, code)


# ── Exact search ─────────────────────────────────────────────────────────────

username = st.text(alphabet="abcABC.-_1é", min_size=1, max_size=6)


def variants_of(names: list[str]) -> st.SearchStrategy[str]:
    """Queries a person might type: exact, partial, re-cased, padded, or anything."""
    name = st.sampled_from(names)
    return st.one_of(
        name,
        name.map(str.upper), name.map(str.lower), name.map(str.swapcase), name.map(str.casefold),
        name.flatmap(lambda n: st.integers(0, len(n)).map(lambda i: n[:i])),
        name.flatmap(lambda n: st.integers(0, len(n)).map(lambda i: n[i:])),
        st.tuples(name, username).map("".join),
        name.map(lambda n: f" {n}"),
        username,
    )


@given(data=st.data())
def test_exact_search_never_returns_a_username_that_differs_from_the_query(data: st.DataObject) -> None:
    names = sorted(data.draw(st.sets(username, min_size=1, max_size=5), label="usernames"))
    sim = Simulator(clock=Clock())
    sim.create_practice("Riverside")
    sim.create_practice("Lakeside")
    sim.create_user("Riverside", "holder!", PASSWORD, account_holder=True)
    elsewhere = set(data.draw(st.sets(st.sampled_from(names)), label="in another practice"))
    for name in names:
        sim.create_user("Lakeside" if name in elsewhere else "Riverside", name, PASSWORD)
    holder, _ = sim.sign_in("holder!", PASSWORD)
    for query in data.draw(st.lists(variants_of(names), min_size=1, max_size=8), label="queries"):
        found = sim.find_user(holder, query)
        assert found is None or found.username == query
        if query in names and query not in elsewhere:
            assert found is not None
        if query in elsewhere:
            assert found is None


# ── Switching enforcement off never changes any user's enrollment ─────────────

USERS = ("erin", "frank", "dana")
action = st.one_of(
    st.tuples(st.just("enforce"), st.booleans()),
    st.tuples(st.just("enroll"), st.sampled_from(USERS)),
    st.tuples(st.just("reset"), st.sampled_from(USERS[:2])),
    st.tuples(st.just("wait"), st.integers(min_value=1, max_value=600)),
)


@given(actions=st.lists(action, max_size=12))
def test_switching_enforcement_off_never_changes_any_users_enrollment(actions: list[tuple[str, object]]) -> None:
    world = build_world()
    phones: dict[object, Phone] = {}

    def holder() -> str:
        """Dana's session; under enforcement her first sign-in makes her set up a device."""
        token, stage = world.sign_in("dana")
        if stage is Stage.SETUP_REQUIRED:
            phones["dana"] = world.enroll(token, "dana's phone")
        elif stage is Stage.CODE_REQUIRED:
            world.fresh_step()
            world.sim.submit_code(token, phones["dana"].code())
        return token

    for kind, arg in actions:
        if kind == "enforce":
            dana = holder()
            devices = {name: user.device for name, user in world.sim.state.users.items()}
            snapshot = {name: (d.name, d.secret, d.last_step) if d else None for name, d in devices.items()}
            world.sim.set_enforcement(dana, bool(arg))
            after = {name: (d.name, d.secret, d.last_step) if (d := u.device) else None
                     for name, u in world.sim.state.users.items()}
            unchanged = after == snapshot
            assert unchanged, f"switching enforcement {'on' if arg else 'off'} changed someone's enrollment"
            for name in USERS:
                expected = Stage.CODE_REQUIRED if name in phones else (
                    Stage.SETUP_REQUIRED if arg else Stage.SIGNED_IN)
                assert world.sign_in(name)[1] is expected
        elif kind == "enroll" and arg not in phones:
            token, stage = world.sign_in(str(arg))
            phones[arg] = world.enroll(token, f"{arg}'s phone")
            world.sim.sign_out(token)
        elif kind == "reset" and arg in phones:
            world.sim.reset_mfa(holder(), str(arg))
            del phones[arg]
        elif kind == "wait":
            world.clock.advance(float(arg))  # type: ignore[arg-type]


# ── After a reset ────────────────────────────────────────────────────────────


@given(
    by_support=st.booleans(),
    enforced=st.booleans(),
    locked=st.booleans(),
    later=st.integers(min_value=0, max_value=600),
    offset=near_offset,
)
def test_after_a_reset_the_user_has_no_device_and_the_old_devices_codes_fail(
    by_support: bool, enforced: bool, locked: bool, later: int, offset: int
) -> None:
    world = build_world()
    old = world.enrolled("erin")
    dana = world.sign_in_fully("dana")
    world.sim.set_enforcement(dana, enforced)
    if locked:
        token, _ = world.sign_in("erin")
        for _ in range(world.sim.wrong_code_limit - 1):
            with pytest.raises(errors.CodeRejected):
                world.sim.submit_code(token, world.wrong_code(old))
        with pytest.raises(errors.MfaLocked):
            world.sim.submit_code(token, world.wrong_code(old))
    if by_support:
        world.sim.support_reset_mfa("erin")
    else:
        world.sim.reset_mfa(dana, "erin")
    world.clock.advance(later)

    view = world.sim.find_user(dana, "erin")
    assert view is not None and (view.enrolled, view.device_name, view.locked) == (False, None, False)
    assert world.sim.state.users["erin"].device is None

    token, stage = world.sign_in("erin")
    assert stage is (Stage.SETUP_REQUIRED if enforced else Stage.SIGNED_IN)
    screen = world.sim.begin_enrollment(token)
    old_code = old.code(offset)
    new_setup_codes = set(window(screen.manual_key, world.clock()).values())
    if old_code not in new_setup_codes:
        with pytest.raises(errors.CodeRejected):
            world.sim.save_device(token, old_code, "new phone")
    world.sim.save_device(token, totp.code_at(screen.manual_key, world.clock.step), "new phone")
    world.sim.sign_out(token)

    world.fresh_step()
    token, _ = world.sign_in("erin")
    new_codes = set(window(screen.manual_key, world.clock()).values())
    old_code = old.code(offset)
    assume(old_code not in new_codes)
    with pytest.raises(errors.CodeRejected):
        world.sim.submit_code(token, old_code)


# ── The in-process driver names every refusal as the simulator does ──────────

SIMULATOR_REFUSALS = sorted(set(errors.__all__) - {"MfaError"})


def test_the_driver_names_the_same_refusals_as_the_simulator() -> None:
    driver_refusals = {name for name in driver_errors.__all__
                       if isinstance(getattr(driver_errors, name), type)
                       and issubclass(getattr(driver_errors, name), driver_errors.Refused)} - {"Refused"}
    assert driver_refusals == set(SIMULATOR_REFUSALS)


class _Refusing(Simulator):
    """A simulator that refuses sign-in and use of the product with one chosen error, once armed."""

    refusal: errors.MfaError | None = None

    def sign_in(self, username: str, password: str, *, address: str = "127.0.0.1") -> tuple[str, Stage]:
        if self.refusal is not None:
            raise self.refusal
        return super().sign_in(username, password, address=address)

    def enter_application(self, token: str) -> None:
        if self.refusal is not None:
            raise self.refusal
        super().enter_application(token)


one_line = st.one_of(st.none(), st.text(min_size=1, max_size=40).filter(lambda m: "\n" not in m and m.strip() != ""))


@pytest.mark.parametrize("name", SIMULATOR_REFUSALS)
@settings(max_examples=10)
@given(text=one_line)
def test_every_simulator_refusal_reaches_the_steps_as_the_driver_refusal_of_its_name(
    name: str, text: str | None
) -> None:
    refusal = getattr(errors, name)(text)
    sim = _Refusing(clock=Clock())
    sim.create_practice("Riverside")
    sim.create_user("Riverside", "erin", PASSWORD)
    system = InProcessSystem(make=lambda: sim)
    session = system.sign_in("erin", PASSWORD)
    sim.refusal = refusal
    for action in (lambda: system.sign_in("erin", PASSWORD), session.enter_application):
        with pytest.raises(driver_errors.Refused) as raised:
            action()
        assert type(raised.value) is getattr(driver_errors, name)
        assert str(raised.value) == str(refusal)
        assert raised.value.__suppress_context__  # one readable line: no simulator traceback chained on


# ── Stateful: the documented actions in any order ────────────────────────────


class MfaPractice(RuleBasedStateMachine):
    """Riverside's people sign in, enroll, mistype, wait and get reset in any
    order while Hal, an account holder with a session kept open, switches
    enforcement and resets MFA. A small model says what must happen."""

    people = st.sampled_from(("erin", "frank", "dana"))

    def __init__(self) -> None:
        super().__init__()
        self.world = build_world()
        self.world.sim.create_user("Riverside", "hal", PASSWORD, account_holder=True)
        self.hal = self.world.sign_in_fully("hal")
        self.phones: dict[str, Phone] = {}
        self.last_step: dict[str, int] = {}
        self.wrong: dict[str, int] = {}
        self.enforced = False

    @property
    def sim(self) -> Simulator:
        return self.world.sim

    def locked(self, name: str) -> bool:
        return self.wrong.get(name, 0) >= self.sim.wrong_code_limit

    def password(self, name: str) -> tuple[str, Stage] | None:
        try:
            token, stage = self.world.sign_in(name)
        except errors.MfaLocked:
            assert self.locked(name), f"{name} was refused as locked without being locked"
            return None
        assert not self.locked(name), f"{name} signed in while locked"
        expected = (Stage.CODE_REQUIRED if name in self.phones
                    else Stage.SETUP_REQUIRED if self.enforced else Stage.SIGNED_IN)
        assert stage is expected, f"{name} is at {stage.value}, expected {expected.value}"
        return token, stage

    @rule(name=people)
    def enroll(self, name: str) -> None:
        signed = self.password(name)
        if signed is None or signed[1] is Stage.CODE_REQUIRED:
            return
        self.phones[name] = self.world.enroll(signed[0], f"{name}'s phone")
        self.last_step[name] = self.world.clock.step
        self.sim.sign_out(signed[0])

    @rule(name=people, offset=st.integers(min_value=-3, max_value=3), mistyped=st.booleans())
    def sign_in_with_a_code(self, name: str, offset: int, mistyped: bool) -> None:
        signed = self.password(name)
        if signed is None or signed[1] is not Stage.CODE_REQUIRED:
            return
        phone = self.phones[name]
        code = self.world.wrong_code(phone) if mistyped else phone.code(offset)
        accepted_steps = [s for s, c in phone.window().items() if s > self.last_step[name] and c == code]
        try:
            stage = self.sim.submit_code(signed[0], code)
        except (errors.CodeRejected, errors.MfaLocked) as refusal:
            assert not accepted_steps, f"a valid, unused code was refused ({type(refusal).__name__})"
            self.wrong[name] = self.wrong.get(name, 0) + 1
            assert isinstance(refusal, errors.MfaLocked) == self.locked(name)
            return
        assert accepted_steps, "a code outside the window, or already used, was accepted"
        assert stage is Stage.SIGNED_IN
        self.last_step[name] = accepted_steps[0]
        self.wrong[name] = 0

    @rule(enforced=st.booleans())
    def switch_enforcement(self, enforced: bool) -> None:
        devices = {n: (d.name, d.secret) if (d := u.device) else None for n, u in self.sim.state.users.items()}
        self.sim.set_enforcement(self.hal, enforced)
        after = {n: (d.name, d.secret) if (d := u.device) else None for n, u in self.sim.state.users.items()}
        unchanged = after == devices
        assert unchanged, "switching enforcement changed someone's device"
        self.enforced = enforced

    @rule(name=people, by_support=st.booleans())
    def reset(self, name: str, by_support: bool) -> None:
        if by_support:
            self.sim.support_reset_mfa(name)
        else:
            self.sim.reset_mfa(self.hal, name)
        self.phones.pop(name, None)
        self.wrong[name] = 0

    @rule(seconds=st.integers(min_value=1, max_value=200))
    def wait(self, seconds: int) -> None:
        self.world.clock.advance(seconds)

    @invariant()
    def devices_locks_and_sessions_agree_with_the_model(self) -> None:
        views = {v.username: v for v in self.sim.user_statuses(self.hal)}
        for name in ("erin", "frank", "dana"):
            assert views[name].enrolled == (name in self.phones), f"{name}'s enrollment"
            assert views[name].locked == self.locked(name), f"{name}'s lock"
        for session in self.sim.state.sessions.values():
            if session.stage is Stage.CODE_REQUIRED:
                assert session.username in self.phones, "a session waits for a code from no device"
            assert not self.locked(session.username), "a locked user has a session open"


TestMfaPractice = MfaPractice.TestCase
TestMfaPractice.settings = settings(settings.default, stateful_step_count=25)
