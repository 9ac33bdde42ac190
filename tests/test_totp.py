"""The TOTP component against its oracle, the RFC 6238 Appendix B table (the
harness's authenticator app too, with SHA-1, SHA-256 and SHA-512), and
what a server owes on top of it: the drift window, replay refusal, tolerance of
malformed input, 160-bit secrets and a Key URI every authenticator app accepts.

Secrets and URIs never appear in an assertion's expression, so a failure
cannot print one.
"""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, unquote, urlparse

import pyotp
import pytest

from mfa_conformance.people.authenticator import AuthenticatorApp, KeyUri
from mfa_conformance.simulator import totp
from mfa_conformance.simulator.qr import qr_png

# RFC 6238 Appendix B: the SHA-1 seed is the ASCII string "12345678901234567890".
RFC_SEED = base64.b32encode(b"12345678901234567890").decode()

# The seed of each hash, per the RFC's errata (ID 2866): the same ASCII digits,
# repeated to the hash's own size (20, 32 and 64 bytes).
RFC_SEEDS = {
    "SHA1": b"12345678901234567890",
    "SHA256": b"12345678901234567890123456789012",
    "SHA512": b"1234567890123456789012345678901234567890123456789012345678901234",
}

# (Unix time, the RFC's 8-digit TOTP for SHA-1, SHA-256, SHA-512). Truncation is
# mod 10**digits, so a 6-digit code is the last six digits of the 8-digit one.
RFC_VECTORS = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]
RFC_SHA1_VECTORS = [(t, sha1) for t, sha1, _, _ in RFC_VECTORS]
RFC_APP_VECTORS = [
    (algorithm, t, codes[i]) for t, *codes in RFC_VECTORS for i, algorithm in enumerate(("SHA1", "SHA256", "SHA512"))
]

# A time in the middle of a step, well away from the RFC's rows.
NOW = 1_700_000_015.0
STEP = totp.time_step(NOW)


def test_parameters_are_those_every_app_accepts() -> None:
    assert (totp.DIGITS, totp.PERIOD, totp.DRIFT_STEPS) == (6, 30, 1)
    assert totp.SECRET_BITS >= 160


@pytest.mark.parametrize(("unix_time", "rfc_code"), RFC_SHA1_VECTORS)
def test_codes_match_rfc_6238_appendix_b(unix_time: int, rfc_code: str) -> None:
    assert totp.code_at(RFC_SEED, totp.time_step(unix_time)) == rfc_code[-6:]


@pytest.mark.parametrize(("unix_time", "rfc_code"), RFC_SHA1_VECTORS)
def test_rfc_codes_verify_at_their_own_time_step(unix_time: int, rfc_code: str) -> None:
    assert totp.matching_step(RFC_SEED, rfc_code[-6:], unix_time=unix_time) == unix_time // 30


@pytest.mark.parametrize(("algorithm", "unix_time", "rfc_code"), RFC_APP_VECTORS)
def test_the_authenticator_app_computes_the_rfc_codes_with_the_uris_algorithm(
        algorithm: str, unix_time: int, rfc_code: str) -> None:
    """Through a QR code and the phone, as a product's Key URI would reach it."""
    seed = base64.b32encode(RFC_SEEDS[algorithm]).decode().rstrip("=")
    uri = f"otpauth://totp/RFC%206238:vector?secret={seed}&issuer=RFC%206238&algorithm={algorithm}&digits=8&period=30"
    app = AuthenticatorApp(now=lambda: float(unix_time), wait_until=_never, latency=0.0)
    app.scan(qr_png(uri))
    assert (app.key().algorithm, app.current_code()) == (algorithm, rfc_code)


def _never(when: float) -> None:
    raise AssertionError("the authenticator app waited for a later time step")


