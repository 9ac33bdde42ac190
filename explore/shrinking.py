"""Shrinking a failing sequence by replaying parts of it.

Hypothesis finds the failing sequence; this module makes it short. It replays
the recorded rule calls on fresh machines, dropping halves, quarters, ... and
finally single steps while the sequence still fails (a simple ddmin). When
deleting gets no further, a step is swapped for a plainer variant of itself
(which may let others go) and deleting starts again. Replaying is cheap and exact because every rule is a deterministic function of
its arguments and the state before it, and a rule that no longer applies after
a deletion does nothing. That keeps what a counterexample says readable: every
step left is one the failure needs. On a system without clock control each
replay waits for the time steps the original sequence had (`explore.pacing`),
and every call keeps the time it had there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from .machine import Exploration
from .pacing import RealClockPacing
from .trace import Call, Discrepancy

__all__ = ["Shrunk", "shrink", "replay"]


@dataclass
class Shrunk:
    machine: Exploration
    failure: Discrepancy
    replays: int


def replay(machine_class: type[Exploration], calls: list[Call],
           pacing: RealClockPacing | None = None) -> tuple[Exploration, Discrepancy | None]:
    """Run `calls` on a fresh machine, checking the invariants after each as Hypothesis does
    (with `pacing`, each call in the time step it had when first explored)."""
    machine = machine_class()
    try:
        if pacing is not None:
            pacing.start()
        machine.check_every_invariant()
        for call in calls:
            if pacing is not None:
                pacing.before(call)
            machine.scheduled = call.at
            getattr(machine, call.rule)(**call.arguments)
            machine.check_every_invariant()
    except Discrepancy as failure:
        return machine, failure
    finally:
        machine.teardown()
    return machine, None


def _calls(machine: Exploration) -> list[Call]:
    return [step.call for step in machine.trace.steps]


def _delete(calls_now: Callable[[], list[Call]], attempt: Callable[[list[Call]], bool]) -> None:
    """Drop halves, quarters, ... then single steps, for as long as the sequence still fails."""
    size = max(1, len(calls_now()) // 2)
    while True:
        index, progress = 0, False
        while index < len(calls_now()):
            calls = calls_now()
            if attempt(calls[:index] + calls[index + size:]):
                progress = True  # the same place now holds later steps: try them too
            else:
                index += size
        if size > 1:
            size //= 2
        elif not progress:
            return


def _simpler(call: Call) -> list[Call]:
    """Plainer variants of one step, tried once deleting alone gets no further: a wrong code for a
    code from the old phone, the right code and the same phone for a setup, as many wrong codes as lock."""
    name, arguments = call.rule, call.arguments
    if name == "code_from_phone" and arguments.get("role") == "old phone":
        return [Call("enter_code", {"who": arguments["owner"], "kind": "wrong"}, call.at)]
    if name == "self_enroll":
        plainer = []
        if arguments.get("new_phone"):
            plainer.append(replace(call, arguments={**arguments, "new_phone": False}))
        if arguments.get("variant") != "right":
            plainer.append(replace(call, arguments={**arguments, "variant": "right"}))
        return plainer
    if name == "sign_in_with_wrong_codes" and arguments.get("count") != "as many":
        return [replace(call, arguments={**arguments, "count": "as many"})]  # the declared limit: the plainest
    if name == "sign_in" and arguments.get("elsewhere"):
        return [replace(call, arguments={**arguments, "elsewhere": False})]
    return []


def shrink(machine_class: type[Exploration], found: Exploration, failure: Discrepancy, *,
           max_replays: int = 400, out_of_time: Callable[[], bool] = lambda: False,
           pacing: RealClockPacing | None = None) -> Shrunk:
    """The shortest sequence this search reaches that still fails a check.

    Any failing check will do, not only the first one found: every discrepancy
    is a real one, and the shortest story is the one to tell first."""
    best = Shrunk(found, failure, 0)
    calls = _calls(found)

    def attempt(candidate: list[Call]) -> bool:
        """Keep `candidate` if it still fails; the steps it actually took become the sequence."""
        nonlocal best, calls
        if best.replays >= max_replays or out_of_time():
            return False
        machine, again = replay(machine_class, candidate, pacing)
        best.replays += 1
        if again is None:
            return False
        best = Shrunk(machine, again, best.replays)
        calls = _calls(machine)  # steps that turned into no-ops, or came after the failure, are gone
        return True

    while True:
        _delete(calls_now=lambda: calls, attempt=attempt)
        if not any(attempt(calls[:i] + [simpler] + calls[i + 1:])
                   for i in range(len(calls)) for simpler in _simpler(calls[i])):
            break
    return best
