"""The words of published attractions and events (`backend.tourism.words`): kept in step with
their rows at every flush, and read to rank a search.

Ranking (`best_matches`) takes the query's words from the rarest to the most common. A word's
rows are all scored when it is rare; when it is common, its rows holding every remaining query
word at their best are read in id order first, and that is enough when they fill the window.
The last, most common word only adds rows holding none of the others, in id order per matched
vocabulary word. So a common word ("lăng") is never read beyond the window, whatever its size.
"""

from __future__ import annotations

import functools
import operator
import uuid
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Connection,
    Float,
    Integer,
    Numeric,
    String,
    bindparam,
    case,
    cast,
    delete,
    exists,
    func,
    insert,
    inspect,
    literal,
    not_,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Select

from backend.db import text_search
from backend.db.prepared import Prepared, one_of
from backend.tourism import words
from backend.tourism.models import (
    Attraction,
    AttractionCategory,
    AttractionWord,
    Event,
    EventWord,
    SearchWord,
)
from backend.tourism.words import Score

Kind = Literal["attraction", "event"]
TABLES: dict[Kind, type[AttractionWord] | type[EventWord]] = {
    "attraction": AttractionWord,
    "event": EventWord,
}
# A query word held by more rows than this is read in id order, not scored row by row.
COMMON_ROWS = 1000


def _target(table: type[AttractionWord] | type[EventWord]) -> Any:
    return AttractionWord.attraction_id if table is AttractionWord else EventWord.event_id


def _overlaps(column: Any, name: str, dialect: str) -> ColumnElement[bool]:
    """The row's word ids share one with the ids bound as `name`."""
    if dialect == "postgresql":
        overlap: ColumnElement[bool] = column.op("&&", return_type=Boolean())(
            bindparam(name, type_=postgresql.ARRAY(postgresql.INTEGER))
        )
        return overlap
    each = func.json_each(column).table_valued("value").alias()
    held = each.c.value.in_(bindparam(name, expanding=True))
    return exists(select(literal(1)).select_from(each).where(held))


# ---- reading: prepared statements (`backend.db.prepared`), one per shape ------------------

# The vocabulary lookup: exact words (None), or the typos, prefixes and trigram neighbours of
# the typed words that are not words (for each, whether it is long enough for a prefix).
VocabularyShape = tuple[Kind, tuple[bool, ...] | None]


def _vocabulary_statement(shape: VocabularyShape, dialect: str) -> Select[*tuple[Any, ...]]:
    kind, missing = shape
    counted = SearchWord.attraction_rows if kind == "attraction" else SearchWord.event_rows
    columns = (SearchWord.id, SearchWord.word, counted)
    if missing is None:
        return select(*columns).where(one_of(SearchWord.word, "typed", String(), dialect))
    clauses = [one_of(SearchWord.word, "variants", String(), dialect)]
    for i, by_prefix in enumerate(missing):
        if by_prefix:
            clauses.append(SearchWord.word.like(bindparam(f"prefix_{i}", type_=String())))
        clauses.append(
            _trigram_near(SearchWord.word, bindparam(f"missing_{i}", type_=String()), dialect)
        )
    return select(*columns).where(or_(*clauses))


_VOCABULARY: Prepared[VocabularyShape] = Prepared(_vocabulary_statement)


async def _vocabulary(
    session: AsyncSession, kind: Kind, typed: Sequence[str]
) -> dict[int, tuple[str, int]]:
    """{id: (word, rows of `kind` holding it)} of the
    vocabulary words any of `typed` may stand for (`words.is_candidate`): exact words first;
    only typed words that are not words are looked up by typo, prefix and trigrams."""
    exact = await _VOCABULARY.rows(session, (kind, None), {"typed": list(typed)})
    found = {word_id: (word, rows) for word_id, word, rows in exact}
    known = {word for word, _ in found.values()}
    missing = [word for word in typed if word not in known]
    if not missing:
        return found
    values: dict[str, Any] = {
        "variants": sorted(set().union(*(words.one_typo_variants(word) for word in missing)))
    }
    for i, word in enumerate(missing):
        values[f"missing_{i}"] = word
        values[f"prefix_{i}"] = word + "%"
    shape = (kind, tuple(len(word) >= words.PREFIX_MIN_LENGTH for word in missing))
    for word_id, word, rows in await _VOCABULARY.rows(session, shape, values):
        found[word_id] = (word, rows)
    return found


def _trigram_near(column: Any, word: Any, dialect: str) -> ColumnElement[bool]:
    """pg_trgm's `%` (similarity ≥ 0.3, the vocabulary's trigram index) or its SQLite twin."""
    if dialect == "postgresql":
        near: ColumnElement[bool] = column.op("%", return_type=Boolean())(word)
        return near
    return func.citizen_similarity(column, word) >= words.TRIGRAM_CANDIDATE


