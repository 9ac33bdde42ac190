"""Ed25519 keys and signatures for evidence packages, through `cryptography`.

A vendor signs with a key of their own (PEM, as `openssl genpkey -algorithm
ed25519` writes it, or an OpenSSH private key), so an auditor can check each
package against the one public key the vendor published. Without one, a key
is made for the package and its private half is never written anywhere: nobody
can sign anything else with it, and its public key identifies the package.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .cli import EvidenceError

__all__ = ["PASSPHRASE_VARIABLE", "load_private_key", "load_public_key", "public_key_from_bytes", "public_pem",
           "fingerprint", "sign", "signature_holds"]

PASSPHRASE_VARIABLE = "MFA_SIGNING_KEY_PASSPHRASE"


def _kind(key: object) -> str:
    return type(key).__name__.removeprefix("_").replace("PrivateKey", "").replace("PublicKey", "") or "unknown"


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """The vendor's signing key; a passphrase, if the key has one, comes from MFA_SIGNING_KEY_PASSPHRASE."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise EvidenceError(f"--key {path}: {error.strerror or error}") from None
    passphrase = os.environ.get(PASSPHRASE_VARIABLE)
    secret = passphrase.encode() if passphrase else None
    try:
        if b"OPENSSH PRIVATE KEY" in data:
            key = serialization.load_ssh_private_key(data, secret)
        else:
            key = serialization.load_pem_private_key(data, secret)
    except TypeError:
        raise EvidenceError(f"--key {path}: the key is protected by a passphrase: set {PASSPHRASE_VARIABLE}"
                            if secret is None else f"--key {path}: the key has no passphrase: unset "
                            f"{PASSPHRASE_VARIABLE}") from None
    except (ValueError, UnsupportedAlgorithm) as error:
        reason = "wrong passphrase, or not a private key in PEM" if secret else "not a private key in PEM"
        raise EvidenceError(f"--key {path}: {reason} ({str(error).splitlines()[0]})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise EvidenceError(f"--key {path}: an {_kind(key)} key; packages are signed with Ed25519 keys "
                            f"(openssl genpkey -algorithm ed25519 -out KEY)")
    return key


def public_key_from_bytes(data: bytes) -> Ed25519PublicKey | None:
    """An Ed25519 public key from PEM or an OpenSSH public-key line; None when it is not one."""
    try:
        key = (serialization.load_ssh_public_key(data.strip()) if data.lstrip().startswith(b"ssh-")
               else serialization.load_pem_public_key(data))
    except (ValueError, UnsupportedAlgorithm):
        return None
    return key if isinstance(key, Ed25519PublicKey) else None


def load_public_key(path: Path) -> Ed25519PublicKey:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise EvidenceError(f"--public-key {path}: {error.strerror or error}") from None
    key = public_key_from_bytes(data)
    if key is None:
        raise EvidenceError(f"--public-key {path}: not an Ed25519 public key (PEM, or an ssh-ed25519 line)")
    return key


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def fingerprint(key: Ed25519PublicKey) -> str:
    """sha256: and the hex SHA-256 of the raw 32-byte public key: short enough to read out on the phone."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def sign(key: Ed25519PrivateKey, data: bytes) -> bytes:
    """The signature as a line of base64, the way it is stored in the package."""
    return base64.b64encode(key.sign(data)) + b"\n"


def signature_holds(key: Ed25519PublicKey, signature_line: bytes, data: bytes) -> bool:
    try:
        signature = base64.b64decode(signature_line.strip(), validate=True)
        key.verify(signature, data)
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True
