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
    Numeric,
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
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Select

from backend.db import text_search
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


def _overlaps(column: Any, ids: Sequence[int], dialect: str) -> ColumnElement[bool]:
    """The row's word ids share one with `ids`."""
    if dialect == "postgresql":
        overlap: ColumnElement[bool] = column.op("&&", return_type=Boolean())(
            literal(list(ids), postgresql.ARRAY(postgresql.INTEGER))
        )
        return overlap
    each = func.json_each(column).table_valued("value").alias()
    return exists(select(literal(1)).select_from(each).where(each.c.value.in_(list(ids))))


# ---- reading ------------------------------------------------------------------------------


async def _vocabulary(
    session: AsyncSession, table: type[AttractionWord] | type[EventWord], typed: Sequence[str]
) -> dict[int, tuple[str, int]]:
    """{id: (word, rows of `table` holding it, counted up to just past `COMMON_ROWS`)} of the
    vocabulary words any of `typed` may stand for (`words.is_candidate`): exact words first;
    only typed words that are not words are looked up by typo, prefix and trigrams."""
    capped = (
        select(literal(1))
        .select_from(table)
        .where(table.word_id == SearchWord.id)
        .correlate(SearchWord)
        .limit(COMMON_ROWS + 1)
        .subquery()
    )
    columns = (
        SearchWord.id,
        SearchWord.word,
        select(func.count()).select_from(capped).scalar_subquery(),
    )
    exact = select(*columns).where(SearchWord.word.in_(typed))
    found = {word_id: (word, rows) for word_id, word, rows in await session.execute(exact)}
    missing = [word for word in typed if word not in {word for word, _ in found.values()}]
    if not missing:
        return found
    dialect = session.get_bind().dialect.name
    clauses: list[ColumnElement[bool]] = []
    variants = set().union(*(words.one_typo_variants(word) for word in missing))
    if variants:
        clauses.append(SearchWord.word.in_(sorted(variants)))
    for word in missing:
        if len(word) >= words.PREFIX_MIN_LENGTH:
            clauses.append(SearchWord.word.like(word + "%"))
        clauses.append(_trigram_near(SearchWord.word, word, dialect))
    for word_id, word, rows in await session.execute(select(*columns).where(or_(*clauses))):
        found[word_id] = (word, rows)
    return found


def _trigram_near(column: Any, word: str, dialect: str) -> ColumnElement[bool]:
    """pg_trgm's `%` (similarity ≥ 0.3, the vocabulary's trigram index) or its SQLite twin."""
    if dialect == "postgresql":
        near: ColumnElement[bool] = column.op("%", return_type=Boolean())(literal(word))
        return near
    return func.citizen_similarity(column, literal(word)) >= words.TRIGRAM_CANDIDATE


async def wanted_words(
    session: AsyncSession, table: type[AttractionWord] | type[EventWord], query: str
) -> tuple[list[dict[int, float]], dict[int, int]]:
    """For each word of the query, {vocabulary word id: quality} it stands for (maybe none);
    and the rows of `table` holding each of those words, counted up to just past `COMMON_ROWS`."""
    typed = words.query_words(query)
    if not typed:
        return [], {}
    vocabulary = await _vocabulary(session, table, typed)
    wanted = [
        words.alternatives(
            word, {i: v for i, (v, _) in vocabulary.items() if words.is_candidate(word, v)}
        )
        for word in typed
    ]
    return wanted, {word_id: rows for word_id, (_, rows) in vocabulary.items()}


def _scan(
    table: type[AttractionWord] | type[EventWord],
    word_ids: Sequence[int],
    *,
    dialect: str,
    without: Sequence[int],
    holding: Sequence[Sequence[int]] = (),
    category: AttractionCategory | None,
) -> Select[Any]:
    target = _target(table)
    statement = select(target, table.words).where(table.word_id.in_(list(word_ids)))
    if without:
        statement = statement.where(not_(_overlaps(table.words, without, dialect)))
    for ids in holding:
        statement = statement.where(_overlaps(table.words, ids, dialect))
    if category is not None:
        statement = statement.join(Attraction, Attraction.id == target).where(
            Attraction.category == category
        )
    return statement


def _score_columns(
    table: type[AttractionWord] | type[EventWord],
    matched: Sequence[dict[int, float]],
    dialect: str,
) -> tuple[ColumnElement[int], ColumnElement[Any]]:
    """`Score` in SQL: query words held, and the sum of their best qualities (rounded as
    `Score` rounds, so both order ties alike)."""
    held: list[ColumnElement[int]] = []
    qualities: list[ColumnElement[float]] = []
    for alternatives in matched:
        ranked = sorted(alternatives.items(), key=lambda item: -item[1])
        best = case(
            *[(_overlaps(table.words, [word_id], dialect), literal(q)) for word_id, q in ranked],
            else_=literal(0.0),
        )
        qualities.append(best)
        held.append(case((best > 0, literal(1)), else_=literal(0)))
    return (
        functools.reduce(operator.add, held),
        func.round(cast(functools.reduce(operator.add, qualities), Numeric()), 6),
    )


async def best_matches(
    session: AsyncSession, kind: Kind, query: str, *, category: AttractionCategory | None = None
) -> list[tuple[uuid.UUID, float]]:
    """(id, distance) of the `RELEVANCE_WINDOW` published rows of `kind` matching `query` best:
    most query words held, then best matched, then by id."""
    table = TABLES[kind]
    wanted, rows_holding = await wanted_words(session, table, query)
    matched = [alternatives for alternatives in wanted if alternatives]
    if not matched:
        return []
    dialect = session.get_bind().dialect.name
    window = text_search.RELEVANCE_WINDOW
    sizes = [sum(rows_holding[word_id] for word_id in alternatives) for alternatives in matched]
    order = sorted(range(len(matched)), key=lambda i: (sizes[i], i))
    found: dict[uuid.UUID, Score] = {}

    def add(rows: Iterable[tuple[uuid.UUID, list[int]]]) -> None:
        for target, row_words in rows:
            found[target] = Score.of(frozenset(row_words), matched)

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
                statement = _scan(
                    table, [word_id], dialect=dialect, without=seen, category=category
                )
                rows = await session.execute(statement.order_by(_target(table)).limit(window))
                add(rows)
            break
        if sizes[index] > COMMON_ROWS and await _filled_at_ceiling(
            session, table, remaining, dialect=dialect, without=seen, category=category, add=add
        ):
            break
        # Every row of this word is scored, in SQL: only the best window travels.
        every_row = _scan(
            table, list(alternatives), dialect=dialect, without=seen, category=category
        )
        held, quality = _score_columns(table, matched, dialect)
        best_rows = every_row.order_by(held.desc(), quality.desc(), _target(table)).limit(window)
        add(await session.execute(best_rows))
        seen += list(alternatives)
    words_typed = len(wanted)
    return [(target, score.distance(words_typed)) for target, score in best()]


async def _filled_at_ceiling(
    session: AsyncSession,
    table: type[AttractionWord] | type[EventWord],
    remaining: Sequence[dict[int, float]],
    *,
    dialect: str,
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
    statement = _scan(
        table, driving, dialect=dialect, without=without, holding=holding, category=category
    )
    window = text_search.RELEVANCE_WINDOW
    rows = (await session.execute(statement.order_by(_target(table)).limit(window))).all()
    if len(rows) < window:
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
