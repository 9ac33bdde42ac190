"""The run as an in-toto attestation: a Statement v1 with the test-result predicate, in a DSSE envelope.

Supply-chain and release tooling reads in-toto attestations, not our manifest. The
statement says what was tested (`subject`), against what (`configuration`: the
how-to, the catalogue, the sentence listing and each feature file by the SHA-256
the run recorded, the profile and the declared positions as packaged, the harness
by version), and with what outcome (`result`, and the requirement IDs in
`passedTests`, `warnedTests` and `failedTests`). The envelope is made and checked by
`securesystemslib` (its `dsse.Envelope` and `CryptoSigner`), with the Ed25519 key
that signs the package's manifest: this module never assembles the bytes a
signature covers.

Two copies are written, with one predicate. The one inside the package cannot name
the zip that holds it, so its subjects are the package's files (each by SHA-256,
as the manifest lists them) and the system under test; the one beside the package
(`PACKAGE.intoto.jsonl`, a bundle of one envelope) names the zip itself by its
SHA-256, which a tool checks with nothing but the file.

`result` is PASSED when the how-to's verdict is conformant and the security checks
passed; FAILED when either failed (a known bug listed as an expected failure
included: it never makes a run conformant); WARNED otherwise (incomplete, or the
security checks incomplete or not run). A requirement goes to `failedTests` when a
scenario of it failed, to `passedTests` when every scenario of it that applies
passed, and to `warnedTests` otherwise: an expected failure, a scenario skipped
(could not start, cannot tell, a capability the system lacks), or no scenario run.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from securesystemslib.dsse import Envelope
from securesystemslib.exceptions import FormatError, VerificationError
from securesystemslib.signer import CryptoSigner, SSlibKey

from mfa_conformance.requirements.catalogue import CATALOGUE_PATH
from mfa_conformance.requirements.howto import HOWTO_PATH, SENTENCES_PATH
from ..report.model import Results
from ..report.verdict import CONFORMANT, NOT_CONFORMANT
from .cli import Rejected

__all__ = ["STATEMENT_TYPE", "PREDICATE_TYPE", "PAYLOAD_TYPE", "ATTESTATION", "BESIDE", "PASSED", "WARNED", "FAILED",
           "result", "tests", "system_subject", "file_subjects", "configuration", "predicate", "statement",
           "envelope_line", "open_envelope", "verification_key"]

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://in-toto.io/attestation/test-result/v0.1"
PAYLOAD_TYPE = "application/vnd.in-toto+json"
ATTESTATION = "attestation.intoto.jsonl"
"""The copy inside the package."""
BESIDE = ".intoto.jsonl"
"""The suffix of the copy beside the package: PACKAGE.intoto.jsonl."""
PASSED, WARNED, FAILED = "PASSED", "WARNED", "FAILED"

_SOURCE_FILES = {"how-to": f"features/{HOWTO_PATH.name}", "catalogue": f"features/{CATALOGUE_PATH.name}",
                 "how-to sentences": f"features/{SENTENCES_PATH.name}"}


def _canonical(data: object) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _sha256(data: bytes) -> dict[str, str]:
    return {"sha256": hashlib.sha256(data).hexdigest()}


def result(verdict: str, security_verdict: str) -> str:
    """The predicate's result from the how-to's verdict and the security checks' (module docstring)."""
    if verdict == NOT_CONFORMANT or security_verdict == "failed":
        return FAILED
    if verdict == CONFORMANT and security_verdict == "passed":
        return PASSED
    return WARNED


def tests(results: Results) -> dict[str, list[str]]:
    """Every requirement of the run's catalogue, by ID, in one of the three lists."""
    lists: dict[str, list[str]] = {"passedTests": [], "warnedTests": [], "failedTests": []}
    for summary in results.requirements():
        statuses = [s.status for s in summary.scenarios if s.status != "not applicable"]
        if "failed" in statuses:
            lists["failedTests"].append(summary.requirement.id)
        elif statuses and all(status == "passed" for status in statuses):
            lists["passedTests"].append(summary.requirement.id)
        else:
            lists["warnedTests"].append(summary.requirement.id)
    return {name: sorted(ids) for name, ids in lists.items()}


def system_subject(results: Results) -> dict:
    """The system under test as the run names it: its base URL or its driver, with its own description.

    A subject needs a digest: this one is the SHA-256 of the description (canonical JSON of the
    `--sut` value and `describe()`), which names the system as the run saw it, not its code."""
    run = results.run
    description = {"sut": run.sut, **run.system}
    base_url = run.system.get("base URL")
    subject = {"name": base_url or run.system.get("driver") or run.sut, "digest": _sha256(_canonical(description)),
               "annotations": {"role": "system under test", "describe": dict(run.system), "sut": run.sut,
                               "started": run.started}}
    if base_url:
        subject["uri"] = base_url
    return subject


