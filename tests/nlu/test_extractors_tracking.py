"""TrackingNumberExtractor: carrier formats, with context for the plain-digit ones."""

from __future__ import annotations

import pytest

from nlu.extractors import TrackingNumberExtractor

EXTRACTOR = TrackingNumberExtractor()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1Z999AA10123456784", "1Z999AA10123456784"),
        ("ups: 1z999aa10123456784", "1Z999AA10123456784"),
        ("1Z 999 AA1 01 2345 6784", "1Z999AA10123456784"),
        ("USPS 9400111899223197428490", "9400111899223197428490"),
        ("9400 1118 9922 3197 4284 90", "9400111899223197428490"),
        ("92001901755477000000000011", None),
        ("EA123456789US", "EA123456789US"),
        ("chronopost XX123456789FR", "XX123456789FR"),
        ("numéro de suivi 6A12345678901", "6A12345678901"),
        ("colis 8R12345678901", "8R12345678901"),
        ("tracking number 123456789012", "123456789012"),
        ("FedEx says 123456789012345 is stuck", "123456789012345"),
        ("DHL 1234567890", "1234567890"),
        ("JJD0099999999", "JJD0099999999"),
        ("TBA123456789012", "TBA123456789012"),
    ],
)
def test_tracking_finds_carrier_formats(text: str, expected: str | None) -> None:
    values = [e.value for e in EXTRACTOR.extract(text)]
    assert values == ([expected] if expected else [])


@pytest.mark.parametrize(
    "text",
    [
        "order 1234567890",
        "call 0612345678",
        "order 113542617735902",
        "123456789012",
        "SW1A 1AA",
        "#1001",
        "1Z999AA1012345678",  # one character short
        "",
    ],
)
def test_tracking_ignores_other_numbers(text: str) -> None:
    assert EXTRACTOR.extract(text) == []


def test_tracking_span_keeps_spaces_value_drops_them() -> None:
    text = "suivi: 1Z 999 AA1 01 2345 6784."
    (entity,) = EXTRACTOR.extract(text)
    assert text[entity.start : entity.end] == entity.text == "1Z 999 AA1 01 2345 6784"
    assert entity.value == "1Z999AA10123456784"
