"""DateExtractor: absolute and relative dates in English and French, as ISO dates."""

from __future__ import annotations

from datetime import datetime

import pytest

from nlu.extractors import DateExtractor

REFERENCE = datetime(2024, 3, 14, 10, 30)  # a Thursday
EXTRACTOR = DateExtractor()


def _values(text: str, language: str = "en", extractor: DateExtractor = EXTRACTOR) -> list[str]:
    return [e.value for e in extractor.extract(text, language=language, reference_time=REFERENCE)]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("I ordered last Tuesday", "en", ["2024-03-12"]),
        ("j'ai commandé mardi dernier", "fr", ["2024-03-12"]),
        ("last Thursday", "en", ["2024-03-07"]),
        ("on Monday", "en", ["2024-03-11"]),
        ("jeudi", "fr", ["2024-03-14"]),
        ("3 days ago", "en", ["2024-03-11"]),
        ("two weeks ago", "en", ["2024-02-29"]),
        ("a month ago", "en", ["2024-02-14"]),
        ("il y a 3 jours", "fr", ["2024-03-11"]),
        ("il y a une semaine", "fr", ["2024-03-07"]),
        ("yesterday", "en", ["2024-03-13"]),
        ("hier", "fr", ["2024-03-13"]),
        ("avant-hier", "fr", ["2024-03-12"]),
        ("the day before yesterday", "en", ["2024-03-12"]),
        ("today", "en", ["2024-03-14"]),
        ("aujourd'hui", "fr", ["2024-03-14"]),
        ("le 12 mars", "fr", ["2024-03-12"]),
        ("le 1er mars 2023", "fr", ["2023-03-01"]),
        ("commandé le 3 fevrier", "fr", ["2024-02-03"]),
        ("March 12", "en", ["2024-03-12"]),
        ("on March 12th, 2023", "en", ["2023-03-12"]),
        ("12th of March", "en", ["2024-03-12"]),
        ("Tuesday, March 12", "en", ["2024-03-12"]),
        ("12/03", "fr", ["2024-03-12"]),
        ("12/03", "en", ["2023-12-03"]),
        ("25/02", "en", ["2024-02-25"]),
        ("12/03/2024", "fr", ["2024-03-12"]),
        ("12.03.2024", "fr", ["2024-03-12"]),
        ("2024-03-12", "en", ["2024-03-12"]),
        ("28 December", "en", ["2023-12-28"]),
        ("i placed it on the 2nd", "en", ["2024-03-02"]),
        # A year-less day is an order date, so never in the future; February has no 30th.
        ("on the 30th", "en", ["2024-01-30"]),
        ("it should arrive on the 30th", "en", ["2024-03-30"]),
        ("livraison prévue le 20 mars", "fr", ["2024-03-20"]),
        ("commandé le 20 mars", "fr", ["2023-03-20"]),
        ("la semaine dernière", "fr", ["2024-03-07"]),
        ("last week", "en", ["2024-03-07"]),
        ("le mois dernier", "fr", ["2024-02-14"]),
        ("ordered 10/03 and again yesterday", "en", ["2023-10-03", "2024-03-13"]),
    ],
)
def test_date_resolves_against_reference_time(text: str, language: str, expected: list[str]) -> None:
    assert _values(text, language) == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("order #1001", "en"),
        ("commande n°1001", "fr"),
        ("112-1234567-1234567", "en"),
        ("ORD-12345", "en"),
        ("it cost 99.90", "en"),
        ("12.50 €", "en"),
        ("ça fait 12,50 €", "fr"),
        ("call 06 12 34 56 78", "en"),
        ("+33 6 12 34 56 78", "fr"),
        ("delivered at 10:30", "en"),
        ("31/02", "fr"),
        ("99/99/9999", "en"),
        ("1Z999AA10123456784", "en"),
        ("I ordered 2 items", "en"),
        ("where is my parcel", "en"),
        ("", "en"),
    ],
)
def test_date_ignores_non_dates(text: str, language: str) -> None:
    assert _values(text, language) == []


def test_date_day_first_is_configurable_per_language() -> None:
    extractor = DateExtractor(day_first={"en": True, "fr": True})
    assert _values("12/03", "en", extractor) == ["2024-03-12"]


def test_date_span_and_metadata() -> None:
    text = "commandé le 12 mars, toujours rien"
    (entity,) = EXTRACTOR.extract(text, language="fr", reference_time=REFERENCE)
    assert text[entity.start : entity.end] == entity.text == "12 mars"
    assert (entity.entity, entity.extractor) == ("order_date", "rule_date")


def test_date_defaults_reference_time_to_now() -> None:
    (entity,) = EXTRACTOR.extract("today")
    assert entity.value == datetime.now().date().isoformat()


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("commandé le 1er mars.", "1er mars"),
        ("ordered on 3 Dec. and", "3 Dec"),
        ("le 12 déc. 2024", "12 déc. 2024"),
    ],
)
def test_date_span_leaves_a_sentence_full_stop_out(text: str, span: str) -> None:
    """Regression (NLU audit): "le 1er mars." took the sentence's full stop into the span."""
    [entity] = DateExtractor().extract(text, language="fr", reference_time=datetime(2025, 3, 10))
    assert entity.text == span and text[entity.start : entity.end] == span
