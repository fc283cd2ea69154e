"""Whole-word search of attractions and events: the words of a text, the vocabulary words a
typed word stands for, and how well a row's words match a query.

A trigram index over whole names ranks badly when a word is common ("lăng" is in a fifth of a
large table): every row holding most of the query's trigrams must be scored before the best are
known. Here a name is its folded words, each row's word ids are kept beside it
(`tourism_*_words`), and a typed word is matched to vocabulary words first: exactly when it is
a known word, else by a typo (one letter swapped, dropped or changed), a prefix or trigram
similarity against the small vocabulary. Rows are ranked by how many query words they hold,
then by how well those words match, then by id (`Score`).

Chinese and Japanese names have no spaces: a run of their characters counts as its
overlapping pairs, so "天姥" finds "天姥寺".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from backend.db.text_search import fold, word_pair_similarity

# Query words beyond this many are ignored (a query is at most 100 characters).
MAX_QUERY_WORDS = 8
# Vocabulary words a typed word that is not itself a word may stand for, best first.
MAX_ALTERNATIVES = 3
# The least quality a vocabulary word must have to stand for a typed word.
MIN_QUALITY = 0.5
# pg_trgm's default `similarity_threshold`: what the vocabulary's trigram index (`%`) returns.
TRIGRAM_CANDIDATE = 0.3
# A typo of one letter (swapped, dropped, changed) in a word of at least this many letters.
TYPO_MIN_LENGTH = 4
TYPO_QUALITY = 0.8
# A typed word of at least this many letters may be the start of a longer word.
PREFIX_MIN_LENGTH = 3

_WORD = re.compile(r"[^\W_]+")
# Han, kana and their punctuation-free marks: scripts written without spaces between words.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def words_of(text: str) -> list[str]:
    """The distinct folded words of `text`, in order; unspaced runs as pairs of characters."""
    found: dict[str, None] = {}
    for word in _WORD.findall(fold(text)):
        for part in _split_unspaced(word):
            found.setdefault(part[:100], None)
    return list(found)


def _split_unspaced(word: str) -> list[str]:
    pieces: list[str] = []
    last = 0
    for run in _UNSPACED.finditer(word):
        if run.start() > last:
            pieces.append(word[last : run.start()])
        chars = run.group()
        pieces += [chars] if len(chars) == 1 else [chars[i : i + 2] for i in range(len(chars) - 1)]
        last = run.end()
    if last < len(word):
        pieces.append(word[last:])
    return pieces


@lru_cache(maxsize=1024)
def query_words(query: str) -> tuple[str, ...]:
    return tuple(words_of(query)[:MAX_QUERY_WORDS])


def similarity(a: str, b: str) -> float:
    """pg_trgm's `similarity` of two single words."""
    return word_pair_similarity(a, b)


def one_typo_variants(word: str) -> set[str]:
    """The word with two neighbouring letters swapped or one letter dropped: typos a trigram
    comparison misses ("thein" shares 2 of 10 trigrams with "thien")."""
    if len(word) < TYPO_MIN_LENGTH:
        return set()
    swapped = {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
    dropped = {word[:i] + word[i + 1 :] for i in range(len(word))}
    return (swapped | dropped) - {word}


def _one_edit_apart(a: str, b: str) -> bool:
    """One letter changed, dropped, added, or two neighbours swapped."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def quality(typed: str, word: str) -> float:
    """How well vocabulary `word` stands for `typed`: 1 when equal; else the best of a
    one-letter typo, a prefix (longer typed starts count more) and trigram similarity."""
    if typed == word:
        return 1.0
    best = similarity(typed, word)
    if len(typed) >= PREFIX_MIN_LENGTH and word.startswith(typed):
        best = max(best, 0.5 + 0.4 * len(typed) / len(word))
    if len(typed) >= TYPO_MIN_LENGTH and _one_edit_apart(typed, word):
        best = max(best, TYPO_QUALITY)
    return round(best, 6)


def is_candidate(typed: str, word: str) -> bool:
    """What the vocabulary lookup returns for `typed` (before `quality` picks the best)."""
    return (
        word == typed
        or word in one_typo_variants(typed)
        or (len(typed) >= PREFIX_MIN_LENGTH and word.startswith(typed))
        or similarity(typed, word) >= TRIGRAM_CANDIDATE
    )


def alternatives(typed: str, candidates: dict[int, str]) -> dict[int, float]:
    """{word id: quality} of the vocabulary words `typed` stands for: itself when it is a
    word, else the best few of `candidates` (id → word) good enough."""
    exact = [word_id for word_id, word in candidates.items() if word == typed]
    if exact:
        return {exact[0]: 1.0}
    scored = sorted(
        ((-quality(typed, word), word, word_id) for word_id, word in candidates.items()),
    )
    return {
        word_id: -negative
        for negative, _word, word_id in scored[:MAX_ALTERNATIVES]
        if -negative >= MIN_QUALITY
    }


@dataclass(frozen=True, order=True, slots=True)
class Score:
    """How a row matches a query: query words it holds, then the sum of their qualities."""

    matched: int
    quality: float

    @staticmethod
    def scorer(wanted: list[dict[int, float]]) -> Callable[[Iterable[int]], Score]:
        """How rows match one query, `wanted` holding each query word's alternatives (word id
        → quality): for each query word a row holds, its best alternative's quality. Each word
        id's (query word, quality) pairs are found once, so a row is scored by looking up its
        own words instead of scanning every query word."""
        by_word: dict[int, list[tuple[int, float]]] = {}
        for index, alternatives_ in enumerate(wanted):
            for word_id, q in alternatives_.items():
                by_word.setdefault(word_id, []).append((index, q))

        def score(row_words: Iterable[int]) -> Score:
            best: dict[int, float] = {}
            for word_id in row_words:
                for index, q in by_word.get(word_id, ()):
                    if q > best.get(index, 0):
                        best[index] = q
            # Summed in query order, so that equal matches round alike.
            return Score(len(best), round(sum(best[i] for i in sorted(best)), 6))

        return score

    def distance(self, words: int) -> float:
        """0 (every query word, exactly) to 1 (none): rows holding more query words are always
        nearer, whatever the qualities (`quality / words` stays below 1)."""
        return round(1 - (self.matched + self.quality / words) / (words + 1), 6)
