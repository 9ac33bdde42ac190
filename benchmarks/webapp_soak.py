"""Soaks the served reference web app: mixed concurrent load, garbage input and
`kill -9` restarts, then counts what went wrong.

Serves a fresh app (`mfa-conformance serve --test-hooks`) and runs worker
threads for --seconds: seeding accounts (each acknowledged 201 is a change
that must survive), signing in and out, wrong passwords, an account holder
saving the IP safelist over and over, garbage forms and hook bodies (bad CSRF
tokens, non-ASCII, Infinity, 10**400, bytes that are not UTF-8, JSON nested
past what Python reads), bodies over the server's size limit (each must be
answered 413), and races of one valid code from five sessions. Every --kill-every seconds the server is killed with SIGKILL and
started again on the same port and database. At the end it checks the
database (`PRAGMA integrity_check`), that every acknowledged change is there,
and the server's log for tracebacks, and prints:

    requests sent, 5xx seen, tracebacks, oversized bodies not refused 413, kills,
    changes acknowledged, changes lost, code races won by more than one session

A script, not a test: it reports; its exit status is 1 only when a 5xx, a
traceback, an oversized body let through, a lost change, a double sign-in or a
damaged database was seen.

    python benchmarks/webapp_soak.py [--seconds 60] [--workers 6] [--kill-every 10] [--seed 1]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyotp

REPO = Path(__file__).resolve().parent.parent
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')
KEY = re.compile(r"\b([A-Z2-7]{32})\b")
T = 1_800_000_000.0
GARBAGE = ["", "\u00e9t\u00e9", "\x00", "a" * 3000, "Infinity", "1" + "0" * 400, "<script>", "10.0.0.300",
           "::1%eth0", "\ud7ff", "0" * 64]
NOT_UTF8 = [b"\xff\xfe", b"\xed\xa0\x80", b"\xc0\xaf", b"\xe9t\xe9", b"%FF%FE", b"%ED%A0%80", b"\x80"]
"""Bytes that are no UTF-8 text (a lone surrogate's, overlong, latin-1), raw or percent-encoded."""
LIMIT = 256 * 1024
"""The server's request body limit (ServerConfig.max_request_bytes)."""
OVERSIZED = [LIMIT + 1, 2 * LIMIT, 4 * 1024 * 1024]


class Down(Exception):
    """The server did not answer: it is being killed or restarted."""


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: int = 0
    answered: int = 0
    unanswered: int = 0
    five_xx: int = 0
    tracebacks: int = 0
    oversized: int = 0
    oversized_let_through: int = 0
    kills: int = 0
    users: dict[str, str] = field(default_factory=dict)
    """Acknowledged seeding: username -> password."""
    safelists: list[str] = field(default_factory=list)
    safelist_sent: str | None = None
    races: int = 0
    double_sign_ins: int = 0
    examples: list[str] = field(default_factory=list)

    def count(self, status: int | None, body: str, what: str) -> None:
        with self.lock:
            self.requests += 1
            if status is None:
                self.unanswered += 1
                return
            self.answered += 1
            if status >= 500:
                self.five_xx += 1
                if len(self.examples) < 5:
                    self.examples.append(f"{status} {what}")
            if "Traceback" in body:
                self.tracebacks += 1

    def oversize(self, status: int) -> None:
        """An oversized body was answered `status`; anything but 413 let it through."""
        with self.lock:
            self.oversized += 1
            if status != 413:
                self.oversized_let_through += 1
                if len(self.examples) < 5:
                    self.examples.append(f"{status} to an oversized body")


class Server:
    def __init__(self, folder: Path) -> None:
        self.db = folder / "state.sqlite3"
        self.log = folder / "server.log"
        self.port = 0
        self.url = ""
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("MFA_")}
        with open(self.log, "a", encoding="utf-8") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "mfa_conformance.cli", "serve", "--test-hooks", "--port", str(self.port),
                 "--db", str(self.db)], cwd=REPO, stdout=subprocess.PIPE, stderr=log, text=True, env=environment)
        line = self.process.stdout.readline()  # type: ignore[union-attr]
        found = re.match(r"^mfa-conformance serve: (http://\S+?)/? ", line)
        if found is None:
            self.process.kill()
            sys.exit(f"webapp_soak: the web app did not start: {self.log.read_text()[-2000:]}")
        self.url = found.group(1)
        self.port = int(self.url.rsplit(":", 1)[1])

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self.process.stdout.close()  # type: ignore[union-attr]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process.stdout.close()  # type: ignore[union-attr]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


