"""A presentation as a QR code (segno): byte mode, error correction L (the phone's screen is
clean and flat), the smallest version that holds it."""

from __future__ import annotations

import io

import segno

# Above this, phone cameras reading a phone screen start to struggle (about 105 modules a side).
MAX_VERSION = 22


def render(presentation: str) -> segno.QRCode:
    return segno.make_qr(presentation, error="l", mode="byte", boost_error=False)


def png(presentation: str, *, scale: int = 4) -> bytes:
    out = io.BytesIO()
    render(presentation).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
