"""The QR code a user scans: a PNG encoded by zxing-cpp's writer, never drawn by hand.

The phone decodes it with zxing-cpp too, so tests/test_qr.py has zbar, a decoder of
another lineage, read it as well: encoder and decoder never vouch only for each other."""

import io

import zxingcpp
from PIL import Image

__all__ = ["qr_png", "PIXELS_PER_MODULE", "QUIET_ZONE"]

PIXELS_PER_MODULE = 4
"""Enough for a camera-like decoder (zbar as well as zxing-cpp) to read the code
even shown at half size: two pixels per module still survive resampling."""

QUIET_ZONE = 4
"""The blank border, in modules, that ISO/IEC 18004 asks for around a QR code
(zxing-cpp's writer adds it)."""


def qr_png(text: str, *, scale: int = PIXELS_PER_MODULE) -> bytes:
    # zxing-cpp chooses the mask in C++: a fifth of the time of a pure-Python encoder with a fixed mask
    symbol = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    drawn = memoryview(symbol.to_image(scale=scale, add_quiet_zones=True))
    height, width = drawn.shape[:2]
    image = Image.frombuffer("L", (width, height), drawn.tobytes(), "raw", "L", 0, 1).convert("1")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
