"""The feature files a run binds, checked whole before pytest collects them.

pytest-bdd parses the features while pytest imports steps/test_features.py, so
a file that is not UTF-8 or not Gherkin surfaces as a collection error of 30-odd
lines about pytest internals, and a step that no definition matches fails its
scenario only when it runs, as if the system had failed. Checked here first,
each problem is one line naming the file and the line, before any scenario runs.

The parse goes through pytest-bdd's own parser and cache, so collection reuses
it; a step matches as pytest-bdd matches it (its type, then its parser).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from pytest_bdd import exceptions

from mfa_conformance.requirements.catalogue import FEATURES_DIR
from .pytest_bdd_private import Feature, StepFunctionContext, get_feature, step_function_context_registry

__all__ = ["bound_features", "FeatureFileError", "check_features", "feature_files", "registered_steps"]


class FeatureFileError(Exception):
    """A feature file cannot be run; the message is one line naming the file."""


def bound_features(config) -> Path:
    """The feature file or folder a run binds: its `--features` option (`mfa-conformance run --features`,
    e.g. an exploration's counterexample), else the packaged features."""
    chosen = config.getoption("mfa_features", None) if config is not None else None
    return Path(chosen) if chosen else FEATURES_DIR


def feature_files(path: Path) -> list[Path]:
    """The .feature files pytest-bdd binds for `path` (a file, or a folder searched recursively)."""
    return [path] if path.is_file() else sorted(path.rglob("*.feature"))


def registered_steps() -> list[StepFunctionContext]:
    """Every step definition imported so far (the suite's, once pytest has loaded its plugins)."""
    return list(step_function_context_registry.values())


def _not_utf8(error: UnicodeDecodeError) -> str:
    line = error.object[:error.start].count(b"\n") + 1
    return f"line {line}: not UTF-8 text (byte 0x{error.object[error.start]:02x}); save the file as UTF-8"


def _parse(file: Path) -> Feature:
    where = f"feature file {file}"
    try:
        return get_feature(str(file.parent), file.name)
    except UnicodeDecodeError as error:
        raise FeatureFileError(f"{where}, {_not_utf8(error)}") from None
    except OSError as error:
        raise FeatureFileError(f"{where}: cannot read it ({error.strerror or error})") from None
    except exceptions.GherkinParseError as error:
        message = " ".join(error.message.replace("Unknown parsing error: Parser errors:", "").split())
        near = f" (near {error.line_content.strip()!r})" if error.line_content.strip() else ""
        raise FeatureFileError(f"{where}, line {error.line}: not valid Gherkin: {message}{near}") from None
    except KeyError:  # pytest-bdd's parser on a file without any Gherkin in it
        raise FeatureFileError(f"{where}: no 'Feature:' in it; not a Gherkin feature file") from None


def _undefined(feature: Feature, steps: list[StepFunctionContext]) -> list[tuple[int, str]]:
    """Each step of the feature that no definition matches: (line, "Keyword text")."""
    missing, seen = [], set()
    for template in feature.scenarios.values():
        contexts = [context for examples in template.examples for context in examples.as_contexts()] or [{}]
        for context in contexts:
            for step in template.render(context).steps:
                if (step.type, step.name) in seen:
                    continue
                seen.add((step.type, step.name))
                if not any((d.type is None or d.type == step.type) and d.parser.is_matching(step.name) for d in steps):
                    missing.append((step.line_number, f"{step.keyword} {step.name}"))
    return missing


def _bad_tag(feature: Feature, check_tag: Callable[[str], None]) -> tuple[int, str] | None:
    """The first scenario tag `check_tag` refuses (with ValueError): (line, why)."""
    for template in feature.scenarios.values():
        for tag in sorted(template.tags | feature.tags | (template.rule.tags if template.rule else set())):
            try:
                check_tag(tag)
            except ValueError as error:
                return template.line_number, str(error)
    return None


def check_features(path: Path, steps: Iterable[StepFunctionContext],
                   check_tag: Callable[[str], None] | None = None) -> int:
    """How many scenarios the features at `path` hold; FeatureFileError names the first problem.

    `check_tag` raises ValueError for a tag the run cannot use (an unknown position)."""
    files = feature_files(path)
    if not files:
        raise FeatureFileError(f"features folder {path}: no .feature file in it")
    definitions = list(steps)
    scenarios = 0
    for file in files:
        feature = _parse(file)
        scenarios += len(feature.scenarios)
        if check_tag is not None and (bad := _bad_tag(feature, check_tag)):
            raise FeatureFileError(f"feature file {file}, line {bad[0]}: {bad[1]}")
        missing = _undefined(feature, definitions)
        if missing:
            more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
            line, text = missing[0]
            raise FeatureFileError(f"feature file {file}, line {line}: no step definition matches {text!r}{more}")
    if scenarios == 0:
        where = f"feature file {path}: no scenario in it" if path.is_file() else \
            f"features folder {path}: no scenario in any .feature file"
        raise FeatureFileError(where)
    return scenarios
