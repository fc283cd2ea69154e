"""Read a OneRoster 1.2 CSV bundle and check every row before anything is written: required
columns, duplicate sourcedIds, references to records that are not in the bundle, malformed
student identifiers and dates. Each refusal names its file and line."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from backend.errors import BadUserInput
from backend.identity.contacts import normalize_phone
from backend.schools.identifiers import STUDENT_IDENTIFIER

MAX_ROWS = 100_000
# File → the columns this import reads (others are allowed and ignored).
COLUMNS = {
    "orgs.csv": ("sourcedId", "status", "name", "type"),
    "academicSessions.csv": ("sourcedId", "status", "title", "type", "startDate", "endDate"),
    "classes.csv": ("sourcedId", "status", "title", "grades", "classType", "schoolSourcedId"),
    "users.csv": ("sourcedId", "status", "givenName", "familyName", "identifier", "phone"),
    "enrollments.csv": ("sourcedId", "status", "classSourcedId", "userSourcedId", "role"),
    "demographics.csv": ("sourcedId", "status", "birthDate"),
    # Grades, when the bundle has results.csv (`backend.schools.oneroster.results`).
    "categories.csv": ("sourcedId", "status", "title"),
    "lineItems.csv": ("sourcedId", "status", "title", "classSourcedId", "categorySourcedId"),
    "results.csv": (
        "sourcedId",
        "status",
        "lineItemSourcedId",
        "studentSourcedId",
        "scoreStatus",
        "score",
        "scoreDate",
    ),
}
TERM_TYPES = ("term", "semester")
# OneRoster grade codes used by Vietnamese schools: "01".."12".
GRADES = {f"{n:02d}": n for n in range(1, 13)}


@dataclass(frozen=True, slots=True)
class RowError:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}, line {self.line}: {self.message}"


@dataclass(frozen=True, slots=True)
class SessionRecord:
    sourced_id: str
    title: str
    school_year: str  # "2026-2027"
    starts_on: date
    ends_on: date


@dataclass(frozen=True, slots=True)
class ClassRecord:
    sourced_id: str
    title: str
    grade: int
    school_year: str


@dataclass(frozen=True, slots=True)
class StudentRecord:
    sourced_id: str
    identifier: str
    full_name: str
    born: date
    class_sourced_id: str | None
    grade: int
    guardians: tuple[tuple[str, str], ...]  # (phone, name)


@dataclass(slots=True)
class Bundle:
    school_sourced_id: str = ""
    sessions: list[SessionRecord] = field(default_factory=list)
    classes: list[ClassRecord] = field(default_factory=list)
    students: list[StudentRecord] = field(default_factory=list)
    class_ids: set[str] = field(default_factory=set)  # every class of classes.csv
    skipped: int = 0  # rows this import does not use (teachers, scheduled classes, deletions)
    errors: list[RowError] = field(default_factory=list)


class BundleError(ValueError):
    """The folder cannot be read as a bundle at all (a file missing, not UTF-8, no header)."""


def _rows(folder: Path, name: str) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        text = (folder / name).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BundleError(f"{name}: cannot read ({exc})") from exc
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS[name] if c not in (reader.fieldnames or [])]
    if missing:
        raise BundleError(f"{name}: missing columns {', '.join(missing)}")
    for count, row in enumerate(reader, start=1):
        if count > MAX_ROWS:
            raise BundleError(f"{name}: more than {MAX_ROWS} rows")
        yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}


def _unique(bundle: Bundle, name: str, seen: set[str], line: int, sourced_id: str) -> bool:
    if not sourced_id:
        bundle.errors.append(RowError(name, line, "sourcedId is empty"))
        return False
    if sourced_id in seen:
        bundle.errors.append(RowError(name, line, f"duplicate sourcedId {sourced_id!r}"))
        return False
    seen.add(sourced_id)
    return True


def _date(bundle: Bundle, name: str, line: int, column: str, raw: str) -> date | None:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        bundle.errors.append(RowError(name, line, f"{column} {raw!r} is not a date (YYYY-MM-DD)"))
        return None


def _school_year(ends: date) -> str:
    """A Vietnamese school year runs September to May: the year it starts, a dash, the next."""
    start = ends.year if ends.month >= 8 else ends.year - 1
    return f"{start}-{start + 1}"


def read_bundle(folder: Path) -> Bundle:
    """Every record this import uses, or the refusals of every bad row."""
    bundle = Bundle()
    _orgs(bundle, folder)
    years = _sessions(bundle, folder)
    _classes(bundle, folder, years)
    _students(bundle, folder)
    return bundle


def _active(bundle: Bundle, row: dict[str, str]) -> bool:
    if row["status"] == "tobedeleted":
        bundle.skipped += 1
        return False
    return True


def _orgs(bundle: Bundle, folder: Path) -> None:
    seen: set[str] = set()
    schools: list[str] = []
    for line, row in _rows(folder, "orgs.csv"):
        if _unique(bundle, "orgs.csv", seen, line, row["sourcedId"]) and row["type"] == "school":
            schools.append(row["sourcedId"])
    if len(schools) != 1:
        bundle.errors.append(
            RowError(
                "orgs.csv", 1, f"exactly one org of type school expected, {len(schools)} found"
            )
        )
    else:
        bundle.school_sourced_id = schools[0]


def _sessions(bundle: Bundle, folder: Path) -> dict[str, str]:
    """The terms; answers each term's school year by sourcedId."""
    seen: set[str] = set()
    years: dict[str, str] = {}
    name = "academicSessions.csv"
    for line, row in _rows(folder, name):
        if not _unique(bundle, name, seen, line, row["sourcedId"]) or not _active(bundle, row):
            continue
        starts = _date(bundle, name, line, "startDate", row["startDate"])
        ends = _date(bundle, name, line, "endDate", row["endDate"])
        if starts is None or ends is None:
            continue
        if ends < starts:
            bundle.errors.append(RowError(name, line, "endDate is before startDate"))
            continue
        years[row["sourcedId"]] = _school_year(ends)
        if row["type"] not in TERM_TYPES:
            continue  # school years and grading periods: only terms are kept
        if not row["title"] or len(row["title"]) > 100:
            bundle.errors.append(RowError(name, line, "title must have 1 to 100 characters"))
            continue
        bundle.sessions.append(
            SessionRecord(row["sourcedId"], row["title"], _school_year(ends), starts, ends)
        )
    return years


