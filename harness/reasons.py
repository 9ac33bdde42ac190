"""A failed scenario's reason as a vendor reads it: the product's or the domain's words.

pytest names an exception by its qualified class (`mfa_conformance.steps.starting_state.
ActionMisbehaved: ...`); a vendor needs only the short name of a refusal or a finding.
A programming error raised inside the harness itself (a KeyError in a step) is no sight
of the product doing anything: its scenario gets no verdict ("cannot tell"), and the
reason says to report it. The same error raised inside the product (an in-process
system's own code) stays the product's failure.
"""

from __future__ import annotations

import pytest

__all__ = ["short_reason", "harness_fault"]

PROGRAMMING_ERRORS = (LookupError, TypeError, AttributeError, NameError, RecursionError, ZeroDivisionError)
PRODUCTS = ("mfa_conformance.simulator", "mfa_conformance.webapp")
"""The package's modules that are products the harness checks, not the harness."""


def short_reason(excinfo: pytest.ExceptionInfo[BaseException]) -> str:
    """`Name: message` with the class's short name."""
    text = str(excinfo.value).strip()
    return f"{excinfo.type.__name__}: {text}" if text else excinfo.type.__name__


def harness_fault(excinfo: pytest.ExceptionInfo[BaseException]) -> str | None:
    """Where in the harness a programming error was raised (`mfa_conformance.steps.cast` line 90),
    or None when the error is a check's, a refusal's, or was raised by the product."""
    if isinstance(excinfo.value, AssertionError) or not isinstance(excinfo.value, PROGRAMMING_ERRORS):
        return None
    last = excinfo.traceback[-1]
    module = str(last.frame.f_globals.get("__name__", ""))
    if module.startswith("mfa_conformance") and not module.startswith(PRODUCTS):
        return f"{module} line {last.lineno + 1}"
    return None
