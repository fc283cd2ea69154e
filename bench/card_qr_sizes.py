"""Where a card presentation's QR characters go: issuer JWT header, payload and signature,
each disclosure, the key-binding JWT; for each issuer and device algorithm.

    .venv/bin/python -m bench.card_qr_sizes

Cards are built with the issuing code's own claims and the demo seed's texts (no database).
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from backend.cards import keys, qr, sdjwt, verify
from backend.cards.issuing import Issuer, card_claims
from backend.cards.models import CardKind

ISSUER = Issuer(url="https://citizen-hub.hue.gov.vn", secret=b"")
VERIFIER = f"{ISSUER.url}/verifier"

CARDS: dict[CardKind, tuple[dict[str, Any], list[str]]] = {
    CardKind.CIVIL_SERVANT: (
        {
            "given_name": "Trần Thị Công (demo)",
            "agency": "Văn phòng UBND thành phố Huế",
            "employing_unit": "Phòng Hành chính – Tổ chức",
            "position": "Chuyên viên",
            "card_number": "HUE-000301",
            "photo_ref": "photo:HUE-000301",
        },
        ["given_name", "agency", "position", "photo_ref"],
    ),
    CardKind.CITIZEN: (
        {
            "given_name": "Nguyễn Văn An",
            "birthdate": "1990-04-12",
            "personal_identifier": "046090001234",
            "address": "12 Lê Lợi, phường Thuận Hóa, Huế",
            "photo_ref": "photo:046090001234",
            "age_over_18": True,
        },
        ["age_over_18", "photo_ref"],
    ),
    CardKind.BUSINESS: (
        {
            "enterprise_code": "3300123456",
            "business_name": "Quán Bún Bò Huế Phạm Ngũ Lão (demo)",
            "representative": "Hoàng Văn Dũng",
            "address": "25 Phạm Ngũ Lão, phường Thuận Hóa, Huế",
        },
        ["enterprise_code", "business_name", "representative"],
    ),
}


def _key(algorithm: str) -> sdjwt.PrivateKey:
    if algorithm == "EdDSA":
        return Ed25519PrivateKey.generate()
    return ec.generate_private_key(ec.SECP256R1())


def presentation(kind: CardKind, issuer_alg: str, device_alg: str) -> str:
    disclosable, reveal = CARDS[kind]
    issuer_key, device = _key(issuer_alg), _key(device_alg)
    now = datetime.now(UTC)
    claims = card_claims(
        ISSUER,
        kind,
        device_jwk=keys.public_jwk(device),
        index=12_345,
        now=now,
        valid_from=now.date(),
        expires_at=now + timedelta(days=365),
        extra={},
    )
    kid = keys.thumbprint(keys.public_jwk(issuer_key))[:12]
    credential = sdjwt.issue(claims=claims, disclosable=disclosable, key=issuer_key, kid=kid)
    return sdjwt.present(
        credential,
        reveal=reveal,
        holder_key=device,
        audience=VERIFIER,
        nonce=verify.offline_nonce(int(time.time())),
        issued_at=int(time.time()),
    )


def breakdown(text: str) -> dict[str, int]:
    parsed = sdjwt.parse(text)
    header, payload, signature = parsed.issuer_jwt.split(".")
    kb = (parsed.kb_jwt or "").split(".")
    decoded = json.loads(sdjwt.b64url_decode(payload))
    parts = {
        "issuer header": len(header) + 1,
        "issuer payload": len(payload) + 1,
        "issuer signature": len(signature),
        "disclosures": sum(len(d) + 1 for d in parsed.disclosures),
        "kb-jwt": len(parsed.kb_jwt or "") + 1,
        "kb signature": len(kb[-1]) if kb else 0,
    }
    # What the clear claims cost inside the payload (JSON characters, before base64url).
    for name in ("iss", "vct", "cnf", "status", "_sd", "_sd_alg", "iat", "exp"):
        if name in decoded:
            parts[f"  payload {name} (json)"] = len(
                json.dumps({name: decoded[name]}, separators=(",", ":"))
            )
    return parts


def main() -> None:
    for issuer_alg in sdjwt.ALGORITHMS:
        for device_alg in ("ES256", "EdDSA"):
            print(f"== issuer {issuer_alg}, device {device_alg}")
            for kind in CARDS:
                text = presentation(kind, issuer_alg, device_alg)
                version = qr.render(text).version
                print(f"  {kind.value}: {len(text)} characters, version {version}")
                if (issuer_alg, device_alg) == ("EdDSA", "ES256"):
                    for part, size in breakdown(text).items():
                        print(f"      {part}: {size}")


if __name__ == "__main__":
    main()
