"""`mfa-conformance serve`: the reference simulator as a web app, on waitress.

Loopback by default. State lives in one SQLite file (`--db`), so a restart
keeps every practice, user and enrollment. `--test-hooks` adds seeding, clock
and client-address hooks and opens the support console, for loopback clients
and only on a loopback listener. `MFA_SUPPORT_PASSWORD` in the environment
opens the support console behind that password; `--accounts FILE` provisions
practices and accounts at start, as a staging deployment has them.

Every argument is checked before anything starts: a bad one is one line naming
it, exit 2 (a wrong option value) or 4 (an input file that cannot be used,
another application's database among them), and no database is created or
changed and no port opened.

Waitress is told to keep the proxy headers (`X-Forwarded-For`, `Forwarded`, ...)
it would otherwise strip before the app sees them: the test hooks refuse any
request carrying one, and a stripped header would make a proxied request look
local. It reads no request body over `BODY_CEILING` (413, from waitress); the
app itself refuses any over `ServerConfig.max_request_bytes` (413, naming it).
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import socket
import sys
import tempfile
from pathlib import Path
from typing import NoReturn

__all__ = ["main", "build_parser", "USAGE", "BAD_INPUT"]

DEFAULT_DB = Path("mfa-reference.sqlite3")
PROG = "mfa-conformance serve"
USAGE, BAD_INPUT = 2, 4
MAX_THREADS = 256
BODY_CEILING = 16 * 1024 * 1024
"""The most of a request body waitress reads (spilling to a temporary file) for the app to answer 413 in
its own words; a body declared larger is refused by waitress itself, unread."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, not argparse's usage block
        print(f"{PROG}: {message}", file=sys.stderr)
        raise SystemExit(USAGE)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text} is out of range: a port is 0 to 65535 (0 picks a free one)")
    return port


def _threads(text: str) -> int:
    try:
        threads = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= threads <= MAX_THREADS:
        raise argparse.ArgumentTypeError(f"{text} is out of range: 1 to {MAX_THREADS} worker threads")
    return threads


"""How the right password from outside the practice's IP safelist is answered (ServerConfig.safelist_answer):
`named` (AddressNotAllowed, so the person is told why) or `like-wrong-password` (exactly as a wrong password,
counted as one, so nobody outside the safelist learns whether a password is right): the alternatives of the
declared position safelist_refusal. Here, where `serve` parses its options before Flask is loaded."""


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=8765, help="port (default: 8765; 0 picks a free one)")
    parser.add_argument("--db", type=Path, default=DEFAULT_DB, help=f"SQLite file for the state (default: {DEFAULT_DB})")
    parser.add_argument("--test-hooks", action="store_true",
                        help="offer seeding, clock and client-address hooks under /_test to loopback clients "
                             "(404 without this flag; refused with a host others can reach)")
    parser.add_argument("--labels", type=Path, help="TOML file renaming screen labels ([labels], [messages])")
    parser.add_argument("--accounts", type=Path, metavar="FILE",
                        help="TOML file of practices and accounts to provision at start ([[practice]], "
                             "[[practice.user]]); existing ones are kept as they are")
    parser.add_argument("--insecure-cookies", action="store_true",
                        help="drop the Secure flag from cookies (only for plain HTTP on a non-loopback host)")
    parser.add_argument("--threads", type=_threads, default=8, help=f"worker threads, 1 to {MAX_THREADS} (default: 8)")
    from .context import SAFELIST_ANSWERS

    parser.add_argument("--safelist-answer", choices=SAFELIST_ANSWERS, default=SAFELIST_ANSWERS[0],
                        help="how the right password from outside the IP safelist is answered: 'named' (the "
                             "address is refused, saying so; default) or 'like-wrong-password' (exactly as a "
                             "wrong password, so the safelist tells nobody outside it whether a password is right); "
                             "the position safelist_refusal, which a browser run against it declares in its profile")
    return parser


class BadArgument(Exception):
    def __init__(self, message: str, code: int = USAGE) -> None:
        super().__init__(message)
        self.code = code


def _addresses(host: str) -> list[str]:
    try:
        found = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        reason = error.strerror if isinstance(error, socket.gaierror) else str(error)
        raise BadArgument(f"--host {host}: not an address or a name that resolves ({reason})") from None
    return sorted({str(info[4][0]) for info in found})


