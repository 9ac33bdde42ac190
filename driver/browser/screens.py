"""The screens a profile describes: the elements of each documented screen, which
of them a product may lack, and which go together.

A section is one screen ([sign_in], [mfa_configuration], ...): each key a
locator, a text (a column header, a status word) or a path. Products differ
from the reference app and from each other: the QR code shown at once, the
suggested apps listed as plain text, User Settings without device names or
roles, a support console behind a username and a password. So an element a
product may lack is optional: left out, or set to `false` where a profile
this one extends names it (`device_column = false`). [forced_setup] is the
forced setup screen under enforcement where it differs from the MFA
Configuration page: any key of [mfa_configuration], the others inherited.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mfa_conformance.driver import Feature

from .locators import ConsoleField, read_console_fields, read_locator
from .profile_checks import ProfileError, check_keys, table, typed

__all__ = ["SCREENS", "OPTIONAL", "ABSENT", "COVERED_BY_FLOWS", "SECTIONS", "Section", "read_sections"]

LOCATOR = "locator"
TEXT = "text"
PATH = "path"
FIELDS = "fields"

SCREENS: dict[str, dict[str, str]] = {
    "paths": {"start": PATH, "sign_in": PATH, "application": PATH, "support_console": PATH},
    "screens": {"sign_in": LOCATOR, "code_prompt": LOCATOR, "setup_required": LOCATOR, "application": LOCATOR,
                "message": LOCATOR, "rate_limited": LOCATOR},
    "sign_in": {"username": LOCATOR, "password": LOCATOR, "submit": LOCATOR},
    "code_prompt": {"code": LOCATOR, "submit": LOCATOR},
    "navigation": {"profile_menu": LOCATOR, "security": LOCATOR, "sign_out": LOCATOR, "menu": LOCATOR,
                   "admin": LOCATOR, "practice_security_settings": LOCATOR},
    "security": {"authenticator": LOCATOR},
    "mfa_configuration": {"suggested_apps": LOCATOR, "app_choice": LOCATOR, "listed_app": LOCATOR,
                          "other_app": LOCATOR, "show_qr_code": LOCATOR, "qr_code": LOCATOR,
                          "one_time_code": LOCATOR, "device_name": LOCATOR, "save": LOCATOR, "status": LOCATOR,
                          "enrolled_text": TEXT, "device": LOCATOR, "manual_key": LOCATOR},
    "practice_security_settings": {"enforce": LOCATOR, "save_enforcement": LOCATOR, "safelist": LOCATOR,
                                   "save_safelist": LOCATOR, "user_settings": LOCATOR},
    "user_settings": {"search": LOCATOR, "search_submit": LOCATOR, "users": LOCATOR, "username_column": TEXT,
                      "status_column": TEXT, "device_column": TEXT, "role_column": TEXT, "enrolled_text": TEXT,
                      "account_holder_text": TEXT, "reset_mfa": LOCATOR, "none": LOCATOR},
    "support_console": {"fields": FIELDS, "password": LOCATOR, "open": LOCATOR, "search": LOCATOR,
                        "search_submit": LOCATOR, "users": LOCATOR, "username_column": TEXT, "reset_mfa": LOCATOR},
}
OPTIONAL = {
    ("mfa_configuration", "app_choice"), ("mfa_configuration", "listed_app"), ("mfa_configuration", "other_app"),
    ("mfa_configuration", "show_qr_code"), ("mfa_configuration", "device"), ("mfa_configuration", "manual_key"),
    ("user_settings", "device_column"), ("user_settings", "role_column"), ("user_settings", "account_holder_text"),
    ("user_settings", "none"),
    ("support_console", "fields"), ("support_console", "password"), ("support_console", "open"),
    ("screens", "rate_limited"),
}
"""Elements a product may lack: an app choice (the QR code at once), a key shown only in
the QR code, device names and roles, a support console that asks for nothing."""
ABSENT: dict[tuple[str, str], tuple[Feature, tuple[str, ...]]] = {
    ("mfa_configuration", "device_name"): (Feature.DEVICE_NAME, ()),
    ("mfa_configuration", "suggested_apps"): (Feature.SUGGESTED_APPS, ("app_choice", "listed_app", "other_app")),
    ("practice_security_settings", "enforce"): (Feature.ENFORCEMENT, ("save_enforcement",)),
    ("practice_security_settings", "safelist"): (Feature.SAFELIST, ("save_safelist",)),
    ("screens", "setup_required"): (Feature.SETUP_SCREEN, ()),
    ("user_settings", "search"): (Feature.USER_SEARCH, ("search_submit",)),
}
"""Elements of what the how-to describes that a product may lack, set to `false`: the
feature each stands for, and the keys of the same section that go with it."""
COVERED_BY_FLOWS: dict[str, tuple[tuple[str, str], ...]] = {
    "sign_in": (("sign_in", "username"), ("sign_in", "password"), ("sign_in", "submit")),
    "enter_code": (("code_prompt", "code"), ("code_prompt", "submit")),
    "sign_out": (("navigation", "sign_out"),),
    "open_mfa_configuration": (("navigation", "security"), ("security", "authenticator")),
    "practice_security_settings": (("navigation", "menu"), ("navigation", "admin"),
                                   ("navigation", "practice_security_settings")),
    "set_enforcement": (("practice_security_settings", "save_enforcement"),),
    "set_safelist": (("practice_security_settings", "save_safelist"),),
    "user_settings": (("practice_security_settings", "user_settings"),),
    "find_user": (("user_settings", "search"), ("user_settings", "search_submit")),
    "reset_mfa": (("user_settings", "reset_mfa"),),
    "support_reset": (("support_console", "reset_mfa"), ("support_console", "search"),
                      ("support_console", "search_submit"), ("support_console", "users"),
                      ("support_console", "username_column")),
}
"""The single locators a documented action's flow makes unnecessary (flows.py)."""
SECTIONS = (*SCREENS, "forced_setup", "user_status")
USER_STATUS = {"table": LOCATOR, "username_column": TEXT, "status_column": TEXT, "enrolled_text": TEXT,
               "none": LOCATOR}
