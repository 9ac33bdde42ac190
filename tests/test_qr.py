"""The simulator's QR code as cameras see it: four or more pixels per module
inside a quiet zone, so that a decoder other than the harness's own (zbar, as
well as zxing-cpp) still reads it when the page shows it at half size.

Decoded text carries the secret, so it is compared, never printed.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from mfa_conformance.people.authenticator import KeyUri
from mfa_conformance.simulator.qr import qr_png

from .world import build_world

ZBARIMG = shutil.which("zbarimg")


@pytest.fixture(scope="module")
def screen():
    """Erin's enrollment screen from the reference simulator: its QR code and manual key."""
    world = build_world()
    token, _ = world.sign_in("erin")
    return world.sim.begin_enrollment(token)


def _grey(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("L")


def _module_and_quiet_zone(image: Image.Image) -> tuple[int, int]:
    """Pixels per module, measured on the top-left finder pattern (seven modules
    wide), and the blank margin to its left, in pixels."""
    width, height = image.size
    pixels = image.load()
    top = next(y for y in range(height) if any(pixels[x, y] < 128 for x in range(width)))
    left = next(x for x in range(width) if pixels[x, top] < 128)
    run = next((x for x in range(left, width) if pixels[x, top] >= 128), width) - left
    return run // 7, left


def _half(png: bytes) -> Image.Image:
    """The image shown at half size, resampled as a browser or camera would."""
    image = _grey(png)
    return image.resize((image.width // 2, image.height // 2), Image.Resampling.BILINEAR)


def _zxing(image: Image.Image) -> list[str]:
    return [c.text for c in zxingcpp.read_barcodes(image) if c.format == zxingcpp.BarcodeFormat.QRCode]


def _zbar(image: Image.Image, folder: Path) -> list[str]:
    path = folder / "qr.png"
    image.save(path)
    done = subprocess.run([ZBARIMG, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(path)],
                          capture_output=True, text=True, timeout=60)
    return done.stdout.splitlines()


def _holds_the_manual_key(texts: list[str], screen) -> bool:
    return len(texts) == 1 and KeyUri.parse(texts[0])._secret == screen.manual_key


def test_the_qr_code_has_four_pixels_a_module_and_a_quiet_zone(screen) -> None:
    module, margin = _module_and_quiet_zone(_grey(screen.qr_png))
    assert module >= 4, f"the QR code is drawn at {module} pixels per module, under 4"
    assert margin >= 4 * module, f"the quiet zone is {margin / module:.1f} modules wide, under 4"


def test_the_measure_sees_a_smaller_drawing() -> None:
    # The measure itself, on a code drawn at 2 pixels per module: it must see 2.
    assert _module_and_quiet_zone(_grey(qr_png("otpauth://totp/x?secret=JBSWY3DP", scale=2))) == (2, 8)


def test_zxing_reads_it_at_half_size(screen) -> None:
    assert _holds_the_manual_key(_zxing(_half(screen.qr_png)), screen), "zxing-cpp cannot read the half-size QR code"


@pytest.mark.skipif(ZBARIMG is None, reason="zbarimg (Debian's zbar-tools) is not installed")
def test_zbar_reads_it_at_half_size(screen, tmp_path: Path) -> None:
    assert _holds_the_manual_key(_zbar(_half(screen.qr_png), tmp_path), screen), \
        "zbarimg cannot read the half-size QR code"


@pytest.mark.skipif(ZBARIMG is None, reason="zbarimg (Debian's zbar-tools) is not installed")
def test_zbar_reads_it_at_full_size(screen, tmp_path: Path) -> None:
    assert _holds_the_manual_key(_zbar(_grey(screen.qr_png), tmp_path), screen), "zbarimg cannot read the QR code"


def test_it_holds_the_text_at_error_correction_m_in_a_four_module_quiet_zone() -> None:
    # Medium error correction (15 %) survives a smudged or glare-struck screen, as authenticator apps expect.
    text = "otpauth://totp/Updox%20Riverside:erin?secret=JBSWY3DPEHPK3PXP"
    image = _grey(qr_png(text, scale=1))
    [code] = [c for c in zxingcpp.read_barcodes(image) if c.format == zxingcpp.BarcodeFormat.QRCode]
    assert code.text == text and code.ec_level == "M"
    assert _module_and_quiet_zone(image) == (1, 4)
