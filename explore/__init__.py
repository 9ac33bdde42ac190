"""Model-based exploration: random sequences of the how-to's documented actions,
run through the driver interface and checked against an executable model of the
how-to (`explore.model`), with failing sequences shrunk and written as Gherkin.

`mfa-conformance explore` is `explore.cli.main`; see docs/exploration.md.
"""

from .model import HowTo
from .runner import Budget, Result, explore

__all__ = ["HowTo", "Budget", "Result", "explore"]