async def wanted_words(
    session: AsyncSession, kind: Kind, query: str
) -> tuple[list[dict[int, float]], dict[int, int]]:
    """For each word of the query, {vocabulary word id: quality} it stands for (maybe none);
    and the rows of `kind` holding each of those words (`SearchWord.attraction_rows`)."""
    typed = words.query_words(query)
    if not typed:
        return [], {}
    vocabulary = await _vocabulary(session, kind, typed)
    wanted = [
        words.alternatives(
            word, {i: v for i, (v, _) in vocabulary.items() if words.is_candidate(word, v)}
        )
        for word in typed
    ]
    return wanted, {word_id: rows for word_id, (_, rows) in vocabulary.items()}


# A scan of the rows holding some words: its kind; the alternatives per matched query word
# when ranked by `Score` in SQL (else None: in id order); whether it leaves out rows holding
# words already read; how many other query words each row must hold; whether by category.
ScanShape = tuple[Kind, tuple[int, ...] | None, bool, int, bool]


def _scan_statement(shape: ScanShape, dialect: str) -> Select[*tuple[Any, ...]]:
    kind, scored, without, holding, by_category = shape
    table = TABLES[kind]
    target = _target(table)
    # One word read in id order is an equality: the index then hands its rows over in id
    # order and the scan stops at the window (`= ANY(array)` would read them all and sort).
    holds = (
        one_of(table.word_id, "word_ids", Integer(), dialect)
        if scored is not None
        else table.word_id == bindparam("word_id", type_=Integer())
    )
    statement = select(target, table.words).where(holds)
    if without:
        statement = statement.where(not_(_overlaps(table.words, "without", dialect)))
    for i in range(holding):
        statement = statement.where(_overlaps(table.words, f"holding_{i}", dialect))
    if by_category:
        statement = statement.join(Attraction, Attraction.id == target).where(
            Attraction.category == bindparam("category", type_=Attraction.category.type)
        )
    limit = bindparam("limit", type_=Integer())
    if scored is None:
        return statement.order_by(target).limit(limit)
    held, quality = _score_columns(table, scored, dialect)
    return statement.order_by(held.desc(), quality.desc(), target).limit(limit)


_SCAN: Prepared[ScanShape] = Prepared(_scan_statement)


def _score_columns(
    table: type[AttractionWord] | type[EventWord], scored: Sequence[int], dialect: str
) -> tuple[ColumnElement[int], ColumnElement[Any]]:
    """`Score` in SQL: query words held, and the sum of their best qualities (rounded as
    `Score` rounds, so both order ties alike). Query word i's alternatives are bound as
    `word_i_j` (ids) and `quality_i_j`, best first."""
    held: list[ColumnElement[int]] = []
    qualities: list[ColumnElement[float]] = []
    for i, count in enumerate(scored):
        best = case(
            *[
                (
                    _overlaps(table.words, f"word_{i}_{j}", dialect),
                    bindparam(f"quality_{i}_{j}", type_=Float()),
                )
                for j in range(count)
            ],
            else_=literal(0.0),
        )
        qualities.append(best)
        held.append(case((best > 0, literal(1)), else_=literal(0)))
    return (
        functools.reduce(operator.add, held),
        func.round(cast(functools.reduce(operator.add, qualities), Numeric()), 6),
    )


async def _scan(
    session: AsyncSession,
    kind: Kind,
    word_ids: Sequence[int],
    *,
    without: Sequence[int],
    holding: Sequence[Sequence[int]] = (),
    scored: Sequence[dict[int, float]] | None = None,
    category: AttractionCategory | None,
) -> Sequence[Sequence[Any]]:
    """(id, word ids) of the first window of rows holding any of `word_ids` (and none of
    `without`, and one of each of `holding`): best by `scored` first, else in id order."""
    values: dict[str, Any] = {"limit": text_search.RELEVANCE_WINDOW}
    if scored is None:
        (values["word_id"],) = word_ids
    else:
        values["word_ids"] = list(word_ids)
    if without:
        values["without"] = list(without)
    if category is not None:
        values["category"] = category
    for i, ids in enumerate(holding):
        values[f"holding_{i}"] = list(ids)
    for i, alternatives in enumerate(scored or ()):
        ranked = sorted(alternatives.items(), key=lambda item: -item[1])
        for j, (word_id, q) in enumerate(ranked):
            values[f"word_{i}_{j}"] = [word_id]
            values[f"quality_{i}_{j}"] = q
    shape = (
        kind,
        None if scored is None else tuple(len(a) for a in scored),
        bool(without),
        len(holding),
        category is not None,
    )
    return await _SCAN.rows(session, shape, values)


