"""The IP Safelist on Practice Security Settings."""

from __future__ import annotations

import ipaddress

from pytest_bdd import given, parsers, then, when

from mfa_conformance.driver import Feature
from mfa_conformance.driver import errors as refused

from .cast import Cast
from .outcome import Outcome, attempt


def _canonical(entries: list[str] | tuple[str, ...]) -> set[str]:
    return {str(ipaddress.ip_network(e.strip(), strict=False)) for e in entries}


@when(parsers.parse("{name} saves the IP safelist:"), target_fixture="outcome")
def _(cast: Cast, name: str, datatable: list[list[str]]) -> Outcome:
    entries = [row[0] for row in datatable[1:]]
    session = cast[name].ensure_signed_in()
    result = attempt(f"{name} saving the IP safelist", lambda: session.set_safelist(entries))
    result.value = entries
    return result


@given(parsers.re(r"(?P<name>\w+) has saved the IP safelist \"(?P<entry>[^\"]+)\""))
def _(cast: Cast, name: str, entry: str) -> None:
    _saved(cast, name, [entry])


@given(parsers.parse("{name} has saved an empty IP safelist"))
def _(cast: Cast, name: str) -> None:
    _saved(cast, name, [])


def _saved(cast: Cast, name: str, entries: list[str]) -> None:
    holder = cast[name]
    if cast.seeds("SAF", Feature.SAFELIST):
        cast.system.seed_practice_settings(holder.practice, safelist=entries)
    else:
        holder.ensure_signed_in().set_safelist(entries)


@when(parsers.re(r"(?P<name>\w+) saves the IP safelist \"(?P<good>[^\"]+)\" with the entry \"(?P<bad>[^\"]*)\""),
      target_fixture="outcome")
def _(cast: Cast, name: str, good: str, bad: str) -> Outcome:
    session = cast[name].ensure_signed_in()
    return attempt(f"{name} saving the IP safelist", lambda: session.set_safelist([good, bad]))


@when(parsers.re(r"(?P<name>\w+) tries to save the IP safelist \"(?P<entry>[^\"]+)\""), target_fixture="outcome")
def _(cast: Cast, name: str, entry: str) -> Outcome:
    session = cast[name].ensure_signed_in()
    return attempt(f"{name} saving the IP safelist", lambda: session.set_safelist([entry]))


@then(parsers.re(r"\w+ is told that \"(?P<entry>[^\"]*)\" is not a valid safelist entry"))
def _(outcome: Outcome, entry: str) -> None:
    error = outcome.refused_as(refused.InvalidSafelistEntry)
    assert entry in str(error), f"the refusal does not name the entry {entry!r}: {error}"


@then("the IP safelist holds exactly those entries")
def _(cast: Cast, outcome: Outcome) -> None:
    saved = outcome.succeeded()
    assert cast.spotlight is not None
    shown = cast.holder_of(cast.spotlight.practice).ensure_signed_in().safelist()
    assert _canonical(shown) == _canonical(saved), f"the IP safelist holds {sorted(shown)}"  # type: ignore[arg-type]


@then(parsers.re(r"the IP safelist holds exactly \"(?P<first>[^\"]+)\" and \"(?P<second>[^\"]+)\""))
def _(cast: Cast, outcome: Outcome, first: str, second: str) -> None:
    outcome.succeeded()
    assert cast.spotlight is not None
    shown = cast.holder_of(cast.spotlight.practice).ensure_signed_in().safelist()
    assert _canonical(shown) == {first, second}, f"the IP safelist holds {sorted(shown)}"


@then(parsers.re(r"the IP safelist still holds only \"(?P<entry>[^\"]+)\""))
def _(cast: Cast, entry: str) -> None:
    assert cast.spotlight is not None
    shown = cast.holder_of(cast.spotlight.practice).ensure_signed_in().safelist()
    assert _canonical(shown) == _canonical([entry]), f"the IP safelist holds {sorted(shown)}"