def file_subjects(members: Mapping[str, bytes]) -> list[dict]:
    """The package's files, each by its SHA-256 (the copy inside names these; not itself, nor the manifest
    that lists it and its signature)."""
    return [{"name": name, "digest": _sha256(data)} for name, data in sorted(members.items())]


def configuration(members: Mapping[str, bytes], evidence: Mapping, declared_by: Mapping[str, str]) -> list[dict]:
    """What the run was configured with, as resource descriptors (`declared_by`: who declared each position)."""
    recorded = evidence.get("sources_recorded", "by the run")
    described = [{"name": _SOURCE_FILES.get(name, name), "digest": {"sha256": digest},
                  "annotations": {"role": name if name in _SOURCE_FILES else "feature file", "recorded": recorded}}
                 for name, digest in sorted(evidence.get("sources", {}).items())]
    profile = evidence.get("profile") or {}
    for name in profile.get("files", []):
        described.append({"name": name, "digest": _sha256(members[name]),
                          "annotations": {"role": "profile", "named by the run": profile.get("named"),
                                          "removed": profile.get("removed", {}).get(name, [])}})
    positions = evidence.get("positions")
    if positions:
        described.append({"name": positions, "digest": _sha256(members[positions]),
                          "annotations": {"role": "declared positions",
                                          "positions": json.loads(members[positions].decode("utf-8")),
                                          "declared by": dict(declared_by)}})
    version = evidence.get("harness_version", "unknown")
    described.append({"name": "mfa-conformance", "uri": f"pkg:generic/mfa-conformance@{version}",
                      "annotations": {"role": "test harness", "packaged by": evidence.get("packaged_by")}})
    return described


def predicate(results: Results, members: Mapping[str, bytes], evidence: Mapping, url: str | None = None) -> dict:
    body = {"result": result(results.verdict, results.security_verdict),
            "configuration": configuration(members, evidence, results.position_sources), **tests(results)}
    if url:
        body["url"] = url
    return body


def statement(subjects: list[dict], body: dict) -> dict:
    return {"_type": STATEMENT_TYPE, "subject": subjects, "predicateType": PREDICATE_TYPE, "predicate": body}


def envelope_line(data: dict, key: Ed25519PrivateKey) -> bytes:
    """The statement in a DSSE envelope signed by `key` through securesystemslib, as one line of JSON
    (an in-toto bundle of one envelope)."""
    envelope = Envelope(payload=_canonical(data), payload_type=PAYLOAD_TYPE, signatures={})
    envelope.sign(CryptoSigner(key))
    return json.dumps(envelope.to_dict(), sort_keys=True, separators=(",", ":")).encode("utf-8") + b"\n"


def verification_key(key: Ed25519PublicKey) -> SSlibKey:
    """The key as securesystemslib names it (its default key ID), for Envelope.verify."""
    return SSlibKey.from_crypto(key)


def open_envelope(line: bytes, key: Ed25519PublicKey, where: str) -> dict:
    """The statement inside the envelope, once securesystemslib verifies its signature by `key`."""
    lines = [text for text in line.splitlines() if text.strip()]
    if len(lines) != 1:
        raise Rejected(f"{where}: not a bundle of one DSSE envelope ({len(lines)} lines)")
    try:
        envelope = Envelope.from_dict(json.loads(lines[0]))
    except (ValueError, KeyError, TypeError, AttributeError, FormatError) as error:
        raise Rejected(f"{where}: not a DSSE envelope ({error!r})") from None
    if envelope.payload_type != PAYLOAD_TYPE:
        raise Rejected(f"{where}: payload type {envelope.payload_type!r}, not {PAYLOAD_TYPE}")
    try:
        envelope.verify([verification_key(key)], 1)
    except VerificationError:
        raise Rejected(f"{where}: its DSSE signature does not verify with the package's key (the statement or "
                       f"its signature was changed after signing)") from None
    try:
        data = json.loads(envelope.payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Rejected(f"{where}: its payload is not JSON ({error})") from None
    if not isinstance(data, dict) or data.get("_type") != STATEMENT_TYPE or data.get("predicateType") != PREDICATE_TYPE:
        raise Rejected(f"{where}: not an in-toto Statement v1 with the test-result predicate")
    return data
