"""The NIST SP 800-53 Rev. 5 controls a catalogue entry may say it serves (`controls = [...]`).

A closed table, reviewed against the controls' own statements: an entry names a
control only where checking the entry checks part of what the control asks
(features/requirements.toml, its header, says how the mapping was chosen), and
only a control listed here. A control is written as NIST writes it, `IA-2(1)`;
OSCAL's catalogue of SP 800-53 names it `ia-2.1` (`oscal_id`), which is how the
OSCAL assessment results (`mfa-conformance export --oscal`) refer to it.
"""

from __future__ import annotations

import re

__all__ = ["SP800_53", "CONTROL", "ControlError", "check_control", "oscal_id", "SP800_53_CATALOG"]

CONTROL = re.compile(r"^(?P<family>[A-Z]{2})-(?P<number>[1-9]\d?)(?:\((?P<enhancement>[1-9]\d?)\))?$")
"""A control or control enhancement as NIST writes it: AC-7, IA-2(1)."""

SP800_53: dict[str, str] = {
    "AC-3": "Access Enforcement",
    "AC-7": "Unsuccessful Logon Attempts",
    "AC-12": "Session Termination",
    "IA-2(1)": "Multi-factor Authentication to Privileged Accounts",
    "IA-2(2)": "Multi-factor Authentication to Non-privileged Accounts",
    "IA-2(8)": "Access to Accounts — Replay Resistant",
    "IA-5": "Authenticator Management",
    "SC-23": "Session Authenticity",
    "SC-23(1)": "Invalidate Session Identifiers at Logout",
}
"""Each control the catalogue may name, with its title in SP 800-53 Rev. 5."""

SP800_53_CATALOG = ("https://raw.githubusercontent.com/usnistgov/oscal-content/main/nist.gov/SP800-53/rev5/json/"
                    "NIST_SP-800-53_rev5_catalog.json")
"""NIST's own OSCAL catalogue of SP 800-53 Rev. 5, where `oscal_id` names each control."""


class ControlError(ValueError):
    """Not a control this table knows, or not written as NIST writes one."""


def check_control(control: str) -> str:
    if not isinstance(control, str) or not CONTROL.match(control):
        raise ControlError(f"{control!r} is not written as NIST SP 800-53 writes a control (AC-7, IA-2(1))")
    if control not in SP800_53:
        raise ControlError(f"{control} is not among the reviewed SP 800-53 Rev. 5 controls "
                           f"({', '.join(SP800_53)}); add it to mfa_conformance.requirements.controls with its title first")
    return control


def oscal_id(control: str) -> str:
    """`IA-2(1)` -> `ia-2.1`, as NIST's OSCAL catalogue of SP 800-53 names it."""
    match = CONTROL.match(control)
    if match is None:
        raise ControlError(f"{control!r} is not written as NIST SP 800-53 writes a control")
    enhancement = match["enhancement"]
    return f"{match['family'].lower()}-{match['number']}" + (f".{enhancement}" if enhancement else "")
