"""How a profile names one screen element (a locator), and the support console's
sign-in fields (each a locator and the environment variable holding its value).

A locator remembers the profile key it was read from, so that a locator which
finds nothing on a page is reported under the name the vendor wrote. A field's
value is never in the profile: only the name of the variable that holds it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .profile_checks import ProfileError, table

__all__ = ["LOCATOR_KINDS", "LocatorSpec", "ConsoleField", "read_locator", "read_console_fields"]

LOCATOR_KINDS = ("role", "label", "text", "placeholder", "alt", "title", "test_id", "css")
"""How an element is found; role (with its accessible name) and label are preferred."""

ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class LocatorSpec:
    """How to find one element: `kind` is one of LOCATOR_KINDS, `value` its argument."""

    kind: str
    value: str
    name: str | None = None
    exact: bool = True
    key: str = field(default="", compare=False)
    """Where the profile names it (`mfa_configuration.qr_code`): what a mistake of it is called."""

    def __str__(self) -> str:
        extra = f", name={self.name!r}" if self.name is not None else ""
        return f"{self.kind}={self.value!r}{extra}"


def read_locator(where: str, value: object, key: str = "", *, also: tuple[str, ...] = ()) -> LocatorSpec:
    """A locator table; `also` names further keys the table may hold (read by the caller)."""
    if not isinstance(value, dict):
        raise ProfileError(f"{where} must be a locator table such as {{ role = \"button\", name = \"Save\" }}")
    kinds = [k for k in LOCATOR_KINDS if k in value]
    unknown = sorted(set(value) - set(LOCATOR_KINDS) - {"name", "exact", *also})
    if unknown:
        extra = f", or {', '.join(repr(a) for a in also)}" if also else ""
        raise ProfileError(f"{where} has unknown key(s) {', '.join(unknown)} (a locator takes one of "
                           f"{', '.join(LOCATOR_KINDS)}, with 'name' for a role, and 'exact'{extra})")
    if len(kinds) != 1:
        raise ProfileError(f"{where} must give exactly one of {', '.join(LOCATOR_KINDS)}")
    kind = kinds[0]
    if not isinstance(value[kind], str) or not value[kind]:
        raise ProfileError(f"{where}.{kind} must be non-empty text")
    if "name" in value and (kind != "role" or not isinstance(value["name"], str)):
        raise ProfileError(f"{where}.name is the accessible name of a role locator, as text")
    if not isinstance(value.get("exact", True), bool):
        raise ProfileError(f"{where}.exact must be true or false")
    return LocatorSpec(kind=kind, value=value[kind], name=value.get("name"), exact=value.get("exact", True), key=key)


@dataclass(frozen=True)
class ConsoleField:
    """One field the support console asks for before it opens."""

    locator: LocatorSpec
    env: str | None
    """The environment variable holding the value; None when the profile names none."""
    source: str
    """The profile key that names the variable, for messages: `support_console.fields[1].env`."""


def read_console_fields(at: str, value: object) -> tuple[ConsoleField, ...]:
    """`support_console.fields`: a list of locator tables, each with `env`, in the order they are filled."""
    where = f"{at}: support_console.fields"
    if not isinstance(value, list) or not value:
        raise ProfileError(f"{where} must be a list of fields such as "
                           f"[{{ label = \"Username\", env = \"ACME_SUPPORT_USER\" }}]")
    fields = []
    for n, entry in enumerate(value):
        key = f"support_console.fields[{n}]"
        entry = table(f"{at}: {key}", entry)
        locator = read_locator(f"{at}: {key}", entry, key, also=("env",))
        env = entry.get("env")
        if not isinstance(env, str) or not ENV_NAME.match(env):
            raise ProfileError(f"{at}: {key} needs env, the name of the environment variable holding its value "
                               f"(the value itself never goes in the profile)")
        fields.append(ConsoleField(locator=locator, env=env, source=f"{key}.env"))
    return tuple(fields)