"""[user_status]: one user's MFA status on a page of its own (flows.user_status leads there): a table
with a row per device or per user, and what the page shows when the user has none."""


class Section(Mapping[str, Any]):
    """One table of the profile, by attribute: `profile.sign_in.username`."""

    def __init__(self, name: str, values: Mapping[str, Any]) -> None:
        self._name = name
        self._values = dict(values)

    def __getattr__(self, key: str) -> Any:
        if key.startswith("_"):
            raise AttributeError(key)
        try:
            return self._values[key]
        except KeyError:
            raise AttributeError(f"profile section [{self._name}] has no {key!r}") from None

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def _section(at: str, schema: str, entries: dict, origin: Mapping[str, str],
             optional: set[tuple[str, str]] = frozenset(), lacks: dict[Feature, str] | None = None,
             keys: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The values of one section; `origin` says which table each key was written in,
    `optional` the keys a flow or an absent feature makes unnecessary, `lacks` collects
    the features set to false."""
    values: dict[str, Any] = {}
    keys = keys or SCREENS[schema]
    for key, kind in keys.items():
        named = f"{origin.get(key, schema)}.{key}"
        item, value = f"{at}: {named}", entries.get(key)
        if value is False and (schema, key) in ABSENT and lacks is not None:
            lacks.setdefault(ABSENT[schema, key][0], named)
            continue
        if value is None or value is False:
            if (schema, key) in OPTIONAL or (schema, key) in optional:
                continue
            raise ProfileError(f"{at}: [{origin.get(key, schema)}] lacks {key!r}" if value is None
                               else f"{item} cannot be false: every product has it (what a product may lack: "
                                    f"{', '.join(f'{a}.{b}' for a, b in ABSENT)})")
        if kind == LOCATOR:
            values[key] = read_locator(item, value, named)
        elif kind == FIELDS:
            values[key] = read_console_fields(at, value)
        else:
            values[key] = typed(item, value, str)
            if kind == PATH and not values[key].startswith("/"):
                raise ProfileError(f"{item} must be a path starting with '/'")
    return values


def _check_enrollment(at: str, name: str, values: dict[str, Any]) -> None:
    if "suggested_apps" not in values:
        return
    given = [key for key in ("app_choice", "listed_app") if key in values]
    if len(given) != 1:
        raise ProfileError(f"{at}: [{name}] needs app_choice (the suggested apps are chosen, as radio buttons) "
                           f"or listed_app (they are listed as plain text), "
                           f"{'not both' if given else 'and names neither'}")


def _check_user_settings(at: str, values: dict[str, Any]) -> None:
    if "role_column" in values and "account_holder_text" not in values:
        raise ProfileError(f"{at}: user_settings.role_column needs account_holder_text, the word the column "
                           f"shows for an account holder")


def _check_console(at: str, values: dict[str, Any], support_password_env: str | None) -> None:
    if "fields" in values and "password" in values:
        raise ProfileError(f"{at}: support_console names both fields and password: give the password as one of "
                           f"its fields")
    if "password" in values:  # the older form: one password field, its value from system.support_password_env
        values["fields"] = (ConsoleField(locator=values.pop("password"), env=support_password_env,
                                         source="system.support_password_env"),)
    if values.get("fields") and "open" not in values:
        raise ProfileError(f"{at}: support_console.fields needs open, the button that signs in to the console")
    values.setdefault("fields", ())


def _unnecessary(raw: dict[str, dict], flows: Mapping[str, object]) -> set[tuple[str, str]]:
    """Keys no action needs: those a flow replaces, and those that go with a feature set to false."""
    optional = {key for flow in flows for key in COVERED_BY_FLOWS.get(flow, ())}
    for (section, key), (_, companions) in ABSENT.items():
        if raw.get(section, {}).get(key) is False:
            optional |= {(section, other) for other in companions}
    if raw["practice_security_settings"].get("enforce") is False and \
            raw["practice_security_settings"].get("safelist") is False and "user_settings" in flows:
        optional |= {("practice_security_settings", "user_settings"), ("navigation", "menu"), ("navigation", "admin"),
                     ("navigation", "practice_security_settings")}  # no settings page to go through
    if "open_mfa_configuration" in flows and "sign_out" in flows:  # the menu held Security and Sign out
        optional.add(("navigation", "profile_menu"))
    if "user_status" in flows:  # the status is read on the user's own page, not in the list
        optional |= {("user_settings", "status_column"), ("user_settings", "enrolled_text")}
    return optional


def read_sections(at: str, data: dict, support_password_env: str | None,
                  flows: Mapping[str, object] = {}) -> tuple[dict[str, Section], dict[Feature, str]]:
    """Every screen's section, checked whole, and [forced_setup] over [mfa_configuration];
    and the features the product lacks, each with the profile key that says so."""
    raw: dict[str, dict] = {}
    for section, schema in SCREENS.items():
        raw[section] = table(f"{at}: [{section}]", data.get(section, {}))
        check_keys(f"{at}: [{section}]", raw[section], schema)
    forced = table(f"{at}: [forced_setup]", data.get("forced_setup", {}))
    check_keys(f"{at}: [forced_setup]", forced, SCREENS["mfa_configuration"])
    optional = _unnecessary(raw, flows)
    lacks: dict[Feature, str] = {}

    values = {section: _section(at, section, entries, {}, optional, lacks) for section, entries in raw.items()}

    inherited = dict(raw["mfa_configuration"])
    if "app_choice" in forced or "listed_app" in forced:  # how the apps are offered is the screen's own
        inherited.pop("app_choice", None)
        inherited.pop("listed_app", None)
    origin = {key: "forced_setup" if key in forced else "mfa_configuration" for key in SCREENS["mfa_configuration"]}
    values["forced_setup"] = _section(at, "mfa_configuration", inherited | forced, origin, optional, lacks)
    raw_status = table(f"{at}: [user_status]", data.get("user_status", {}))
    check_keys(f"{at}: [user_status]", raw_status, USER_STATUS)
    if raw_status and "user_status" not in flows:
        raise ProfileError(f"{at}: [user_status] needs flows.user_status, the way to the page it describes")
    if "user_status" in flows:
        values["user_status"] = _section(at, "user_status", raw_status, {}, {("user_status", "status_column"),
                                         ("user_status", "enrolled_text"), ("user_status", "none")},
                                         keys=USER_STATUS)
    else:
        values["user_status"] = {}

    _check_enrollment(at, "mfa_configuration", values["mfa_configuration"])
    _check_enrollment(at, "forced_setup", values["forced_setup"])
    _check_user_settings(at, values["user_settings"])
    _check_console(at, values["support_console"], support_password_env)
    return {section: Section(section, entries) for section, entries in values.items()}, lacks
