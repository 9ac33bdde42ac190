"""`mfa-conformance package` then `verify`: what the package holds, how it is signed, and bad input."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tomllib
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from mfa_conformance.requirements.howto import HOWTO_PATH
from mfa_conformance.profiles import __file__ as profiles_init
from tests.report.runs import Run, run_harness

REFERENCE_PROFILE = Path(profiles_init).parent / "reference.toml"
PASSWORD = "Dana-s3cret-passw0rd!"


def members(package: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(package) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_private(path: Path, data: bytes) -> Path:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(data)
    return path


def ed25519_pem(path: Path, passphrase: bytes | None = None) -> tuple[Path, ed25519.Ed25519PrivateKey]:
    key = ed25519.Ed25519PrivateKey.generate()
    encryption = (serialization.BestAvailableEncryption(passphrase) if passphrase
                  else serialization.NoEncryption())
    data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    return write_private(path, data), key


def one_line(done) -> str:
    assert "Traceback" not in done.stdout + done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    return done.stderr.strip()


def test_package_then_verify_passes_with_a_key_made_for_the_package(broken_run: Run, tmp_path: Path) -> None:
    package = tmp_path / "acme.zip"
    done = run_harness("package", str(broken_run.directory), "-o", str(package))
    assert done.returncode == 0, done.stderr
    assert "verdict NOT CONFORMANT" in done.stdout and "its private key was not kept" in done.stdout
    public = tmp_path / "acme.zip.pub.pem"
    assert public.read_bytes().decode() in done.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["acme.zip", "acme.zip.intoto.jsonl",
                                                          "acme.zip.pub.pem"]  # no private key kept
    assert members(package)["signer.pub.pem"] == public.read_bytes()
    done = run_harness("verify", str(package))
    assert done.returncode == 0, done.stderr
    assert "verdict held: NOT CONFORMANT" in done.stdout and "the key inside the package" in done.stdout
    done = run_harness("verify", str(package), "--public-key", str(public))
    assert done.returncode == 0, done.stderr
    assert "the key given with --public-key" in done.stdout
    with zipfile.ZipFile(package) as archive:
        assert archive.testzip() is None


def test_the_package_holds_what_an_auditor_needs(harness, broken_run: Run, tmp_path: Path) -> None:
    package = tmp_path / "p.zip"
    assert harness("package", str(broken_run.directory), "-o", str(package)).returncode == 0
    held = members(package)
    assert sorted(held) == ["attestation.intoto.jsonl", "evidence.json", "manifest.json", "manifest.sig", "positions.json",
                            "reports/cucumber.json", "reports/junit.xml", "reports/report.html",
                            "reports/requirements.json", "reports/results.json", "signer.pub.pem"]
    for name in ("report.html", "results.json", "junit.xml"):
        assert held[f"reports/{name}"] == (broken_run.directory / name).read_bytes()
    evidence = json.loads(held["evidence.json"])
    results = broken_run.json("results.json")
    assert evidence["verdict"] == "not conformant" and evidence["counts"] == results["counts"]
    assert evidence["harness_version"] == results["run"]["tool_version"]
    assert evidence["run"]["system"] == results["run"]["system"]
    assert evidence["sources"]["how-to"] == hashlib.sha256(HOWTO_PATH.read_bytes()).hexdigest()
    assert {"catalogue", "how-to sentences", "features/self_enrollment.feature"} <= set(evidence["sources"])
    assert evidence["sources_recorded"] == "by the run"
    assert evidence["profile"] is None and evidence["positions"] == "positions.json"
    assert json.loads(held["positions.json"]) == results["positions"]  # every position, declared or the default
    assert json.loads(held["positions.json"])["lockout_after"] == 5
    manifest = json.loads(held["manifest.json"])
    assert set(manifest["files"]) == set(held) - {"manifest.json", "manifest.sig"}
    for name, entry in manifest["files"].items():
        assert entry == {"sha256": hashlib.sha256(held[name]).hexdigest(), "size": len(held[name])}
    assert manifest["signature"]["fingerprint"] == evidence["signer"]


def test_a_vendor_key_signs_and_another_key_is_refused(harness, broken_run: Run, tmp_path: Path) -> None:
    key_file, key = ed25519_pem(tmp_path / "vendor.pem")
    package = tmp_path / "p.zip"
    done = harness("package", str(broken_run.directory), "--key", str(key_file), "-o", str(package))
    assert done.returncode == 0, done.stderr
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    (tmp_path / "vendor.pub.pem").write_bytes(public)
    assert members(package)["signer.pub.pem"] == public
    assert harness("verify", str(package), "--public-key", str(tmp_path / "vendor.pub.pem")).returncode == 0
    _, other = ed25519_pem(tmp_path / "other.pem")
    (tmp_path / "other.pub.pem").write_bytes(other.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH))
    done = harness("verify", str(package), "--public-key", str(tmp_path / "other.pub.pem"))
    assert done.returncode == 1
    assert "does not verify: signer.pub.pem: signed by key sha256:" in one_line(done)


@pytest.mark.parametrize("problem", ["missing", "encrypted", "rsa", "garbage", "public-key"])
def test_a_bad_key_is_one_line_naming_it(harness, broken_run: Run, tmp_path: Path, problem: str,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MFA_SIGNING_KEY_PASSPHRASE", raising=False)
    key = tmp_path / "key.pem"
    if problem == "encrypted":
        ed25519_pem(key, b"correct horse")
    elif problem == "rsa":
        write_private(key, rsa.generate_private_key(public_exponent=65537, key_size=1024).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    elif problem == "garbage":
        write_private(key, b"-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
    if problem == "public-key":
        done = harness("verify", str(tmp_path / "p.zip"), "--public-key", str(key))
    else:
        done = harness("package", str(broken_run.directory), "--key", str(key), "-o", str(tmp_path / "p.zip"))
    assert done.returncode == 4
    line = one_line(done)
    assert str(key) in line
    assert {"missing": "No such file", "encrypted": "MFA_SIGNING_KEY_PASSPHRASE", "rsa": "an RSA key",
            "garbage": "not a private key in PEM", "public-key": "No such file"}[problem] in line
    assert not (tmp_path / "p.zip").exists()


def test_an_encrypted_key_signs_with_its_passphrase(harness, broken_run: Run, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    key, _ = ed25519_pem(tmp_path / "key.pem", b"correct horse")
    monkeypatch.setenv("MFA_SIGNING_KEY_PASSPHRASE", "correct horse")
    done = harness("package", str(broken_run.directory), "--key", str(key), "-o", str(tmp_path / "p.zip"))
    assert done.returncode == 0, done.stderr
    monkeypatch.setenv("MFA_SIGNING_KEY_PASSPHRASE", "wrong")
    done = harness("package", str(broken_run.directory), "--key", str(key), "-o", str(tmp_path / "p.zip"))
    assert done.returncode == 4 and "wrong passphrase" in one_line(done)


def browser_like_run(run: Run, tmp_path: Path, **extra: object) -> Path:
    """A copy of a run whose results name a profile (as a browser run's do) and carry `extra` fields."""
    directory = tmp_path / "reports"
    shutil.copytree(run.directory, directory)
    profiles = tmp_path / "vendor"
    profiles.mkdir()
    shutil.copy(REFERENCE_PROFILE, profiles / "base.toml")
    (profiles / "acme.toml").write_text(
        'extends = "base.toml"\n'
        '[system]\nname = "Acme"\nsupport_password_env = "ACME_SUPPORT_PASSWORD"\n'
        '[personas.Dana]\npractice = "Riverside Clinic"\nusername = "dana.test"\n'
        f'password = """{PASSWORD}"""\naccount_holder = true\n'
        '[personas.Erin]\npractice = "Riverside Clinic"\nusername = "erin.test"\npassword_env = "ACME_ERIN"\n'
        f'[extra]\napi_token = "tok-123456"\nconsole = "https://support:{PASSWORD}@acme.example/console"\n'
        'seed = "otpauth://totp/Acme:erin?secret=JBSWY3DPEHPK3PXP"\n', encoding="utf-8")
    results = json.loads((directory / "results.json").read_text())
    results["run"]["system"]["profile"] = str(profiles / "acme.toml")
    results.update(extra)
    (directory / "results.json").write_text(json.dumps(results), encoding="utf-8")
    return directory


def test_the_profile_goes_in_with_every_password_and_secret_removed(harness, broken_run: Run, tmp_path: Path) -> None:
    directory = browser_like_run(broken_run, tmp_path)
    package = tmp_path / "p.zip"
    done = harness("package", str(directory), "-o", str(package))
    assert done.returncode == 0, done.stderr
    held = members(package)
    assert {"profile/acme.toml", "profile/base.toml"} <= set(held)
    acme = tomllib.loads(held["profile/acme.toml"].decode())
    assert acme["extends"] == "base.toml"
    assert acme["personas"]["Dana"] == {"practice": "Riverside Clinic", "username": "dana.test", "account_holder": True}
    assert acme["personas"]["Erin"]["password_env"] == "ACME_ERIN"
    assert acme["system"]["support_password_env"] == "ACME_SUPPORT_PASSWORD"
    assert acme["extra"] == {"console": "https://support:(removed)@acme.example/console"}
    base = tomllib.loads(held["profile/base.toml"].decode())
    assert base["sign_in"]["password"] == {"label": "Password"}  # a locator, not a secret
    assert base == tomllib.loads(REFERENCE_PROFILE.read_text())
    evidence = json.loads(held["evidence.json"])
    assert evidence["profile"]["removed"]["profile/acme.toml"] == [
        "personas.Dana.password", "extra.api_token", "extra.console (a password in a URL)", "extra.seed (a Key URI)"]
    whole = package.read_bytes()
    for secret in (PASSWORD, "tok-123456", "JBSWY3DPEHPK3PXP"):
        assert secret.encode() not in whole
        assert all(secret.encode() not in data for data in held.values())
    assert harness("verify", str(package)).returncode == 0


def test_declared_positions_go_in_when_the_results_have_them(harness, broken_run: Run, tmp_path: Path) -> None:
    positions = {"username_search": "case-insensitive", "safelist_host_bits": "normalised"}
    directory = browser_like_run(broken_run, tmp_path, positions=positions)
    package = tmp_path / "p.zip"
    assert harness("package", str(directory), "-o", str(package)).returncode == 0
    held = members(package)
    assert json.loads(held["positions.json"]) == positions
    assert json.loads(held["evidence.json"])["positions"] == "positions.json"


def test_bad_report_folders_are_one_line_naming_them(harness, broken_run: Run, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    cases = {tmp_path / "missing": "no such folder", empty: "no results.json"}
    corrupt = tmp_path / "corrupt"
    shutil.copytree(broken_run.directory, corrupt)
    (corrupt / "results.json").write_text("{not json")
    cases[corrupt] = "cannot read results"
    leaky = tmp_path / "leaky"
    shutil.copytree(broken_run.directory, leaky)
    with open(leaky / "junit.xml", "a") as out:
        out.write("<!-- otpauth://totp/Acme:erin?secret=JBSWY3DPEHPK3PXP -->")
    cases[leaky] = "junit.xml: holds what looks like a TOTP Key URI"
    named = browser_like_run(broken_run, tmp_path / "named")
    (tmp_path / "named" / "vendor" / "acme.toml").unlink()
    cases[named] = "give its path with --profile FILE"
    for directory, complaint in cases.items():
        done = harness("package", str(directory), "-o", str(tmp_path / "p.zip"))
        assert done.returncode == 4, (directory, done.stderr)
        assert complaint in one_line(done) and str(directory) in done.stderr
        assert not (tmp_path / "p.zip").exists()
    done = harness("package")
    assert done.returncode == 2


def test_a_package_is_the_same_bytes_each_time(harness, broken_run: Run, tmp_path: Path) -> None:
    """Canonical: with the same key, packaging the same folder twice gives the same file."""
    key, _ = ed25519_pem(tmp_path / "key.pem")
    for name in ("a.zip", "b.zip"):
        assert harness("package", str(broken_run.directory), "--key", str(key),
                           "-o", str(tmp_path / name)).returncode == 0
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO((tmp_path / "a.zip").read_bytes())) as archive:
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}
