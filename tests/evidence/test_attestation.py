"""The in-toto attestation a package holds and has beside it: checked first with securesystemslib
alone, as a receiver's tooling would (no code of ours), then through `verify`."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from securesystemslib.dsse import Envelope
from securesystemslib.exceptions import VerificationError
from securesystemslib.signer import SSlibKey

from mfa_conformance.evidence.archive import canonical_zip, read_archive
from mfa_conformance.evidence.attestation import FAILED, PASSED, WARNED, envelope_line, result
from mfa_conformance.evidence.cli import Rejected
from mfa_conformance.evidence.package import build_package, write_package
from mfa_conformance.evidence.signing import sign
from mfa_conformance.evidence.verify import check_package, open_package
from mfa_conformance.requirements.howto import HOWTO_PATH
from tests.report.runs import Run, run_harness

STATEMENT = "https://in-toto.io/Statement/v1"
TEST_RESULT = "https://in-toto.io/attestation/test-result/v0.1"


@pytest.fixture(scope="module")
def packaged(broken_run: Run, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A package of the broken run, as the command writes it (with a link to the run)."""
    path = tmp_path_factory.mktemp("attested") / "acme.zip"
    done = run_harness("package", str(broken_run.directory), "-o", str(path), "--url", "https://ci.example/runs/17")
    assert done.returncode == 0, done.stderr
    assert "attestation: in-toto test-result, result FAILED" in done.stdout
    return path


def library_verifies(line: bytes, public_pem: bytes) -> dict:
    """securesystemslib's own verification, nothing of ours: the statement, or VerificationError."""
    envelope = Envelope.from_dict(json.loads(line))
    assert envelope.payload_type == "application/vnd.in-toto+json"
    envelope.verify([SSlibKey.from_crypto(load_pem_public_key(public_pem))], 1)
    return json.loads(envelope.payload)


def with_payload_byte_changed(line: bytes, offset: int) -> bytes:
    data = json.loads(line)
    payload = bytearray(base64.b64decode(data["payload"]))
    payload[offset] ^= 0x01
    data["payload"] = base64.b64encode(bytes(payload)).decode()
    return json.dumps(data).encode()


