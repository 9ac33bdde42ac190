"""Every word the reference web app shows, from one place.

The how-to names screens and controls by their labels (Security, Authenticator,
Save, Reset MFA, ...). Keeping them here lets `serve --labels FILE` rename any
of them, so the browser driver's profile can be proved to carry every label: a
vendor whose product says "Reset two-step" edits a profile, not the harness.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

__all__ = ["DEFAULT_LABELS", "Labels", "LabelsError", "load_labels"]

DEFAULT_LABELS: Mapping[str, str] = MappingProxyType({
    "product": "Practice Portal",
    # Header: the Menu on the left, the profile menu in the upper right.
    "menu": "Menu",
    "admin": "Admin",
    "practice_security_settings": "Practice Security Settings",
    "profile": "Profile",
    "security": "Security",
    "sign_out": "Sign out",
    # Signing in.
    "sign_in_heading": "Sign in",
    "username": "Username",
    "password": "Password",
    "sign_in": "Sign in",
    "password_locked": "Too many wrong passwords for this username: password sign-in is locked for {minutes} minutes.",
    "code_prompt_heading": "Enter your one-time code",
    "code_prompt_hint": "Open your authenticator app and enter the code it shows for this account.",
    "one_time_code": "One-time code",
    "verify": "Verify",
    "application_heading": "Dashboard",
    "signed_in_as": "Signed in as",
    # Security, Authenticator, MFA Configuration.
    "security_heading": "Security",
    "authenticator": "Authenticator",
    "mfa_configuration_heading": "MFA Configuration",
    "setup_required_heading": "Set up multi-factor authentication",
    "setup_required_hint": "Your practice requires multi-factor authentication for ALL users. "
                           "Set up an authenticator app to continue.",
    "choose_authenticator": "Select an authenticator app. Install it on your phone, then continue to scan the QR code.",
    "suggested_apps": "Suggested authenticator apps",
    "other_app": "Another TOTP-compatible app",
    "show_qr_code": "Continue",
    "scan_hint": "Scan this QR code with {app}, then enter the one-time code it shows and name your device.",
    "your_app": "your authenticator app",
    "qr_code": "QR code for your authenticator app",
    "manual_key": "Key for manual entry",
    "device_name": "Device name",
    "save": "Save",
    "mfa_status": "MFA status",
    "enrolled": "Enrolled",
    "not_enrolled": "Not enrolled",
    "device": "Device",
    # Practice Security Settings.
    "security_settings_heading": "Security Settings",
    "mfa_section": "Multi-factor authentication",
    "enforce_mfa": "Enforce multi-factor authentication for ALL users",
    "save_enforcement": "Save MFA setting",
    "ip_safelist": "IP Safelist",
    "ip_safelist_hint": "One IP address or CIDR range per line. Leave empty to allow any address.",
    "save_safelist": "Save IP Safelist",
    "saved": "Saved.",
    "safelist_too_many": "An IP safelist holds at most {limit} entries; this one has {count}. Nothing was saved.",
    "safelist_too_long": "An IP safelist is at most {limit} characters long; this one has {count}. Nothing was saved.",
    # User Settings.
    "user_settings": "User Settings",
    "users_table": "Users",
    "search_username": "Username",
    "search_hint": "Use the user's full and exact username.",
    "search": "Search",
    "search_results": "Search results",
    "no_user_found": "No user with that username in your practice.",
    "role": "Role",
    "account_holder": "Account holder",
    "user": "User",
    "reset_mfa": "Reset MFA",
    "mfa_was_reset": "MFA was reset for {username}.",
    # Vendor support.
    "support_heading": "Support console",
    "support_password": "Support password",
    "support_sign_in": "Open console",
    "support_wrong_password": "Wrong support password.",
    "support_locked": "Too many wrong support passwords: the console's sign-in is locked for {minutes} minutes.",
    "support_closed": "Open the support console first.",
    # Message pages.
    "message_heading": "We could not do that",
    "continue": "Continue",
    "not_found": "There is no such page.",
    "form_expired": "This form has expired or did not come from this site. Go back, reload the page and try again.",
    "server_error": "Something went wrong on our side. Nothing was changed.",
    "request_too_large": "This request is larger than the {limit} this server takes. Nothing was changed.",
})


class LabelsError(Exception):
    """The labels file cannot be used; one line naming the problem."""


@dataclass(frozen=True)
class Labels:
    """Labels for the screens, and optional wording for refusal messages.

    `messages` maps a refusal name (e.g. "CodeRejected") to the text shown
    instead of the simulator's own; `{detail}` in it stands for that text.
    """

    text: Mapping[str, str] = field(default_factory=lambda: DEFAULT_LABELS)
    messages: Mapping[str, str] = field(default_factory=dict)

    def __getitem__(self, key: str) -> str:
        return self.text[key]

    def __getattr__(self, key: str) -> str:
        if key.startswith("_") or key in ("text", "messages"):
            raise AttributeError(key)
        try:
            return self.text[key]
        except KeyError:
            raise AttributeError(key) from None

    def message(self, refusal: str, detail: str) -> str:
        template = self.messages.get(refusal)
        return detail if template is None else template.replace("{detail}", detail)


def load_labels(path: Path, refusal_names: frozenset[str]) -> Labels:
    """Defaults overridden by a TOML file with a [labels] and an optional [messages] table."""
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except OSError as error:
        raise LabelsError(f"--labels {path}: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise LabelsError(f"--labels {path}: not UTF-8 text (byte {error.start})") from None
    except tomllib.TOMLDecodeError as error:
        raise LabelsError(f"--labels {path}: not valid TOML ({error})") from None
    unknown_tables = set(data) - {"labels", "messages"}
    if unknown_tables:
        raise LabelsError(f"--labels {path}: unknown table(s) {sorted(unknown_tables)}; expected [labels] and [messages]")
    labels, messages = data.get("labels", {}), data.get("messages", {})
    for table, allowed, entries in (("labels", set(DEFAULT_LABELS), labels), ("messages", refusal_names, messages)):
        if not isinstance(entries, dict):
            raise LabelsError(f"--labels {path}: [{table}] must be a table")
        unknown = sorted(set(entries) - allowed)
        if unknown:
            raise LabelsError(f"--labels {path}: unknown key(s) in [{table}]: {', '.join(unknown)}")
        bad = sorted(k for k, v in entries.items() if not isinstance(v, str) or not v.strip())
        if bad:
            raise LabelsError(f"--labels {path}: [{table}] {', '.join(bad)} must be non-empty text")
    return Labels(text=MappingProxyType({**DEFAULT_LABELS, **labels}), messages=MappingProxyType(dict(messages)))
