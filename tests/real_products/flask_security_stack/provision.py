"""Account provisioning from accounts.toml, idempotent: an account that exists is
kept exactly as it is (its password, roles and MFA state untouched); a missing one
is created with the stack's own datastore calls, its password read from the
environment variable the file names for it. Nobody gets MFA here."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from flask import Flask
from flask_security import hash_password

ACCOUNTS_FILE = Path(__file__).resolve().parent / "accounts.toml"


class ProvisioningError(RuntimeError):
    pass


def load_accounts(path: Path = ACCOUNTS_FILE) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def provision(app: Flask, path: Path = ACCOUNTS_FILE) -> list[str]:
    """Create the missing accounts; return the usernames created."""
    spec = load_accounts(path)
    datastore = app.security.datastore
    created: list[str] = []
    with app.app_context():
        for account in spec["account"]:
            username = account["username"]
            if datastore.find_user(username=username) is not None:
                continue
            password = os.environ.get(account["password_env"])
            if not password:
                raise ProvisioningError(
                    f"account {username!r} is missing and ${account['password_env']} is not set"
                )
            roles = [datastore.find_or_create_role(name=name) for name in account.get("roles", [])]
            datastore.create_user(
                username=username,
                email=f"{username}@{spec['email_domain']}",
                password=hash_password(password),
                roles=roles,
                active=True,
            )
            created.append(username)
        datastore.commit()
    return created
