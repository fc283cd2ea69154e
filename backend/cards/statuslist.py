"""Token Status List (IETF draft): 2 bits per card, zlib-compressed, signed as a
`statuslist+jwt` with a `ttl` that tells verifiers how long a copy may be trusted offline."""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from typing import Any

import jwt

from backend.cards.sdjwt import PrivateKey, algorithm_of, b64url, b64url_decode

TYPE = "statuslist+jwt"
BITS = 2
# Entries per list: random indices among this many hide who is in the list and in what order.
SIZE = 1 << 14


def encode(statuses: Mapping[int, int], size: int = SIZE) -> str:
    """`lst`: entry i in bits (2i, 2i+1) counted from the least significant bit of each byte."""
    raw = bytearray(size * BITS // 8)
    per_byte = 8 // BITS
    for index, value in statuses.items():
        raw[index // per_byte] |= (value & 0b11) << ((index % per_byte) * BITS)
    return b64url(zlib.compress(bytes(raw), 9))


def status_at(lst: str, index: int, bits: int = BITS) -> int:
    raw = zlib.decompress(b64url_decode(lst))
    per_byte = 8 // bits
    if index < 0 or index // per_byte >= len(raw):
        raise IndexError(index)
    return (raw[index // per_byte] >> ((index % per_byte) * bits)) & ((1 << bits) - 1)


def sign(
    *,
    uri: str,
    issuer: str,
    statuses: Mapping[int, int],
    key: PrivateKey,
    kid: str,
    now: int,
    ttl: int,
) -> str:
    payload: dict[str, Any] = {
        "sub": uri,
        "iss": issuer,
        "iat": now,
        "exp": now + ttl * 24,
        "ttl": ttl,
        "status_list": {"bits": BITS, "lst": encode(statuses)},
    }
    return jwt.encode(payload, key, algorithm=algorithm_of(key), headers={"typ": TYPE, "kid": kid})
