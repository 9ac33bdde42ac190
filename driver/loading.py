"""Choose the system under test from `--sut` / `MFA_SUT`.

`simulator` (the default) is the in-process reference; anything else is an
import path `package.module:factory` naming a callable (of no argument, or of the
keywords it takes by name: `load_system`) that
returns a `SystemUnderTest`, so a vendor checks their system without editing
this repository.
"""

from __future__ import annotations

import importlib
import inspect
import os
import sys
from collections.abc import Callable

from .errors import SutSpecError
from .interface import SystemUnderTest

__all__ = ["DEFAULT_SUT", "SutSpecError", "resolve_sut_spec", "find_factory", "load_system"]

DEFAULT_SUT = "simulator"
BUILT_IN = {"simulator": "mfa_conformance.driver.inprocess:simulator_system",
            "provisioned": "mfa_conformance.driver.provisioned:provisioned_system",
            "browser": "mfa_conformance.driver.browser:browser_system"}


def resolve_sut_spec(option: str | None) -> str:
    return option or os.environ.get("MFA_SUT") or DEFAULT_SUT


def find_factory(spec: str) -> Callable[[], object]:
    """The factory `spec` names, imported but not called; SutSpecError says why not."""
    target = BUILT_IN.get(spec, spec)
    if os.getcwd() not in sys.path:  # a vendor's module in the folder they run from, as `python -m` finds it
        sys.path.append(os.getcwd())
    module_name, sep, attr = target.partition(":")
    if not sep or not module_name or not attr:
        raise SutSpecError(f"--sut {spec!r}: expected 'simulator' or 'package.module:factory'")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise SutSpecError(f"--sut {spec!r}: cannot import {module_name!r} ({error})") from None
    except SyntaxError as error:  # the vendor's module (or one it imports) is not valid Python
        where = f"{error.filename}, line {error.lineno}" if error.filename else module_name
        raise SutSpecError(f"--sut {spec!r}: {where}: {type(error).__name__}: {error.msg}") from None
    except SystemExit as error:
        raise SutSpecError(f"--sut {spec!r}: importing {module_name!r} called exit({error.code!r})") from None
    except Exception as error:  # the module's top level failed; one line, not the import machinery's traceback
        raise SutSpecError(f"--sut {spec!r}: importing {module_name!r} failed: {type(error).__name__}: {error}") from None
    factory = getattr(module, attr, None)
    if not callable(factory):
        raise SutSpecError(f"--sut {spec!r}: {module_name!r} has no callable {attr!r}")
    return factory


def load_system(spec: str, **given: object) -> SystemUnderTest:
    """The system `spec` names, made by its factory; any failure is one SutSpecError line.

    `given` holds what the command that opens the system has for a factory (the browser driver's
    `settings` or `browser_options`): each goes, by name, to a factory that takes it, and a
    zero-argument factory gets nothing. So settings travel as arguments, never as variables."""
    factory = find_factory(spec)
    attr = BUILT_IN.get(spec, spec).partition(":")[2]
    try:
        taken = inspect.signature(factory).parameters
    except (TypeError, ValueError):  # a callable without a signature: call it as it is
        taken = {}
    arguments = {name: value for name, value in given.items() if value is not None and name in taken}
    try:
        system = factory(**arguments)
    except SutSpecError:
        raise
    except SystemExit as error:  # sys.exit() in a factory would end pytest with an INTERNALERROR
        raise SutSpecError(f"--sut {spec!r}: {attr}() called exit({error.code!r}) instead of returning a system") from None
    except Exception as error:  # a vendor's factory may fail any way; say so in one line
        raise SutSpecError(f"--sut {spec!r}: {attr}() failed: {type(error).__name__}: {error}") from None
    if not isinstance(system, SystemUnderTest):
        raise SutSpecError(
            f"--sut {spec!r}: {attr}() returned {type(system).__name__}, not a mfa_conformance.SystemUnderTest"
        )
    return system
