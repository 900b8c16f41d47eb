"""EntityConfig validation and the RuleExtractors bundle built from it."""

from __future__ import annotations

from datetime import datetime

import pytest

from nlu.errors import InvalidConfig
from nlu.extractors import EntityConfig, Extractor, RuleExtractors, build_rule_extractors

REFERENCE = datetime(2024, 3, 14, 10, 30)


def test_config_from_empty_dict_is_default() -> None:
    assert EntityConfig.from_dict({}) == EntityConfig()


def test_config_from_dict_overrides_values() -> None:
    config = EntityConfig.from_dict(
        {"carriers": ["Colissimo"], "day_first": {"en": True}, "order_id_patterns": [r"\bWS\d{6}\b"]}
    )
    assert config.carriers == ("Colissimo",)
    assert config.day_first == {"en": True, "fr": True}
    assert config.order_id_patterns == (r"\bWS\d{6}\b",)


def test_config_is_frozen() -> None:
    config = EntityConfig()
    with pytest.raises(AttributeError):
        config.carriers = ()  # type: ignore[misc]


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"colour": "red"}, "entities.colour"),
        ({"order_id_patterns": ["(unclosed"]}, "entities.order_id_patterns[0]"),
        ({"order_id_patterns": "#\\d+"}, "entities.order_id_patterns"),
        ({"order_context_words": ["order"]}, "entities.order_context_words"),
        ({"order_context_words": {"en": []}}, "entities.order_context_words.en"),
        ({"carriers": [""]}, "entities.carriers"),
        ({"carrier_min_score": 10}, "entities.carrier_min_score"),
        ({"carrier_min_score": True}, "entities.carrier_min_score"),
        ({"day_first": {"en": "yes"}}, "entities.day_first"),
        ({"max_scan_chars": 5}, "entities.max_scan_chars"),
    ],
)
def test_config_rejects_bad_value_naming_the_key(data: dict[str, object], key: str) -> None:
    with pytest.raises(InvalidConfig, match=key.replace("[", r"\[").replace("]", r"\]")):
        EntityConfig.from_dict(data)


def test_rule_extractors_satisfy_protocol() -> None:
    rules = build_rule_extractors(EntityConfig())
    assert all(isinstance(e, Extractor) for e in rules.extractors)
    assert {"order_id", "email", "tracking_number"} <= rules.entity_types


def test_extract_all_finds_every_type_in_one_message() -> None:
    rules = build_rule_extractors()
    text = (
        "Hi, order #1001 placed last Tuesday, sent by colisimo 6A12345678901, "
        "mail jane@example.com, tel 06 12 34 56 78"
    )
    found = {(e.entity, e.value) for e in rules.extract_all(text, "en", REFERENCE)}
    assert found == {
        ("order_id", "1001"),
        ("order_date", "2024-03-12"),
        ("carrier", "Colissimo"),
        ("tracking_number", "6A12345678901"),
        ("email", "jane@example.com"),
        ("phone", "0612345678"),
    }


def test_extract_all_scans_only_leading_characters() -> None:
    rules = RuleExtractors(build_rule_extractors().extractors, max_scan_chars=100)
    assert rules.extract_all("x" * 200 + " order #1001") == ()
