"""A product that limits sign-ins is waited out, not failed.

The reference web app served behind a rate limit (tests/browser/rate_limited_app.py:
`429 Too Many Requests` with `Retry-After: 2` to a sign-in POST beyond 6 in any 20
seconds from one client) must give the same outcome, scenario by scenario, as the
plain app: the harness waits as told and signs in again, and says so. And the
driver's `Pacer` (driver/browser/pacing.py) on its own: its backoffs stay within
the budget, and it paces sign-ins under the product's limit a minute.
"""

from __future__ import annotations

import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest

from mfa_conformance.driver.browser import pacing
from mfa_conformance.driver.browser.pacing import Pacer
from mfa_conformance.report.model import Results, load_results

from . import rate_limited_app
from .served import ServedApp, run_cli

SELECTION = ["--features", "features/signing_in.feature"]
"""With test hooks (the clock moves at once), about 30 sign-ins in 20 s on the plain app: five times the limit."""
LOCKOUT_SCENARIO = "After as many wrong passwords as the system allows, Erin's own is answered like a wrong one"
RATE_LIMIT_WAIT = re.compile(r"waiting (\d+) s on the real clock for the product's rate limit on sign-ins")


# ── Pacer, alone ─────────────────────────────────────────────────────────────


class FakeClock:
    """time.monotonic for the pacer, moved on by its waits (nothing really sleeps)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[tuple[float, str]] = []

    def monotonic(self) -> float:
        return self.now

    def wait(self, seconds: float, why: str) -> None:
        self.waits.append((seconds, why))
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(pacing, "time", SimpleNamespace(monotonic=fake.monotonic))
    return fake


@pytest.mark.parametrize("budget", [0, 4.9, 5, 14.9, 15, 60, 155, 180, 1000])
def test_the_backoffs_double_from_five_seconds_and_stay_within_the_budget(budget: float) -> None:
    waits = Pacer(None, 1, budget, lambda seconds, why: None).backoffs()
    assert sum(waits) <= budget
    assert waits == sorted(waits) and all(0 < w <= 60 for w in waits)
    if waits:
        assert waits[0] == pacing.FIRST_BACKOFF
        assert all(b == min(2 * a, 60) for a, b in zip(waits, waits[1:]))
    following = min(2 * waits[-1], 60) if waits else pacing.FIRST_BACKOFF
    assert sum(waits) + following > budget, "the budget leaves room for one more wait"


def test_the_default_budget_backs_off_five_times_none_longer_than_a_minute() -> None:
    assert Pacer(None, 1, 180, lambda seconds, why: None).backoffs() == [5, 10, 20, 40, 60]


def test_without_a_declared_limit_sign_ins_are_never_paced(clock: FakeClock) -> None:
    pacer = Pacer(None, 2, 180, clock.wait)
    for _ in range(100):
        pacer.before_sign_in()
    assert clock.waits == []


def test_a_full_window_waits_until_its_oldest_sign_in_is_a_minute_old(clock: FakeClock) -> None:
    pacer = Pacer(3, 1, 180, clock.wait)
    for _ in range(3):
        pacer.before_sign_in()
        clock.now += 1
    assert clock.waits == []
    pacer.before_sign_in()  # the fourth within a minute: 3 s after the first
    assert len(clock.waits) == 1
    seconds, why = clock.waits[0]
    assert seconds == pytest.approx(pacing.WINDOW - 3 + 0.5)
    assert "limit of sign-ins a minute (3 for this worker)" in why
    clock.now += 0.9  # the first two sign-ins have left the window, the third has not
    pacer.before_sign_in()
    assert len(clock.waits) == 1
    pacer.before_sign_in()  # three in the window again: the third, the one that waited, the last
    assert len(clock.waits) == 2
    assert clock.waits[1][0] == pytest.approx(pacing.WINDOW - (61.4 - 2) + 0.5)


def test_the_workers_share_the_products_limit(clock: FakeClock) -> None:
    pacer = Pacer(10, 3, 180, clock.wait)
    assert pacer.per_minute == 3
    for _ in range(3):
        pacer.before_sign_in()
    assert clock.waits == []
    pacer.before_sign_in()
    assert len(clock.waits) == 1 and "(3 for this worker)" in clock.waits[0][1]
    assert Pacer(1, 4, 180, clock.wait).per_minute == 1  # never none at all


def test_sign_ins_spread_over_more_than_a_minute_are_not_held_up(clock: FakeClock) -> None:
    pacer = Pacer(2, 1, 180, clock.wait)
    for _ in range(10):
        pacer.before_sign_in()
        clock.now += 30.0
    assert clock.waits == []


@pytest.mark.parametrize(("header", "seconds"), [("2", 2.0), (" 7 ", 7.0), ("0", 0.0), ("-3", 0.0),
                                                  ("999999", 3600.0), ("", None), (None, None),
                                                  ("Wed, 21 Oct 2015 07:28:00 GMT", None)])
def test_retry_after_is_read_in_seconds_and_a_date_backs_off_instead(header: str | None,
                                                                      seconds: float | None) -> None:
    assert pacing._seconds(header) == seconds


class FakePage:
    """A tab whose document answered `status` (to the page itself, as to its response event)."""

    def __init__(self, status: int) -> None:
        self.status = status

    def evaluate(self, script: str) -> int | None:
        return self.status if "responseStatus" in script else None


def _navigation(page: FakePage, status: int, retry_after: str | None = None) -> SimpleNamespace:
    frame = SimpleNamespace(page=page, parent_frame=None)
    request = SimpleNamespace(frame=frame, is_navigation_request=lambda: True)
    return SimpleNamespace(request=request, status=status, headers={"retry-after": retry_after} if retry_after else {})


def test_a_429_document_is_remembered_with_its_retry_after_until_the_next_one() -> None:
    pacer, page = Pacer(None, 1, 180, lambda seconds, why: None), FakePage(200)
    pacer.seen(_navigation(page, 429, "2"))  # type: ignore[arg-type]
    assert pacer.limited(page, False) and pacer.retry_after(page) == 2.0  # type: ignore[arg-type]
    pacer.seen(_navigation(page, 200))  # type: ignore[arg-type]
    assert not pacer.limited(page, False) and pacer.retry_after(page) is None  # type: ignore[arg-type]
    assert pacer.limited(page, True)  # type: ignore[arg-type]  # the profile's rate_limited screen shows


def test_a_429_is_seen_though_its_response_event_comes_after_the_page_loaded() -> None:
    """Chromium may tell the page loaded before Playwright tells its response: the page's own status counts."""
    pacer = Pacer(None, 1, 180, lambda seconds, why: None)
    assert pacer.limited(FakePage(429), False)  # type: ignore[arg-type]
    assert not pacer.limited(FakePage(200), False)  # type: ignore[arg-type]


