"""`mfa-conformance verify PACKAGE [--public-key KEY]`: is this the package as it was signed?

Checked in turn, and the first thing that does not hold is named: every member
against its zip CRC; every file against its SHA-256 in the manifest, and no file
the manifest does not list; the signature of manifest.json, by the key in the
package or, with --public-key, by that key only; then every byte of the zip
against the archive written again from its members (archive.canonical_zip), so
a changed header, date or directory entry fails too; then the in-toto attestation
inside (its DSSE signature by the same key, checked by securesystemslib; its
subjects, every file and the system under test; its predicate, against the
results) and, when it is there, the one beside the package (PACKAGE.intoto.jsonl:
the same, and its subject is this zip's SHA-256). Only then is the verdict the
package holds printed. A package made before attestations has none, and says so.

Without --public-key the check proves the files are unchanged since they were
signed, not who signed them: the output says so and prints the key's
fingerprint to compare with the one the vendor published.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ..report.model import Results, ResultsError
from .archive import ArchiveError, canonical_zip, first_difference, read_archive
from .attestation import ATTESTATION, open_envelope, predicate, system_subject
from .cli import EvidenceError, Rejected, run_command
from .package import EVIDENCE, FORMAT, MANIFEST, MANIFEST_FORMAT, PUBLIC_KEY, REPORTS, SIGNATURE, beside
from .signing import fingerprint, load_public_key, public_key_from_bytes, signature_holds

__all__ = ["Verified", "open_package", "check_package", "main"]


@dataclass
class Verified:
    path: Path
    members: dict[str, bytes]
    fingerprint: str
    key_given: bool
    evidence: dict
    results: Results
    raw_results: dict
    attestation: dict | None = None
    """The in-toto statement inside the package, verified; None in a package made before attestations."""
    beside: Path | None = None
    """The attestation beside the package (PACKAGE.intoto.jsonl), verified; None when there is none."""


def _json(name: str, data: bytes) -> dict:
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Rejected(f"{name}: not JSON ({error})") from None
    if not isinstance(value, dict):
        raise Rejected(f"{name}: not a JSON object")
    return value


def _check_files(members: dict[str, bytes], manifest: dict) -> None:
    files = manifest.get("files")
    if manifest.get("format") != MANIFEST_FORMAT or not isinstance(files, dict):
        raise Rejected(f"{MANIFEST}: not a manifest of format {MANIFEST_FORMAT}")
    for name, entry in files.items():
        if name not in members:
            raise Rejected(f"{name}: listed in the manifest but not in the package")
        data = members[name]
        if not isinstance(entry, dict) or hashlib.sha256(data).hexdigest() != entry.get("sha256") \
                or len(data) != entry.get("size"):
            raise Rejected(f"{name}: its SHA-256 differs from the signed manifest's (changed after signing)")
    extra = sorted(set(members) - set(files) - {MANIFEST, SIGNATURE})
    if extra:
        raise Rejected(f"{extra[0]}: in the package but not in the signed manifest (added after signing)")


def _key_changed(members: dict[str, bytes]) -> bool:
    """When the signature fails: was it the key file that changed, as the unsigned manifest tells?"""
    try:
        listed = json.loads(members[MANIFEST])["files"][PUBLIC_KEY]["sha256"]
    except (ValueError, KeyError, TypeError):
        return False
    return listed != hashlib.sha256(members[PUBLIC_KEY]).hexdigest()


def open_package(path: Path, public_key: Path | None = None) -> Verified:
    """The package's members, once every check holds; Rejected names the first that does not."""
    trusted = load_public_key(public_key) if public_key is not None else None
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise EvidenceError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise EvidenceError(f"{path}: a folder, not a package (mfa-conformance package writes one)") from None
    except OSError as error:
        raise EvidenceError(f"{path}: {error.strerror or error}") from None
    verified = check_package(data, path, trusted)
    target = beside(path)
    if target.is_file():
        _check_beside(target, data, verified)
        verified.beside = target
    return verified


