"""The reference simulator served as a web app (`mfa-conformance serve`).

A thin adapter: Flask views over `simulator.Simulator`, state in SQLite
(`store.py`), labels from one place (`labels.py`) so a relabelled build can
prove that the browser driver's profile carries every screen label.

The names below are imported on first use, so `serve` can check its arguments
(and refuse bad ones) before Flask is loaded.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ServerConfig", "create_app", "Labels", "DEFAULT_LABELS", "load_labels"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from .app import create_app

        return create_app
    if name == "ServerConfig":
        from .context import ServerConfig

        return ServerConfig
    if name in ("Labels", "DEFAULT_LABELS", "load_labels"):
        from . import labels

        return getattr(labels, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