def _classes(bundle: Bundle, folder: Path, years: dict[str, str]) -> None:
    seen: set[str] = set()
    name = "classes.csv"
    for line, row in _rows(folder, name):
        bundle.class_ids.add(row["sourcedId"])
        if not _unique(bundle, name, seen, line, row["sourcedId"]) or not _active(bundle, row):
            continue
        if row["schoolSourcedId"] != bundle.school_sourced_id:
            bundle.errors.append(RowError(name, line, f"unknown school {row['schoolSourcedId']!r}"))
            continue
        if row["classType"] != "homeroom":
            bundle.skipped += 1  # scheduled (subject) classes are not homeroom classes
            continue
        grades = [GRADES.get(code.strip()) for code in row["grades"].split(",") if code.strip()]
        if len(grades) != 1 or grades[0] is None:
            bundle.errors.append(RowError(name, line, f"grades {row['grades']!r}: one of 01-12"))
            continue
        terms = [t.strip() for t in row.get("termSourcedIds", "").split(",") if t.strip()]
        unknown = [t for t in terms if t not in years]
        if not terms or unknown:
            bundle.errors.append(
                RowError(name, line, f"unknown term {(unknown or [''])[0]!r} in termSourcedIds")
            )
            continue
        if not row["title"] or len(row["title"]) > 40:
            bundle.errors.append(RowError(name, line, "title must have 1 to 40 characters"))
            continue
        bundle.classes.append(
            ClassRecord(row["sourcedId"], row["title"], grades[0], years[terms[0]])
        )


