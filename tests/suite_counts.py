"""How many scenarios a whole run has, and how many of them apply under a declaration.

Counted from the feature files, so the project's tests that check a run's
counts follow the features as they grow: outlines count once per example row,
and a scenario tagged for an alternative the declaration does not take
(`@position:NAME=VALUE`) is "not applicable" rather than run.
"""

from __future__ import annotations

from collections.abc import Mapping

from pytest_bdd.feature import get_features

from mfa_conformance.requirements.catalogue import FEATURES_DIR
from mfa_conformance.requirements.positions import declare, position_tags

__all__ = ["scenario_count", "applying", "not_applying", "SCENARIOS", "DEFAULT_APPLYING", "DEFAULT_NOT_APPLYING"]


def _scenarios() -> list[tuple[int, set[str]]]:
    """(example rows, tags) of every scenario."""
    return [
        (max(1, sum(len(examples.examples) for examples in template.examples)),
         template.tags | feature.tags | (template.rule.tags if template.rule else set()))
        for feature in get_features([str(FEATURES_DIR)])
        for template in feature.scenarios.values()
    ]


def scenario_count() -> int:
    return sum(rows for rows, _ in _scenarios())


def not_applying(declared: Mapping[str, object] | None = None) -> int:
    declaration = declare(("the test", declared or {}))
    return sum(rows for rows, tags in _scenarios()
               if not all(tag.applies(declaration) for tag in position_tags(tags)))


def applying(declared: Mapping[str, object] | None = None) -> int:
    return scenario_count() - not_applying(declared)


SCENARIOS = scenario_count()
DEFAULT_NOT_APPLYING = not_applying()
DEFAULT_APPLYING = SCENARIOS - DEFAULT_NOT_APPLYING
