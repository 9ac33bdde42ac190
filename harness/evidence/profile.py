"""The vendor profile a run used, fit for an evidence package: every password and
secret removed, written out again as TOML.

A profile maps screens to locators, which an auditor needs to see what was
driven; it may also hold a persona's literal password. Values are removed by
their key, not guessed from their text: any key naming a password, passphrase,
secret, token or API key loses its value unless the value is a locator (a
table such as `password = { label = "Password" }`) or the key ends in `_env`
(the name of an environment variable, never its value); other tables are looked
into key by key. A Key
URI anywhere is removed, and so is a password written into a URL. Each removal
is listed by its dotted key, so the package says what is missing and why.
The profile is parsed and written again rather than edited as text, so no
multi-line string or inline table can smuggle a value past the scrub; comments
are not kept. `extends` chains are kept as files of their own.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import tomllib
from pathlib import Path
from typing import Any

from ..driver.browser.profile import LOCATOR_KINDS, parent_profile
from .cli import EvidenceError

__all__ = ["SECRET_WORDS", "scrub", "dumps", "read_profile_chain"]

SECRET_WORDS = ("password", "passphrase", "passwd", "secret", "token", "api_key", "apikey",
                "private_key")
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^/\s:@]*:)[^/\s@]+@", re.IGNORECASE)
_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def _secret_key(key: str) -> bool:
    lowered = key.lower()
    return any(word in lowered for word in SECRET_WORDS) and not lowered.endswith("_env")


def _is_locator(value: Any) -> bool:
    """A locator names a screen element; its values are labels, never secrets."""
    return isinstance(value, dict) and any(kind in value for kind in LOCATOR_KINDS) \
        and all(isinstance(v, (str, bool)) for v in value.values())


def _scrub_value(value: Any, where: str, removed: list[str]) -> tuple[bool, Any]:
    """(keep, value): strings are checked for Key URIs and passwords in URLs; tables and lists looked into."""
    if isinstance(value, dict):
        return True, _scrub_table(value, where, removed)
    if isinstance(value, list):
        kept = []
        for index, item in enumerate(value):
            keep, item = _scrub_value(item, f"{where}[{index}]", removed)
            if keep:
                kept.append(item)
        return True, kept
    if isinstance(value, str):
        if "otpauth:" in value.lower():
            removed.append(f"{where} (a Key URI)")
            return False, None
        if _URL_PASSWORD.search(value):
            removed.append(f"{where} (a password in a URL)")
            return True, _URL_PASSWORD.sub(r"\1(removed)@", value)
    return True, value


def _scrub_table(table: dict, where: str, removed: list[str]) -> dict:
    clean = {}
    for key, value in table.items():
        dotted = f"{where}.{key}" if where else key
        if _secret_key(key) and not _is_locator(value):
            removed.append(dotted)
            continue
        keep, value = _scrub_value(value, dotted, removed)
        if keep:
            clean[key] = value
    return clean


def scrub(data: dict) -> tuple[dict, list[str]]:
    """The profile without its secrets, and the dotted keys of what was removed."""
    removed: list[str] = []
    return _scrub_table(data, "", removed), removed


def read_profile_chain(path: Path) -> list[tuple[Path, dict]]:
    """The profile and every profile it extends, nearest first, each as parsed TOML."""
    chain: list[tuple[Path, dict]] = []
    while True:
        path = path.resolve()
        if any(seen == path for seen, _ in chain):
            raise EvidenceError(f"profile {path}: 'extends' loops back to itself")
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise EvidenceError(f"profile {path}: {error.strerror or error}") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise EvidenceError(f"profile {path}: not valid TOML ({error})") from None
        chain.append((path, data))
        parent = data.get("extends")
        if parent is None:
            return chain
        if not isinstance(parent, str):
            raise EvidenceError(f"profile {path}: 'extends' must be a file name")
        path = parent_profile(path, parent)  # a file beside it, or a shipped profile by name


# ── TOML, written ───────────────────────────────────────────────────────────

def _key(key: str) -> str:
    return key if _BARE.match(key) else _string(key)


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return ("nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")) if not math.isfinite(value) \
            else repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }" if value else "{}"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _is_table(value: Any, depth: int) -> bool:
    """Top-level tables get a [header]; deeper ones too, unless they hold only plain values (a locator)."""
    if not isinstance(value, dict):
        return False
    return depth == 0 or any(isinstance(v, dict) or (isinstance(v, list) and any(isinstance(i, dict) for i in v))
                             for v in value.values())


def _is_table_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _write(lines: list[str], path: list[str], table: dict) -> None:
    depth = len(path)
    for key, value in table.items():
        if not _is_table(value, depth) and not _is_table_list(value):
            lines.append(f"{_key(key)} = {_value(value)}")
    for key, value in table.items():
        if _is_table(value, depth):
            lines.extend(["", f"[{'.'.join(_key(p) for p in [*path, key])}]"])
            _write(lines, [*path, key], value)
        elif _is_table_list(value):
            for item in value:
                lines.extend(["", f"[[{'.'.join(_key(p) for p in [*path, key])}]]"])
                _write(lines, [*path, key], item)


def dumps(data: dict, header: str = "") -> str:
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    _write(lines, [], data)
    return "\n".join(lines).lstrip("\n") + "\n"
