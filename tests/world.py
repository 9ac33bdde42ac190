"""A small world for the simulator's unit and property tests: a clock the test
moves by hand, phones that hold a key without ever showing it, and a state
comparison that names what changed without printing any value (the state
holds secrets and password hashes).
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass

from mfa_conformance.simulator import Options, Simulator, Stage, State, totp

__all__ = ["Clock", "Phone", "World", "PASSWORD", "START", "build_world", "snapshot", "changes"]

PASSWORD = "correct horse battery staple"
START = 1_700_000_010.0
"""10 s into a time step, so a code shown now has 20 s left."""


class Clock:
    """The simulator's clock, moved only by the test."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    @property
    def step(self) -> int:
        return totp.time_step(self.now)


class Phone:
    """An authenticator app holding one key, read from the enrollment screen."""

    def __init__(self, secret: str, clock: Clock) -> None:
        self._secret = secret
        self._clock = clock

    def __repr__(self) -> str:
        return "Phone(<key hidden>)"

    def code(self, offset: int = 0) -> str:
        return totp.code_at(self._secret, self._clock.step + offset)

    def window(self) -> dict[int, str]:
        """The code of each time step the server accepts now, by step."""
        return {self._clock.step + d: self.code(d) for d in range(-totp.DRIFT_STEPS, totp.DRIFT_STEPS + 1)}

    def window_codes(self) -> set[str]:
        return set(self.window().values())


@dataclass
class World:
    """Riverside (MFA available): dana holds it, erin and frank use it.
    Lakeside (MFA available): lars holds it, lucy uses it.
    Hillside (no MFA): olga holds it, gail uses it."""

    sim: Simulator
    clock: Clock

    def sign_in(self, username: str, *, address: str | None = None) -> tuple[str, Stage]:
        kwargs = {} if address is None else {"address": address}
        return self.sim.sign_in(username, PASSWORD, **kwargs)

    def enroll(self, token: str, device: str = "phone") -> Phone:
        """Open MFA Configuration, key the phone by hand, save with its code."""
        screen = self.sim.begin_enrollment(token)
        phone = Phone(screen.manual_key, self.clock)
        self.sim.save_device(token, phone.code(), device)
        return phone

    def fresh_step(self) -> None:
        """Move to the next time step, so the phone shows a code not yet used."""
        self.clock.advance(totp.PERIOD)

    def sign_in_fully(self, username: str, phone: Phone | None = None) -> str:
        token, stage = self.sign_in(username)
        if stage is Stage.CODE_REQUIRED:
            assert phone is not None, f"{username} needs a phone to sign in"
            self.fresh_step()
            self.sim.submit_code(token, phone.code())
        assert self.sim.stage(token) is Stage.SIGNED_IN
        return token

    def enrolled(self, username: str, device: str = "phone") -> Phone:
        """Sign in, enroll, sign out; the phone for later sign-ins."""
        token, stage = self.sign_in(username)
        assert stage is not Stage.CODE_REQUIRED
        phone = self.enroll(token, device)
        self.sim.sign_out(token)
        return phone

    def wrong_code(self, phone: Phone) -> str:
        """A well-formed code no step of the phone's window shows."""
        window = phone.window_codes()
        return next(c for c in (f"{n:06d}" for n in range(1_000_000)) if c not in window)


def build_world(clock: Clock | None = None, *, wrong_code_limit: int | None = None,
                options: Options | None = None) -> World:
    clock = clock or Clock()
    kwargs = {} if wrong_code_limit is None else {"wrong_code_limit": wrong_code_limit}
    sim = Simulator(clock=clock, options=options, **kwargs)
    for practice, available, holder, users in (
        ("Riverside", True, "dana", ("erin", "frank")),
        ("Lakeside", True, "lars", ("lucy",)),
        ("Hillside", False, "olga", ("gail",)),
    ):
        sim.create_practice(practice, mfa_available=available)
        sim.create_user(practice, holder, PASSWORD, account_holder=True)
        for user in users:
            sim.create_user(practice, user, PASSWORD)
    return World(sim=sim, clock=clock)


def snapshot(state: State) -> State:
    return copy.deepcopy(state)


def changes(before: State, after: State) -> list[str]:
    """Paths that differ between two states, e.g. 'users.erin.wrong_codes' or
    'sessions[+1]'; names only, never values."""
    found: list[str] = []

    def walk(path: str, a: object, b: object) -> None:
        if dataclasses.is_dataclass(a) and dataclasses.is_dataclass(b) and type(a) is type(b):
            for f in dataclasses.fields(a):
                walk(f"{path}.{f.name}" if path else f.name, getattr(a, f.name), getattr(b, f.name))
        elif isinstance(a, dict) and isinstance(b, dict):
            if a.keys() != b.keys():
                found.append(f"{path}[{len(b) - len(a):+d}]" if len(a) != len(b) else f"{path}[keys]")
            for key in a.keys() & b.keys():
                label = key if path != "sessions" else "<token>"
                walk(f"{path}.{label}", a[key], b[key])
        elif a != b:
            found.append(path)

    walk("", before, after)
    return found