def _check_host(host: str, test_hooks: bool) -> None:
    addresses = _addresses(host)
    reachable = [a for a in addresses if not ipaddress.ip_address(a.split("%")[0]).is_loopback]
    if test_hooks and reachable:
        raise BadArgument(f"--test-hooks: refused with --host {host} ({reachable[0]} is not a loopback address): "
                          "the hooks let whoever reaches the port seed accounts, move the clock and reset MFA")


def _check_db(db: Path) -> None:
    folder = db.parent if str(db.parent) else Path(".")
    if db.is_dir():
        raise BadArgument(f"--db {db}: is a folder; give a file in it")
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise BadArgument(f"--db {db}: folder {folder} {what}")
    try:  # the folder must take new files: SQLite adds its -wal and -shm beside the database
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise BadArgument(f"--db {db}: folder {folder} is not writable ({error.strerror or error})") from None
    if db.exists() and not os.access(db, os.R_OK | os.W_OK):
        raise BadArgument(f"--db {db}: cannot be read and written")
    from .store import NotOurDatabase, check_file

    try:
        check_file(db)
    except NotOurDatabase as error:
        raise BadArgument(f"--db {db}: {error}", BAD_INPUT) from None


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    from .context import REFUSAL_NAMES
    from .labels import Labels, LabelsError, load_labels
    from .provisioning import AccountsError, load_accounts

    def fail(message: str, code: int) -> int:
        print(f"{PROG}: {message}", file=sys.stderr)
        return code

    try:
        _check_host(args.host, args.test_hooks)
        labels = load_labels(args.labels, REFUSAL_NAMES) if args.labels else Labels()
        accounts = load_accounts(args.accounts) if args.accounts else None
        _check_db(args.db)
    except BadArgument as error:
        return fail(str(error), error.code)
    except (LabelsError, AccountsError) as error:
        return fail(str(error), BAD_INPUT)
    return _serve(args, labels, accounts, fail)


def _serve(args: argparse.Namespace, labels, accounts, fail) -> int:
    """Open the port, then the database, then serve; each failure is one line and closes what was opened."""
    from waitress.server import create_server

    from .app import create_app
    from .context import SAFELIST_ANSWERS, ServerConfig
    from .provisioning import provision

    app_holder = []

    def application(environ, start_response):  # the port opens before the database is touched
        return app_holder[0](environ, start_response)

    try:
        server = create_server(application, host=args.host, port=args.port, threads=args.threads,
                               ident="mfa-reference", clear_untrusted_proxy_headers=False,
                               max_request_body_size=BODY_CEILING)
    except (OSError, ValueError) as error:
        return fail(f"cannot listen on {args.host}:{args.port} ({getattr(error, 'strerror', None) or error})", USAGE)
    listening = tuple(getattr(server, "effective_listen", None) or [(server.effective_host, server.effective_port)])
    port = listening[0][1]
    try:
        config = ServerConfig(db_path=args.db, test_hooks=args.test_hooks, labels=labels,
                              secure_cookies=not args.insecure_cookies,
                              support_password=os.environ.get("MFA_SUPPORT_PASSWORD") or None,
                              safelist_answer=args.safelist_answer,
                              listening=listening + tuple((args.host, p) for _, p in listening))
        try:
            app = create_app(config)
        except Exception as error:  # an unreadable or foreign database file
            return fail(f"--db {args.db}: cannot be used as the state ({error})", BAD_INPUT)
        provisioned = ""
        if accounts is not None:
            created, kept = provision(app.extensions["mfa"].store, accounts)
            provisioned = f"; --accounts: {created} created, {kept} kept"
        app_holder.append(app)
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
        host = f"[{args.host}]" if ":" in args.host else args.host
        hooks = " with test hooks" if args.test_hooks else ""
        support = ", support console behind MFA_SUPPORT_PASSWORD" if config.support_password else ""
        answer = (f"; a profile for it declares safelist_refusal = \"{args.safelist_answer}\""
                  if args.safelist_answer != SAFELIST_ANSWERS[0] else "")  # not the reference's reading
        print(f"{PROG}: http://{host}:{port}/{hooks} (state in {args.db}{provisioned}{support}{answer})",
              flush=True)
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0
