"""Interface texts come from the gettext catalogues: complete in Vietnamese and English, the
other languages falling back to English, then Vietnamese; content values fall back the same."""

from __future__ import annotations

import re
import shutil
import string
from pathlib import Path
from typing import Any

import pytest

from backend import i18n
from backend.app import create_app
from backend.i18n import (
    CatalogueError,
    Locale,
    Translated,
    catalogue_names,
    field_label,
    load_catalogues,
    messages,
    negotiate_locale,
    translate,
)
from backend.settings import Settings
from tests.support.graphql import only_error

ROOT = Path(__file__).resolve().parent.parent
RAISED_KEY = re.compile(
    r"\b(?:DomainError|Unauthenticated|Forbidden|NotFound|BadUserInput|Conflict|RateLimited)"
    r"\(\s*\"([a-z_.]+)\""
)
USED_KEY = re.compile(r"\b(?:from_catalogue|translate)\(\s*\"([a-z_.]+)\"")


def _params(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _keys_in_code() -> set[str]:
    found: set[str] = set()
    for folder in ("backend", "notifications"):
        for path in (ROOT / folder).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            found.update(RAISED_KEY.findall(source), USED_KEY.findall(source))
    return found


def test_every_key_raised_in_code_is_in_vietnamese_and_english() -> None:
    keys = _keys_in_code()
    assert len(keys) > 40  # the regex still finds the raises
    loaded = messages()
    for locale in (Locale.VI, Locale.EN):
        assert keys - loaded.keys(locale) == set(), locale


def test_vietnamese_and_english_are_complete_with_the_same_parameters() -> None:
    loaded = messages()
    vi, en = loaded.texts[Locale.VI], loaded.texts[Locale.EN]
    assert set(vi) == set(en) == set(loaded.origin)
    for key in vi:
        assert _params(vi[key]) == _params(en[key]), key


def test_other_languages_have_every_catalogue_and_keep_the_parameters() -> None:
    loaded = messages()
    vi = loaded.texts[Locale.VI]
    for locale in (Locale.FR, Locale.KO, Locale.ZH, Locale.JA):
        for name in catalogue_names():
            assert (i18n.LOCALES_DIR / locale.value / "LC_MESSAGES" / f"{name}.po").is_file()
        translated = loaded.texts[locale]
        assert translated, locale  # at least the most common texts
        for key, template in translated.items():
            assert _params(template) == _params(vi[key]), (locale, key)


def test_a_key_defined_by_two_catalogues_stops_start_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(i18n.LOCALES_DIR, tmp_path / "locales")
    for locale in Locale:
        folder = tmp_path / "locales" / locale.value / "LC_MESSAGES"
        (folder / "extra.po").write_text(
            'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
            'msgid "health.slot_full"\nmsgstr ""\n',
            encoding="utf-8",
        )
    with pytest.raises(CatalogueError, match=r"health\.slot_full.*'health' and 'extra'"):
        load_catalogues([*catalogue_names(), "extra"], tmp_path / "locales")

    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path / "locales")
    monkeypatch.setattr(i18n, "catalogue_names", lambda: ["core", "health", "extra"])
    messages.cache_clear()
    try:
        with pytest.raises(CatalogueError, match="defined by the catalogues"):
            create_app(Settings(CITIZEN_VAR_DIR=tmp_path))
    finally:
        monkeypatch.undo()
        messages.cache_clear()


def _catalogue(folder: Path, name: str, entries: dict[str, str]) -> None:
    body = "".join(f'msgid "{key}"\nmsgstr "{text}"\n\n' for key, text in entries.items())
    (folder / f"{name}.po").write_text(
        f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n{body}',
        encoding="utf-8",
    )


