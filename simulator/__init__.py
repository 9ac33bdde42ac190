"""The reference simulator of the MFA how-to: a domain model with no I/O.

It imports nothing from pytest, HTTP or Playwright; time comes in through an
injectable clock and every refusal is a named error from `simulator.errors`.
"""

from . import errors
from .enrollment import ISSUER, SUGGESTED_APPS, EnrollmentScreen
from .options import Options
from .state import Stage, State, UserView
from .system import Simulator

__all__ = ["Simulator", "Options", "Stage", "State", "UserView", "EnrollmentScreen", "SUGGESTED_APPS", "ISSUER",
           "errors"]
