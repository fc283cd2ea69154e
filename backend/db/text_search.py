"""Accent-insensitive, typo-tolerant matching of text people type, written once and compiled per
dialect (like `spatial`).

Both sides are folded first: lower case, accents dropped, `đ`/`Đ` to `d`, so "dai noi" meets
"Đại Nội". PostgreSQL folds with `unaccent`, wrapped in the IMMUTABLE `citizen_fold` (created by
migration 0007) so that a pg_trgm GIN index can hold the folded text; SQLite runs the same fold
as a registered Python function. Matching is pg_trgm's `strict_word_similarity`: the trigram
similarity between the query and the best run of whole words of the text, so a typo ("thein mu")
or extra words ("Minh Mang tomb") still match. SQLite computes it in Python over word runs of
bounded length; both agree on which rows match for the short queries people type.

Ranking reads the best `RELEVANCE_WINDOW` matches nearest first by `1 - similarity` (pg_trgm's
`<<<->`), which PostgreSQL serves from a GiST trigram index without scoring every match (a KNN
scan, migration 0017): a common word ("chùa") matches a tenth of a large table, and scoring all
of those is what made ranking slow. The index's inner signatures are 512 bytes (migration 0026):
shorter ones have most bits set, so the threshold pruned nothing and a phrase matching few rows
walked most of the index.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from sqlalchemy import Float, Subquery, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Boolean

from backend.db.dialect import compiled_args

# pg_trgm's default `strict_word_similarity_threshold`: what `<<%` (index-served) accepts.
MATCH_THRESHOLD = 0.5
# Longest query folded and matched; longer input is refused by callers before SQL.
MAX_QUERY_LENGTH = 100
# How many of the best matches a ranked list can page through: the candidates are read by a
# nearest-first index scan whose cost grows with their number, and nobody reads past page three.
RELEVANCE_WINDOW = 60

_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower case without accents; `đ` becomes `d` (it has no decomposition in Unicode)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def _trigrams(words: list[str]) -> frozenset[str]:
    found: set[str] = set()
    for word in words:
        padded = f"  {word} "
        found.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(found)


@lru_cache(maxsize=1024)
def _query_words(query: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(fold(query)))


def strict_word_similarity(query: str, text: str) -> float:
    """pg_trgm's strict word similarity: the best trigram similarity between the query and a
    run of whole words of the text (runs up to two words longer than the query)."""
    wanted_words = _query_words(query)
    if not wanted_words:
        return 0.0
    wanted = _trigrams(list(wanted_words))
    words = _WORD.findall(fold(text))
    longest = len(wanted_words) + 2
    best = 0.0
    for start in range(len(words)):
        for end in range(start + 1, min(len(words), start + longest) + 1):
            extent = _trigrams(words[start:end])
            shared = len(wanted & extent)
            if shared:
                best = max(best, shared / (len(wanted) + len(extent) - shared))
    return best


class Matches(FunctionElement[bool]):
    """True where the text column matches the query well enough (index-served on PostgreSQL)."""

    type = Boolean()
    inherit_cache = True
    name = "text_matches"


class MatchDistance(FunctionElement[float]):
    """How far the text column is from the query, 0 (a perfect match) to 1: one minus the
    similarity, nearest first. Ordering by it alone walks PostgreSQL's GiST trigram index."""

    type = Float()
    inherit_cache = True
    name = "text_match_distance"


def matches(column: Any, query: str) -> Matches:
    return Matches(column, literal(query))


def match_distance(column: Any, query: str) -> MatchDistance:
    return MatchDistance(column, literal(query))


def best_matches(row_id: Any, column: Any, query: str, *where: ColumnElement[bool]) -> Subquery:
    """(id, distance) of the `RELEVANCE_WINDOW` rows matching `query` best among those meeting
    `where`. The window is the same statement on every page, so pages cut from it by (distance,
    id) neither repeat nor skip a row, however many rows tie on distance."""
    distance = match_distance(column, query)
    return (
        select(row_id.label("id"), distance.label("distance"))
        .where(*where, matches(column, query))
        .order_by(distance)
        .limit(RELEVANCE_WINDOW)
        .subquery()
    )


@compiles(Matches, "postgresql")
def _compile_matches_pg(element: Matches, compiler: SQLCompiler, **kw: Any) -> str:
    column, query = compiled_args(compiler, element, **kw)
    return f"(citizen_fold({query}) <<% citizen_fold({column}))"


@compiles(MatchDistance, "postgresql")
def _compile_distance_pg(element: MatchDistance, compiler: SQLCompiler, **kw: Any) -> str:
    column, query = compiled_args(compiler, element, **kw)
    # No cast: the index orders by the operator itself. Its float4 reads back exactly as a float.
    return f"(citizen_fold({query}) <<<-> citizen_fold({column}))"


@compiles(Matches, "sqlite")
def _compile_matches_sqlite(element: Matches, compiler: SQLCompiler, **kw: Any) -> str:
    column, query = compiled_args(compiler, element, **kw)
    return f"(citizen_word_similarity({query}, {column}) >= {MATCH_THRESHOLD})"


@compiles(MatchDistance, "sqlite")
def _compile_distance_sqlite(element: MatchDistance, compiler: SQLCompiler, **kw: Any) -> str:
    column, query = compiled_args(compiler, element, **kw)
    return f"(1.0 - citizen_word_similarity({query}, {column}))"


def _sqlite_similarity(query: str | None, text: str | None) -> float | None:
    if query is None or text is None:
        return None
    # pg_trgm computes in float4; rounding the same way keeps scores (and cursors) comparable.
    return round(strict_word_similarity(query, text), 6)


def register_sqlite_functions(dbapi_connection: Any) -> None:
    dbapi_connection.create_function("citizen_fold", 1, _sqlite_fold, deterministic=True)
    dbapi_connection.create_function(
        "citizen_word_similarity", 2, _sqlite_similarity, deterministic=True
    )


def _sqlite_fold(text: str | None) -> str | None:
    return None if text is None else fold(text)
