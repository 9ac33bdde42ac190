"""Serve the Flask-Security-Too product with waitress on 127.0.0.1.

    python -m tests.real_products.flask_security_stack.serve --port N --state DIR

Run from the repository root with the stack's own venv python. Creates the
SQLite tables in DIR, provisions the accounts of accounts.toml, and prints one
first line, `flask-security-stack: http://127.0.0.1:N`, once the server answers.

SECRET_KEY, SECURITY_PASSWORD_SALT and the TOTP encryption secret come from
FST_SECRET_KEY, FST_PASSWORD_SALT and FST_TOTP_SECRET when set, otherwise from
DIR/secrets.json, made at first start with random values and mode 0600.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets as random_secrets
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from waitress import create_server

from .app import create_app, db
from .provision import ProvisioningError, provision

HOST = "127.0.0.1"
ENV_SECRETS = {"secret_key": "FST_SECRET_KEY", "password_salt": "FST_PASSWORD_SALT", "totp_secret": "FST_TOTP_SECRET"}


def load_secrets(state_dir: Path) -> dict[str, str]:
    path = state_dir / "secrets.json"
    if not path.exists():
        fresh = {
            "secret_key": random_secrets.token_urlsafe(32),
            "password_salt": str(random_secrets.SystemRandom().getrandbits(128)),
            "totp_secret": random_secrets.token_urlsafe(32),
        }
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(fresh, handle)
    stored = json.loads(path.read_text(encoding="utf-8"))
    return {key: os.environ.get(env) or stored[key] for key, env in ENV_SECRETS.items()}


def _announce_when_up(url: str, server) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/login", timeout=2) as response:
                if response.status == 200:
                    print(f"flask-security-stack: {url}", flush=True)
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    print("flask-security-stack: the server did not answer within 60 s", file=sys.stderr, flush=True)
    server.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="flask_security_stack.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--state", type=Path, required=True, help="folder for the SQLite database and secrets")
    parser.add_argument("--threads", type=int, default=8, help="waitress worker threads (default 8)")
    args = parser.parse_args(argv)

    state_dir: Path = args.state.resolve()
    state_dir.mkdir(parents=True, exist_ok=True)
    app = create_app(state_dir, load_secrets(state_dir))
    with app.app_context():
        db.create_all()
    try:
        created = provision(app)
    except ProvisioningError as error:
        print(f"flask-security-stack: {error}", file=sys.stderr)
        return 2
    if created:
        print(f"flask-security-stack: created {', '.join(created)}", file=sys.stderr, flush=True)

    try:
        server = create_server(app, host=HOST, port=args.port, threads=args.threads)
    except OSError as error:
        print(f"flask-security-stack: cannot listen on {HOST}:{args.port}: {error.strerror}", file=sys.stderr)
        return 2
    threading.Thread(target=_announce_when_up, args=(f"http://{HOST}:{args.port}", server), daemon=True).start()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
