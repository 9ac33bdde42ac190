"""`mfa-conformance package REPORT_DIR [--key KEY] [-o FILE] [--profile FILE]`: one signed zip of a run.

What an auditor receives, in one file: the reports and the machine-readable
results as the run wrote them, the profile it drove the product with (every
password and secret removed), the positions the vendor declared, the harness
version, the SHA-256 of the how-to, the catalogue and each feature file the run
checked against, and the system's own description; `evidence.json` says all of
that in one place. `attestation.intoto.jsonl` says the outcome again as an in-toto
test-result statement in a DSSE envelope, for supply-chain tooling (`attestation`);
a copy beside the zip, `FILE.intoto.jsonl`, names the zip itself by its SHA-256.
`manifest.json` lists every file's SHA-256 and is signed with Ed25519; the same
key signs both envelopes. A browser run's traces (evidence/) stay out: they record
every value typed into the product, passwords included; the screenshots are
already inside report.html.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mfa_conformance.requirements.catalogue import FEATURES_DIR
from mfa_conformance.requirements.howto import source_hashes
from ..report.model import Results, ResultsError
from ..report.writer import REPORT_FILES
from .archive import canonical_zip
from .attestation import ATTESTATION, BESIDE, envelope_line, file_subjects, predicate, statement, system_subject
from .cli import EvidenceError, run_command
from ..driver.browser.profile import parent_profile
from .profile import dumps, read_profile_chain, scrub
from .signing import fingerprint, load_private_key, public_pem, sign

__all__ = ["EVIDENCE", "MANIFEST", "SIGNATURE", "PUBLIC_KEY", "REPORTS", "POSITIONS", "FORMAT", "MANIFEST_FORMAT",
           "ATTESTATION", "Package", "build_package", "beside", "write_package", "main"]

FORMAT = "mfa-conformance-evidence/1"
MANIFEST_FORMAT = "mfa-conformance-manifest/1"
EVIDENCE, MANIFEST, SIGNATURE, PUBLIC_KEY = "evidence.json", "manifest.json", "manifest.sig", "signer.pub.pem"
REPORTS, PROFILE, POSITIONS = "reports/", "profile/", "positions.json"

_KEY_URI = re.compile(r"otpauth://[a-z]+/[^\s\"'<>]", re.IGNORECASE)  # a URI with a label, not the word
_SECRET_PARAM = re.compile(r"secret=(?!\(redacted\))[A-Z2-7]{16,}", re.IGNORECASE)
_URL_PASSWORD = re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@\"'<>]+:[^/\s@\"'<>]+@", re.IGNORECASE)


@dataclass
class Package:
    members: dict[str, bytes]
    evidence: dict
    fingerprint: str
    predicate: dict = field(default_factory=dict)
    """The attestation's test-result predicate, the same inside and beside the zip."""
    system: dict = field(default_factory=dict)
    """The attestation's subject naming the system under test."""
    key: Ed25519PrivateKey | None = field(default=None, repr=False)
    """The signing key, kept in memory only to sign the attestation beside the zip once its bytes are known."""