def _students(bundle: Bundle, folder: Path) -> None:
    users: dict[str, tuple[int, dict[str, str]]] = {}
    seen: set[str] = set()
    for line, row in _rows(folder, "users.csv"):
        if _unique(bundle, "users.csv", seen, line, row["sourcedId"]):
            users[row["sourcedId"]] = (line, row)
    born: dict[str, tuple[int, str]] = {}
    seen = set()
    for line, row in _rows(folder, "demographics.csv"):
        if _unique(bundle, "demographics.csv", seen, line, row["sourcedId"]):
            born[row["sourcedId"]] = (line, row["birthDate"])
    homeroom = {record.sourced_id: record for record in bundle.classes}
    placed: dict[str, str] = {}
    seen = set()
    name = "enrollments.csv"
    for line, row in _rows(folder, name):
        if not _unique(bundle, name, seen, line, row["sourcedId"]) or not _active(bundle, row):
            continue
        if row["userSourcedId"] not in users:
            bundle.errors.append(RowError(name, line, f"unknown user {row['userSourcedId']!r}"))
        elif row["role"] != "student":
            bundle.skipped += 1  # teachers' enrolments: staff are given roles in the app
        elif row["classSourcedId"] in homeroom:
            if row["userSourcedId"] in placed:
                bundle.errors.append(RowError(name, line, "a second homeroom class"))
            placed[row["userSourcedId"]] = row["classSourcedId"]
        elif row["classSourcedId"] not in bundle.class_ids:
            bundle.errors.append(RowError(name, line, f"unknown class {row['classSourcedId']!r}"))
        else:
            bundle.skipped += 1
    identifiers: set[str] = set()
    for sourced_id, klass in placed.items():
        line, row = users[sourced_id]
        if not _active(bundle, row):
            continue
        identifier = row["identifier"].replace(" ", "")
        if not STUDENT_IDENTIFIER.fullmatch(identifier) or not identifier.isascii():
            bundle.errors.append(
                RowError("users.csv", line, f"identifier {row['identifier']!r}: 12 digits")
            )
            continue
        if identifier in identifiers:
            bundle.errors.append(RowError("users.csv", line, f"identifier {identifier} twice"))
            continue
        identifiers.add(identifier)
        if sourced_id not in born:
            bundle.errors.append(RowError("users.csv", line, "no birthDate in demographics.csv"))
            continue
        birth_line, raw = born[sourced_id]
        birth = _date(bundle, "demographics.csv", birth_line, "birthDate", raw)
        guardians = _guardians(bundle, users, line, row)
        full_name = " ".join(f"{row['familyName']} {row['givenName']}".split())
        if birth is None or guardians is None:
            continue
        if not full_name or len(full_name) > 120:
            bundle.errors.append(RowError("users.csv", line, "name must have 1 to 120 characters"))
            continue
        bundle.students.append(
            StudentRecord(
                sourced_id,
                identifier,
                full_name,
                birth,
                klass,
                homeroom[klass].grade,
                guardians,
            )
        )


def _guardians(
    bundle: Bundle, users: dict[str, tuple[int, dict[str, str]]], line: int, row: dict[str, str]
) -> tuple[tuple[str, str], ...] | None:
    found: list[tuple[str, str]] = []
    for agent in (a.strip() for a in row.get("agentSourcedIds", "").split(",") if a.strip()):
        if agent not in users:
            bundle.errors.append(RowError("users.csv", line, f"unknown agent {agent!r}"))
            return None
        agent_line, guardian = users[agent]
        try:
            phone = normalize_phone(guardian["phone"] or guardian.get("sms", ""))
        except BadUserInput:
            bundle.errors.append(RowError("users.csv", agent_line, "phone is not a phone number"))
            return None
        name = " ".join(f"{guardian['familyName']} {guardian['givenName']}".split())
        found.append((phone, name[:120]))
    return tuple(dict.fromkeys(found))
