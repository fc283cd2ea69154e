"""Read the grades of a OneRoster bundle: categories.csv names the assessment kinds, each
lineItems.csv row is one assessment of a subject class in a term, each results.csv row a
student's score on it. Only fully graded results are kept (others are counted as not used);
every refusal names its file and line, like the rest of the bundle."""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from backend.schools.grades import MAX_COMMENT, MAX_TEXT, ONCE_PER_TERM, on_scale
from backend.schools.models import AssessmentType
from backend.schools.oneroster.reading import Bundle, RowError, _active, _date, _rows, _unique

RESULTS_FILE = "results.csv"
GRADED = "fully graded"
# Category titles as Vietnamese gradebooks write them (and our own codes), by kind.
ALIASES = {
    AssessmentType.ORAL: ("oral", "miệng", "kiểm tra miệng"),
    AssessmentType.FIFTEEN_MINUTES: ("fifteen_minutes", "15 phút", "kiểm tra 15 phút"),
    AssessmentType.ONE_PERIOD: ("one_period", "1 tiết", "kiểm tra 1 tiết"),
    AssessmentType.MIDTERM: ("midterm", "giữa kỳ", "giữa học kỳ", "kiểm tra giữa kỳ"),
    AssessmentType.SEMESTER: ("semester", "cuối kỳ", "cuối học kỳ", "kiểm tra cuối kỳ"),
}


def _key(title: str) -> str:
    return unicodedata.normalize("NFC", " ".join(title.split())).casefold()


KINDS = {_key(alias): kind for kind, aliases in ALIASES.items() for alias in aliases}


@dataclass(frozen=True, slots=True)
class LineItem:
    term_sourced_id: str
    subject_code: str
    subject_line: int  # the line of its class in classes.csv
    kind: AssessmentType


@dataclass(frozen=True, slots=True)
class ResultRecord:
    sourced_id: str
    student_sourced_id: str
    term_sourced_id: str
    subject_code: str
    subject_line: int
    kind: AssessmentType
    score: float | None
    text_score: str | None
    comment: str | None
    assessed_on: date


def has_results(folder: Path) -> bool:
    return (folder / RESULTS_FILE).exists()


def read_results(folder: Path, bundle: Bundle) -> list[ResultRecord]:
    """The fully graded results of the bundle's students; refusals go to `bundle.errors`."""
    kinds = _categories(bundle, folder)
    subjects = _subject_classes(folder)
    items = _line_items(bundle, folder, kinds, subjects)
    students = {student.sourced_id for student in bundle.students}
    return _results(bundle, folder, items, students)


def _categories(bundle: Bundle, folder: Path) -> dict[str, AssessmentType]:
    seen: set[str] = set()
    found: dict[str, AssessmentType] = {}
    name = "categories.csv"
    for line, row in _rows(folder, name):
        if not _unique(bundle, name, seen, line, row["sourcedId"]) or not _active(bundle, row):
            continue
        kind = KINDS.get(_key(row["title"]))
        if kind is None:
            bundle.errors.append(
                RowError(name, line, f"title {row['title']!r}: not a kind of assessment")
            )
            continue
        found[row["sourcedId"]] = kind
    return found


def _subject_classes(folder: Path) -> dict[str, tuple[int, list[str]]]:
    """Each class's line and subject codes (classes.csv was checked by the roster reader)."""
    return {
        row["sourcedId"]: (
            line,
            [c.strip() for c in row.get("subjectCodes", "").split(",") if c.strip()],
        )
        for line, row in _rows(folder, "classes.csv")
    }


