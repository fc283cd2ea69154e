"""Accent-insensitive, typo-tolerant matching of text people type, written once and compiled per
dialect (like `spatial`).

Both sides are folded first: lower case, accents dropped, `đ`/`Đ` to `d`, so "dai noi" meets
"Đại Nội". PostgreSQL folds with `unaccent`, wrapped in the IMMUTABLE `citizen_fold` (created by
migration 0007) so that a pg_trgm GIN index can hold the folded text; SQLite runs the same fold
as a registered Python function. Matching is pg_trgm's `strict_word_similarity`: the trigram
similarity between the query and the best run of whole words of the text, so a typo ("thein mu")
or extra words ("Minh Mang tomb") still match. SQLite computes it in Python over word runs of
bounded length; both agree on which rows match for the short queries people type.

This module filters; it does not rank. Tourism ranks by whole words (`backend/tourism/words.py`,
migration 0031): a trigram index cannot rank a phrase with a common word ("lăng" is in a fifth
of a large table) without scoring every row that holds most of the query's trigrams.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from sqlalchemy import literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Boolean

from backend.db.dialect import compiled_args

# pg_trgm's default `strict_word_similarity_threshold`: what `<<%` (index-served) accepts.
MATCH_THRESHOLD = 0.5
# Longest query folded and matched; longer input is refused by callers before SQL.
MAX_QUERY_LENGTH = 100
# How many of the best matches a ranked list can page through: nobody reads past page three.
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


def word_pair_similarity(word: str, other: str) -> float:
    """pg_trgm's `similarity` of two single folded words."""
    left, right = _trigrams([word]), _trigrams([other])
    shared = len(left & right)
    return shared / (len(left) + len(right) - shared)


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


def matches(column: Any, query: str) -> Matches:
    return Matches(column, literal(query))


@compiles(Matches, "postgresql")
def _compile_matches_pg(element: Matches, compiler: SQLCompiler, **kw: Any) -> str:
    column, query = compiled_args(compiler, element, **kw)
    return f"(citizen_fold({query}) <<% citizen_fold({column}))"


@compiles(Matches, "sqlite")
def _compile_matches_sqlite(element: Matches, compiler: SQLCompiler, **kw: Any) -> str:
    column, query = compiled_args(compiler, element, **kw)
    return f"(citizen_word_similarity({query}, {column}) >= {MATCH_THRESHOLD})"


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
    dbapi_connection.create_function(
        "citizen_similarity", 2, _sqliteword_pair_similarity, deterministic=True
    )


def _sqliteword_pair_similarity(word: str | None, other: str | None) -> float | None:
    """pg_trgm's `similarity` of two single folded words (the vocabulary's trigram lookup)."""
    if word is None or other is None:
        return None
    return word_pair_similarity(word, other)


def _sqlite_fold(text: str | None) -> str | None:
    return None if text is None else fold(text)
