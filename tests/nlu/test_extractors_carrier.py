"""CarrierExtractor: exact and fuzzy carrier names, without everyday-word false positives."""

from __future__ import annotations

import pytest

from nlu.extractors import CarrierExtractor

EXTRACTOR = CarrierExtractor()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("envoyé par colisimo", "Colissimo"),
        ("fedx has it", "FedEx"),
        ("FedEx", "FedEx"),
        ("fed ex", "FedEx"),
        ("chronopst", "Chronopost"),
        ("chrono post", "Chronopost"),
        ("La Poste", "La Poste"),
        ("laposte", "La Poste"),
        ("Mondial relais", "Mondial Relay"),
        ("relais colis", "Relais Colis"),
        ("Royal mail", "Royal Mail"),
        ("sent with UPS", "UPS"),
        ("sent by ups", "UPS"),
        ("DHL express", "DHL"),
        ("dpd", "DPD"),
        ("amazon logistics", "Amazon Logistics"),
    ],
)
def test_carrier_finds_name(text: str, expected: str) -> None:
    assert [e.value for e in EXTRACTOR.extract(text)] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "ups and downs",
        "le poste de travail",
        "post office",
        "mon colis est en retard",
        "where is my package",
        "feed",
        "glass",
        "upset",
        "depot",
        "Amazon",
        "every day",
        "",
    ],
)
def test_carrier_ignores_everyday_words(text: str) -> None:
    assert EXTRACTOR.extract(text) == []


def test_carrier_exact_word_beats_fuzzy_two_word_reading() -> None:
    text = "colissimo a perdu mon colis"
    (entity,) = EXTRACTOR.extract(text)
    assert (entity.text, entity.value, entity.confidence) == ("colissimo", "Colissimo", 1.0)


def test_carrier_ignores_letters_inside_tracking_number() -> None:
    (entity,) = EXTRACTOR.extract("suivi colissimo 6A12345678901")
    assert entity.text == "colissimo"


def test_carrier_fuzzy_confidence_below_exact() -> None:
    (fuzzy,) = EXTRACTOR.extract("colisimo")
    (exact,) = EXTRACTOR.extract("colissimo")
    assert 0.88 <= fuzzy.confidence < exact.confidence == 1.0


def test_carrier_list_is_configurable() -> None:
    extractor = CarrierExtractor(carriers=["Poste Italiane"], min_score=90)
    assert [e.value for e in extractor.extract("via poste italiana")] == ["Poste Italiane"]
    assert extractor.extract("via DHL") == []
