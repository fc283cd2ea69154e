"""Open data: each public alert as a CAP 1.2 document valid against the CAP 1.2 XSD (the OASIS
standard's own schema, CAP-v1.2.xsd beside this file, unmodified) and the rules the standard
states in prose only (identifiers without spaces or commas, closed polygons of four or more
"lat,lon" pairs), latitude first in its shapes, references to what it replaces, and an Atom
feed of what is in force; all cacheable."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
import xmlschema

from backend.alerts.lifecycle import identifier_for
from backend.graphql_api.persisted import sha256
from tests.alerts.conftest import OPERATIONS, OPERATOR, gid, ok, seeded_alert, token_of

SCHEMA = xmlschema.XMLSchema(Path(__file__).with_name("CAP-v1.2.xsd"))
CAP = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}
ATOM = {"atom": "http://www.w3.org/2005/Atom"}
# CAP 1.2 §3.2: identifier and sender "MUST NOT include spaces, commas or restricted characters
# (< and &)"; references are space-separated "sender,identifier,sent" triples.
CAP_TOKEN = r"[^\s,<&]+"
CAP_SENT = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d\d:\d\d"
REFERENCE = f"{CAP_TOKEN},{CAP_TOKEN},{CAP_SENT}"
# A WGS 84 "lat,lon" pair (latitude first) and a circle "lat,lon radius_km".
PAIR = r"(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)"
CIRCLE = f"{PAIR} (\\d+(?:\\.\\d+)?)"


def _lat_lon(latitude: str, longitude: str) -> tuple[float, float]:
    lat, lon = float(latitude), float(longitude)
    assert -90 <= lat <= 90, (lat, lon)
    assert -180 <= lon <= 180, (lat, lon)
    return lat, lon


def assert_valid_cap(content: bytes) -> ET.Element:
    """Valid against the OASIS XSD and the standard's prose rules the XSD leaves out."""
    SCHEMA.validate(content)
    root = _parse(content)
    for name in ("identifier", "sender"):
        assert re.fullmatch(CAP_TOKEN, root.findtext(f"cap:{name}", "", CAP)), name
    references = root.findtext("cap:references", None, CAP)
    if references is not None:
        assert re.fullmatch(f"{REFERENCE}( {REFERENCE})*", references), references
    for polygon in root.findall("cap:info/cap:area/cap:polygon", CAP):
        pairs = (polygon.text or "").split(" ")
        points = []
        for pair in pairs:
            match = re.fullmatch(PAIR, pair)
            assert match, pair
            points.append(_lat_lon(*match.groups()))
        # §3.2.4: "a minimum of four coordinate pairs", the first and last the same.
        assert len(points) >= 4, polygon.text
        assert points[0] == points[-1], polygon.text
    for circle in root.findall("cap:info/cap:area/cap:circle", CAP):
        match = re.fullmatch(CIRCLE, circle.text or "")
        assert match, circle.text
        _lat_lon(match[1], match[2])
    return root


def _parse(content: bytes) -> ET.Element:
    """Our own answer, parsed to read it back."""
    return ET.fromstring(content)  # noqa: S314 - the document under test, not foreign input


async def _cap(api: Any, key: str) -> Any:
    return await api.client.get(f"/cap/alerts/{identifier_for(seeded_alert(key))}.xml")


async def test_the_flood_warning_is_valid_cap_with_latitude_first(seeded: Any) -> None:
    response = await _cap(seeded, "flood-huong")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/cap+xml"
    assert response.headers["cache-control"] == "public, max-age=60"
    root = assert_valid_cap(response.content)
    assert [e.text for e in root.findall("cap:info/cap:language", CAP)] == ["vi-VN", "en-US"]
    assert root.findtext("cap:sent", namespaces=CAP).endswith("+07:00")  # type: ignore[union-attr]
    assert root.find("cap:references", CAP) is None
    polygons = [e.text for e in root.findall("cap:info/cap:area/cap:polygon", CAP)]
    # Latitude first: 16.458° N, 107.545° E (Huế), where PostGIS and GeoJSON say "107.545 16.458".
    assert (
        polygons
        == ["16.458,107.545 16.472,107.545 16.472,107.598 16.458,107.598 16.458,107.545"] * 2
    )
    headlines = [e.text for e in root.findall("cap:info/cap:headline", CAP)]
    assert headlines[1] == "Flood warning: the Huong River at Kim Long is above alarm level II"

    alert = (await ok(seeded, "Alert", {"id": gid(seeded_alert("flood-huong"))}))["alert"]
    shape = json.loads(alert["areas"][0]["geojson"])
    assert shape["features"][0]["geometry"]["coordinates"][0][0] == [107.545, 16.458]
    assert alert["capPath"] == f"/cap/alerts/{identifier_for(seeded_alert('flood-huong'))}.xml"


async def test_a_cancel_references_the_alert_it_cancels(seeded: Any) -> None:
    haze = _parse((await _cap(seeded, "haze")).content)
    cleared = await _cap(seeded, "haze-cleared")

    root = assert_valid_cap(cleared.content)
    assert root.findtext("cap:msgType", namespaces=CAP) == "Cancel"
    assert root.findtext("cap:references", namespaces=CAP) == ",".join(
        (
            "pctt@hue.gov.vn",
            identifier_for(seeded_alert("haze")),
            haze.findtext("cap:sent", namespaces=CAP) or "",
        )
    )
    assert root.findtext("cap:info/cap:area/cap:circle", namespaces=CAP) == "16.4637,107.5909 2"
    assert root.findtext("cap:info/cap:responseType", namespaces=CAP) == "AllClear"