# ── The rate-limited app, alone ──────────────────────────────────────────────


def test_the_middleware_refuses_sign_ins_beyond_the_limit_per_client_and_window() -> None:
    now = [0.0]
    answered: list[str] = []
    limit = rate_limited_app.SignInRateLimit(lambda environ, start: [b"ok"], limit=2, window=20, retry_after=2,
                                             clock=lambda: now[0])

    def post(path: str = "/sign-in", client: str = "127.0.0.1", method: str = "POST") -> str:
        status: list[str] = []
        limit({"REQUEST_METHOD": method, "PATH_INFO": path, "REMOTE_ADDR": client},
              lambda line, headers: status.append(line))
        answered.append(status[0] if status else "200 OK")
        return answered[-1]

    assert [post(), post()] == ["200 OK", "200 OK"]
    assert post().startswith("429")
    assert post(client="10.0.0.9") == "200 OK"  # another client has a limit of its own
    assert post(method="GET") == "200 OK" and post("/sign-in/code") == "200 OK"
    now[0] = 19.9
    assert post().startswith("429")  # refused tries do not count, but the window is still full
    now[0] = 20.0
    assert [post(), post()] == ["200 OK", "200 OK"]
    assert post().startswith("429")
    assert limit.refused == 3


# ── Through the browser ──────────────────────────────────────────────────────