def test_field_labels_are_namespaced_by_catalogue(tmp_path: Path) -> None:
    for locale in Locale:
        folder = tmp_path / locale.value / "LC_MESSAGES"
        folder.mkdir(parents=True)
        _catalogue(folder, "traffic", {"field.traffic.start": "điểm đầu đoạn đường"})
        _catalogue(folder, "schools", {"field.schools.start": "ngày khai giảng"})
    loaded = load_catalogues(["traffic", "schools"], tmp_path)
    assert loaded.lookup("field.traffic.start", Locale.VI) == "điểm đầu đoạn đường"
    assert loaded.lookup("field.schools.start", Locale.VI) == "ngày khai giảng"

    for locale in Locale:
        _catalogue(
            tmp_path / locale.value / "LC_MESSAGES", "schools", {"field.traffic.start": "ngày"}
        )
    with pytest.raises(CatalogueError, match=r"field\.traffic\.start.*'schools'"):
        load_catalogues(["traffic", "schools"], tmp_path)


def test_a_refusal_names_its_field_with_its_own_domains_label() -> None:
    assert field_label("start", Locale.EN, "health") == "Start"
    assert field_label("input.phone", Locale.VI, "identity") == "số điện thoại"
    assert field_label("phone", Locale.EN) == "Phone number"  # no domain: the first that has it


def test_a_missing_catalogue_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="missing catalogue"):
        load_catalogues(["core"], tmp_path)


def test_french_where_translated_english_otherwise() -> None:
    assert translate("health.slot_full", Locale.FR) == (
        "Ce créneau est complet. Veuillez en choisir un autre."
    )
    assert translate("health.capacity", Locale.FR, max=4) == "Capacity must be between 1 and 4."
    assert translate("health.capacity", Locale.VI, max=4) == "Số người mỗi lượt phải từ 1 đến 4."
    assert field_label("password", Locale.JA) == "パスワード"
    assert field_label("fullName", Locale.ZH) == "Full name"
    assert field_label("noSuchField", Locale.EN) == "noSuchField"
    assert translate("no.such.key", Locale.EN) == translate("internal", Locale.EN)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, Locale.VI),
        ("", Locale.VI),
        ("de-DE", Locale.VI),
        ("*", Locale.VI),
        ("en-US", Locale.EN),
        ("fr-CA,fr;q=0.9,en;q=0.8", Locale.FR),
        ("en;q=0.3, ja;q=0.9", Locale.JA),
        ("de, ko;q=0.5, en;q=0.4", Locale.KO),
        ("zh-Hant", Locale.ZH),
        ("zh-TW,zh;q=0.9", Locale.ZH),
        ("zh-Hans-CN", Locale.ZH),
        ("fr;q=0, en", Locale.EN),
        ("vi-VN,vi;q=0.9,en;q=0.8", Locale.VI),
    ],
)
def test_accept_language_is_negotiated_by_quality(header: str | None, expected: Locale) -> None:
    assert negotiate_locale(header) is expected


def test_translated_values_fall_back_to_english_then_vietnamese() -> None:
    text = Translated.of("Đại Nội", "Imperial City", fr="Cité impériale")
    assert text.get(Locale.FR) == "Cité impériale"
    assert text.get(Locale.KO) == "Imperial City"
    assert Translated.of("Chợ Đông Ba").get(Locale.JA) == "Chợ Đông Ba"
    with pytest.raises(ValueError, match="Vietnamese"):
        Translated({"en": "only English"})
    with pytest.raises(ValueError, match="unknown languages"):
        Translated({"vi": "x", "de": "y"})


def test_catalogue_texts_render_in_every_language_they_have() -> None:
    title = Translated.from_catalogue("health.push.booked.title")
    assert title.get(Locale.VI) == "Đã đặt lịch khám"
    assert title.get(Locale.FR) == "Rendez-vous réservé"
    body = Translated.from_catalogue("health.push.booked.body", when="08:30", number=7)
    assert body.get(Locale.KO) == "Your appointment is at 08:30, queue number 7."


async def test_a_french_client_reads_french_or_english(api: Any) -> None:
    register = (
        "mutation($phone: String!, $name: String!) { register(input: "
        '{displayName: $name, password: "0123456789", phone: $phone}) { phone } }'
    )
    missing = await api(register, {"phone": "0905123456", "name": " "}, language="fr")
    assert only_error(missing)["message"] == "Le champ « nom d'affichage » est obligatoire."
    bad_phone = await api(register, {"phone": "12", "name": "An"}, language="fr-FR")
    assert only_error(bad_phone)["message"] == "Not a valid Vietnamese mobile number."