def _line_items(
    bundle: Bundle,
    folder: Path,
    kinds: dict[str, AssessmentType],
    subjects: dict[str, tuple[int, list[str]]],
) -> dict[str, LineItem]:
    terms = {session.sourced_id for session in bundle.sessions}
    seen: set[str] = set()
    found: dict[str, LineItem] = {}
    name = "lineItems.csv"
    for line, row in _rows(folder, name):
        if not _unique(bundle, name, seen, line, row["sourcedId"]) or not _active(bundle, row):
            continue
        # OneRoster 1.2 names it academicSessionSourcedId; 1.1 gradingPeriodSourcedId.
        term = row.get("academicSessionSourcedId") or row.get("gradingPeriodSourcedId", "")
        error = None
        if row["classSourcedId"] not in subjects:
            error = f"unknown class {row['classSourcedId']!r}"
        elif len(subjects[row["classSourcedId"]][1]) != 1:
            error = f"class {row['classSourcedId']!r} needs exactly one subjectCode"
        elif row["categorySourcedId"] not in kinds:
            error = f"unknown category {row['categorySourcedId']!r}"
        elif term not in terms:
            error = f"unknown term {term!r}"
        elif row.get("resultValueMax", "") not in ("", "10", "10.0"):
            error = "resultValueMax must be 10: scores are out of 10"
        if error is not None:
            bundle.errors.append(RowError(name, line, error))
            continue
        class_line, codes = subjects[row["classSourcedId"]]
        found[row["sourcedId"]] = LineItem(
            term, codes[0], class_line, kinds[row["categorySourcedId"]]
        )
    return found


def _results(
    bundle: Bundle, folder: Path, items: dict[str, LineItem], students: set[str]
) -> list[ResultRecord]:
    seen: set[str] = set()
    graded: set[tuple[str, str]] = set()
    # A mid-term or semester grade is given once per subject and term.
    once: set[tuple[tuple[str, str, str], AssessmentType]] = set()
    found: list[ResultRecord] = []
    name = RESULTS_FILE
    for line, row in _rows(folder, name):
        if not _unique(bundle, name, seen, line, row["sourcedId"]) or not _active(bundle, row):
            continue
        item = items.get(row["lineItemSourcedId"])
        if item is None:
            bundle.errors.append(
                RowError(name, line, f"unknown lineItem {row['lineItemSourcedId']!r}")
            )
            continue
        if row["studentSourcedId"] not in students:
            bundle.errors.append(
                RowError(name, line, f"unknown student {row['studentSourcedId']!r}")
            )
            continue
        if row["scoreStatus"] != GRADED:
            bundle.skipped += 1  # not submitted, exempt, partially graded: no grade yet
            continue
        pair = (row["studentSourcedId"], row["lineItemSourcedId"])
        if pair in graded:
            bundle.errors.append(RowError(name, line, "a second result for the lineItem"))
            continue
        graded.add(pair)
        record = _record(bundle, line, row, item)
        if record is None:
            continue
        if record.kind in ONCE_PER_TERM:
            key = (record.student_sourced_id, record.term_sourced_id, record.subject_code)
            if (key, record.kind) in once:
                bundle.errors.append(
                    RowError(name, line, f"a second {record.kind.value} grade of the subject")
                )
                continue
            once.add((key, record.kind))
        found.append(record)
    return found


def _record(bundle: Bundle, line: int, row: dict[str, str], item: LineItem) -> ResultRecord | None:
    name = RESULTS_FILE
    text = " ".join(row.get("textScore", "").split()) or None
    comment = row.get("comment", "").strip() or None
    score: float | None = None
    if row["score"]:
        try:
            score = float(row["score"])
        except ValueError:
            score = math.nan
        if not on_scale(score):
            bundle.errors.append(
                RowError(name, line, f"score {row['score']!r}: 0 to 10, two decimals at most")
            )
            return None
    if score is None and text is None:
        bundle.errors.append(RowError(name, line, "neither score nor textScore"))
        return None
    if (text is not None and len(text) > MAX_TEXT) or (
        comment is not None and len(comment) > MAX_COMMENT
    ):
        bundle.errors.append(
            RowError(name, line, f"textScore up to {MAX_TEXT}, comment up to {MAX_COMMENT}")
        )
        return None
    assessed_on = _date(bundle, name, line, "scoreDate", row["scoreDate"])
    if assessed_on is None:
        return None
    return ResultRecord(
        sourced_id=row["sourcedId"],
        student_sourced_id=row["studentSourcedId"],
        term_sourced_id=item.term_sourced_id,
        subject_code=item.subject_code,
        subject_line=item.subject_line,
        kind=item.kind,
        score=None if score is None else round(score, 2),
        text_score=text,
        comment=comment,
        assessed_on=assessed_on,
    )
