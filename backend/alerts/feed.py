"""The Atom feed of public alerts in force (and the last day's all-clears), each entry linking to
its CAP document, as aggregators of CAP feeds expect."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from xml.etree import ElementTree as ET

from backend.alerts.cap import MEDIA_TYPE, cap_time
from backend.alerts.reads import AlertRow

ATOM = "http://www.w3.org/2005/Atom"
FEED_MEDIA_TYPE = "application/atom+xml"
FEED_ID = "urn:citizen-hub:hue:alerts"
MAX_ENTRIES = 100  # aggregators prefer feeds under ~100 KB

ET.register_namespace("", ATOM)


def _sub(parent: ET.Element, name: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}", attributes)
    if text is not None:
        element.text = text
    return element


def cap_url(base: str, identifier: str) -> str:
    return f"{base}/cap/alerts/{identifier}.xml"


def atom(alerts: Sequence[AlertRow], *, base: str, now: datetime) -> bytes:
    """`base` is the public origin (scheme and host) the links start with."""
    root = ET.Element(f"{{{ATOM}}}feed")
    _sub(root, "id", FEED_ID)
    _sub(root, "title", "Cảnh báo công cộng – Huế / Public alerts – Huế")
    updated = max((alert.sent for alert in alerts if alert.sent), default=now)
    _sub(root, "updated", cap_time(updated))
    _sub(root, "link", rel="self", href=f"{base}/cap/alerts.atom", type=FEED_MEDIA_TYPE)
    author = _sub(root, "author")
    _sub(author, "name", "Huế City Civil Defence Command")
    for alert in alerts:
        if alert.sent is None:
            continue
        entry = _sub(root, "entry")
        _sub(entry, "id", f"urn:citizen-hub:alert:{alert.identifier}")
        _sub(entry, "title", f"{alert.headline.vi} / {alert.headline.en}")
        _sub(entry, "updated", cap_time(alert.sent))
        _sub(entry, "published", cap_time(alert.sent))
        _sub(entry, "summary", alert.description.en)
        _sub(entry, "category", term=alert.msg_type.value)
        _sub(entry, "link", rel="alternate", href=cap_url(base, alert.identifier), type=MEDIA_TYPE)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data