async def best_matches(
    session: AsyncSession, kind: Kind, query: str, *, category: AttractionCategory | None = None
) -> list[tuple[uuid.UUID, float]]:
    """(id, distance) of the `RELEVANCE_WINDOW` published rows of `kind` matching `query` best:
    most query words held, then best matched, then by id."""
    wanted, rows_holding = await wanted_words(session, kind, query)
    matched = [alternatives for alternatives in wanted if alternatives]
    if not matched:
        return []
    window = text_search.RELEVANCE_WINDOW
    sizes = [sum(rows_holding[word_id] for word_id in alternatives) for alternatives in matched]
    order = sorted(range(len(matched)), key=lambda i: (sizes[i], i))
    found: dict[uuid.UUID, Score] = {}
    score = Score.scorer(matched)

    def add(rows: Iterable[Sequence[Any]]) -> None:
        for target, row_words in rows:
            found[target] = score(row_words)

    def best() -> list[tuple[uuid.UUID, Score]]:
        return sorted(
            found.items(), key=lambda item: (-item[1].matched, -item[1].quality, item[0])
        )[:window]

    seen: list[int] = []  # vocabulary words of query words already read: their rows are scored
    for stage, index in enumerate(order):
        remaining = [matched[i] for i in order[stage:]]
        # The best any row not read yet can do: it holds none of the words read so far.
        ceiling = Score(len(remaining), round(sum(max(a.values()) for a in remaining), 6))
        top = best()
        if len(top) == window and top[-1][1] > ceiling:
            break
        alternatives = matched[index]
        if stage == len(order) - 1:
            # Rows holding only this query word: by the quality of the word they hold, then id.
            for word_id in sorted(alternatives, key=lambda i: -alternatives[i]):
                add(await _scan(session, kind, [word_id], without=seen, category=category))
            break
        if sizes[index] > COMMON_ROWS and await _filled_at_ceiling(
            session, kind, remaining, without=seen, category=category, add=add
        ):
            break
        # Every row of this word is scored, in SQL: only the best window travels.
        add(
            await _scan(
                session, kind, list(alternatives), without=seen, scored=matched, category=category
            )
        )
        seen += list(alternatives)
    words_typed = len(wanted)
    return [(target, score.distance(words_typed)) for target, score in best()]


async def _filled_at_ceiling(
    session: AsyncSession,
    kind: Kind,
    remaining: Sequence[dict[int, float]],
    *,
    without: Sequence[int],
    category: AttractionCategory | None,
    add: Any,
) -> bool:
    """Read, in id order, the first window of rows holding every remaining word at its best;
    True when they fill the window (no row read later can rank above them)."""
    driver, *others = remaining
    top = max(driver.values())
    driving = [word_id for word_id, q in driver.items() if q == top]
    if len(driving) > 1:
        return False
    holding = [[i for i, q in other.items() if q == max(other.values())] for other in others]
    rows = await _scan(session, kind, driving, without=without, holding=holding, category=category)
    if len(rows) < text_search.RELEVANCE_WINDOW:
        return False
    add(rows)
    return True


# ---- writing: kept in step with the rows at every flush ------------------------------------


def _word_ids(connection: Connection, found: Sequence[str]) -> dict[str, int]:
    dialect = connection.dialect.name
    make = postgresql.insert if dialect == "postgresql" else sqlite.insert
    connection.execute(
        make(SearchWord).values([{"word": word} for word in found]).on_conflict_do_nothing()
    )
    rows = connection.execute(
        select(SearchWord.word, SearchWord.id).where(SearchWord.word.in_(found))
    )
    return dict(rows.all())


def reindex(connection: Connection, row: Attraction | Event) -> None:
    """Replace the words kept for `row`: its search text's words when published, else none."""
    table = AttractionWord if isinstance(row, Attraction) else EventWord
    target = _target(table)
    counted = SearchWord.attraction_rows if table is AttractionWord else SearchWord.event_rows
    held = select(table.word_id).where(target == row.id).scalar_subquery()
    connection.execute(
        update(SearchWord).where(SearchWord.id.in_(held)).values({counted.key: counted - 1})
    )
    connection.execute(delete(table).where(target == row.id))
    found = words.words_of(row.search_text) if row.published else []
    if not found:
        return
    ids = _word_ids(connection, found)
    every = sorted(ids[word] for word in found)
    connection.execute(
        insert(table),
        [{target.key: row.id, "word_id": word_id, "words": every} for word_id in every],
    )
    connection.execute(
        update(SearchWord).where(SearchWord.id.in_(every)).values({counted.key: counted + 1})
    )


def reindex_flushed(session: Session) -> None:
    """Reindex the attractions and events of a flush whose search text or publication changed
    (called by the flush hook of `backend.tourism.models`)."""
    changed = [
        row
        for row in (*session.new, *session.dirty)
        if isinstance(row, Attraction | Event) and _search_changed(session, row)
    ]
    if changed:
        connection = session.connection()
        for row in changed:
            reindex(connection, row)


def _search_changed(session: Session, row: Attraction | Event) -> bool:
    if row in session.new:
        return True
    state: Any = inspect(row)
    return any(state.attrs[name].history.has_changes() for name in ("search_text", "published"))
