"""`citizen import attractions FILE`: attractions from GeoJSON or CSV, every row checked first.

A row is reported by its line in the file with the reason; when any row is bad nothing is
written unless bad rows are to be skipped. Rows are matched to stored attractions by slug, so
importing the same file twice changes nothing the second time.

CSV columns: slug, category, name_<lang> and description_<lang> (vi and en required; fr, ko,
zh, ja optional), address, latitude, longitude, opening_hours, free (true/false),
alternate_names and available_languages and machine_translated ("|"-separated), parent (the
slug of the site it is part of). GeoJSON: a FeatureCollection of Point features whose
properties use the same names (or `name`/`description` objects keyed by language).
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import BadUserInput, DomainError
from backend.i18n import Locale, translate
from backend.tourism.drafts import AttractionDraft, CheckedAttraction, check_attraction
from backend.tourism.editing import apply_attraction
from backend.tourism.models import Attraction, AttractionCategory

TRUE = {"true", "yes", "1", "x"}
FALSE = {"false", "no", "0", ""}
MAX_ROWS = 100_000


@dataclass(frozen=True, slots=True)
class Record:
    """One row of the file: its line (1-based) and its values."""

    line: int
    values: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Problem:
    line: int
    reason: str


@dataclass(slots=True)
class Report:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not CSV or GeoJSON, not UTF-8, too many rows)."""


def read_records(path: Path) -> list[Record]:
    """The file's rows; GeoJSON by its extension (.geojson, .json), CSV otherwise."""
    try:
        content = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{path}: not UTF-8 text") from exc
    geojson = path.suffix.lower() in {".geojson", ".json"}
    records = list(_geojson_records(content) if geojson else _csv_records(content))
    if len(records) > MAX_ROWS:
        raise ImportFileError(f"{path}: more than {MAX_ROWS} rows")
    return records


def _csv_records(content: str) -> Iterator[Record]:
    reader = csv.DictReader(io.StringIO(content, newline=""))
    if reader.fieldnames is None:
        return
    line = reader.line_num + 1
    for row in reader:
        yield Record(line, {key: value for key, value in row.items() if key is not None})
        line = reader.line_num + 1


def _geojson_records(content: str) -> Iterator[Record]:
    """Each feature with the line it starts on (decoded one by one to know where each is)."""
    try:
        document = json.loads(content)
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"not JSON: {exc}") from exc
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise ImportFileError("GeoJSON must be a FeatureCollection")
    start = content.find("[", content.find('"features"'))
    decoder = json.JSONDecoder()
    position = start + 1
    for feature in document.get("features") or []:
        while content[position] in " \t\r\n,":
            position += 1
        _, end = decoder.raw_decode(content, position)
        line = content.count("\n", 0, position) + 1
        position = end
        yield Record(line, _feature_values(feature))


def _feature_values(feature: Any) -> dict[str, Any]:
    if not isinstance(feature, dict):
        return {"_problem": "a feature must be an object"}
    values: dict[str, Any] = dict(feature.get("properties") or {})
    geometry = feature.get("geometry") or {}
    coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if geometry.get("type") != "Point" or not isinstance(coordinates, list | tuple):
        values["_problem"] = "the geometry must be a Point"
        return values
    if len(coordinates) >= 2:
        values["longitude"], values["latitude"] = coordinates[0], coordinates[1]
    for name in ("name", "description", "accessibility"):
        texts = values.pop(name, None)
        if isinstance(texts, dict):
            values.update({f"{name}_{code}": text for code, text in texts.items()})
    return values


def draft_of(record: Record, parents: Mapping[str, uuid.UUID]) -> AttractionDraft:
    """The draft a row describes; a missing or malformed value is BAD_USER_INPUT."""
    values = record.values
    if "_problem" in values:
        raise BadUserInput("tourism.import_row_invalid", field=str(values["_problem"]))
    parent_slug = _text(values, "parent")
    if parent_slug and parent_slug not in parents:
        raise BadUserInput("not_found", field="parent", what=parent_slug)
    return AttractionDraft(
        slug=_required(values, "slug"),
        category=_category(_required(values, "category")),
        name=_languages(values, "name"),
        description=_languages(values, "description"),
        address=_required(values, "address"),
        latitude=_number(values, "latitude"),
        longitude=_number(values, "longitude"),
        is_accessible_for_free=_flag(values, "free"),
        alternate_names=_list(values, "alternate_names"),
        opening_hours=_text(values, "opening_hours") or None,
        available_languages=_list(values, "available_languages"),
        accessibility=_languages(values, "accessibility") or None,
        machine_translated=_list(values, "machine_translated"),
        parent_id=parents[parent_slug] if parent_slug else None,
    )


