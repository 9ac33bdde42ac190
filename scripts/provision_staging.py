"""Create the practices and accounts a profile's pool names on a reference web
app served with --test-hooks, so that the same database, served again without
them, is a staging deployment with pre-provisioned accounts.

    python scripts/provision_staging.py --base-url http://127.0.0.1:8765 --profile profiles/staging.toml

Passwords come from the environment variables the profile names; an account
that already exists is kept as it is (run it again, nothing changes).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mfa_conformance.driver import errors
from mfa_conformance.driver.browser.hooks import TestHooks, probe
from mfa_conformance.driver.browser.profile import ProfileError, load_profile


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--profile", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        profile = load_profile(args.profile)
    except ProfileError as error:
        print(f"provision_staging: {error}", file=sys.stderr)
        return 4
    described = probe(args.base_url, "/_test")
    if described is None:
        print(f"provision_staging: {args.base_url} offers no test hooks; serve it with --test-hooks", file=sys.stderr)
        return 2
    hooks = TestHooks(args.base_url, "/_test", described)
    made = 0
    for cast in profile.casts:
        for practice in cast.practices.values():
            try:
                hooks.create_practice(practice.name, practice.mfa_available)
                made += 1
            except errors.DuplicateName:
                pass
        for key, persona in cast.personas.items():
            password = persona.resolve_password()
            if password is None:
                print(f"provision_staging: personas.{key}: {persona.password_env} is not set", file=sys.stderr)
                return 4
            try:
                hooks.create_user(cast.practices[persona.practice].name, persona.username, password,
                                  persona.account_holder)
                made += 1
            except errors.DuplicateName:
                pass
    print(f"provision_staging: {made} practices and accounts created for {len(profile.casts)} cast(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
