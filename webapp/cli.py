"""`mfa-conformance serve`: the reference simulator as a web app, on waitress.

Loopback by default. State lives in one SQLite file (`--db`), so a restart
keeps every practice, user and enrollment. `--test-hooks` adds seeding, clock
and client-address hooks and opens the support console; never use it for a
server anyone else can reach. `MFA_SUPPORT_PASSWORD` in the environment opens
the support console behind that password.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

__all__ = ["main", "build_parser"]

DEFAULT_DB = Path("mfa-reference.sqlite3")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mfa-conformance serve", description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port (default: 8765; 0 picks a free one)")
    parser.add_argument("--db", type=Path, default=DEFAULT_DB, help=f"SQLite file for the state (default: {DEFAULT_DB})")
    parser.add_argument("--test-hooks", action="store_true",
                        help="offer seeding, clock and client-address hooks under /_test (404 without this flag)")
    parser.add_argument("--labels", type=Path, help="TOML file renaming screen labels ([labels], [messages])")
    parser.add_argument("--insecure-cookies", action="store_true",
                        help="drop the Secure flag from cookies (only for plain HTTP on a non-loopback host)")
    parser.add_argument("--threads", type=int, default=8, help="worker threads (default: 8)")
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    from waitress.server import create_server

    from .app import create_app
    from .context import REFUSAL_NAMES, ServerConfig
    from .labels import Labels, LabelsError, load_labels

    def fail(message: str) -> int:
        print(f"mfa-conformance serve: {message}", file=sys.stderr)
        return 2

    try:
        labels = load_labels(args.labels, REFUSAL_NAMES) if args.labels else Labels()
    except LabelsError as error:
        return fail(str(error))
    if args.db.parent and not args.db.parent.is_dir():
        return fail(f"--db {args.db}: folder {args.db.parent} does not exist")
    config = ServerConfig(db_path=args.db, test_hooks=args.test_hooks, labels=labels,
                          secure_cookies=not args.insecure_cookies,
                          support_password=os.environ.get("MFA_SUPPORT_PASSWORD") or None)
    try:
        app = create_app(config)
    except Exception as error:  # an unreadable or foreign database file
        return fail(f"--db {args.db}: {error}")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        server = create_server(app, host=args.host, port=args.port, threads=args.threads, ident="mfa-reference")
    except OSError as error:
        return fail(f"cannot listen on {args.host}:{args.port} ({error.strerror or error})")
    host = f"[{args.host}]" if ":" in args.host else args.host
    hooks = " with test hooks" if args.test_hooks else ""
    print(f"mfa-conformance serve: http://{host}:{server.effective_port}/{hooks} (state in {args.db})", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0