def test_the_schema_and_the_prose_rules_refuse_what_cap_forbids() -> None:
    good = (
        '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>{identifier}'
        "</identifier><sender>pctt@hue.gov.vn</sender><sent>{sent}</sent><status>Actual</status>"
        "<msgType>Alert</msgType><scope>Public</scope><info><category>Met</category>"
        "<event>Flood</event><urgency>Immediate</urgency><severity>Severe</severity>"
        "<certainty>Observed</certainty><area><areaDesc>Kim Long</areaDesc>"
        "<polygon>{polygon}</polygon></area></info></alert>"
    )
    fine = {
        "identifier": "hue-1",
        "sent": "2026-10-16T08:00:00+07:00",
        "polygon": "16.45,107.54 16.47,107.54 16.47,107.56 16.45,107.54",
    }
    assert_valid_cap(good.format(**fine).encode())
    # The XSD: a time without its offset.
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        SCHEMA.validate(good.format(**{**fine, "sent": "2026-10-16T08:00:00"}))
    # The prose: a comma in the identifier, an open ring, longitude first (108 > 90 is no latitude).
    for bad in (
        {"identifier": "hue,1"},
        {"polygon": "16.45,107.54 16.47,107.54 16.47,107.56 16.46,107.55"},
        {"polygon": "107.54,16.45 107.54,16.47 107.56,16.47 107.54,16.45"},
    ):
        with pytest.raises(AssertionError):
            assert_valid_cap(good.format(**{**fine, **bad}).encode())


@pytest.mark.parametrize("path", ["drill", "no-such-alert"])
async def test_exercises_have_no_public_document(seeded: Any, path: str) -> None:
    identifier = identifier_for(seeded_alert(path)) if path == "drill" else path
    response = await seeded.client.get(f"/cap/alerts/{identifier}.xml")
    assert response.status_code == 404


async def test_the_atom_feed_lists_what_is_in_force(seeded: Any) -> None:
    response = await seeded.client.get("/cap/alerts.atom")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/atom+xml"
    assert response.headers["cache-control"] == "public, max-age=60"
    root = _parse(response.content)
    links = [e.get("href") for e in root.findall("atom:entry/atom:link", ATOM)]
    flood = identifier_for(seeded_alert("flood-huong"))
    assert links == [f"http://citizen.test/cap/alerts/{flood}.xml"]  # the cancelled haze is gone
    linked = await seeded.client.get(str(links[0]).removeprefix("http://citizen.test"))
    assert_valid_cap(linked.content)


async def test_the_public_list_holds_real_issued_alerts_only(seeded: Any) -> None:
    in_force = (await ok(seeded, "Alerts", {}))["alerts"]["edges"]
    every = (await ok(seeded, "Alerts", {"active": False}))["alerts"]["edges"]
    flood, haze, cleared = (gid(seeded_alert(k)) for k in ("flood-huong", "haze", "haze-cleared"))

    assert [e["node"]["id"] for e in in_force] == [flood]
    assert [e["node"]["id"] for e in every] == [flood, cleared, haze]
    assert (
        in_force[0]["node"]["headline"] == "Cảnh báo lũ: sông Hương tại Kim Long vượt báo động II"
    )
    english = await seeded(OPERATIONS["Alerts"], {}, language="en")
    assert english["data"]["alerts"]["edges"][0]["node"]["event"] == "Flood on the Huong River"
    # The exercise covers Phú Hội, as the flood does; the public sees only the flood.
    assert [
        e["node"]["id"]
        for e in (await ok(seeded, "Alerts", {"ward": "phu-hoi"}))["alerts"]["edges"]
    ] == [flood]
    assert (await ok(seeded, "Alerts", {"ward": "truong-an"}))["alerts"]["edges"] == []
    in_kim_long = {"latitude": 16.46, "longitude": 107.55}
    in_truong_an = {"latitude": 16.44, "longitude": 107.59}
    assert len((await ok(seeded, "Alerts", {"near": in_kim_long}))["alerts"]["edges"]) == 1
    assert (await ok(seeded, "Alerts", {"near": in_truong_an}))["alerts"]["edges"] == []

    drill = gid(seeded_alert("drill"))
    assert (await ok(seeded, "Alert", {"id": drill}))["alert"] is None
    operator = await token_of(seeded, OPERATOR)
    seen = (await ok(seeded, "Alert", {"id": drill}, token=operator))["alert"]
    assert (seen["status"], seen["stage"]) == ("EXERCISE", "ISSUED")


async def test_the_public_list_is_cacheable_by_get(seeded: Any) -> None:
    digest = sha256(OPERATIONS["Alerts"])
    params = {
        "extensions": json.dumps({"persistedQuery": {"version": 1, "sha256Hash": digest}}),
        "operationName": "Alerts",
    }
    response = await seeded.client.get(
        "/graphql", params=params, headers={"Accept": "application/json"}
    )

    assert response.status_code == 200
    assert len(response.json()["data"]["alerts"]["edges"]) == 1
    assert response.headers["cache-control"] == "public, max-age=60"


async def test_the_public_list_is_one_statement_whatever_its_length(seeded: Any) -> None:
    seeded.sql.clear()
    await ok(seeded, "Alerts", {"active": False})
    everything = seeded.sql.count
    seeded.sql.clear()
    await ok(seeded, "Alerts", {"ward": "kim-long"})

    assert (everything, seeded.sql.count) == (1, 1)
