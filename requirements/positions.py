"""Declared positions: where the how-to leaves a choice, which alternative a product takes.

The catalogue takes a position wherever the how-to is silent or ambiguous
(lockout after 5 wrong codes, no self-reset, ...); a correct product may take
another defensible one. `features/positions.toml` lists each such choice as a
closed set of alternatives or a bounded range, with our reference default. A
vendor declares the product's alternatives; the scenarios then check those,
so a product that reads the how-to differently passes while a faulty one still
fails: behaviour must match what was declared, so a declaration is never a
waiver. Like the OpenID conformance suite's variants, a declaration is closed,
typed and validated before the run: an unknown name or a value outside its set
or range is one `PositionsError` line naming it.

Scenarios name the positions they depend on by tag: `@position:NAME` is checked
with whatever value is declared; `@position:NAME=VALUE` and `@position:NAME!=VALUE`
run only when the declaration agrees and are otherwise skipped naming the position.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .catalogue import CATALOGUE_PATH, FEATURES_DIR, load_catalogue

__all__ = ["POSITIONS_PATH", "TAG_PREFIX", "REFERENCE", "Position", "PositionsError", "Declaration", "PositionTag",
           "load_positions", "declare", "read_declaration", "declaration_toml", "parse_tag", "position_tags"]

POSITIONS_PATH = FEATURES_DIR / "positions.toml"
TAG_PREFIX = "position:"
REFERENCE = "the reference default"
Value = int | str


class PositionsError(Exception):
    """A positions catalogue, declaration or tag that cannot be used; one line naming it."""


@dataclass(frozen=True)
class Position:
    name: str
    question: str
    default: Value
    alternatives: Mapping[str, str] = field(default_factory=dict)
    """A closed set: value -> its meaning. Empty for a number in a range."""
    range: tuple[int, int] | None = None
    meaning: str | None = None
    """What N means, for a number in a range."""
    basis: str | None = None
    requirements: tuple[str, ...] = ()
    """The catalogue entries whose scenarios depend on it."""

    @property
    def allowed(self) -> str:
        if self.range is not None:
            return f"a whole number from {self.range[0]} to {self.range[1]}"
        return " or ".join(repr(value) for value in self.alternatives)

    def check(self, value: object, where: str) -> Value:
        """`value` if it is one of this position's; else PositionsError naming where it came from."""
        if self.range is not None:
            low, high = self.range
            if isinstance(value, bool) or not isinstance(value, int):
                raise PositionsError(f"{where}: {self.name} = {value!r}: expected {self.allowed}")
            if not low <= value <= high:
                raise PositionsError(f"{where}: {self.name} = {value} is outside its range, {low} to {high}")
            return value
        if value not in self.alternatives:
            raise PositionsError(f"{where}: {self.name} = {value!r} is not one of {self.allowed}")
        return value  # type: ignore[return-value]

    def describe(self, value: Value) -> str:
        """The meaning of one alternative, in a line."""
        if self.range is not None:
            return f"N = {value}. {self.meaning}"
        return self.alternatives[str(value)]


def _position(path: Path, name: str, entry: object) -> Position:
    where = f"{path}: positions.{name}"
    if not isinstance(entry, dict):
        raise PositionsError(f"{where} is not a table")
    unknown = set(entry) - {"question", "default", "alternatives", "range", "meaning", "basis"}
    if unknown:
        raise PositionsError(f"{where} has unknown keys {sorted(unknown)}")
    if not isinstance(entry.get("question"), str) or "default" not in entry:
        raise PositionsError(f"{where} needs a question and a default")
    if ("range" in entry) == ("alternatives" in entry):
        raise PositionsError(f"{where} needs either alternatives or a range, not both or neither")
    if "range" in entry:
        bounds = entry["range"]
        if not (isinstance(bounds, list) and len(bounds) == 2 and all(type(b) is int for b in bounds)
                and bounds[0] <= bounds[1]) or not isinstance(entry.get("meaning"), str):
            raise PositionsError(f"{where}: range must be [lowest, highest] whole numbers, with a meaning")
        position = Position(name, entry["question"], entry["default"], range=(bounds[0], bounds[1]),
                            meaning=entry["meaning"], basis=entry.get("basis"))
    else:
        alternatives = entry["alternatives"]
        if not (isinstance(alternatives, dict) and len(alternatives) >= 2
                and all(isinstance(v, str) and v.strip() for v in alternatives.values())):
            raise PositionsError(f"{where}: alternatives must be two or more, each with its meaning")
        position = Position(name, entry["question"], entry["default"], alternatives=dict(alternatives),
                            meaning=entry.get("meaning"), basis=entry.get("basis"))
    position.check(position.default, f"{where}: default")
    return position


