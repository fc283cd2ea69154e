"""Which files the app may upload: what the bytes are, never what the client says they are."""

from __future__ import annotations

# Leading bytes of each accepted type: scans (PDF) and photos of paper documents.
SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}
MAX_BYTES = 10 * 1024 * 1024


def sniff(data: bytes) -> str | None:
    """The accepted media type these bytes begin with, or None."""
    for media_type, prefixes in SIGNATURES.items():
        if data.startswith(prefixes):
            return media_type
    return None
