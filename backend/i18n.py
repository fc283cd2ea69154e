"""Texts for people in six languages, and the choice between them.

Interface texts live in gettext catalogues, one per domain (`Domain.catalogue`) plus `core` for
the shared ones: `backend/locales/<lang>/LC_MESSAGES/<catalogue>.po`, read with Babel when first
needed (the app loads them at start-up, so a broken catalogue stops it there). Message ids are
keys such as `health.slot_full`, with `{name}` parameters. Field labels are namespaced by their
catalogue, `field.<catalogue>.<name>` (`field.health.start`), so two domains may both name a field
`start`; a catalogue that defines another's label, or a key two catalogues define, stops start-up.
Vietnamese and English are complete; a text missing in another language falls back to English,
then Vietnamese. Content (place names, closure reasons, pushes) is a `Translated` value with
the same fallback.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale as BabelLocale
from babel import UnknownLocaleError
from babel.messages.pofile import read_po


class Locale(StrEnum):
    VI = "vi"
    EN = "en"
    FR = "fr"
    KO = "ko"
    ZH = "zh"
    JA = "ja"


DEFAULT_LOCALE = Locale.VI
LANGUAGES = frozenset(locale.value for locale in Locale)  # iterating an enum is slow: once
# Where a text is missing in the requested language, in this order.
FALLBACK: tuple[Locale, ...] = (Locale.EN, Locale.VI)

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
CORE_CATALOGUE = "core"
FIELD_PREFIX = "field."
# A catalogue entry flagged `#, machine` is a machine translation (shown, and said to be).
MACHINE_FLAG = "machine"


class CatalogueError(RuntimeError):
    """The catalogues cannot be loaded: a file is missing or a key is defined twice."""


def fallback_chain(locale: Locale) -> tuple[Locale, ...]:
    """The languages to try for `locale`: itself, then English, then Vietnamese."""
    return (locale, *(other for other in FALLBACK if other is not locale))


# Each language's fallback chain as plain codes: `Translated.get` runs for every text shown.
_CHAINS = {locale: tuple(c.value for c in fallback_chain(locale)) for locale in Locale}


@dataclass(frozen=True, slots=True)
class Messages:
    """Every catalogue's texts: language → key → template (untranslated texts left out)."""

    texts: Mapping[Locale, Mapping[str, str]]
    # key → the catalogue that defines it.
    origin: Mapping[str, str]
    # Per language, the keys whose text is flagged `#, machine` (machine quality).
    machine: Mapping[Locale, frozenset[str]] = dataclasses.field(default_factory=dict)

    def lookup(self, key: str, locale: Locale) -> str | None:
        found = self.resolve(key, locale)
        return found[0] if found else None

    def resolve(self, key: str, locale: Locale) -> tuple[str, Locale, bool] | None:
        """The template for `key` in the first language of `locale`'s chain that has it, that
        language, and whether its text is machine quality."""
        for candidate in fallback_chain(locale):
            template = self.texts.get(candidate, {}).get(key)
            if template:
                return template, candidate, key in self.machine.get(candidate, ())
        return None

    def keys(self, locale: Locale) -> set[str]:
        return set(self.texts.get(locale, {}))


def load_catalogues(names: Iterable[str], directory: Path = LOCALES_DIR) -> Messages:
    """Read `<directory>/<lang>/LC_MESSAGES/<name>.po` for every language and catalogue.

    A key may be defined by one catalogue only: a second definition is an error, whichever
    languages carry it.
    """
    texts: dict[Locale, dict[str, str]] = {locale: {} for locale in Locale}
    machine: dict[Locale, set[str]] = {locale: set() for locale in Locale}
    origin: dict[str, str] = {}
    for name in dict.fromkeys(names):
        for locale in Locale:
            path = directory / locale.value / "LC_MESSAGES" / f"{name}.po"
            if not path.is_file():
                raise CatalogueError(f"missing catalogue {path}")
            with path.open("rb") as handle:
                catalogue = read_po(handle, locale=locale.value, domain=name)
            for message in catalogue:
                key = message.id
                if not key or not isinstance(key, str):
                    continue
                if key in origin and origin[key] != name:
                    raise CatalogueError(
                        f"message key {key!r} is defined by the catalogues "
                        f"{origin[key]!r} and {name!r}"
                    )
                if key.startswith(FIELD_PREFIX) and not key.startswith(f"{FIELD_PREFIX}{name}."):
                    raise CatalogueError(
                        f"field label {key!r} in the catalogue {name!r}: "
                        f"its labels are named {FIELD_PREFIX}{name}.<field>"
                    )
                origin[key] = name
                if isinstance(message.string, str) and message.string and not message.fuzzy:
                    texts[locale][key] = message.string
                    if MACHINE_FLAG in message.flags:
                        machine[locale].add(key)
    return Messages(
        texts=texts,
        origin=origin,
        machine={locale: frozenset(keys) for locale, keys in machine.items()},
    )


