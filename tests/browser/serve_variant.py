"""`mfa-conformance serve` over a broken simulator, for the project's tests:

    python -m tests.browser.serve_variant no_lockout serve --port 0 --db state.sqlite3

The web app builds its simulator from `mfa_conformance.webapp.store.Simulator`;
this swaps in the named variant of tests/mutants.py before serving.
"""

from __future__ import annotations

import sys

from mfa_conformance import cli
from mfa_conformance.webapp import store

from ..mutants import VARIANTS


def main(argv: list[str]) -> int:
    name, rest = argv[0], argv[1:]
    variant = VARIANTS.get(name)
    if variant is None:
        print(f"serve_variant: no variant {name!r}", file=sys.stderr)
        return 2
    store.Simulator = variant.simulator  # type: ignore[misc]
    return cli.main(rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