def _check_beside(target: Path, data: bytes, package: Verified) -> None:
    """The attestation beside the package: signed by the package's key, naming this zip, saying what the one
    inside says."""
    try:
        line = target.read_bytes()
    except OSError as error:
        raise EvidenceError(f"{target}: {error.strerror or error}") from None
    key = public_key_from_bytes(package.members[PUBLIC_KEY])
    assert key is not None  # check_package read it
    statement = open_envelope(line, key, str(target))
    digest = hashlib.sha256(data).hexdigest()
    subjects = statement.get("subject") if isinstance(statement.get("subject"), list) else []
    if not any(isinstance(s, dict) and s.get("digest", {}).get("sha256") == digest for s in subjects):
        raise Rejected(f"{target}: does not name this package (no subject has its SHA-256, {digest})")
    inside = package.attestation
    if inside is not None and (statement.get("predicate") != inside.get("predicate")
                               or system_subject(package.results) not in subjects):
        raise Rejected(f"{target}: says something else than the attestation inside the package ({ATTESTATION})")


def _check_attestation(members: dict[str, bytes], key: Ed25519PublicKey, results: Results, evidence: dict) -> dict:
    """The attestation inside: its signature, its subjects (every file, the system) and its predicate."""
    statement = open_envelope(members[ATTESTATION], key, ATTESTATION)
    subjects = statement.get("subject")
    if not isinstance(subjects, list) or not all(isinstance(s, dict) for s in subjects):
        raise Rejected(f"{ATTESTATION}: its subject is not a list of resource descriptors")
    named = {s.get("name"): (s.get("digest") or {}).get("sha256") for s in subjects}
    for name, data in sorted(members.items()):
        if name not in (MANIFEST, SIGNATURE, ATTESTATION) and named.get(name) != hashlib.sha256(data).hexdigest():
            raise Rejected(f"{ATTESTATION}: its subjects do not name {name} by its SHA-256")
    if system_subject(results) not in subjects:
        raise Rejected(f"{ATTESTATION}: its subjects do not name the system under test as the results do")
    said = statement.get("predicate")
    expected = predicate(results, members, evidence, said.get("url") if isinstance(said, dict) else None)
    if said != expected:
        field = next((k for k in sorted(set(expected) | set(said or {}))
                      if not isinstance(said, dict) or said.get(k) != expected.get(k)), "predicate")
        raise Rejected(f"{ATTESTATION}: its predicate's {field} differs from what the package's results say")
    return statement


def check_package(data: bytes, path: Path, trusted: Ed25519PublicKey | None = None) -> Verified:
    """The checks of open_package, on the package's bytes."""
    try:
        members = read_archive(data)
    except ArchiveError as error:
        raise Rejected(str(error)) from None
    for name in (MANIFEST, SIGNATURE, PUBLIC_KEY):
        if name not in members:
            raise Rejected(f"not an evidence package: it holds no {name}")
    embedded = public_key_from_bytes(members[PUBLIC_KEY])
    if embedded is None:
        raise Rejected(f"{PUBLIC_KEY}: not an Ed25519 public key")
    signer = fingerprint(embedded)
    if trusted is not None and fingerprint(trusted) != signer:
        raise Rejected(f"{PUBLIC_KEY}: signed by key {signer}, not by the key given ({fingerprint(trusted)})")
    if not signature_holds(trusted or embedded, members[SIGNATURE], members[MANIFEST]):
        if _key_changed(members):
            raise Rejected(f"{PUBLIC_KEY}: its SHA-256 differs from the manifest's (changed after signing)")
        raise Rejected(f"{MANIFEST}: the signature in {SIGNATURE} does not match it (the manifest or the "
                       f"signature was changed after signing)")
    _check_files(members, _json(MANIFEST, members[MANIFEST]))
    expected, regions = canonical_zip(members)
    where = first_difference(data, expected, regions)
    if where is not None:
        raise Rejected(where)
    evidence = _json(EVIDENCE, members.get(EVIDENCE, b""))
    if evidence.get("format") != FORMAT:
        raise Rejected(f"{EVIDENCE}: not of format {FORMAT}")
    raw = _json(REPORTS + "results.json", members.get(REPORTS + "results.json", b""))
    try:
        results = Results.from_dict(raw)
    except (ResultsError, KeyError, TypeError, AttributeError) as error:
        raise Rejected(f"{REPORTS}results.json: not results this version reads ({error})") from None
    if evidence.get("verdict") not in (results.verdict, _before_positions(results)):
        raise Rejected(f"{EVIDENCE}: says {evidence.get('verdict')!r}, but the results say {results.verdict!r}")
    statement = None
    if ATTESTATION in members:
        statement = _check_attestation(members, trusted or embedded, results, evidence)
    elif evidence.get("attestation"):
        raise Rejected(f"{ATTESTATION}: {EVIDENCE} names it, but the package does not hold it")
    return Verified(path, members, signer, trusted is not None, evidence, results, raw, statement)