@cache
def load_positions(path: Path = POSITIONS_PATH, catalogue_path: Path = CATALOGUE_PATH) -> dict[str, Position]:
    """Every declarable position, with the catalogue entries that name it; checked both ways."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise PositionsError(f"{path}: {error}") from None
    if set(data) != {"positions"} or not isinstance(data["positions"], dict):
        raise PositionsError(f"{path}: expected only [positions.NAME] tables")
    positions = {name: _position(path, name, entry) for name, entry in data["positions"].items()}
    named: dict[str, list[str]] = {name: [] for name in positions}
    for requirement in load_catalogue(catalogue_path).values():
        for name in requirement.positions:
            if name not in positions:
                raise PositionsError(f"{catalogue_path}: {requirement.id} names the unknown position {name!r}")
            named[name].append(requirement.id)
    for name, ids in named.items():
        if not ids:
            raise PositionsError(f"{path}: position {name!r} is named by no catalogue entry")
    return {name: Position(**{**p.__dict__, "requirements": tuple(named[name])}) for name, p in positions.items()}


@dataclass(frozen=True)
class Declaration(Mapping[str, Value]):
    """Every position's alternative for one run, and who declared it (or the reference default)."""

    chosen: Mapping[str, Value]
    sources: Mapping[str, str]

    def __getitem__(self, name: str) -> Value:
        return self.chosen[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.chosen)

    def __len__(self) -> int:
        return len(self.chosen)

    @property
    def declared(self) -> dict[str, Value]:
        """Only what a declaration said (the rest is the reference default)."""
        return {name: value for name, value in self.chosen.items() if self.sources[name] != REFERENCE}

    def differences(self) -> dict[str, Value]:
        """The alternatives that are not the reference's."""
        positions = load_positions()
        return {name: value for name, value in self.chosen.items() if value != positions[name].default}


def declare(*layers: tuple[str, Mapping[str, object]]) -> Declaration:
    """The run's positions: each layer (where it comes from, what it declares) checked, the
    reference default for the rest. Two layers declaring one position differently is an error:
    a product takes one alternative."""
    positions = load_positions()
    values: dict[str, Value] = {name: p.default for name, p in positions.items()}
    sources = {name: REFERENCE for name in positions}
    for where, declared in layers:
        if not isinstance(declared, Mapping):
            raise PositionsError(f"{where}: positions must be a table of name = value")
        for name, value in declared.items():
            if name not in positions:
                raise PositionsError(f"{where}: unknown position {name!r} (known: {', '.join(positions)})")
            checked = positions[name].check(value, where)
            if sources[name] != REFERENCE and values[name] != checked:
                raise PositionsError(f"{where}: {name} = {checked!r}, but {sources[name]} declares "
                                     f"{values[name]!r}; a product takes one alternative")
            values[name], sources[name] = checked, where
    return Declaration(values, sources)


def read_declaration(path: Path, where: str | None = None) -> dict[str, object]:
    """The `[positions]` table of a TOML file (as `mfa-conformance survey` writes one), unchecked."""
    where = where or str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PositionsError(f"{where}: no such file") from None
    except UnicodeDecodeError:
        raise PositionsError(f"{where}: not UTF-8 text; save it as UTF-8") from None
    except OSError as error:
        raise PositionsError(f"{where}: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise PositionsError(f"{where}: not valid TOML ({error})") from None
    extra = sorted(set(data) - {"positions"})
    if extra:
        raise PositionsError(f"{where}: unknown key {extra[0]!r}; a positions file holds one [positions] table")
    table = data.get("positions")
    if not isinstance(table, dict):
        raise PositionsError(f"{where}: no [positions] table")
    return table


def declaration_toml(values: Mapping[str, Value], comments: Mapping[str, str] = {}, header: Iterable[str] = ()) -> str:
    """A positions file: `[positions]`, one `name = value` a line, each with its comment."""
    lines = [f"# {line}" for line in header]
    lines.append("[positions]")
    for name, value in values.items():
        text = str(value) if isinstance(value, int) else f'"{value}"'
        comment = comments.get(name)
        lines.append(f"{name} = {text}" + (f"  # {comment}" if comment else ""))
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class PositionTag:
    """`@position:NAME`, `@position:NAME=VALUE` or `@position:NAME!=VALUE` on a scenario."""

    name: str
    op: str | None = None
    value: Value | None = None

    def applies(self, declaration: Mapping[str, Value]) -> bool:
        if self.op is None:
            return True
        return (declaration[self.name] == self.value) is (self.op == "=")

    def skip_reason(self, declaration: Declaration) -> str | None:
        if self.applies(declaration):
            return None
        wanted = f"{self.name} = {self.value!r}" if self.op == "=" else f"{self.name} other than {self.value!r}"
        taken = declaration[self.name]
        position = load_positions()[self.name]
        meaning = f". {position.describe(taken)}" if position.alternatives else ""  # what it takes, in words
        return (f"checks the position {wanted}; the system takes {self.name} = {taken!r} "
                f"({declaration.sources[self.name]}){meaning}")


def parse_tag(tag: str) -> PositionTag | None:
    """The position a tag names, or None for any other tag; PositionsError for an unknown one."""
    if not tag.startswith(TAG_PREFIX):
        return None
    body = tag[len(TAG_PREFIX):]
    op = "!=" if "!=" in body else "=" if "=" in body else None
    name, _, raw = body.partition(op) if op else (body, "", "")
    positions = load_positions()
    if name not in positions:
        raise PositionsError(f"tag @{tag}: unknown position {name!r}")
    if op is None:
        return PositionTag(name)
    position = positions[name]
    value: object = int(raw) if position.range is not None and raw.lstrip("-").isdigit() else raw
    return PositionTag(name, op, position.check(value, f"tag @{tag}"))


def position_tags(tags: Iterable[str]) -> list[PositionTag]:
    return [parsed for tag in sorted(tags) if (parsed := parse_tag(tag)) is not None]