def test_rfc_time_steps() -> None:
    # RFC 6238 Appendix B lists T in hex: 0x1, 0x23523EC, 0x23523ED, 0x273EF07, 0x3F940AA, 0x27BC86AA.
    steps = [totp.time_step(t) for t, _ in RFC_SHA1_VECTORS]
    assert steps == [0x1, 0x23523EC, 0x23523ED, 0x273EF07, 0x3F940AA, 0x27BC86AA]


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_codes_within_one_step_verify_at_their_own_step(offset: int) -> None:
    code = totp.code_at(RFC_SEED, STEP + offset)
    assert totp.matching_step(RFC_SEED, code, unix_time=NOW) == STEP + offset


@pytest.mark.parametrize("offset", [-10, -3, -2, 2, 3, 10])
def test_codes_further_than_one_step_never_verify(offset: int) -> None:
    window = {totp.code_at(RFC_SEED, STEP + d) for d in (-1, 0, 1)}
    code = totp.code_at(RFC_SEED, STEP + offset)
    assert code not in window  # the fixed seed and time make this a fixed fact, not luck
    assert totp.matching_step(RFC_SEED, code, unix_time=NOW) is None


@pytest.mark.parametrize("unix_time", [STEP * 30, STEP * 30 + 29.999, STEP * 30 - 0.001])
def test_the_window_follows_the_step_boundaries(unix_time: float) -> None:
    now = totp.time_step(unix_time)
    assert totp.matching_step(RFC_SEED, totp.code_at(RFC_SEED, now + 1), unix_time=unix_time) == now + 1
    assert totp.matching_step(RFC_SEED, totp.code_at(RFC_SEED, now - 1), unix_time=unix_time) == now - 1


def test_the_window_never_reaches_below_step_zero() -> None:
    assert totp.matching_step(RFC_SEED, totp.code_at(RFC_SEED, 0), unix_time=1.0) == 0
    assert totp.matching_step(RFC_SEED, totp.code_at(RFC_SEED, 1), unix_time=1.0) == 1


class TestReplay:
    """RFC 6238 section 5.2: after a code of step s is accepted, only later steps are."""

    def test_the_accepted_step_is_refused_again(self) -> None:
        code = totp.code_at(RFC_SEED, STEP)
        accepted = totp.matching_step(RFC_SEED, code, unix_time=NOW)
        assert accepted == STEP
        assert totp.matching_step(RFC_SEED, code, unix_time=NOW, after_step=accepted) is None
        assert totp.matching_step(RFC_SEED, code, unix_time=NOW + 25, after_step=accepted) is None

    def test_earlier_steps_are_refused_after_a_later_one(self) -> None:
        earlier = totp.code_at(RFC_SEED, STEP - 1)
        assert totp.matching_step(RFC_SEED, earlier, unix_time=NOW) == STEP - 1
        assert totp.matching_step(RFC_SEED, earlier, unix_time=NOW, after_step=STEP) is None

    def test_later_steps_are_accepted(self) -> None:
        later = totp.code_at(RFC_SEED, STEP + 1)
        assert totp.matching_step(RFC_SEED, later, unix_time=NOW, after_step=STEP) == STEP + 1

    def test_a_last_step_older_than_the_window_changes_nothing(self) -> None:
        code = totp.code_at(RFC_SEED, STEP - 1)
        assert totp.matching_step(RFC_SEED, code, unix_time=NOW, after_step=STEP - 50) == STEP - 1


@pytest.mark.parametrize(
    "code",
    ["", "12345", "1234567", "12345a", "12 345", " 12345", "123456 ", "123456\n", "-12345", "+12345",
     "１２３４５６", "٣٣٣٣٣٣", "12.345", None, 123456, b"123456", ["1", "2", "3", "4", "5", "6"]],
    ids=repr,
)
def test_malformed_codes_return_none_and_never_raise(code: object) -> None:
    assert totp.matching_step(RFC_SEED, code, unix_time=NOW) is None  # type: ignore[arg-type]


