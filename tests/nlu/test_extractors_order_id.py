"""RegexOrderIdExtractor: shop formats, context words, and the traps it must not fall into."""

from __future__ import annotations

import pytest

from nlu.extractors import EntityConfig, RegexOrderIdExtractor, build_rule_extractors

EXTRACTOR = RegexOrderIdExtractor()


def _values(text: str, language: str = "en") -> list[str]:
    return [e.value for e in EXTRACTOR.extract(text, language=language)]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Where is my order #1001?", "en", ["1001"]),
        # misspelt or glued order nouns (typing in a hurry)
        ("cancel purhase 370795561790", "en", ["370795561790"]),
        ("I try to locate oder 113542617735902", "en", ["113542617735902"]),
        ("need to see the ETA of theorder 113542617735902", "en", ["113542617735902"]),
        ("want help seeing order113542617735902 current status", "en", ["113542617735902"]),
        ("ma comande 4521 n'arrive pas", "fr", ["4521"]),
        # corrections: the right number first, the wrong one after (regression, dialogue flow step 8)
        ("sorry, it is 1002 not 1001", "en", ["1002", "1001"]),
        ("1002 not 1001", "en", ["1002", "1001"]),
        ("désolé, c'est la 1006 pas la 1005", "fr", ["1006", "1005"]),
        ("non, c'est 1006", "fr", ["1006"]),
        ("sorry I meant 1002", "en", ["1002"]),
        ("actually it's 1007", "en", ["1007"]),
        ("#1001", "en", ["1001"]),
        ("1001", "en", ["1001"]),
        ("it's 1001", "en", ["1001"]),
        ("my order number is 1001", "en", ["1001"]),
        ("order no. 1001 has not arrived", "en", ["1001"]),
        ("No. 1001", "en", ["1001"]),
        ("ref 48213 please", "en", ["48213"]),
        ("order ORD-12345 is late", "en", ["ORD-12345"]),
        ("ord-12345", "en", ["ORD-12345"]),
        ("00123842 is my order number", "en", ["00123842"]),
        ("order 113542617735902 not delivered", "en", ["113542617735902"]),
        ("Amazon order 112-1234567-1234567", "en", ["112-1234567-1234567"]),
        ("112-1234567-1234567", "en", ["112-1234567-1234567"]),
        ("my order 2023 is missing", "en", ["2023"]),
        ("où est ma commande 1001", "fr", ["1001"]),
        ("commande n° 1001", "fr", ["1001"]),
        ("n°1001", "fr", ["1001"]),
        ("numéro de commande : 55012", "fr", ["55012"]),
        ("ma commande « 1001 » n'est pas arrivée", "fr", ["1001"]),
        ('commande "1001" svp', "fr", ["1001"]),
        ("c'est 1001", "fr", ["1001"]),
        ("référence 778899", "fr", ["778899"]),
        ("commande 1001 et elle a coûté 45 €", "fr", ["1001"]),
        ("commande CMD-0042 livrée à 75011 Paris", "fr", ["CMD-0042"]),
        ("I think it's 1010", "en", ["1010"]),
        ("confirmation number 24580", "en", ["24580"]),
        ("Order status for 00987654?", "en", ["00987654"]),
        ("orders 1001 and 1002", "en", ["1001", "1002"]),
        ("order 1001 and 1500 €", "en", ["1001"]),
        ("fusionner la commande 7781 avec la 7782", "fr", ["7781", "7782"]),
        ("n°commande : 00987654", "fr", ["00987654"]),
        ("remboursement de l'achat 113542617735902", "fr", ["113542617735902"]),
        ("oups faute de frappe, 4512", "fr", ["4512"]),
    ],
)
def test_order_id_finds_order_numbers(text: str, language: str, expected: list[str]) -> None:
    assert _values(text, language) == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("it cost 99.90", "en"),
        ("I paid 1500 not 1200 euros", "en"),
        ("I can't see my bill #00108", "en"),
        ("je ne trouve pas la facture n° 37777", "fr"),
        ("my customer number is 44556677", "en"),
        ("I would like to reorder 5 of them", "en"),
        ("somewhere between 1002 and 1001", "en"),
        ("I paid $1200 for it", "en"),
        ("order total 45 €", "en"),
        ("ça m'a coûté 12,50 €", "fr"),
        ("j'ai payé 1500 euros", "fr"),
        ("ordered on 12/03", "en"),
        ("commandé le 2024-03-12", "fr"),
        ("delivered at 10:30", "en"),
        ("call me on 06 12 34 56 78", "en"),
        ("my phone is 0612345678", "en"),
        ("I ordered 2 items", "en"),
        ("3 pairs of socks and 1500 g of coffee", "en"),
        ("livraison au 75011 Paris", "fr"),
        ("ship to SW1A 1AA London", "en"),
        ("code postal 69003", "fr"),
        ("I have been a customer since 2019", "en"),
        ("where is my package? I ordered it 3 days ago", "en"),
        ("I ordered 12 weeks ago and it cost 1200", "en"),
        ("my package 113542617735902 has not come", "en"),
        ("tracking number 123456789012", "en"),
        ("where is my order", "en"),
        ("1500 €", "en"),
        ("€1500", "en"),
        ("2500 euros", "fr"),
        ("", "en"),
    ],
)
def test_order_id_ignores_traps(text: str, language: str) -> None:
    assert _values(text, language) == []


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("where is 1001", "en", ["1001"]),
        ("Where's 45821?", "en", ["45821"]),
        ("where is the 1001", "en", ["1001"]),
        ("où est 1003", "fr", ["1003"]),
        ("où en est la 1001 ?", "fr", ["1001"]),
        ("where is 100", "en", []),
        ("where is 2024", "en", []),
        ("where is the 1500 dollars refund", "en", []),
        ("où est 12,50", "fr", []),
        ("where is 75011 Paris", "en", []),
    ],
)
def test_order_id_where_is_announces_number(text: str, language: str, expected: list[str]) -> None:
    """Regression (dialogue audit B2): "where is 1001" as a first message was read as no order number."""
    assert _values(text, language) == expected


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("where is my package 1001? jane@example.com", "en", ["1001"]),
        ("my parcel 1001 hasn't arrived", "en", ["1001"]),
        ("où est mon colis 1001 ?", "fr", ["1001"]),
        ("le colis n° 4521 est en retard", "fr", ["4521"]),
        ("I ordered 2 parcels", "en", []),
        ("my package weighs 2000 g", "en", []),
        ("delivery 2024", "en", []),
        ("le colis pèse 1500 grammes", "fr", []),
        ("parcel 15501234567890", "en", []),  # that long, a tracking number
    ],
)
def test_order_id_parcel_noun_announces_short_number(text: str, language: str, expected: list[str]) -> None:
    """Regression (dialogue audit): "my package 1001" was not an order number, so Jane got a list instead."""
    assert _values(text, language) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1002, jane@example.com", ["1002"]),
        ("oh wait it's 1002, jane@example.com", ["1002"]),
        ("sorry, wrong number, it's 1002. email jane@example.com", ["1002"]),
        ("I paid 1002 from jane@example.com", []),
    ],
)
def test_order_id_number_beside_an_email_is_still_the_whole_message(text: str, expected: list[str]) -> None:
    """Regression (dialogue audit): a corrected number sent with the email was dropped."""
    assert _values(text) == expected


