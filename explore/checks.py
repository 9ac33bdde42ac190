"""How the explorer compares the system with the model.

After an act, as the suite's `Then` steps check it (where the session stands, the
refusal named, the reset done); after every step, as invariants: every open
session stands where the model says, and User Settings show every user as the
model expects.
"""

from __future__ import annotations

from hypothesis.stateful import invariant

from mfa_conformance.driver import Detail, Stage
from mfa_conformance.driver import errors as refused
from mfa_conformance.driver.errors import Refused

from .actors import Actor
from .model import Prediction
from .model_state import Standing
from .recording import Recording
from .trace import Line

__all__ = ["Checks", "STAGE_OF", "matches"]

STAGE_OF = {Standing.CODE_REQUIRED: Stage.CODE_REQUIRED, Standing.SETUP_REQUIRED: Stage.SETUP_REQUIRED,
            Standing.SIGNED_IN: Stage.SIGNED_IN}


def matches(predicted: Prediction, error: Refused | None) -> bool:
    if predicted.refusal is None:
        return error is None
    return predicted.refuses_as(error)


class Checks(Recording):
    """The checks of one example, after each act and after each step."""

    def check_every_invariant(self) -> None:
        """What Hypothesis does after each step; `explore.shrinking` replays sequences without it."""
        self.sessions_stand_where_the_model_says()
        self.user_settings_show_what_the_model_says()

    # ── Invariants: after every step ────────────────────────────────────────
    @invariant()
    def sessions_stand_where_the_model_says(self) -> None:
        for actor in self.actors.values():
            session = actor.session
            standing = self.model.standing(actor.name)
            if session is None or standing is None or standing is Standing.LOCKED_OUT:
                continue
            predicted = self.model.enter_application(actor.name)
            _, error = self._call(session.enter_application)
            then = {
                Standing.SIGNED_IN: f"{actor.name} can still use the product",
                Standing.CODE_REQUIRED: f"{actor.name} cannot use the product until {actor.subject} enters a code",
                Standing.SETUP_REQUIRED: f"{actor.name} cannot use the product until {actor.subject} sets up MFA",
                Standing.ENDED: f"{actor.name}'s session has ended",
            }[standing]
            if not matches(predicted, error):
                self._fail(f"{actor.name}'s session: the model predicted it {standing.value}, "
                           f"the system {self._said('lets them use the product', error)}",
                           [Line("Then", then)], predicted.rests_on, in_step=False)

    @invariant()
    def user_settings_show_what_the_model_says(self) -> None:
        holder = self.actors["Dana"]
        if self.model.standing(holder.name) is not Standing.SIGNED_IN or holder.session is None:
            return
        predicted = self.model.user_statuses(holder.name)
        listed, error = self._call(holder.session.user_statuses)
        shown = {s.username: s for s in listed} if error is None else {}
        names_shown = Detail.DEVICE_NAMES in self.sut.shows  # a product may show no device names there
        for row in predicted.value:  # type: ignore[union-attr]
            status = shown.get(row.username)
            if status is not None and status.enrolled is row.enrolled and (
                    not names_shown or status.device_name == row.device_name):
                continue
            expected = f"enrolled with \"{row.device_name}\"" if row.enrolled else "not enrolled"
            then = Line("Then", f"{row.persona}'s MFA status in User Settings is {expected}")
            self._fail(f"User Settings show {row.persona} as {self._status_said(status, error)}, the model "
                       f"predicted {expected}", [then], self.model.status_rests_on(row.persona), in_step=False)

    # ── After an act, as its Then steps check it ────────────────────────────
    def _expect_stage(self, actor: Actor, standing: Standing, line: Line, context: str,
                      rests_on: frozenset[str]) -> None:
        """What the suite's "is signed in" / "is asked for ..." steps check of the session."""
        session = self._session(actor)
        stage, error = self._call(lambda: session.stage)
        if error is None and stage is STAGE_OF[standing]:
            if standing is Standing.CODE_REQUIRED:
                return
            _, use = self._call(session.enter_application)
            expected = None if standing is Standing.SIGNED_IN else refused.SetupRequired
            if (use is None and expected is None) or (expected is not None and isinstance(use, expected)):
                return
            error = use
        self._fail(f"{context}, the system {self._said(getattr(stage, 'value', stage), error)}", [line], rests_on)

    def _expect_refusal(self, actor: Actor, predicted: Prediction, error: Refused | None, doing: str) -> None:
        assert predicted.refusal is not None
        lines = {
            refused.NotAccountHolder: f"{actor.name} is told that only an account holder can do this",
            refused.AlreadyEnrolled: f"{actor.name} is told that {actor.subject} already has an MFA device",
            refused.UnknownUser: f"{actor.subject} is told that there is no such user in {actor.possessive} practice",
            refused.SelfResetRefused: f"{actor.subject} is told to contact vendor support",
        }
        line = Line("Then", lines[predicted.refusal])
        if not isinstance(error, predicted.refusal):
            self._fail(f"{actor.name} {doing}: the model predicted {predicted.describe()}, the system "
                       f"{self._said('allowed it', error)}", [line], predicted.rests_on)
        assert self.step is not None
        self.step.acts[-1].then.append(line)
        self.step.acts[-1].rests_on = predicted.rests_on

    def _expect_reset_done(self, target: str, error: Refused | None, predicted: Prediction) -> None:
        line = Line("Then", f"{target}'s MFA has been reset")
        if error is not None:
            self._fail(f"resetting {target}'s MFA: the model predicted it done, the system refused it "
                       f"({type(error).__name__})", [line], predicted.rests_on)
        assert self.step is not None
        self.step.acts[-1].then.append(line)
        self.step.acts[-1].rests_on = predicted.rests_on
