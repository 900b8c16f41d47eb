"""PhoneExtractor: international, French, North American and British formats."""

from __future__ import annotations

import pytest

from nlu.extractors import PhoneExtractor

EXTRACTOR = PhoneExtractor()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+33 6 12 34 56 78", "+33612345678"),
        ("+33 (0)6 12 34 56 78", "+33612345678"),
        ("appelez le 06 12 34 56 78", "0612345678"),
        ("06.12.34.56.78", "0612345678"),
        ("0612345678", "0612345678"),
        ("call (555) 123-4567", "5551234567"),
        ("+1 (555) 123-4567", "+15551234567"),
        ("555-123-4567", "5551234567"),
        ("+44 20 7946 0018", "+442079460018"),
        ("07700 900123", "07700900123"),
        ("020 7946 0018", "02079460018"),
    ],
)
def test_phone_finds_number(text: str, expected: str) -> None:
    assert [e.value for e in EXTRACTOR.extract(text)] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "commande 0612345678",
        "order #1001",
        "2024-03-12",
        "12.03.2024",
        "112-1234567-1234567",
        "9400111899223197428490",
        "it cost 99.90",
        "+33",
        "",
    ],
)
def test_phone_ignores_non_phones(text: str) -> None:
    assert EXTRACTOR.extract(text) == []
