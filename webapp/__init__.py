"""The reference simulator served as a web app (`mfa-conformance serve`).

A thin adapter: Flask views over `simulator.Simulator`, state in SQLite
(`store.py`), labels from one place (`labels.py`) so a relabelled build can
prove that the browser driver's profile carries every screen label.
"""

from .app import ServerConfig, create_app
from .labels import DEFAULT_LABELS, Labels, load_labels

__all__ = ["ServerConfig", "create_app", "Labels", "DEFAULT_LABELS", "load_labels"]