def catalogue_names() -> list[str]:
    """`core` and every domain's catalogue, in domain order."""
    from backend.domains import all_domains

    return [CORE_CATALOGUE] + [d.catalogue for d in all_domains() if d.catalogue is not None]


@cache
def messages() -> Messages:
    """The loaded catalogues of every domain (read once per process)."""
    return load_catalogues(catalogue_names(), LOCALES_DIR)


def field_label(field: str, locale: Locale, catalogue: str | None = None) -> str:
    """How a field is named to people (the machine-readable path goes in `extensions`): the
    label of the catalogue whose operation refused it, else the first catalogue that has one.
    A path names its last field: `input.names[2]` is labelled as `names`."""
    leaf = field.rsplit(".", 1)[-1].split("[", 1)[0]
    loaded = messages()
    names = [catalogue] if catalogue else []
    for name in (*names, *catalogue_names()):
        label = loaded.lookup(f"{FIELD_PREFIX}{name}.{leaf}", locale)
        if label:
            return label
    return leaf


def render(template: str, params: Mapping[str, Any]) -> str:
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


def translate(key: str, locale: Locale, **params: Any) -> str:
    loaded = messages()
    template = loaded.lookup(key, locale) or loaded.lookup("internal", locale) or key
    return render(template, params)


@dataclass(frozen=True, slots=True)
class Translated:
    """A text in several languages (Vietnamese always); `get` falls back requested → en → vi."""

    texts: Mapping[str, str]

    def __post_init__(self) -> None:
        # Every row read builds one: keep this cheap.
        if not self.texts.get("vi"):
            raise ValueError("a translated text needs its Vietnamese version")
        if not LANGUAGES.issuperset(self.texts):
            unknown = set(self.texts) - LANGUAGES
            raise ValueError(f"unknown languages {sorted(unknown)}")

    @classmethod
    def of(cls, vi: str, en: str | None = None, **others: str | None) -> Translated:
        texts = {"vi": vi, "en": en, **others}
        return cls({code: text for code, text in texts.items() if text})

    @classmethod
    def from_catalogue(cls, key: str, **params: Any) -> Translated:
        """The catalogue text `key` rendered in every language that has it."""
        loaded = messages()
        texts: dict[str, str] = {}
        for locale in Locale:
            template = loaded.texts.get(locale, {}).get(key)
            if template:
                texts[locale.value] = render(template, params)
        if Locale.VI.value not in texts:
            raise KeyError(f"no Vietnamese text for {key!r}")
        return cls(texts)

    def get(self, locale: Locale) -> str:
        texts = self.texts
        for code in _CHAINS[locale]:
            text = texts.get(code)
            if text:
                return text
        return texts["vi"]

    @property
    def vi(self) -> str:
        return self.texts[Locale.VI.value]

    @property
    def en(self) -> str:
        return self.get(Locale.EN)

    def as_json(self) -> dict[str, str]:
        return dict(self.texts)


_SUPPORTED = sorted(LANGUAGES)
# Babel's aliases map `zh` to `zh_CN`; keep our short tags and let every Chinese variant match.
_REGIONAL = {"zh_hant": "zh", "zh_hans": "zh", "zh_tw": "zh", "zh_hk": "zh", "zh_cn": "zh"}


def negotiate_locale(accept_language: str | None) -> Locale:
    """Pick the best supported language of an Accept-Language header; Vietnamese by default."""
    if not accept_language:
        return DEFAULT_LOCALE
    preferred: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip().replace("-", "_")
        if not tag or tag == "*":
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            preferred.append((-quality, position, tag))
    ordered = [tag for _, _, tag in sorted(preferred)]
    # Each requested tag is tried in turn, most preferred first, also by its primary language.
    for tag in ordered:
        candidates = [_REGIONAL.get(tag.lower(), tag)]
        try:
            parsed = BabelLocale.parse(tag, sep="_")
            candidates.append(parsed.language)
        except (ValueError, TypeError, UnknownLocaleError):
            candidates.append(tag.split("_")[0])
        found = BabelLocale.negotiate(candidates, _SUPPORTED, sep="_")
        if found is not None:
            return Locale(found.language)
    return DEFAULT_LOCALE