def test_the_library_verifies_both_envelopes_and_refuses_one_changed_byte(packaged: Path) -> None:
    with zipfile.ZipFile(packaged) as archive:
        inside, public = archive.read("attestation.intoto.jsonl"), archive.read("signer.pub.pem")
        files = {name: archive.read(name) for name in archive.namelist()}
    outside = packaged.with_name("acme.zip.intoto.jsonl").read_bytes()
    assert public == packaged.with_name("acme.zip.pub.pem").read_bytes()
    for line in (inside, outside):
        assert line.count(b"\n") == 1 and line.endswith(b"\n")  # a bundle of one envelope (.intoto.jsonl)
        statement = library_verifies(line, public)
        assert statement["_type"] == STATEMENT and statement["predicateType"] == TEST_RESULT
        payload_length = len(base64.b64decode(json.loads(line)["payload"]))
        for offset in (0, payload_length // 2, payload_length - 1):
            with pytest.raises(VerificationError):
                library_verifies(with_payload_byte_changed(line, offset), public)
    beside = library_verifies(outside, public)
    assert beside["subject"][0] == {"name": "acme.zip", "digest": {"sha256": hashlib.sha256(packaged.read_bytes())
                                                                   .hexdigest()}}
    named = {s["name"]: s["digest"]["sha256"] for s in library_verifies(inside, public)["subject"]}
    for name, data in files.items():
        if name not in ("attestation.intoto.jsonl", "manifest.json", "manifest.sig"):
            assert named.pop(name) == hashlib.sha256(data).hexdigest(), name
    assert list(named) == ["reference simulator with device names ignored (test variant)"]  # the system
    assert library_verifies(inside, public)["predicate"] == beside["predicate"]


def test_the_statement_says_the_outcome_and_the_configuration(packaged: Path, broken_run: Run) -> None:
    with zipfile.ZipFile(packaged) as archive:
        statement = library_verifies(archive.read("attestation.intoto.jsonl"), archive.read("signer.pub.pem"))
    predicate = statement["predicate"]
    assert predicate["result"] == FAILED and predicate["url"] == "https://ci.example/runs/17"
    assert predicate["failedTests"] == ["ENR-03", "ENR-04", "ENR-11"]  # the broken simulator ignores device names
    assert predicate["passedTests"] == ["ENR-10"]
    requirements = broken_run.json("requirements.json")["requirements"]
    every = predicate["passedTests"] + predicate["warnedTests"] + predicate["failedTests"]
    assert sorted(every) == sorted(r["id"] for r in requirements) and len(set(every)) == len(every)
    assert "SEC-01" in predicate["warnedTests"]  # not selected: unchecked, so neither passed nor failed
    configuration = {c["name"]: c for c in predicate["configuration"]}
    assert configuration["features/mfa-setup-howto.txt"]["digest"]["sha256"] == \
        hashlib.sha256(HOWTO_PATH.read_bytes()).hexdigest()
    assert {"features/requirements.toml", "features/howto-sentences.toml", "features/self_enrollment.feature",
            "positions.json", "mfa-conformance"} <= set(configuration)
    assert configuration["positions.json"]["annotations"]["positions"]["lockout_after"] == 5
    system = statement["subject"][-1]
    assert system["annotations"]["describe"] == broken_run.json("results.json")["run"]["system"]


@pytest.mark.parametrize(("verdict", "security", "expected"), [
    ("conformant", "passed", PASSED),
    ("conformant", "incomplete", WARNED),
    ("conformant", "not checked", WARNED),
    ("incomplete", "passed", WARNED),
    ("incomplete", "failed", FAILED),
    ("not conformant", "passed", FAILED),
    ("conformant", "failed", FAILED),
])
def test_the_result_reads_both_verdicts(verdict: str, security: str, expected: str) -> None:
    assert result(verdict, security) == expected


def test_verify_checks_the_envelope_beside_the_package(packaged: Path, tmp_path: Path) -> None:
    copy = tmp_path / "acme.zip"
    shutil.copy(packaged, copy)
    beside = tmp_path / "acme.zip.intoto.jsonl"
    line = packaged.with_name("acme.zip.intoto.jsonl").read_bytes()
    beside.write_bytes(line)
    done = run_harness("verify", str(copy))
    assert done.returncode == 0, done.stderr
    assert "attestation: attestation.intoto.jsonl, in-toto test-result" in done.stdout
    assert "result FAILED; requirements" in done.stdout and f"beside it: {beside}" in done.stdout
    beside.write_bytes(with_payload_byte_changed(line, 40))
    done = run_harness("verify", str(copy))
    assert done.returncode == 1
    assert done.stderr.strip() == (f"mfa-conformance verify: {copy} does not verify: {beside}: its DSSE signature does "
                                   f"not verify with the package's key (the statement or its signature was changed "
                                   f"after signing)")
    beside.unlink()
    done = run_harness("verify", str(copy))
    assert done.returncode == 0 and "beside it: no acme.zip.intoto.jsonl" in done.stdout


def test_an_envelope_beside_another_package_is_refused(broken_run: Run, clean_run: Run, tmp_path: Path) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    write_package(build_package(broken_run.directory, key), tmp_path / "broken.zip")
    write_package(build_package(clean_run.directory, key), tmp_path / "clean.zip")
    shutil.copy(tmp_path / "clean.zip.intoto.jsonl", tmp_path / "broken.zip.intoto.jsonl")
    with pytest.raises(Rejected, match=r"broken.zip.intoto.jsonl: does not name this package \(no subject has its "
                                       r"SHA-256, [0-9a-f]{64}\)"):
        open_package(tmp_path / "broken.zip")


def test_a_statement_at_odds_with_the_results_is_refused_even_when_signed(broken_run: Run, tmp_path: Path) -> None:
    """The signer's own key re-signs a statement saying PASSED, and the manifest over it: the signatures hold,
    the statement does not."""
    key = ed25519.Ed25519PrivateKey.generate()
    path = tmp_path / "p.zip"
    write_package(build_package(broken_run.directory, key), path)
    members = read_archive(path.read_bytes())
    statement = json.loads(base64.b64decode(json.loads(members["attestation.intoto.jsonl"])["payload"]))
    statement["predicate"]["result"] = PASSED
    members["attestation.intoto.jsonl"] = envelope_line(statement, key)
    manifest = json.loads(members["manifest.json"])
    data = members["attestation.intoto.jsonl"]
    manifest["files"]["attestation.intoto.jsonl"] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    members["manifest.json"] = (json.dumps(manifest, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode()
    members["manifest.sig"] = sign(key, members["manifest.json"])
    forged, _ = canonical_zip(members)
    with pytest.raises(Rejected, match="attestation.intoto.jsonl: its predicate's result differs from what the "
                                       "package's results say"):
        check_package(forged, path)
