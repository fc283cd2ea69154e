"""A presentation as a QR code (segno): byte mode, error correction L (the phone's screen is
clean and flat), the smallest version that holds it."""

from __future__ import annotations

import io

import segno

# The ceiling the tests hold typical presentations to: version 30 is 137 modules a side,
# 0.44 mm per module on a 60 mm wide code. Typical presentations measure versions 28-30 with
# P-256 device keys (27-30 with Ed25519; docs/cards.md, bench/card_qr_sizes.py); anything
# larger means too many claims were chosen.
MAX_VERSION = 30


def render(presentation: str) -> segno.QRCode:
    return segno.make_qr(presentation, error="l", mode="byte", boost_error=False)


def png(presentation: str, *, scale: int = 4) -> bytes:
    out = io.BytesIO()
    render(presentation).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