OPENER = urllib.request.build_opener(_NoRedirect)


class Client:
    """A browser: its own cookies (Secure ones too, over loopback http) and CSRF token."""

    def __init__(self, server: Server, tally: Tally, lane: str = "") -> None:
        self.server, self.tally, self.lane = server, tally, lane
        self.cookies: dict[str, str] = {}

    def send(self, method: str, path: str, *, form: dict[str, str] | None = None, payload: object = None,
             raw: bytes | None = None, raw_form: bytes | None = None) -> tuple[int, str, str | None]:
        body, headers = raw, {"X-MFA-Test-Clock": self.lane}
        if form is not None or raw_form is not None:
            body = urllib.parse.urlencode(form).encode() if form is not None else raw_form
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif payload is not None or raw is not None:
            body = raw if raw is not None else json.dumps(payload).encode()
            headers["Content-Type"] = "application/json"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        request = urllib.request.Request(self.server.url + path, data=body, method=method, headers=headers)
        try:
            response = OPENER.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        except (urllib.error.URLError, OSError, http.client.HTTPException):
            self.tally.count(None, "", path)
            raise Down() from None
        try:
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):  # killed mid-answer
            self.tally.count(None, "", path)
            raise Down() from None
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value and "Max-Age=0" not in header and "expires=Thu, 01 Jan 1970" not in header:
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        self.tally.count(response.status, text, f"{method} {path}")
        return response.status, text, response.headers.get("Location")

    def token(self) -> str:
        _, text, _ = self.send("GET", "/sign-in")
        found = CSRF.search(text)
        return found.group(1) if found else ""

    def sign_in(self, username: str, password: str) -> tuple[int, str | None]:
        status, _, location = self.send("POST", "/sign-in", form={"username": username, "password": password,
                                                                  "csrf_token": self.token()})
        return status, location


def seeder(server: Server, tally: Tally, worker: int, rng: random.Random, deadline: float) -> None:
    client, n = Client(server, tally), 0
    while time.monotonic() < deadline:
        n += 1
        username, password = f"w{worker}.u{n}", f"pw-{worker}-{n}-{rng.random()}"
        try:
            status, _, _ = client.send("POST", "/_test/users", payload={"practice": "Soak", "username": username,
                                                                         "password": password})
        except Down:
            time.sleep(0.05)
            continue
        if status == 201:
            with tally.lock:
                tally.users[username] = password


