"""Provisioning from accounts.toml: creates the missing accounts, keeps the rest.

Runs inside a configured Django (serve.py calls provision() after migrating).
Uses only Django's stock user, permission and site models; no MFA device is
created. The site's name (the TOTP issuer) is set while it is Django's default.
"""

import os
import tomllib
from pathlib import Path

ACCOUNTS = Path(__file__).resolve().parent / "accounts.toml"


class ProvisioningError(Exception):
    pass


def load(path=ACCOUNTS):
    with open(path, "rb") as f:
        data = tomllib.load(f)
    site = data.get("site", {})
    roles = data.get("roles", {})
    users = data.get("user", [])
    for entry in users:
        if entry.get("role") not in roles:
            raise ProvisioningError(f"{path}: {entry.get('username')!r} has an unknown role {entry.get('role')!r}")
    return site, roles, users


def _permissions(codes):
    from django.contrib.auth.models import Permission

    found = []
    for code in codes:
        app_label, _, codename = code.partition(".")
        try:
            found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        except Permission.DoesNotExist:
            raise ProvisioningError(f"no permission {code!r}") from None
    return found


def provision(path=ACCOUNTS):
    """Create every account of the file that does not exist yet; return their usernames."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    User = get_user_model()
    site, roles, users = load(path)
    created = []
    with transaction.atomic():
        if site:
            from django.contrib.sites.models import Site

            current = Site.objects.get_current()
            if current.domain == "example.com" and current.name == "example.com":
                current.domain = site.get("domain", current.domain)
                current.name = site.get("name", current.name)
                current.save()
        for entry in users:
            username = entry["username"]
            if User.objects.filter(username=username).exists():
                continue
            variable = entry["password_env"]
            password = os.environ.get(variable)
            if not password:
                raise ProvisioningError(f"{username}: the environment variable {variable} is not set")
            role = roles[entry["role"]]
            user = User(username=username,
                        is_staff=bool(role.get("is_staff", False)),
                        is_superuser=bool(role.get("is_superuser", False)))
            user.set_password(password)
            user.save()
            user.user_permissions.set(_permissions(role.get("permissions", [])))
            created.append(username)
    return created
