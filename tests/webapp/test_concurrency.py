"""The served app under concurrent requests and a crash: one valid code from
many sessions signs in exactly one; wrong codes in parallel never get past the
lockout limit; `kill -9` amid concurrent writes loses no acknowledged change and
leaves the database intact. Fast forms; benchmarks/webapp_soak.py runs longer."""

from __future__ import annotations

import http.client
import re
import secrets
import sqlite3
import threading
import urllib.error
from concurrent.futures import ThreadPoolExecutor

import pyotp
import pytest

from ..browser.http_client import Client
from ..browser.served import ServedApp

T = 1_800_000_000.0
CODE_LIMIT = 5  # the simulator's: five wrong codes in a row lock code entry


@pytest.fixture
def app(tmp_path):
    with ServedApp(tmp_path / "state.sqlite3") as served:
        yield served


def _sign_in(url: str, username: str, password: str) -> Client:
    client = Client(url)
    answer = client.post("/sign-in", {"username": username, "password": password,
                                      "csrf_token": client.get("/sign-in").csrf})
    assert answer.status == 303, answer.body
    return client


def _enrolled_user(url: str) -> tuple[str, str, str]:
    hooks = Client(url)
    practice, username, password = f"P {secrets.token_hex(3)}", f"erin.{secrets.token_hex(3)}", "erin-password"
    assert hooks.post_json("/_test/practices", {"name": practice}).status == 201
    assert hooks.post_json("/_test/users", {"practice": practice, "username": username, "password": password}).status == 201
    assert hooks.post_json("/_test/clock", {"set": T}).status == 200
    erin = _sign_in(url, username, password)
    page = erin.post("/security/authenticator", {"authenticator": "Authy", "csrf_token": erin.get("/home").csrf})
    key = re.search(r"\b([A-Z2-7]{32})\b", page.body).group(1)
    assert erin.post("/security/authenticator/device", {"code": pyotp.TOTP(key).at(T), "device_name": "phone",
                                                        "csrf_token": page.csrf}).status == 303
    return username, password, key


def _at_code_prompt(url: str, username: str, password: str, count: int) -> list[tuple[Client, str]]:
    clients = [_sign_in(url, username, password) for _ in range(count)]
    return [(client, client.get("/sign-in/code").csrf) for client in clients]


def _all_at_once(work, items):
    barrier = threading.Barrier(len(items))

    def run(item):
        barrier.wait()
        return work(item)

    with ThreadPoolExecutor(max_workers=len(items)) as pool:
        return list(pool.map(run, items))


def test_one_valid_code_sent_from_many_sessions_signs_in_exactly_one(app):
    username, password, key = _enrolled_user(app.url)
    hooks = Client(app.url)
    for round_ in range(1, 4):  # each round a fresh time step; sessions up to the lockout limit
        assert hooks.post_json("/_test/clock", {"set": T + 30 * round_}).status == 200
        waiting = _at_code_prompt(app.url, username, password, CODE_LIMIT)
        code = pyotp.TOTP(key).at(T + 30 * round_)
        answers = _all_at_once(lambda pair: pair[0].post("/sign-in/code", {"code": code, "csrf_token": pair[1]}),
                               waiting)
        assert sorted(a.status for a in answers) == [303] + [422] * (CODE_LIMIT - 1)
        signed_in = [client for client, _ in waiting if client.get("/home").status == 200]
        assert len(signed_in) == 1


def test_wrong_codes_sent_in_parallel_never_pass_the_lockout_limit(app):
    username, password, key = _enrolled_user(app.url)
    waiting = _at_code_prompt(app.url, username, password, 12)

    def guess(pair):
        client, token = pair
        return [client.post("/sign-in/code", {"code": f"{n:06d}", "csrf_token": token}).status for n in range(3)]

    statuses = [status for answers in _all_at_once(guess, waiting) for status in answers]
    wrong_code_digits = {pyotp.TOTP(key).at(T + d) for d in (-30, 0, 30)}
    assert not wrong_code_digits & {f"{n:06d}" for n in range(3)}  # every guess really is wrong
    assert statuses.count(422) == CODE_LIMIT - 1  # told "not valid" exactly four times in all
    assert statuses.count(423) >= 1 and statuses.count(303) == 0
    assert set(statuses) <= {422, 423, 401}  # not valid, locked, or the session the lock ended
    client = Client(app.url)
    locked = client.post("/sign-in", {"username": username, "password": password,
                                      "csrf_token": client.get("/sign-in").csrf})
    assert locked.status == 423 and "mfa_session" not in client.cookies


def test_kill_9_amid_concurrent_writes_loses_no_acknowledged_change(tmp_path):
    app = ServedApp(tmp_path / "state.sqlite3").start()
    hooks = Client(app.url)
    for practice in ("Busy", "Settings"):
        assert hooks.post_json("/_test/practices", {"name": practice}).status == 201
    assert hooks.post_json("/_test/users", {"practice": "Settings", "username": "holder", "password": "holder-pw",
                                            "account_holder": True}).status == 201
    created: list[str] = []
    safelists: list[str] = []
    enough = threading.Event()
    lock = threading.Lock()

    def create_users(worker: int) -> None:
        client = Client(app.url)
        for n in range(500):  # bounded; the kill ends it sooner
            username = f"w{worker}.u{n}"
            try:
                answer = client.post_json("/_test/users", {"practice": "Busy", "username": username,
                                                           "password": "pw-" + username})
            except (urllib.error.URLError, OSError, http.client.HTTPException):  # the kill, mid-request
                return
            if answer.status == 201:
                with lock:
                    created.append(username)
                    if len(created) >= 60 and safelists:  # both kinds of writes acknowledged before the kill
                        enough.set()

    def change_safelist() -> None:
        holder = _sign_in(app.url, "holder", "holder-pw")
        token = holder.get("/admin/security-settings").csrf
        for n in range(500):
            entry = f"10.{n // 256}.{n % 256}.0/24"
            try:
                answer = holder.post("/admin/security-settings/ip-safelist", {"safelist": entry, "csrf_token": token})
            except (urllib.error.URLError, OSError, http.client.HTTPException):  # the kill, mid-request
                return
            if answer.status == 303:
                with lock:
                    safelists.append(entry)
                    if len(created) >= 60:
                        enough.set()

    threads = [threading.Thread(target=create_users, args=(w,)) for w in range(4)]
    threads.append(threading.Thread(target=change_safelist))
    for thread in threads:
        thread.start()
    try:
        assert enough.wait(timeout=300), "the writers did not get going"
        app.kill()
    finally:
        for thread in threads:
            thread.join(timeout=120)
        app.stop()
    with sqlite3.connect(app.db) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = {row[0] for row in db.execute("SELECT username FROM users")}
        practice = db.execute("SELECT data FROM practices WHERE name = 'Settings'").fetchone()[0]
    assert set(created) <= stored, sorted(set(created) - stored)[:5]
    assert len(created) >= 60 and safelists
    stored_entry = re.search(r'"safelist":\["([^"]+)"\]', practice).group(1)
    acknowledged_last = safelists[-1]
    in_flight = f"10.{len(safelists) // 256}.{len(safelists) % 256}.0/24"  # sent, perhaps committed, not answered
    assert stored_entry in (acknowledged_last, in_flight)
    with app:  # and the server starts again over it, every acknowledged account working
        _sign_in(app.url, created[-1], "pw-" + created[-1])
