"""The QR code a user scans: a PNG rendered by segno, never drawn by hand."""

import io

import segno
from PIL import Image

__all__ = ["qr_png", "PIXELS_PER_MODULE", "QUIET_ZONE"]

PIXELS_PER_MODULE = 4
"""Enough for a camera-like decoder (zbar as well as zxing-cpp) to read the code
even shown at half size: two pixels per module still survive resampling."""

QUIET_ZONE = 4
"""The blank border, in modules, that ISO/IEC 18004 asks for around a QR code."""


def qr_png(text: str, *, scale: int = PIXELS_PER_MODULE) -> bytes:
    # A fixed mask skips segno's pure-Python search for the best one (2/3 of the time);
    # every mask is valid QR and decodes alike.
    symbol = segno.make(text, error="m", micro=False, mask=0)
    # segno writes PNG rows in Python, so one pixel per module is cheapest; Pillow's
    # nearest-neighbour enlargement in C then gives exactly segno's larger image.
    small = io.BytesIO()
    symbol.save(small, kind="png", scale=1, border=QUIET_ZONE)
    image = Image.open(small)
    image = image.resize((image.width * scale, image.height * scale), Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