@dataclass(frozen=True)
class Served:
    done: subprocess.CompletedProcess[str]
    results: Results
    server_log: str

    def outcomes(self) -> dict[str, str]:
        return {s.id: s.status for s in self.results.scenarios}

    def tail(self) -> str:
        return self.done.stdout[-4000:] + self.done.stderr[-2000:]


def _served_run(app: ServedApp, folder: Path) -> Served:
    try:
        app.start()
        done = run_cli("run", "--sut", "browser", "--base-url", app.url, *SELECTION, "--report-dir", str(folder),
                       timeout=900)
    finally:
        app.stop()
    assert (folder / "results.json").exists(), done.stdout[-4000:] + done.stderr[-3000:]
    (folder / "console.txt").write_text(done.stdout + done.stderr, encoding="utf-8")  # for whoever reads a failure
    return Served(done, load_results(folder), app.logged())


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Served]:
    """The same scenarios on the plain app and on the rate-limited one, at once (one process each:
    the console tells each wait only in a run without workers)."""
    folder = tmp_path_factory.mktemp("rate_limits")
    apps = {"plain": ServedApp(folder / "plain.sqlite3"),
            "limited": ServedApp(folder / "limited.sqlite3", variant="rate_limited")}
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(_served_run, app, folder / name) for name, app in apps.items()}
        return {name: future.result() for name, future in futures.items()}


@pytest.mark.browser
def test_a_rate_limited_product_gives_the_same_outcome_per_scenario_as_the_plain_one(
        served: dict[str, Served]) -> None:
    plain, limited = served["plain"], served["limited"]
    assert plain.outcomes(), plain.tail()
    assert "passed" in plain.outcomes().values(), plain.tail()
    assert limited.outcomes() == plain.outcomes(), (
        {k: (v, limited.outcomes().get(k)) for k, v in plain.outcomes().items() if limited.outcomes().get(k) != v},
        limited.tail())
    assert limited.done.returncode == plain.done.returncode, limited.tail()


@pytest.mark.browser
def test_the_rate_limited_product_really_refused_sign_ins(served: dict[str, Served]) -> None:
    refused = served["limited"].server_log.count(rate_limited_app.MARK)
    assert refused >= 1, served["limited"].server_log[-2000:]
    assert rate_limited_app.MARK not in served["plain"].server_log
    assert "Traceback" not in served["limited"].server_log + served["plain"].server_log


@pytest.mark.browser
def test_the_harness_says_it_waited_for_the_rate_limit_as_the_product_asked(served: dict[str, Served]) -> None:
    output = served["limited"].done.stdout
    waits = [int(seconds) for seconds in RATE_LIMIT_WAIT.findall(output)]
    assert waits, served["limited"].tail()
    assert "rate limit" in output
    assert rate_limited_app.RETRY_AFTER in waits, f"Retry-After was never honoured: waits of {waits} s"
    assert "rate limit" not in served["plain"].done.stdout


@pytest.mark.browser
def test_a_429_that_shows_a_refusal_is_the_refusal_not_a_rate_limit(tmp_path: Path) -> None:
    """The reference app answers a password sign-in locked by guessing with 429 and its message (SEC-06):
    the driver reads the refusal at once rather than waiting it out as a rate limit."""
    with ServedApp(tmp_path / "state.sqlite3") as app:
        done = run_cli("run", "--sut", "browser", "--base-url", app.url, "--report-dir", str(tmp_path / "reports"),
                       "--scenario", LOCKOUT_SCENARIO, timeout=600)
    assert done.returncode == 0 and "1 passed" in done.stdout, done.stdout[-3000:] + done.stderr[-2000:]
    assert "rate limit" not in done.stdout