def test_a_padded_current_code_is_malformed() -> None:
    code = totp.code_at(RFC_SEED, STEP)
    assert totp.matching_step(RFC_SEED, f" {code}", unix_time=NOW) is None
    assert totp.matching_step(RFC_SEED, f"0{code}", unix_time=NOW) is None


class TestSecrets:
    def test_a_secret_is_160_bits_of_base32(self) -> None:
        secret = totp.new_secret()
        length, alphabet_ok = len(secret), set(secret) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        assert (length, alphabet_ok) == (32, True)
        decoded_bits = len(base64.b32decode(secret)) * 8
        assert decoded_bits == 160

    def test_secrets_do_not_repeat(self) -> None:
        distinct = len({totp.new_secret() for _ in range(200)})
        assert distinct == 200

    def test_secrets_are_not_biased_to_a_few_characters(self) -> None:
        # 200 secrets x 32 characters over a 32-letter alphabet: every letter appears.
        letters = set("".join(totp.new_secret() for _ in range(200)))
        assert len(letters) == 32


class TestProvisioningUri:
    """Parsed, never printed: the URI carries the secret."""

    @pytest.fixture
    def parsed(self) -> tuple[object, dict[str, list[str]], bool]:
        secret = totp.new_secret()
        uri = totp.provisioning_uri(secret, account="erin.smith", issuer="Updox Riverside Clinic")
        url = urlparse(uri)
        query = parse_qs(url.query)
        secret_carried = query.pop("secret", None) == [secret]
        return url, query, secret_carried

    def test_it_is_a_totp_key_uri_with_issuer_and_account(self, parsed) -> None:
        url, query, secret_carried = parsed
        assert (url.scheme, url.netloc) == ("otpauth", "totp")
        assert unquote(url.path) == "/Updox Riverside Clinic:erin.smith"
        assert query["issuer"] == ["Updox Riverside Clinic"]
        assert secret_carried

    def test_every_parameter_is_spelled_out_once(self, parsed) -> None:
        _, query, _ = parsed
        assert query == {
            "issuer": ["Updox Riverside Clinic"],
            "algorithm": ["SHA1"],
            "digits": ["6"],
            "period": ["30"],
        }

    def test_the_harness_reads_it_as_an_app_would(self) -> None:
        secret = totp.new_secret()
        key = KeyUri.parse(totp.provisioning_uri(secret, account="erin.smith", issuer="Updox Riverside Clinic"))
        summary = (key.issuer, key.account, key.algorithm, key.digits, key.period, key.secret_bits)
        assert summary == ("Updox Riverside Clinic", "erin.smith", "SHA1", 6, 30, 160)
        same_secret = key._secret == secret
        assert same_secret

    def test_codes_from_the_uri_are_the_servers_codes(self) -> None:
        secret = totp.new_secret()
        key = KeyUri.parse(totp.provisioning_uri(secret, account="erin", issuer="Updox"))
        app = pyotp.TOTP(key._secret, digits=key.digits, interval=key.period)
        assert totp.matching_step(secret, app.at(NOW), unix_time=NOW) == STEP



@pytest.mark.parametrize(("offset", "shows_next"), [(1, STEP + 2), (0, STEP + 1), (-1, STEP)])
def test_a_code_accepted_at_another_step_uses_that_step_up(offset: int, shows_next: int) -> None:
    """A product refuses every step up to the last one it accepted (replay): a code read off one step
    ahead for the drift checks leaves the phone showing nothing before the step after it."""
    clock = {"now": float(NOW)}
    waited: list[float] = []

    def wait_until(when: float) -> None:
        waited.append(when)
        clock["now"] = when

    app = AuthenticatorApp(now=lambda: clock["now"], wait_until=wait_until, latency=0.0)
    app.scan(qr_png(f"otpauth://totp/Riverside:erin?secret={RFC_SEED.rstrip('=')}&issuer=Riverside"))
    app.note_accepted(app.code_at_offset(offset))
    assert app.current_code() == totp.code_at(RFC_SEED, shows_next)
    assert bool(waited) is (offset >= 0)