def visitor(server: Server, tally: Tally, worker: int, rng: random.Random, deadline: float) -> None:
    """Signs in and out, guesses passwords, sends garbage to every kind of route."""
    routes = ["/sign-in", "/sign-in/code", "/security/authenticator", "/security/authenticator/device", "/setup",
              "/setup/device", "/admin/security-settings/mfa", "/admin/security-settings/ip-safelist",
              "/admin/users/x/reset-mfa", "/sign-out", "/support", "/support/users/x/reset-mfa"]
    pages = ["/", "/home", "/security", "/admin/users", "/admin/users?username=w0.u1", "/support?username=x",
             "/no/such/page", "/_test", "/_test/clock"]
    client = Client(server, tally)
    while time.monotonic() < deadline:
        try:
            choice = rng.random()
            with tally.lock:
                known = list(tally.users.items())[-50:]
            if choice < 0.3 and known:
                username, password = rng.choice(known)
                status, _ = client.sign_in(username, password)
                if status == 303:
                    client.send("GET", "/home")
                    client.send("POST", "/sign-out", form={"csrf_token": client.token()})
            elif choice < 0.4 and known:
                client.sign_in(rng.choice(known)[0], "wrong-" + str(rng.random()))
            elif choice < 0.6:
                form = {rng.choice(["code", "username", "password", "device_name", "safelist", "enforce",
                                    "authenticator", "x"]): rng.choice(GARBAGE) for _ in range(3)}
                form["csrf_token"] = rng.choice([client.token(), rng.choice(GARBAGE)])
                client.send("POST", rng.choice(routes), form=form)
            elif choice < 0.65:
                field = rng.choice([b"code", b"username", b"password", b"device_name", b"safelist", b"csrf_token"])
                body = urllib.parse.urlencode({"csrf_token": client.token()}).encode()
                client.send("POST", rng.choice(routes), raw_form=body + b"&" + field + b"=" + rng.choice(NOT_UTF8))
            elif choice < 0.7:
                size = rng.choice(OVERSIZED)
                body = urllib.parse.urlencode({"csrf_token": client.token()}).encode() + b"&safelist=" + b"1" * size
                status, _, _ = client.send("POST", rng.choice(routes), raw_form=body)
                tally.oversize(status)
            elif choice < 0.85:
                hook = rng.choice(["/_test/clock", "/_test/users", "/_test/practices"])
                if rng.random() < 0.1:
                    tally.oversize(client.send("POST", hook, raw=b"[" * rng.choice(OVERSIZED))[0])
                    continue
                raw = rng.choice([b'{"set": Infinity}', b'{"advance": NaN}', b'{"set": 1' + b"0" * 400 + b"}",
                                  b'{"advance": -5}', b"[]", b"{", b'{"name": 5}', b'{"username": "\\ud800"}',
                                  b"[" * (LIMIT - 1), b'{"name": "' + rng.choice(NOT_UTF8) + b'"}',
                                  '{"name": "x"}'.encode("utf-16-le") + b"\x00\xd8"])
                client.send("POST", hook, raw=raw)
            else:
                client.send("GET", rng.choice(pages))
        except Down:
            time.sleep(0.05)


def safelister(server: Server, tally: Tally, deadline: float) -> None:
    """One account holder saving the IP safelist, one change after another."""
    holder, n = Client(server, tally), 0
    while time.monotonic() < deadline:
        try:
            if "mfa_session" not in holder.cookies:
                holder.sign_in("holder", "holder-password")
            entry = f"10.{n // 256 % 256}.{n % 256}.0/24"
            tally.safelist_sent = entry
            status, _, _ = holder.send("POST", "/admin/security-settings/ip-safelist",
                                       form={"safelist": entry, "csrf_token": holder.token()})
            if status == 303:
                tally.safelists.append(entry)
                n += 1
            elif status in (401, 403):
                holder.cookies.clear()
        except Down:
            time.sleep(0.05)