def _text(values: Mapping[str, Any], name: str) -> str:
    value = values.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        return "|".join(str(item) for item in value)
    return str(value).strip()


def _required(values: Mapping[str, Any], name: str) -> str:
    value = _text(values, name)
    if not value:
        raise BadUserInput("input.required", field=name)
    return value


def _number(values: Mapping[str, Any], name: str) -> float:
    try:
        return float(_required(values, name))
    except ValueError as exc:
        raise BadUserInput("input.coordinates", field=name) from exc


def _flag(values: Mapping[str, Any], name: str) -> bool:
    value = _text(values, name).lower()
    if value not in TRUE | FALSE:
        raise BadUserInput("input.invalid", field=name)
    return value in TRUE


def _list(values: Mapping[str, Any], name: str) -> list[str]:
    return [item.strip() for item in _text(values, name).split("|") if item.strip()]


def _category(value: str) -> AttractionCategory:
    try:
        return AttractionCategory(value.lower())
    except ValueError as exc:
        raise BadUserInput("input.invalid", field="category") from exc


def _languages(values: Mapping[str, Any], name: str) -> dict[str, str]:
    return {
        locale.value: _text(values, f"{name}_{locale.value}")
        for locale in Locale
        if f"{name}_{locale.value}" in values
    }


def reason(error: DomainError) -> str:
    """A refusal as an English sentence naming the column."""
    text = translate(error.message_key, Locale.EN, field=error.field or "", **error.params)
    return f"{error.field}: {text}" if error.field else text


async def import_attractions(
    session: AsyncSession,
    records: list[Record],
    *,
    skip_invalid: bool,
    now: datetime,
    progress: Callable[[int], None] = lambda _: None,
) -> Report:
    """Check every row, then (when all are good, or bad ones are skipped) upsert by slug and
    flush; the caller commits. `progress(n)` is told of each row checked and each row written."""
    report = Report()
    stored = {
        slug: row_id
        for slug, row_id in (await session.execute(select(Attraction.slug, Attraction.id))).all()
    }
    in_file = {
        str(record.values.get("slug", "")).strip(): uuid.uuid4()
        for record in records
        if str(record.values.get("slug", "")).strip()
    }
    parents = {**in_file, **stored}
    good: list[tuple[Record, CheckedAttraction]] = []
    seen: dict[str, int] = {}
    for record in records:
        try:
            checked = check_attraction(draft_of(record, parents), at="row")
            slug = checked.draft.slug
            if slug in seen:
                raise BadUserInput("tourism.slug_taken", field="slug")
            seen[slug] = record.line
            good.append((record, checked))
        except DomainError as error:
            report.problems.append(Problem(record.line, reason(error).replace("row.", "")))
        progress(1)
    if report.problems and not skip_invalid:
        return report
    await _write(session, good, parents, report, now, progress)
    return report


async def _write(
    session: AsyncSession,
    good: list[tuple[Record, CheckedAttraction]],
    ids: Mapping[str, uuid.UUID],
    report: Report,
    now: datetime,
    progress: Callable[[int], None],
) -> None:
    existing = {
        row.slug: row
        for row in (
            await session.scalars(
                select(Attraction).where(Attraction.slug.in_([c.draft.slug for _, c in good]))
            )
        ).all()
    }
    # Rows first, parents after: a site's parent may come later in the file.
    for _, checked in good:
        row = existing.get(checked.draft.slug)
        if row is None:
            row = Attraction(
                id=ids[checked.draft.slug], published=True, place_id=None, created_at=now
            )
            apply_attraction(row, checked)
            row.parent_id = None
            session.add(row)
            existing[checked.draft.slug] = row
            report.created += 1
        else:
            before = _content(row)
            photos, audio = row.photos, row.audio_guides
            apply_attraction(row, checked)
            # A file without photos or audio guides keeps the ones stored.
            row.photos = checked.photos or photos
            row.audio_guides = checked.audio_guides or audio
            if _content(row) == before:
                report.unchanged += 1
            else:
                report.updated += 1
        progress(1)
    await session.flush()
    for _, checked in good:
        existing[checked.draft.slug].parent_id = checked.draft.parent_id
    await session.flush()


def _content(row: Attraction) -> tuple[Any, ...]:
    return (
        row.category,
        row.name.as_json(),
        row.description.as_json(),
        row.address,
        (round(row.location.x, 7), round(row.location.y, 7)),
        row.opening_hours,
        row.is_accessible_for_free,
        row.alternate_names,
        row.available_languages,
        None if row.accessibility is None else row.accessibility.as_json(),
        row.machine_translated,
        row.parent_id,
        row.photos,
        row.audio_guides,
    )