def test_order_id_value_drops_hash_but_text_keeps_it() -> None:
    (entity,) = EXTRACTOR.extract("commande #4410")
    assert (entity.text, entity.value) == ("#4410", "4410")


def test_order_id_value_upper_cases_letters() -> None:
    (entity,) = EXTRACTOR.extract("order ab-99123")
    assert entity.value == "AB-99123"


def test_order_id_value_uses_ascii_digits() -> None:
    (entity,) = EXTRACTOR.extract("commande n° ١٠٠١")
    assert (entity.text, entity.value) == ("١٠٠١", "1001")


def test_order_id_span_matches_text() -> None:
    text = "Bonjour, commande n°1001 svp"
    (entity,) = EXTRACTOR.extract(text, language="fr")
    assert text[entity.start : entity.end] == entity.text == "1001"
    assert entity.extractor == "regex_order_id"
    assert entity.confidence == 1.0


def test_order_id_bare_number_in_sentence_without_context_is_ignored() -> None:
    assert _values("hello 1001 is late, any news") == []


def test_order_id_custom_shop_pattern_is_used() -> None:
    extractor = RegexOrderIdExtractor(patterns=[r"\bWS\d{6}\b"], context_words={"en": ["order"]})
    assert [e.value for e in extractor.extract("hi, ws123456 never came")] == ["WS123456"]
    assert extractor.extract("hi, #1001 never came") == []


def test_order_id_yields_to_validated_tracking_number() -> None:
    rules = build_rule_extractors(EntityConfig())
    entities = rules.extract_all("order 1Z999AA10123456784 where is it")
    assert [(e.entity, e.value) for e in entities] == [("tracking_number", "1Z999AA10123456784")]


def test_order_id_wins_over_unformatted_phone_after_order_word() -> None:
    rules = build_rule_extractors(EntityConfig())
    entities = rules.extract_all("commande 0612345678", language="fr")
    assert [(e.entity, e.value) for e in entities] == [("order_id", "0612345678")]
