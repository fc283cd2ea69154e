"""A presentation as a QR code (segno): byte mode, error correction L (the phone's screen is
clean and flat), the smallest version that holds it."""

from __future__ import annotations

import io

import segno

# The ceiling for a phone screen read by a phone camera: version 32 is 145 modules a side,
# 0.4 mm per module on a 60 mm wide code. Typical presentations measure versions 29-31
# (docs/cards.md); anything larger means too many claims were chosen.
MAX_VERSION = 32


def render(presentation: str) -> segno.QRCode:
    return segno.make_qr(presentation, error="l", mode="byte", boost_error=False)


def png(presentation: str, *, scale: int = 4) -> bytes:
    out = io.BytesIO()
    render(presentation).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
