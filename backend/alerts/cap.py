"""An alert as a CAP 1.2 XML document: one `<info>` per language, areas in CAP's "lat,lon"
order, times in Huế's offset (+07:00) to the second, as CAP's `dateTime` pattern requires."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

from backend.alerts.areas import Area
from backend.alerts.reads import AlertRow
from backend.i18n import Locale, Translated

NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2"
MEDIA_TYPE = "application/cap+xml"
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
# CAP names a language with an RFC 3066 tag; ours are plain codes.
LANGUAGE_TAGS = {
    "vi": "vi-VN",
    "en": "en-US",
    "fr": "fr-FR",
    "ko": "ko-KR",
    "zh": "zh-CN",
    "ja": "ja-JP",
}
WARD_GEOCODE = "vn-hue-ward"  # the valueName of our ward codes

ET.register_namespace("", NAMESPACE)


def cap_time(moment: datetime) -> str:
    """2026-11-29T21:30:00+07:00: local offset, whole seconds."""
    return moment.astimezone(LOCAL).replace(microsecond=0).isoformat()


def cap_number(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def cap_polygon(ring: tuple[tuple[float, float], ...]) -> str:
    """CAP polygon: space-separated "lat,lon" pairs (latitude FIRST, unlike PostGIS)."""
    return " ".join(f"{cap_number(lat)},{cap_number(lon)}" for lat, lon in ring)


def languages(alert: AlertRow) -> list[str]:
    """Vietnamese, English, then any other language the headline is written in."""
    others = [code.value for code in Locale if code.value in alert.headline.texts]
    return list(dict.fromkeys(["vi", "en", *others]))


def _sub(parent: ET.Element, name: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{NAMESPACE}}}{name}")
    element.text = text
    return element


def _text(value: Translated, code: str) -> str:
    return value.get(Locale(code))


def document(
    alert: AlertRow, references: Mapping[uuid.UUID, tuple[str, str, datetime | None]]
) -> bytes:
    """The CAP XML of an issued alert; `references` gives (sender, identifier, sent) by id."""
    if alert.sent is None:
        raise ValueError("only issued alerts have a CAP document")
    root = ET.Element(f"{{{NAMESPACE}}}alert")
    _sub(root, "identifier", alert.identifier)
    _sub(root, "sender", alert.sender)
    _sub(root, "sent", cap_time(alert.sent))
    _sub(root, "status", alert.status.value)
    _sub(root, "msgType", alert.msg_type.value)
    _sub(root, "scope", alert.scope.value)
    if alert.references_id is not None and alert.references_id in references:
        sender, identifier, sent = references[alert.references_id]
        if sent is not None:
            _sub(root, "references", f"{sender},{identifier},{cap_time(sent)}")
    areas = [Area.from_json(area) for area in alert.areas]
    for code in languages(alert):
        info = ET.SubElement(root, f"{{{NAMESPACE}}}info")
        _sub(info, "language", LANGUAGE_TAGS[code])
        _sub(info, "category", alert.category.value)
        _sub(info, "event", _text(alert.event, code))
        _sub(info, "responseType", alert.response_type.value)
        _sub(info, "urgency", alert.urgency.value)
        _sub(info, "severity", alert.severity.value)
        _sub(info, "certainty", alert.certainty.value)
        if alert.onset is not None:
            _sub(info, "onset", cap_time(alert.onset))
        if alert.expires is not None:
            _sub(info, "expires", cap_time(alert.expires))
        _sub(info, "senderName", _text(alert.sender_name, code))
        _sub(info, "headline", _text(alert.headline, code))
        _sub(info, "description", _text(alert.description, code))
        _sub(info, "instruction", _text(alert.instruction, code))
        for area in areas:
            element = ET.SubElement(info, f"{{{NAMESPACE}}}area")
            _sub(element, "areaDesc", _text(area.description, code))
            for ring in area.polygons:
                _sub(element, "polygon", cap_polygon(ring))
            for circle in area.circles:
                centre = f"{cap_number(circle.lat)},{cap_number(circle.lon)}"
                _sub(element, "circle", f"{centre} {cap_number(circle.radius_km)}")
            for ward in area.wards:
                geocode = ET.SubElement(element, f"{{{NAMESPACE}}}geocode")
                _sub(geocode, "valueName", WARD_GEOCODE)
                _sub(geocode, "value", ward)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data