def _before_positions(results: Results) -> str:
    """The verdict in the words of packages made before declared positions: "passed" or "failed"."""
    bad = any(s.status == "failed" for s in results.scenarios) or any(e.called_out for e in results.expected_failures)
    return "failed" if bad else "passed"


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {outcome}" for outcome, n in counts.items() if n) or "none"


def _verify(args: argparse.Namespace) -> int:
    try:
        package = open_package(args.package, args.public_key)
    except Rejected as error:
        print(f"{args.prog}: {args.package} does not verify: {error}", file=sys.stderr)
        return error.code
    evidence, run = package.evidence, package.results.run
    print(f"verify: {package.path}: intact, signed, every file as in the signed manifest")
    if package.key_given:
        print(f"  signature: Ed25519, by {package.fingerprint}, the key given with --public-key")
    else:
        print(f"  signature: Ed25519, by {package.fingerprint}, the key inside the package: this proves the files"
              f" are unchanged since signing, not who signed; compare the fingerprint with the vendor's, or give"
              f" --public-key")
    print(f"  files: {len(package.members)}")
    print(f"  verdict held: {evidence['verdict'].upper()} ({sum(evidence['counts'].values())} scenarios: "
          f"{_counts(evidence['counts'])}; {sum(evidence['requirements'].values())} requirements: "
          f"{_counts(evidence['requirements'])})")
    print(f"  system: {run.system.get('driver', 'system under test')} (--sut {run.sut}), run of {run.started}, "
          f"mfa-conformance {run.tool_version}")
    print(f"  how-to SHA-256: {evidence['sources'].get('how-to', 'not recorded')} (recorded {evidence['sources_recorded']})")
    statement = package.attestation
    if statement is None:
        print("  attestation: none (a package made before in-toto attestations)")
        return 0
    body = statement["predicate"]
    print(f"  attestation: {ATTESTATION}, in-toto test-result, DSSE signature by the same key: result {body['result']}; "
          f"requirements {len(body.get('passedTests', []))} passed, {len(body.get('warnedTests', []))} warned, "
          f"{len(body.get('failedTests', []))} failed")
    if package.beside is not None:
        print(f"  beside it: {package.beside}, the same statement naming this zip by its SHA-256, signed by the same key")
    else:
        print(f"  beside it: no {args.package.name}.intoto.jsonl (the attestation naming the zip); the one inside "
              f"was checked")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="mfa-conformance verify",
                                     description="Check an evidence package's signature, every hash and every "
                                                 "byte, and print the verdict it holds.")
    parser.add_argument("package", type=Path, metavar="PACKAGE", help="a zip written by mfa-conformance package")
    parser.add_argument("--public-key", type=Path, metavar="KEY",
                        help="the signer's Ed25519 public key (PEM or ssh-ed25519): the package must be signed by it")
    parser.set_defaults(prog=parser.prog)
    return run_command(parser, argv, _verify)
