"""The QR code a user scans: a PNG rendered by segno, never drawn by hand."""

import io

import segno

__all__ = ["qr_png"]


def qr_png(text: str, *, scale: int = 6) -> bytes:
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