def _json(data: object) -> bytes:
    return (json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def _version() -> str:
    try:
        return metadata.version("mfa-conformance")
    except metadata.PackageNotFoundError:
        return "unknown"


def _guard(name: str, data: bytes) -> None:
    """Last line of defence: no report file holding a secret goes into a package."""
    text = data.decode("utf-8", errors="replace")
    for pattern, what in ((_KEY_URI, "a TOTP Key URI"), (_SECRET_PARAM, "a secret= parameter"),
                          (_URL_PASSWORD, "a password in a URL")):
        if pattern.search(text):
            raise EvidenceError(f"{name}: holds what looks like {what}; refusing to package it")


def _read_reports(directory: Path) -> tuple[dict[str, bytes], Results, dict]:
    if not directory.is_dir():
        raise EvidenceError(f"{directory}: {'no such folder' if not directory.exists() else 'not a folder'}"
                            f" (give the report folder of a run)")
    members = {}
    for name in REPORT_FILES:
        path = directory / name
        try:
            members[REPORTS + name] = path.read_bytes()
        except FileNotFoundError:
            if name == "results.json":
                raise EvidenceError(f"{directory}: no results.json (a run with --report-dir writes it)") from None
        except OSError as error:
            raise EvidenceError(f"{path}: {error.strerror or error}") from None
    try:
        raw = json.loads(members[REPORTS + "results.json"].decode("utf-8"))
        results = Results.from_dict(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise EvidenceError(f"{directory / 'results.json'}: cannot read results ({error})") from None
    except ResultsError as error:
        raise EvidenceError(f"{directory / 'results.json'}: {error}") from None
    except (KeyError, TypeError, AttributeError) as error:
        raise EvidenceError(f"{directory / 'results.json'}: malformed results ({error!r})") from None
    for name, data in members.items():
        _guard(str(directory / name.removeprefix(REPORTS)), data)
    return members, results, raw


def _profile_members(results: Results, given: Path | None, directory: Path) -> tuple[dict[str, bytes], dict | None]:
    named = results.run.system.get("profile")
    if given is None and not named:
        return {}, None
    path = given or Path(named)
    if given is None and not path.is_absolute():
        path = directory / path
    if given is None and not path.is_file():
        raise EvidenceError(f"{directory / 'results.json'} names the profile {named}, which is not there: "
                            f"give its path with --profile FILE")
    chain = read_profile_chain(path)
    names: dict[Path, str] = {}
    for source, _ in chain:
        base, n = source.name, 1
        while PROFILE + base in names.values():
            n += 1
            base = f"{source.stem}-{n}{source.suffix}"
        names[source] = PROFILE + base
    members, removed = {}, {}
    for source, data in chain:
        clean, gone = scrub(data)
        if "extends" in clean:
            clean["extends"] = names[parent_profile(source, data["extends"]).resolve()].removeprefix(PROFILE)
        header = (f"The profile {source.name} as the run used it, every password and secret removed\n"
                  f"({', '.join(gone) if gone else 'none held'}); comments are not kept.")
        members[names[source]] = dumps(clean, header).encode("utf-8")
        removed[names[source]] = gone
    return members, {"named": named or str(given), "files": list(members), "removed": removed}


def build_package(directory: Path, key: Ed25519PrivateKey, profile: Path | None = None,
                  url: str | None = None) -> Package:
    """`url`: a link to the run (a CI job, say), for the attestation's predicate."""
    members, results, raw = _read_reports(directory)
    profile_members, profile_info = _profile_members(results, profile, directory)
    members.update(profile_members)
    positions = raw.get("positions")
    if positions is not None:
        members[POSITIONS] = _json(positions)
    sources, recorded = dict(results.run.sources), "by the run"
    if not sources:
        sources = source_hashes({f.file: FEATURES_DIR.parent / f.file for f in results.features})
        recorded = "when packaging, from this installation: the run recorded none"
    public = key.public_key()
    evidence = {
        "format": FORMAT,
        "verdict": results.verdict,
        "counts": results.counts,
        "requirements": {o: sum(r.outcome == o for r in results.requirements())
                         for o in ("failed", "expected failure", "passed", "skipped", "not run")},
        "harness_version": results.run.tool_version,
        "packaged_by": f"mfa-conformance {_version()}",
        "run": asdict(results.run),
        "sources": sources,
        "sources_recorded": recorded,
        "profile": profile_info,
        "positions": POSITIONS if positions is not None else None,
        "reports": sorted(name for name in members if name.startswith(REPORTS)),
        "signer": fingerprint(public),
    }
    members[PUBLIC_KEY] = public_pem(public)
    body = predicate(results, members, evidence, url)
    evidence["attestation"] = {"file": ATTESTATION, "result": body["result"]}
    members[EVIDENCE] = _json(evidence)
    system = system_subject(results)
    members[ATTESTATION] = envelope_line(statement([*file_subjects(members), system], body), key)
    manifest = {"format": MANIFEST_FORMAT, "signature": {"algorithm": "Ed25519", "key": PUBLIC_KEY,
                                                          "fingerprint": fingerprint(public), "file": SIGNATURE},
                "files": {name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
                          for name, data in sorted(members.items())}}
    members[MANIFEST] = _json(manifest)
    members[SIGNATURE] = sign(key, members[MANIFEST])
    return Package(members=members, evidence=evidence, fingerprint=fingerprint(public), predicate=body,
                   system=system, key=key)


def beside(path: Path) -> Path:
    """Where the attestation naming the zip goes: PACKAGE.intoto.jsonl."""
    return path.with_name(path.name + BESIDE)


def _write(path: Path, data: bytes, what: str) -> None:
    """Written to a temporary file beside the target, then renamed: whole or absent."""
    temporary = path.with_name(f".{path.name}.partial")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise EvidenceError(f"{what} {path}: cannot write it ({error.strerror or error})") from None


def write_package(package: Package, path: Path) -> Path | None:
    """The zip, then the attestation naming it beside it (when the package holds its key); returns
    where that went."""
    data, _ = canonical_zip(package.members)
    _write(path, data, "-o")
    if package.key is None:
        return None
    named = {"name": path.name, "digest": {"sha256": hashlib.sha256(data).hexdigest()}}
    target = beside(path)
    _write(target, envelope_line(statement([named, package.system], package.predicate), package.key),
           "the attestation")
    return target


def _package(args: argparse.Namespace) -> int:
    directory: Path = args.report_dir
    output: Path = args.output or directory.resolve().parent / f"{directory.resolve().name}-evidence.zip"
    key = load_private_key(args.key) if args.key else Ed25519PrivateKey.generate()
    package = build_package(directory, key, args.profile, args.url)
    attestation = write_package(package, output)
    pub = output.with_name(output.name + ".pub.pem")
    pem = package.members[PUBLIC_KEY]
    try:
        pub.write_bytes(pem)
    except OSError as error:
        raise EvidenceError(f"{pub}: cannot write the public key ({error.strerror or error})") from None
    counts = package.evidence["counts"]
    print(f"package: {output} ({len(package.members)} files; verdict {package.evidence['verdict'].upper()}: "
          f"{counts['failed']} of {sum(counts.values())} scenarios failed)")
    if args.key:
        print(f"signed with {args.key} (Ed25519, key {package.fingerprint})")
    else:
        print(f"signed with a key made for this package (Ed25519, key {package.fingerprint}); "
              f"its private key was not kept, so nothing else can be signed with it")
    print(f"attestation: in-toto test-result, result {package.predicate['result']}, signed in a DSSE envelope by "
          f"the same key: {ATTESTATION} inside (naming each file), {attestation} beside (naming the zip)")
    print(f"public key, also in {pub}:\n{pem.decode().rstrip()}")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="mfa-conformance package",
                                     description="Write one signed zip of a run's reports and results, for an auditor.")
    parser.add_argument("report_dir", type=Path, metavar="REPORT_DIR", help="the report folder of a run")
    parser.add_argument("--key", type=Path, metavar="KEY",
                        help="Ed25519 private key, PEM or OpenSSH (passphrase from MFA_SIGNING_KEY_PASSPHRASE); "
                             "default: a key made for this package, its private key not kept")
    parser.add_argument("-o", "--output", type=Path, metavar="FILE",
                        help="the package to write (default: REPORT_DIR-evidence.zip beside the folder); "
                             "its public key goes to FILE.pub.pem")
    parser.add_argument("--profile", type=Path, metavar="FILE",
                        help="the profile the run used, when the path results.json names is not there")
    parser.add_argument("--url", metavar="URL",
                        help="a link to the run (a CI job, say): the attestation's url")
    return run_command(parser, argv, _package)
