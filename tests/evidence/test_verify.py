"""One changed byte anywhere in a package makes `verify` fail, naming the file.

Two ways to change a package: rewrite it with one byte of one member changed and
every zip checksum made good again (what a careful forger does), and flip one
byte of the zip file as it lies on disk, in each member's content, in each
header and directory entry, and in the end record.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from mfa_conformance.evidence.archive import canonical_zip, read_archive
from mfa_conformance.evidence.cli import Rejected
from mfa_conformance.evidence.package import build_package, write_package
from mfa_conformance.evidence.verify import check_package, open_package
from tests.report.runs import Run, run_harness


@pytest.fixture(scope="module")
def package(broken_run: Run, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("package") / "p.zip"
    write_package(build_package(broken_run.directory, ed25519.Ed25519PrivateKey.generate()), path)
    return path


def flipped(data: bytes, offset: int) -> bytes:
    return data[:offset] + bytes([data[offset] ^ 0x01]) + data[offset + 1:]


def rejection(path: Path, data: bytes) -> str:
    """Why the package with these bytes does not verify (checked in memory: thousands of them)."""
    with pytest.raises(Rejected) as error:
        check_package(data, path)
    return str(error.value)


def test_the_package_verifies_as_written(package: Path) -> None:
    verified = open_package(package)
    assert verified.results.verdict == verified.evidence["verdict"] == "not conformant"
    assert len(verified.members) == 11  # positions.json among them: every run records its positions
    assert verified.attestation is not None and verified.beside == package.with_name("p.zip.intoto.jsonl")


def test_one_byte_changed_in_any_member_fails_naming_it(package: Path, tmp_path: Path) -> None:
    held = read_archive(package.read_bytes())
    for name, data in held.items():
        for offset in sorted({0, len(data) // 2, len(data) - 2}):
            forged, _ = canonical_zip({**held, name: flipped(data, offset)})
            message = rejection(tmp_path / "forged.zip", forged)
            if name in ("manifest.json", "manifest.sig"):  # a signature cannot tell which of the two changed
                assert message.startswith("manifest.json: the signature in manifest.sig does not match it")
            else:
                assert message.startswith(f"{name}: "), (name, offset, message)


def test_one_byte_flipped_anywhere_in_the_zip_fails(package: Path, tmp_path: Path) -> None:
    data = package.read_bytes()
    _, regions = canonical_zip(read_archive(data))
    named = 0
    for region in regions:
        content = region.what.endswith("(its content)")
        offsets = {region.start, (region.start + region.end) // 2, region.end - 1} if content \
            else range(region.start, region.end)
        for offset in offsets:
            message = rejection(tmp_path / "flipped.zip", flipped(data, offset))
            member = region.what.split(" (")[0]
            if content:
                assert message.startswith(member), (region.what, offset, message)
            named += member in message
    assert named > 0.85 * sum(len(range(r.start, r.end)) for r in regions if not r.what.endswith("(its content)"))


def test_an_added_a_removed_or_a_trailing_file_fails(package: Path, tmp_path: Path) -> None:
    held = read_archive(package.read_bytes())
    added, _ = canonical_zip({**held, "reports/extra.txt": b"nothing to see"})
    assert rejection(tmp_path / "x.zip", added) == \
        "reports/extra.txt: in the package but not in the signed manifest (added after signing)"
    removed, _ = canonical_zip({k: v for k, v in held.items() if k != "reports/junit.xml"})
    assert rejection(tmp_path / "x.zip", removed) == "reports/junit.xml: listed in the manifest but not in the package"
    assert "after the zip's end record" in rejection(tmp_path / "x.zip", package.read_bytes() + b"\n")


def test_verify_says_in_one_line_which_file_changed(package: Path, tmp_path: Path) -> None:
    held = read_archive(package.read_bytes())
    report = held["reports/report.html"]
    forged, _ = canonical_zip({**held, "reports/report.html": report.replace(b"NOT CONFORMANT", b"CONFORMANT", 1)})
    (tmp_path / "forged.zip").write_bytes(forged)
    done = run_harness("verify", str(tmp_path / "forged.zip"))
    assert done.returncode == 1 and "Traceback" not in done.stderr and done.stdout == ""
    assert done.stderr == (f"mfa-conformance verify: {tmp_path / 'forged.zip'} does not verify: reports/report.html: "
                           f"its SHA-256 differs from the signed manifest's (changed after signing)\n")


def test_what_is_not_a_package_is_one_line(harness, package: Path, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a zip")
    done = harness("verify", str(tmp_path / "notes.txt"))
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "not a zip archive" in done.stderr
    plain, _ = canonical_zip({"a.txt": b"a"})
    (tmp_path / "plain.zip").write_bytes(plain)
    done = harness("verify", str(tmp_path / "plain.zip"))
    assert done.returncode == 1 and "not an evidence package: it holds no manifest.json" in done.stderr
    done = harness("verify", str(tmp_path / "missing.zip"))
    assert done.returncode == 4 and done.stderr.strip().endswith("missing.zip: no such file")
    done = harness("verify", str(tmp_path))
    assert done.returncode == 4 and "a folder, not a package" in done.stderr
    (tmp_path / "key.pem").write_text("-----BEGIN PUBLIC KEY-----\nxx\n-----END PUBLIC KEY-----\n")
    done = harness("verify", str(package), "--public-key", str(tmp_path / "key.pem"))
    assert done.returncode == 4 and "not an Ed25519 public key" in done.stderr
    assert harness("verify").returncode == 2