def racer(server: Server, tally: Tally, deadline: float) -> None:
    """One valid code sent at once from five sessions: exactly one may sign in."""
    lane = "race"
    setup = Client(server, tally, lane)
    key = None
    step = 0
    while time.monotonic() < deadline:
        try:
            if key is None:
                username = f"racer.{int(time.time() * 1000)}"
                if setup.send("POST", "/_test/users", payload={"practice": "Soak", "username": username,
                                                                "password": "racer-password"})[0] != 201:
                    continue
                setup.send("POST", "/_test/clock", payload={"set": T})
                setup.cookies.clear()
                setup.sign_in(username, "racer-password")
                _, page, _ = setup.send("POST", "/security/authenticator",
                                        form={"authenticator": "Authy", "csrf_token": setup.token()})
                found = KEY.search(page)
                if not found:
                    continue
                status, _, _ = setup.send("POST", "/security/authenticator/device",
                                          form={"code": pyotp.TOTP(found.group(1)).at(T), "device_name": "phone",
                                                "csrf_token": setup.token()})
                key, step = (found.group(1), 0) if status == 303 else (None, 0)
                continue
            step += 1
            setup.send("POST", "/_test/clock", payload={"set": T + 30 * step})
            sessions = [Client(server, tally, lane) for _ in range(5)]
            for session in sessions:
                session.sign_in(username, "racer-password")
            tokens = [session.token() for session in sessions]
            code = pyotp.TOTP(key).at(T + 30 * step)
            barrier = threading.Barrier(len(sessions))

            def submit(index: int) -> int:
                barrier.wait(timeout=30)
                try:
                    return sessions[index].send("POST", "/sign-in/code", form={"code": code,
                                                                               "csrf_token": tokens[index]})[0]
                except Down:
                    return -1

            with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
                statuses = list(pool.map(submit, range(len(sessions))))
            if -1 in statuses:
                key = None  # a kill during the race: start again with a fresh account
                continue
            with tally.lock:
                tally.races += 1
                if statuses.count(303) > 1:
                    tally.double_sign_ins += 1
        except (Down, threading.BrokenBarrierError):
            key = None
            time.sleep(0.05)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=6, help="visitors; plus 2 seeders, a safelister, a racer")
    parser.add_argument("--kill-every", type=float, default=10.0, help="seconds between kill -9 restarts (0: none)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="webapp-soak-"))
    server, tally = Server(folder), Tally()
    server.start()
    boot = Client(server, tally)
    for practice in ("Soak", "Holder's"):
        boot.send("POST", "/_test/practices", payload={"name": practice})
    boot.send("POST", "/_test/users", payload={"practice": "Holder's", "username": "holder",
                                               "password": "holder-password", "account_holder": True})
    started = time.monotonic()
    deadline = started + args.seconds
    threads = [threading.Thread(target=seeder, args=(server, tally, w, random.Random(args.seed + w), deadline))
               for w in range(2)]
    threads += [threading.Thread(target=visitor, args=(server, tally, w, random.Random(args.seed * 100 + w), deadline))
                for w in range(args.workers)]
    threads += [threading.Thread(target=safelister, args=(server, tally, deadline)),
                threading.Thread(target=racer, args=(server, tally, deadline))]
    for thread in threads:
        thread.start()
    while args.kill_every and time.monotonic() + args.kill_every < deadline:
        time.sleep(args.kill_every)
        server.kill()
        tally.kills += 1
        server.start()
    for thread in threads:
        thread.join(timeout=args.seconds + 120)
    server.stop()
    with sqlite3.connect(server.db) as db:
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        stored = {row[0] for row in db.execute("SELECT username FROM users")}
        practice = json.loads(db.execute("SELECT data FROM practices WHERE name = ?", ("Holder's",)).fetchone()[0])
    lost_users = [u for u in tally.users if u not in stored]
    saved = practice["safelist"][0] if practice["safelist"] else None
    safelist_lost = bool(tally.safelists) and saved not in (tally.safelists[-1], tally.safelist_sent)
    logged = server.log.read_text(encoding="utf-8")
    lost = len(lost_users) + int(safelist_lost)
    elapsed = time.monotonic() - started
    kills = f"a kill -9 every {args.kill_every:g} s" if args.kill_every else "no kills"
    print(f"soak of {elapsed:.0f} s, {args.workers + 4} threads, {kills}")
    print(f"requests sent:        {tally.requests} ({tally.answered} answered, {tally.unanswered} while the server was down)")
    print(f"5xx seen:             {tally.five_xx}" + (f"  e.g. {tally.examples}" if tally.examples else ""))
    print(f"tracebacks:           {tally.tracebacks} in answers, {logged.count('Traceback')} in the server's log")
    print(f"oversized bodies:     {tally.oversized}, answered other than 413: {tally.oversized_let_through}")
    print(f"kills (-9):           {tally.kills}")
    print(f"changes acknowledged: {len(tally.users)} accounts, {len(tally.safelists)} safelist saves")
    print(f"changes lost:         {lost}" + (f" (accounts {lost_users[:5]}, safelist {safelist_lost})" if lost else ""))
    print(f"code races:           {tally.races}, won by more than one session: {tally.double_sign_ins}")
    print(f"integrity_check:      {integrity}")
    bad = (tally.five_xx or tally.tracebacks or "Traceback" in logged or tally.oversized_let_through or lost
           or tally.double_sign_ins or integrity != "ok")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
