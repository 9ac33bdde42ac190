"""Runs every probe against one system and judges what it found.

A finding is the alternative a position's probe saw, with the evidence; or
that the system took none of the allowed alternatives (a failure); or why the
probe did not run (no seeding, or a capability it needs). Given a declaration,
a finding that differs from a declared alternative is a failure too: the
declaration is checked against behaviour.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from mfa_conformance.driver import Capability, SystemUnderTest
from mfa_conformance.driver.errors import CapabilityMissing, Refused, ServerError, SystemUnreachable
from mfa_conformance.requirements.positions import declaration_toml, load_positions

from .probes import PROBES
from .world import ProbeFailed

__all__ = ["Finding", "survey", "positions_file"]


@dataclass(frozen=True)
class Finding:
    position: str
    value: int | str | None
    """The alternative found; None when the system took none, or the probe did not run."""
    evidence: str
    probed: bool = True
    declared: int | str | None = None
    """What the system (or --positions) declares for this position, if anything."""

    @property
    def takes_none(self) -> bool:
        return self.probed and self.value is None

    @property
    def contradicts(self) -> bool:
        """Found an alternative other than the declared one."""
        return self.value is not None and self.declared is not None and self.value != self.declared

    @property
    def failed(self) -> bool:
        return self.takes_none or self.contradicts


def _probe(system: SystemUnderTest, position: str) -> tuple[int | str | None, str]:
    probe = PROBES[position]
    system.start_scenario(f"survey: {position}")
    failed = True
    try:
        value, evidence = probe.run(system)
        failed = False
        return value, evidence
    except ProbeFailed as error:
        return None, f"none of the allowed alternatives: {error}"
    except Refused as error:
        return None, f"none of the allowed alternatives: the system refused a documented action as " \
                     f"{type(error).__name__} ({error})"
    finally:
        system.finish_scenario(failed)


def survey(system: SystemUnderTest, declared: Mapping[str, object] | None = None) -> list[Finding]:
    """A finding for every position of the catalogue, in its order."""
    declared = declared or {}
    findings = []
    for position in load_positions():
        probe = PROBES[position]
        lacking = [str(c) for c in (Capability.SEEDING, *probe.needs) if c not in system.capabilities]
        if lacking:
            findings.append(Finding(position, None, f"not probed: the system lacks the capability "
                                    f"'{lacking[0]}' (each probe needs fresh practices and users)"
                                    if lacking[0] == str(Capability.SEEDING) else
                                    f"not probed: the system lacks the capability '{lacking[0]}'",
                                    probed=False, declared=declared.get(position)))  # type: ignore[arg-type]
            continue
        try:
            value, evidence = _probe(system, position)
        except (SystemUnreachable, KeyboardInterrupt):
            raise
        except CapabilityMissing as missing:
            value, evidence = None, f"the system declares the capability {missing.capability} but lacks it"
        except ServerError as error:  # no sight of any alternative: probe it again once the product works
            findings.append(Finding(position, None, f"not probed: {error}", probed=False,
                                    declared=declared.get(position)))  # type: ignore[arg-type]
            continue
        findings.append(Finding(position, value, evidence, declared=declared.get(position)))  # type: ignore[arg-type]
    return findings


def positions_file(findings: list[Finding], system: str) -> str:
    """The findings as a positions file for --positions: what was found, each with its evidence."""
    found = {f.position: f.value for f in findings if f.value is not None}
    skipped = [f"{f.position} ({f.evidence})" for f in findings if f.value is None]
    header = [f"Positions of {system}, as `mfa-conformance survey` found them.",
              "Pass this file with --positions; a position left out takes the reference default."]
    header += [f"Left out: {line}" for line in skipped]
    return declaration_toml(found, {f.position: f.evidence for f in findings if f.value is not None}, header)
