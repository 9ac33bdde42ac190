"""Documented actions as flows: short, declarative sequences of browser steps.

A real product seldom does a documented action with one control: "Security"
opens a tab, setting up asks for the password again before the QR code,
removing a user's authenticator takes "Delete" then "Yes, I'm sure", the user
list and the MFA status are two pages. A profile's `[flows]` table gives any
documented action as a list of steps (after the OpenID Foundation conformance
suite's browser tasks: a list of commands run in order), each a small table:

    reset_mfa = [
      { goto = "/admin/otp_totp/totpdevice/?q={user}" },
      { submit = { css = "tr:has(td:text-is('{user}')) th a" } },
      { submit = { role = "link", name = "Delete" } },
      { submit = { role = "button", name = "Yes, I’m sure" } },
    ]

An action without a flow keeps the driver's built-in route through the
profile's single locators, so profiles written before flows work unchanged.
A step that cannot be done fails as one `ElementMissing` line naming the flow,
the step's number and the page, like every other profile mistake. This module
reads and checks flows; `pages/flow_runner.py` runs them.
"""

from __future__ import annotations

from dataclasses import dataclass

from .locators import LocatorSpec, read_locator
from .profile_checks import ProfileError, check_keys, table

__all__ = ["FLOW_ACTIONS", "VALUES", "FlowStep", "Flow", "read_flows"]

FLOW_ACTIONS: dict[str, str] = {
    "sign_in": "from the sign-in page's address to where the password leads",
    "enter_code": "answer the code prompt",
    "sign_out": "sign out from anywhere in the product",
    "open_mfa_configuration": "from the product to the MFA Configuration page (Security, Authenticator)",
    "save_device": "enter the one-time code and the device name, and save",
    "own_mfa_status": "from the product to the page showing the user's own MFA status",
    "practice_security_settings": "from the product to Practice Security Settings",
    "set_enforcement": "tick or clear the enforcement box, and save",
    "set_safelist": "write the IP safelist, and save",
    "user_settings": "from the product to User Settings, the list of users",
    "find_user": "search User Settings for a username",
    "user_status": "from the product to the page showing one user's MFA status",
    "reset_mfa": "from User Settings, reset one user's MFA (confirmation included)",
    "support_reset": "in the support console, reset one user's MFA (confirmation included)",
}
"""The documented actions a profile may give as flows, and where each starts and ends."""

VALUES = ("username", "password", "code", "device_name", "user", "safelist")
"""What a `fill` step may type (`with`): the acting person's own username and password
(a re-authentication page), the one-time code, the device name, the username the
action is about (searched, reset), the safelist's entries one per line."""

STEP_ACTIONS = ("goto", "click", "submit", "fill", "check", "uncheck", "tick", "select", "wait", "accept_dialogs")
STEP_KEYS = {*STEP_ACTIONS, "with", "value", "new_tab", "if", "optional"}


@dataclass(frozen=True)
class FlowStep:
    action: str
    key: str
    """Where the profile names it: `flows.reset_mfa[2]`."""
    target: LocatorSpec | None = None
    path: str | None = None
    source: str | None = None
    """`with`: which of VALUES a fill or select types."""
    value: str | None = None
    """A literal to type instead (`value = ""` clears a field)."""
    new_tab: bool = False
    when: LocatorSpec | None = None
    """`if`: do the step only when this element is on the page."""
    optional: bool = False
    """Do the step only when its own element is on the page."""


Flow = tuple[FlowStep, ...]


def _read_step(at: str, key: str, entry: object) -> FlowStep:
    where = f"{at}: {key}"
    entry = table(where, entry)
    check_keys(where, entry, STEP_KEYS)
    actions = [a for a in STEP_ACTIONS if a in entry]
    if len(actions) != 1:
        raise ProfileError(f"{where} must give exactly one of {', '.join(STEP_ACTIONS)}")
    action = actions[0]
    step: dict = {"action": action, "key": key}
    if action == "goto":
        path = entry["goto"]
        if not isinstance(path, str) or not path.startswith("/"):
            raise ProfileError(f"{where}.goto must be a path starting with '/'")
        step["path"] = path
    elif action == "accept_dialogs":
        if entry["accept_dialogs"] is not True:
            raise ProfileError(f"{where}.accept_dialogs must be true")
    else:
        step["target"] = read_locator(f"{where}.{action}", entry[action], key)
    if action in ("fill", "select"):
        if ("with" in entry) == ("value" in entry):
            raise ProfileError(f"{where} needs exactly one of 'with' (one of {', '.join(VALUES)}) or 'value'")
        if "with" in entry and entry["with"] not in VALUES:
            raise ProfileError(f"{where}.with must be one of {', '.join(VALUES)}, not {entry['with']!r}")
        if "value" in entry and not isinstance(entry["value"], str):
            raise ProfileError(f"{where}.value must be text")
        step["source"], step["value"] = entry.get("with"), entry.get("value")
    elif "with" in entry or "value" in entry:
        raise ProfileError(f"{where}: 'with' and 'value' go with fill or select only")
    for flag in ("new_tab", "optional"):
        if flag in entry:
            if not isinstance(entry[flag], bool):
                raise ProfileError(f"{where}.{flag} must be true or false")
            step[flag] = entry[flag]
    if step.get("new_tab") and action not in ("click", "submit"):
        raise ProfileError(f"{where}.new_tab goes with click or submit")
    if "if" in entry:
        step["when"] = read_locator(f"{where}.if", entry["if"], f"{key}.if")
    return FlowStep(**step)


def read_flows(at: str, data: object) -> dict[str, Flow]:
    """[flows]: each documented action's steps, checked whole."""
    flows = table(f"{at}: [flows]", data)
    check_keys(f"{at}: [flows]", flows, FLOW_ACTIONS)
    read: dict[str, Flow] = {}
    for name, steps in flows.items():
        if steps is False:  # over an extended profile: back to the built-in route
            continue
        if not isinstance(steps, list) or not steps:
            raise ProfileError(f"{at}: flows.{name} must be a list of steps such as "
                               f"[{{ goto = \"/settings\" }}, {{ submit = {{ role = \"button\", name = \"Save\" }} }}]")
        read[name] = tuple(_read_step(at, f"flows.{name}[{n}]", step) for n, step in enumerate(steps))
    return read
